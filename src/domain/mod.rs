//! The product's rules and vocabulary, free of HTTP and SQL.

pub mod account;
pub mod application;
pub mod audit;
pub mod city;
pub mod dealer_group;
pub mod division;
pub mod document;
pub mod eligibility;
pub mod event;
pub mod exit;
pub mod identity_change;
pub mod loi;
pub mod maker;
pub mod member;
pub mod message;
pub mod review;
pub mod scope;
pub mod sessions;
pub mod sla;
pub mod text;
pub mod uscc;
pub mod workflow;
