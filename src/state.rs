//! What every handler can reach, built once at start-up.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::auth::principal_cache::PrincipalCache;
use crate::auth::rate_limit::AuthRateLimits;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::http::metrics::Metrics;
use crate::jobs::Wakers;
use crate::mail::MailComposer;

pub struct AppState {
    pub config: Config,
    pub db: Db,
    pub jwt: JwtKeys,
    /// Callers confirmed in the last second. Handlers that change an account or a client
    /// `forget` it after their commit.
    pub principals: PrincipalCache,
    pub mail: MailComposer,
    /// Wakes a background job after a commit that gave it work (queued mail, webhook events),
    /// so that it runs at once instead of at its next interval.
    pub jobs: Wakers,
    pub clock: Arc<dyn Clock>,
    pub rate_limits: AuthRateLimits,
    pub metrics: Metrics,
}
