DROP TABLE idempotency_keys;
DROP TABLE eligibility_reports;
DROP TABLE applications;
DROP TABLE eligibility_criteria;
DROP TABLE ranking_entries;
DROP INDEX users_dealer_group_idx;
ALTER TABLE users DROP COLUMN dealer_group_id;
DROP TABLE dealer_groups;
DROP EXTENSION IF EXISTS pg_trgm;
