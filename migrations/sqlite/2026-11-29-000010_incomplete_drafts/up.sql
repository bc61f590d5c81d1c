-- A draft may be saved before its investment, opening date and customers are known: these
-- become optional until submission, which checks that they are there. SQLite cannot drop a NOT
-- NULL constraint, so each column is copied into a new, nullable one under the same name (no
-- index, key or trigger uses them, so no table rebuild is needed).
ALTER TABLE applications ADD COLUMN investment_cny_draft BIGINT;
ALTER TABLE applications ADD COLUMN planned_opening_draft DATE;
ALTER TABLE applications ADD COLUMN customer_base_draft TEXT;
UPDATE applications
SET investment_cny_draft = investment_cny,
    planned_opening_draft = planned_opening,
    customer_base_draft = customer_base;
ALTER TABLE applications DROP COLUMN investment_cny;
ALTER TABLE applications DROP COLUMN planned_opening;
ALTER TABLE applications DROP COLUMN customer_base;
ALTER TABLE applications RENAME COLUMN investment_cny_draft TO investment_cny;
ALTER TABLE applications RENAME COLUMN planned_opening_draft TO planned_opening;
ALTER TABLE applications RENAME COLUMN customer_base_draft TO customer_base;
