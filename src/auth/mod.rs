//! Who is calling and what they may do: passwords, tokens, the principal extractor and its
//! policies, and the rate limits of the auth endpoints.

pub mod jwt;
pub mod password;
pub mod policy;
pub mod principal;
pub mod principal_cache;
pub mod rate_limit;
pub mod tokens;

pub use policy::{Admin, AnyPrincipal, AnyUser, Authorized, Policy, Staff};
pub use principal::Principal;
