-- A draft may be saved before its investment, opening date and customers are known: these
-- become optional until submission, which checks that they are there.
ALTER TABLE applications
    ALTER COLUMN investment_cny DROP NOT NULL,
    ALTER COLUMN planned_opening DROP NOT NULL,
    ALTER COLUMN customer_base DROP NOT NULL;
