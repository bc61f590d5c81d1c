//! `/api/v1/audit`: checks of the tamper-evident event chain.

pub mod verify;
