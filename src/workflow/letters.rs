//! The letter of intent: its signature (the `sign_loi` move with its evidence), and the work
//! nobody asks for, run by the `LetterExpiry` job: a reminder to the applicant a few days before
//! a letter runs out, and the `expire_loi` move once it has. (Offering and declining are plain
//! moves.)
//!
//! Safe with several replicas: a reminder is claimed by a guarded update before its mail is
//! queued, and an expiry is a version-guarded move, so of two processes only one does each.

use chrono::{Duration, SecondsFormat};
use uuid::Uuid;

use super::access::Access;
use super::moves::{MoveRequest, Mover, perform};
use super::recipients::members_of;
use super::unit::Work;
use super::writer::Writer;
use crate::db::applications::{self, Application};
use crate::db::lois::{self, Signature};
use crate::domain::loi::REMINDER_DAYS;
use crate::domain::maker::MakerIdentity;
use crate::domain::workflow::{Action, Actor, Status};
use crate::error::AppError;
use crate::jobs::{Job, JobKind, Progress};
use crate::mail::Message;
use crate::mail::templates::PartnershipStep;

/// Signs the letter of `application` as the caller (an owner or a signatory of the group): the
/// `sign_loi` move, whose guards check the signer's name and title against the member's, the
/// hash the signer was shown and the expiry.
pub fn sign(
    work: &mut Work<'_>,
    access: &Access,
    application: &Application,
    signature: &Signature<'_>,
    maker: &MakerIdentity,
) -> Result<(), AppError> {
    let mover = Mover {
        actor: access.actor(application)?,
        user_id: access.user_id,
    };
    let request = MoveRequest {
        signature: Some(signature),
        maker: Some(maker),
        ..MoveRequest::default()
    };
    perform(work, application, Action::SignLoi, mover, &request).map(drop)
}

/// Reminds the group's members that the letter of `id` runs out soon, once: the reminder is claimed by a
/// guarded update first, so of several replicas only one sends it.
pub fn remind(work: &mut Work<'_>, id: Uuid) -> Result<(), AppError> {
    let now = work.now();
    if !lois::claim_reminder(work, id, now)? {
        return Ok(());
    }
    let Some(letter) = lois::find(work, id)? else {
        return Ok(());
    };
    let Some(application) = applications::find(work, id)? else {
        return Ok(());
    };
    for member in members_of(work, &application)? {
        let message = Message::Partnership {
            mail: member.mail(id),
            step: PartnershipStep::LoiExpiring,
            expires_at: Some(letter.expires_at.to_rfc3339_opts(SecondsFormat::Secs, true)),
            stores: Some(letter.terms.stores),
        };
        work.mail(member.email, member.locale, message);
    }
    Ok(())
}

/// Moves an unsigned letter that has run out to `loi_expired`, as the system. Of several
/// replicas trying, one moves it and the others get 412 (`AppError::VersionMismatch`).
pub fn expire(work: &mut Work<'_>, id: Uuid) -> Result<(), AppError> {
    let Some(application) = applications::find(work, id)? else {
        return Ok(());
    };
    if application.status != Status::LoiOffered {
        return Ok(());
    }
    let mover = Mover {
        actor: Actor::System,
        user_id: None,
    };
    perform(
        work,
        &application,
        Action::ExpireLoi,
        mover,
        &MoveRequest::default(),
    )
    .map(drop)
}

/// Letters looked at per query.
const BATCH: i64 = 50;

/// The job that reminds and expires letters, every interval.
pub struct LetterExpiry {
    pub writer: Writer,
}

impl Job for LetterExpiry {
    const KIND: JobKind = JobKind::LettersOfIntent;

    /// Reminders first (a letter about to expire still gets its reminder), then expiries;
    /// returns how many letters it looked at.
    async fn round(&self, progress: &Progress) -> Result<usize, AppError> {
        let writer = &self.writer;
        let mut handled = 0;
        let now = writer.clock().now();
        let remind_before = now + Duration::days(REMINDER_DAYS);
        let due = writer
            .db()
            .run(move |conn| lois::due_for_reminder(conn, remind_before, BATCH))
            .await?;
        for id in due {
            let _in_flight = progress.start();
            handled += 1;
            writer.write(move |work| remind(work, id)).await?;
        }
        let expired = writer
            .db()
            .run(move |conn| lois::expired(conn, now, BATCH))
            .await?;
        for id in expired {
            let _in_flight = progress.start();
            handled += 1;
            match writer.write(move |work| expire(work, id)).await {
                // Another process expired it first.
                Ok(()) | Err(AppError::VersionMismatch) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(handled)
    }
}
