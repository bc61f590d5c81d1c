//! Who is calling and what they may do: passwords, tokens, the principal extractor and its
//! policies, and the rate limits of the auth endpoints.

pub mod client_address;
pub mod hashing;
pub mod jwt;
pub mod password;
pub mod policy;
pub mod principal;
pub mod principal_cache;
pub mod rate_limit;

pub use policy::{Admin, AnyPrincipal, AnyUser, Authorized, InternalStaff, Policy, Staff};
pub use principal::Principal;

use std::sync::Arc;

use actix_web::{HttpRequest, web};

use crate::db::Db;
use crate::error::AppError;
use hashing::HashingPool;
use jwt::JwtKeys;
use principal_cache::PrincipalCache;
use rate_limit::AuthRateLimits;

/// What the auth extractors need while a request runs. It is app data of its own, beside the
/// application state (which holds the same), so that `auth` depends on nothing above it.
pub struct Authenticator {
    pub jwt: JwtKeys,
    /// Callers confirmed in the last second; a change that alters one forgets it.
    pub principals: Arc<PrincipalCache>,
    pub rate_limits: AuthRateLimits,
    /// Where passwords are hashed and verified, a few at a time.
    pub hashing: HashingPool,
    /// Where callers are confirmed.
    pub db: Db,
    /// Whether the client's address is the last `X-Forwarded-For` entry (`TRUST_PROXY_HEADERS`).
    pub trust_proxy_headers: bool,
}

impl Authenticator {
    /// The authenticator registered with the app.
    pub fn of(req: &HttpRequest) -> Result<&web::Data<Self>, AppError> {
        req.app_data::<web::Data<Self>>()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("authenticator missing")))
    }
}
