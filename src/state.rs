//! What every handler can reach, built once at start-up, and the one way to write.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::auth::principal_cache::PrincipalCache;
use crate::auth::rate_limit::AuthRateLimits;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::error::AppError;
use crate::http::metrics::Metrics;
use crate::jobs::Wakers;
use crate::workflow::{AfterCommit, Work};

pub struct AppState {
    pub config: Config,
    pub db: Db,
    pub jwt: JwtKeys,
    /// Callers confirmed in the last second; a change that alters one forgets it
    /// (`Work::forget`).
    pub principals: PrincipalCache,
    /// Wakes a background job after a commit that gave it work (queued mail, webhook events),
    /// so that it runs at once instead of at its next interval.
    pub jobs: Wakers,
    pub clock: Arc<dyn Clock>,
    pub rate_limits: AuthRateLimits,
    pub metrics: Metrics,
}

impl AppState {
    /// Runs `change` as one unit of work (`workflow::Work`) on the blocking pool, then carries
    /// out its effects: every write goes through here.
    pub async fn write<T, F>(&self, change: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Work<'_>) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let now = self.clock.now();
        let (value, after) = self
            .db
            .run(move |conn| Work::run(conn, now, change))
            .await?;
        self.carry_out(after);
        Ok(value)
    }

    /// What a committed unit of work leaves to do outside the database.
    fn carry_out(&self, after: AfterCommit) {
        for id in after.forget {
            self.principals.forget(id);
        }
        for job in after.wake {
            self.jobs.wake(job);
        }
    }
}
