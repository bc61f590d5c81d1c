-- Blind review that holds: a reviewer's card is locked once they have read the others' cards
-- (locked_at), and every content a card ever had is kept as a numbered version for admins.
-- Cards filed before this change start with their current content as version 1.
ALTER TABLE scorecards ADD COLUMN locked_at TIMESTAMP;
CREATE TABLE scorecard_versions (
    application_id TEXT NOT NULL,
    reviewer_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    district_resources INTEGER NOT NULL,
    customer_resources INTEGER NOT NULL,
    nev_experience INTEGER NOT NULL,
    after_sales INTEGER NOT NULL,
    financial_strength INTEGER NOT NULL,
    recommendation TEXT NOT NULL,
    comment TEXT,
    filed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, reviewer_id, version),
    FOREIGN KEY (application_id, reviewer_id) REFERENCES scorecards (application_id, reviewer_id)
);
INSERT INTO scorecard_versions
    SELECT application_id, reviewer_id, 1, district_resources, customer_resources,
        nev_experience, after_sales, financial_strength, recommendation, comment, updated_at
    FROM scorecards;
