//! The background work of letters of intent: a reminder to the applicant a few days before a
//! letter runs out, and the `expire_loi` move once it has, with nobody calling.
//!
//! Safe with several replicas: a reminder is claimed by a guarded update before its mail is
//! queued, and an expiry is a version-guarded move, so of two processes only one does each.

use std::time::Duration;

use actix_web::web;
use tokio::sync::watch;

use crate::db::lois;
use crate::domain::loi::REMINDER_DAYS;
use crate::error::AppError;
use crate::state::AppState;
use crate::workflow::letters;

const BATCH: i64 = 50;

/// Runs until `stopped` turns true, every `interval`.
pub async fn run(
    state: web::Data<AppState>,
    interval: Duration,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        if let Err(error) = tick(&state).await {
            tracing::warn!(%error, "letter-of-intent work failed; retrying next round");
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// One round: reminders first (a letter about to expire still gets its reminder), then expiries.
pub async fn tick(state: &web::Data<AppState>) -> Result<(), AppError> {
    let now = state.clock.now();
    let remind_before = now + chrono::Duration::days(REMINDER_DAYS);
    let due = state
        .db
        .run(move |conn| lois::due_for_reminder(conn, remind_before, BATCH))
        .await?;
    for id in due {
        state.write(move |work| letters::remind(work, id)).await?;
    }
    let expired = state
        .db
        .run(move |conn| lois::expired(conn, now, BATCH))
        .await?;
    for id in expired {
        match state.write(move |work| letters::expire(work, id)).await {
            // Another process expired it first.
            Ok(()) | Err(AppError::VersionMismatch) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}
