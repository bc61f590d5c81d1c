//! The one way to write: `Writer::write` runs a unit of work on the blocking pool and then
//! carries out what its commit left to do. Handlers reach it as `AppState::write`; background
//! jobs hold a `Writer` of their own.

use std::sync::Arc;

use super::unit::{AfterCommit, Work};
use crate::auth::principal_cache::PrincipalCache;
use crate::clock::Clock;
use crate::db::Db;
use crate::error::AppError;
use crate::jobs::Wakers;

#[derive(Clone)]
pub struct Writer {
    db: Db,
    clock: Arc<dyn Clock>,
    principals: Arc<PrincipalCache>,
    jobs: Wakers,
}

impl Writer {
    pub fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        principals: Arc<PrincipalCache>,
        jobs: Wakers,
    ) -> Self {
        Self {
            db,
            clock,
            principals,
            jobs,
        }
    }

    /// The database, for reads.
    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// Runs `change` as one unit of work (`Work`), then carries out its effects.
    pub async fn write<T, F>(&self, change: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Work<'_>) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let now = self.clock.now();
        // Carried out on the blocking thread, right after the commit: should the request be
        // dropped while it waits (the client went away), its effects still happen.
        let writer = self.clone();
        self.db
            .run(move |conn| {
                let (value, after) = Work::run(conn, now, change)?;
                writer.carry_out(after);
                Ok(value)
            })
            .await
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
