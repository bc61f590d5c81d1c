//! The letter of intent: its signature (the `sign_loi` move with its evidence), and the work
//! nobody asks for, the reminder before it runs out and its expiry. (Offering and declining are
//! plain moves.)

use chrono::SecondsFormat;
use uuid::Uuid;

use super::access::Access;
use super::moves::{MoveRequest, Mover, perform};
use super::recipients::owner_of;
use super::unit::Work;
use crate::db::applications::{self, Application};
use crate::db::lois::{self, Signature};
use crate::domain::workflow::{Action, Actor, Status};
use crate::error::AppError;
use crate::mail::Message;
use crate::mail::templates::PartnershipStep;

/// Signs the letter of `application` as the caller (the group's owner): the `sign_loi` move,
/// whose guards check the hash the signer was shown and the expiry.
pub fn sign(
    work: &mut Work<'_>,
    access: &Access,
    application: &Application,
    signature: &Signature<'_>,
) -> Result<(), AppError> {
    let mover = Mover {
        actor: access.actor(application)?,
        user_id: access.user_id,
    };
    let request = MoveRequest {
        signature: Some(signature),
        ..MoveRequest::default()
    };
    perform(work, application, Action::SignLoi, mover, &request).map(drop)
}

/// Reminds the owner that the letter of `id` runs out soon, once: the reminder is claimed by a
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
    let Some(owner) = owner_of(work, &application)? else {
        return Ok(());
    };
    let message = Message::Partnership {
        mail: owner.mail(id),
        step: PartnershipStep::LoiExpiring,
        expires_at: Some(letter.expires_at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        stores: Some(letter.terms.stores),
    };
    work.mail(owner.email, owner.locale, message);
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
