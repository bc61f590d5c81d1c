-- Intake: dealer-group profiles, the national ranking list, versioned eligibility criteria,
-- applications with their eligibility reports, and stored responses for Idempotency-Key.
-- Nested parts of a profile or an application (brands, sites, ...) are JSON text: they are read
-- and written whole, and never filtered on.

CREATE TABLE dealer_groups (
    id TEXT PRIMARY KEY,
    legal_name TEXT NOT NULL,
    -- The legal name normalised for matching against the ranking list.
    name_key TEXT NOT NULL,
    uscc TEXT NOT NULL UNIQUE,
    hq_city TEXT NOT NULL,
    hq_province TEXT NOT NULL,
    founded_year INTEGER NOT NULL,
    registered_capital_cny BIGINT NOT NULL,
    annual_revenue_cny BIGINT NOT NULL,
    stores_total INTEGER NOT NULL,
    rank_claim_year INTEGER,
    rank_claim_rank INTEGER,
    provinces TEXT NOT NULL,
    brands TEXT NOT NULL,
    after_sales TEXT NOT NULL,
    contact TEXT NOT NULL,
    rank_verified BOOLEAN NOT NULL DEFAULT FALSE,
    warnings TEXT NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users (id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX dealer_groups_created_idx ON dealer_groups (created_at, id);
CREATE INDEX dealer_groups_province_idx ON dealer_groups (hq_province, created_at, id);
CREATE INDEX dealer_groups_name_key_idx ON dealer_groups (name_key);

ALTER TABLE users ADD COLUMN dealer_group_id TEXT REFERENCES dealer_groups (id);
CREATE INDEX users_dealer_group_idx ON users (dealer_group_id);

CREATE TABLE ranking_entries (
    year INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    uscc TEXT,
    PRIMARY KEY (year, rank)
);
CREATE INDEX ranking_entries_uscc_idx ON ranking_entries (uscc);
CREATE INDEX ranking_entries_name_key_idx ON ranking_entries (name_key);

CREATE TABLE eligibility_criteria (
    version INTEGER PRIMARY KEY,
    rules TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    dealer_group_id TEXT NOT NULL REFERENCES dealer_groups (id),
    city_code TEXT NOT NULL REFERENCES cities (code),
    status TEXT NOT NULL,
    store_format TEXT NOT NULL,
    proposed_sites TEXT NOT NULL,
    investment_cny BIGINT NOT NULL,
    planned_opening DATE NOT NULL,
    customer_base TEXT NOT NULL,
    notes TEXT,
    score INTEGER,
    eligible BOOLEAN,
    version INTEGER NOT NULL DEFAULT 1,
    submitted_at TIMESTAMP,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One live application per group and city; an active partnership counts as live.
CREATE UNIQUE INDEX applications_one_live_idx ON applications (dealer_group_id, city_code)
    WHERE status NOT IN ('rejected', 'withdrawn', 'loi_declined', 'loi_expired');
-- Keyset pagination: one index per sort order (in its direction: score and submitted_at run
-- newest or highest first, ties by id ascending), and per common filter.
CREATE INDEX applications_created_idx ON applications (created_at, id);
CREATE INDEX applications_updated_idx ON applications (updated_at, id);
CREATE INDEX applications_submitted_idx ON applications (submitted_at DESC, id);
CREATE INDEX applications_score_idx ON applications (score DESC, id);
CREATE INDEX applications_city_created_idx ON applications (city_code, created_at, id);
CREATE INDEX applications_city_score_idx ON applications (city_code, score DESC, id);
CREATE INDEX applications_status_created_idx ON applications (status, created_at, id);
CREATE INDEX applications_group_idx ON applications (dealer_group_id, created_at, id);

CREATE TABLE eligibility_reports (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    criteria_version INTEGER NOT NULL REFERENCES eligibility_criteria (version),
    eligible BOOLEAN NOT NULL,
    score INTEGER NOT NULL,
    checks TEXT NOT NULL,
    evaluated_at TIMESTAMP NOT NULL
);
CREATE INDEX eligibility_reports_application_idx ON eligibility_reports (application_id, evaluated_at);

CREATE TABLE idempotency_keys (
    principal_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_method TEXT NOT NULL,
    request_path TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    -- The headers worth replaying (Location, ETag), as JSON pairs.
    response_headers TEXT NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (principal_id, idempotency_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
