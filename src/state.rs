//! What every handler can reach, built once at start-up, and the one way to write.

use std::sync::Arc;

use actix_web::web;

use crate::auth::Authenticator;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::workflow::{Work, Writer};

pub struct AppState {
    pub config: Config,
    pub db: Db,
    /// Tokens, the cache of confirmed callers and the rate limits (also app data of its own,
    /// for the auth extractors).
    pub auth: web::Data<Authenticator>,
    pub writer: Writer,
    pub clock: Arc<dyn Clock>,
    pub metrics: Metrics,
}

impl AppState {
    /// Runs `change` as one unit of work (`workflow::Work`) on the blocking pool, then carries
    /// out its effects (`workflow::Writer`): every write goes through here.
    pub async fn write<T, F>(&self, change: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Work<'_>) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.writer.write(change).await
    }
}
