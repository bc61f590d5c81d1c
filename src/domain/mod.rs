//! The product's rules and vocabulary, free of HTTP and SQL.

pub mod account;
pub mod scope;
