//! The background work of letters of intent: a reminder to the applicant a few days before a
//! letter runs out, and the `expire_loi` move once it has, with nobody calling.
//!
//! Safe with several replicas: a reminder is claimed by a guarded update before its mail is
//! queued, and an expiry is a version-guarded move, so of two processes only one does each.

use actix_web::web;

use crate::db::lois;
use crate::domain::loi::REMINDER_DAYS;
use crate::error::AppError;
use crate::jobs::{Job, JobKind, Progress};
use crate::state::AppState;
use crate::workflow::letters;

const BATCH: i64 = 50;

/// The job: run by `crate::jobs` every interval.
pub struct LetterExpiry {
    pub state: web::Data<AppState>,
}

impl Job for LetterExpiry {
    const KIND: JobKind = JobKind::LettersOfIntent;

    async fn round(&self, progress: &Progress) -> Result<usize, AppError> {
        tick(&self.state, progress).await
    }
}

/// One round: reminders first (a letter about to expire still gets its reminder), then expiries;
/// returns how many letters it looked at.
pub async fn tick(state: &web::Data<AppState>, progress: &Progress) -> Result<usize, AppError> {
    let mut handled = 0;
    let now = state.clock.now();
    let remind_before = now + chrono::Duration::days(REMINDER_DAYS);
    let due = state
        .db
        .run(move |conn| lois::due_for_reminder(conn, remind_before, BATCH))
        .await?;
    for id in due {
        let _in_flight = progress.start();
        handled += 1;
        state.write(move |work| letters::remind(work, id)).await?;
    }
    let expired = state
        .db
        .run(move |conn| lois::expired(conn, now, BATCH))
        .await?;
    for id in expired {
        let _in_flight = progress.start();
        handled += 1;
        match state.write(move |work| letters::expire(work, id)).await {
            // Another process expired it first.
            Ok(()) | Err(AppError::VersionMismatch) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(handled)
}
