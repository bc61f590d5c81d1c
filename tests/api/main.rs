//! Integration tests: the real server over HTTP, on SQLite and PostgreSQL, with a real SMTP
//! server. `db_test!` runs a test once per backend.

// A test that cannot go on should stop right there, with the value that stopped it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod databases;
mod helpers;
mod smtp;
mod stories;

mod accounts;
mod affiliation;
mod api_clients;
mod applications;
mod browser;
mod changes;
mod cities;
mod cli;
mod cors;
mod dealer_groups;
mod documents;
mod drafts;
mod eligibility;
mod errors;
mod exits;
mod identity;
mod labels;
mod mail;
mod members;
mod messages;
mod openapi;
mod operations;
mod pages;
mod partnership;
mod places;
mod queue;
mod receiver;
mod reports;
mod review;
mod staff;
mod standards;
mod webhooks;
