//! The background work of letters of intent: a reminder to the applicant a few days before a
//! letter runs out, and the `expire_loi` move once it has, with nobody calling.
//!
//! Safe with several replicas: a reminder is claimed by a guarded update before its mail is
//! queued, and an expiry is a version-guarded move, so of two processes only one does each.

use actix_web::web;

use crate::db::{applications, lois, write_transaction};
use crate::domain::loi::REMINDER_DAYS;
use crate::domain::workflow::{Action, Actor, Status};
use crate::error::AppError;
use crate::jobs::{Job, JobKind, Progress};
use crate::mail::templates::PartnershipStep;
use crate::mail::{self, Message};
use crate::state::AppState;
use crate::transitions::{self, MoveRequest, Mover, owner_of};

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
        let task = state.clone();
        handled += 1;
        state
            .db
            .run(move |conn| write_transaction(conn, |conn| remind(conn, &task, id, now)))
            .await?;
    }
    let expired = state
        .db
        .run(move |conn| lois::expired(conn, now, BATCH))
        .await?;
    for id in expired {
        let _in_flight = progress.start();
        let task = state.clone();
        handled += 1;
        let result = state
            .db
            .run(move |conn| write_transaction(conn, |conn| expire(conn, &task, id, now)))
            .await;
        match result {
            // Another process expired it first.
            Ok(()) | Err(AppError::VersionMismatch) => {}
            Err(error) => return Err(error),
        }
    }
    if handled > 0 {
        state.jobs.wake(JobKind::Mail);
        state.jobs.wake(JobKind::Webhooks);
    }
    Ok(handled)
}

fn remind(
    conn: &mut crate::db::DbConnection,
    state: &AppState,
    id: uuid::Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    if !lois::claim_reminder(conn, id, now)? {
        return Ok(());
    }
    let Some(letter) = lois::find(conn, id)? else {
        return Ok(());
    };
    let Some(application) = applications::find(conn, id)? else {
        return Ok(());
    };
    let Some(owner) = owner_of(conn, &application)? else {
        return Ok(());
    };
    let expires_at = letter
        .expires_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let message = Message::Partnership {
        mail: owner.mail(id),
        step: PartnershipStep::LoiExpiring,
        expires_at: Some(&expires_at),
        stores: Some(letter.terms.stores),
    };
    mail::enqueue(conn, &state.mail, &owner.email, owner.locale, &message, now)
}

fn expire(
    conn: &mut crate::db::DbConnection,
    state: &AppState,
    id: uuid::Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let Some(application) = applications::find(conn, id)? else {
        return Ok(());
    };
    if application.status != Status::LoiOffered {
        return Ok(());
    }
    let mover = Mover {
        actor: Actor::System,
        user_id: None,
    };
    transitions::perform(
        conn,
        &state.mail,
        &application,
        Action::ExpireLoi,
        mover,
        &MoveRequest::default(),
        now,
    )
    .map(drop)
}
