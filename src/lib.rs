//! dealer-portal: the backend of a car maker's dealer-partner recruitment and onboarding portal.
//!
//! Floors, top-down: `http` (one file per operation) → `domain` (rules, no I/O) and `db`
//! (queries). Shared mechanisms: `error`, `auth`, `mail`, `jobs` (the background work's runner),
//! `config`, `openapi`.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod i18n;
pub mod jobs;
pub mod loi;
pub mod mail;
pub mod metrics;
pub mod openapi;
pub mod private_files;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod tokens;
pub mod webhooks;
pub mod workflow;
