-- Exits: an admin may rescind an offered letter (`loi_rescinded`) or terminate a partnership
-- (`terminated`). Neither is live, so the group may apply for the city again; and a letter may
-- close as `rescinded`. Places are counted in store points from the letters' `stores` when they
-- are read, so no stored figure needs migrating.
DROP INDEX applications_one_live_idx;
CREATE UNIQUE INDEX applications_one_live_idx ON applications (dealer_group_id, city_code)
    WHERE status NOT IN ('rejected', 'withdrawn', 'loi_declined', 'loi_expired', 'loi_rescinded', 'terminated');

ALTER TABLE lois DROP CONSTRAINT lois_status_check;
ALTER TABLE lois ADD CONSTRAINT lois_status_check
    CHECK (status IN ('offered', 'signed', 'declined', 'expired', 'withdrawn', 'rescinded'));
