//! Changes of a dealer group's legal identity (legal name and USCC) after its first submission:
//! an owner asks, an admin approves (the profile changes, its USCC must be free, the top-100
//! verification is worked out again) or rejects. Each step is an event in the timeline of each
//! of the group's applications, and the owners are e-mailed the decision. Before the first
//! submission an owner edits the identity directly (`groups::update`).

use uuid::Uuid;

use super::groups::{self, CheckedProfile};
use super::members::acting_owner;
use super::unit::Work;
use crate::auth::principal::UserPrincipal;
use crate::db::dealer_groups::{self, DealerGroup};
use crate::db::identity_changes::{self, IdentityChange, NewIdentityChange};
use crate::db::{DbConnection, applications, members};
use crate::domain::dealer_group::Profile;
use crate::domain::event::EventAction;
use crate::domain::identity_change::{
    IdentityChangeRejection, IdentityChangeRequest, IdentityChangeStatus,
};
use crate::domain::member::MemberRole;
use crate::domain::workflow::Actor;
use crate::error::{AppError, FieldError, ProblemCode};
use crate::mail::Message;

/// Asks, as `user`, an owner of group `group_id`,, for the identity in `request` (request `id`):
/// 404/403 as for editing the group; 409 `identity_not_locked` before the group's first
/// submission (edit the profile instead), `identity_change_pending` while another request
/// awaits a decision; 422 on `uscc` (malformed) or on both fields (`unchanged`) when nothing
/// would change. Recorded as `request_identity_change`.
pub fn request(
    work: &mut Work<'_>,
    user: &UserPrincipal,
    group_id: Uuid,
    id: Uuid,
    request: &IdentityChangeRequest,
) -> Result<IdentityChange, AppError> {
    // Takes the row a submission takes (`moves`), so that a submission and a request do not
    // cross, and reads the caller's role under it.
    let group = acting_owner(work, user, group_id)?;
    if !applications::group_has_submitted(work, group.id)? {
        return Err(AppError::Conflict(ProblemCode::IdentityNotLocked));
    }
    let wanted = CheckedProfile::check(Profile {
        legal_name: request.legal_name.clone(),
        uscc: request.uscc.clone(),
        ..group.profile.clone()
    })?
    .profile;
    let current = &group.profile;
    if wanted.legal_name == current.legal_name && wanted.uscc == current.uscc {
        return Err(AppError::Validation(vec![
            FieldError::new("legal_name", "unchanged"),
            FieldError::new("uscc", "unchanged"),
        ]));
    }
    if identity_changes::has_pending(work, group.id)? {
        return Err(AppError::Conflict(ProblemCode::IdentityChangePending));
    }
    let now = work.now();
    identity_changes::insert(
        work,
        &NewIdentityChange {
            id,
            dealer_group_id: group.id,
            from_legal_name: &current.legal_name,
            from_uscc: &current.uscc,
            legal_name: &wanted.legal_name,
            uscc: &wanted.uscc,
            reason: &request.reason,
            requested_by: user.id,
        },
        now,
    )?;
    let change = found(work, group.id, id)?;
    let reason = format!("{}: {}", described(&change), request.reason);
    groups::record_on_applications(
        work,
        group.id,
        (user.id, Actor::Applicant(MemberRole::Owner)),
        EventAction::RequestIdentityChange,
        &reason,
    )?;
    Ok(change)
}

/// The requests of group `group_id`, newest first, for its members and for staff who see the
/// group (404 to whoever does not see it).
pub fn list(
    conn: &mut DbConnection,
    user: &UserPrincipal,
    group_id: Uuid,
) -> Result<Vec<IdentityChange>, AppError> {
    let group = groups::visible(conn, user, group_id)?;
    identity_changes::of_group(conn, group.id)
}

/// Approves request `change_id` of group `group_id` as the admin `by`: the group takes the new
/// identity (409 `uscc_taken` if another group has the USCC now), its top-100 verification and
/// USCC warnings are worked out again. 404 for an unknown group or request, 409
/// `identity_change_decided` for a request decided already. Recorded as
/// `approve_identity_change`; the group's owners are e-mailed.
pub fn approve(
    work: &mut Work<'_>,
    by: Uuid,
    group_id: Uuid,
    change_id: Uuid,
) -> Result<IdentityChange, AppError> {
    let (group, change) = pending(work, group_id, change_id)?;
    let checked = CheckedProfile::check(Profile {
        legal_name: change.legal_name.clone(),
        uscc: change.uscc.clone(),
        ..group.profile.clone()
    })?;
    groups::write_profile(work, &group, &checked)?;
    decide(
        work,
        &group,
        change,
        by,
        IdentityChangeStatus::Approved,
        None,
    )
}

/// Rejects request `change_id` of group `group_id` as the admin `by`, with the reasons in
/// `rejection`; the group keeps its identity. 404 and 409 as for `approve`. Recorded as
/// `reject_identity_change`; the group's owners are e-mailed the reasons.
pub fn reject(
    work: &mut Work<'_>,
    by: Uuid,
    group_id: Uuid,
    change_id: Uuid,
    rejection: &IdentityChangeRejection,
) -> Result<IdentityChange, AppError> {
    let (group, change) = pending(work, group_id, change_id)?;
    decide(
        work,
        &group,
        change,
        by,
        IdentityChangeStatus::Rejected,
        Some(&rejection.reason),
    )
}

/// The group (its row taken) and its request, which must still be pending.
fn pending(
    work: &mut Work<'_>,
    group_id: Uuid,
    change_id: Uuid,
) -> Result<(DealerGroup, IdentityChange), AppError> {
    dealer_groups::lock(work, group_id)?;
    let group = groups::found(work, group_id)?;
    let change = found(work, group_id, change_id)?;
    if change.status != IdentityChangeStatus::Pending {
        return Err(AppError::Conflict(ProblemCode::IdentityChangeDecided));
    }
    Ok((group, change))
}

/// Records the decision on `change`, in its group's timelines and in a mail to each of its owners.
fn decide(
    work: &mut Work<'_>,
    group: &DealerGroup,
    change: IdentityChange,
    by: Uuid,
    status: IdentityChangeStatus,
    reason: Option<&str>,
) -> Result<IdentityChange, AppError> {
    let now = work.now();
    if !identity_changes::decide(work, change.id, status, by, reason, now)? {
        return Err(AppError::Conflict(ProblemCode::IdentityChangeDecided));
    }
    let approved = status == IdentityChangeStatus::Approved;
    let (action, said) = if approved {
        (EventAction::ApproveIdentityChange, described(&change))
    } else {
        let reason = reason.unwrap_or_default();
        (
            EventAction::RejectIdentityChange,
            format!("{}: {reason}", described(&change)),
        )
    };
    groups::record_on_applications(work, group.id, (by, Actor::Admin), action, &said)?;
    let owners = members::of_group(work, group.id)?
        .into_iter()
        .filter(|m| m.active && m.group_role == Some(MemberRole::Owner));
    for owner in owners {
        work.mail(
            owner.email,
            owner.locale,
            Message::IdentityChangeDecided {
                name: owner.display_name,
                group_id: group.id,
                legal_name: change.legal_name.clone(),
                uscc: change.uscc.clone(),
                approved,
                reason: reason.map(str::to_owned),
            },
        );
    }
    found(work, group.id, change.id)
}

/// The change as the timeline says it: "legal_name: A → B; uscc: X → Y", the fields that change.
fn described(change: &IdentityChange) -> String {
    let mut parts = Vec::new();
    if change.from_legal_name != change.legal_name {
        parts.push(format!(
            "legal_name: {} → {}",
            change.from_legal_name, change.legal_name
        ));
    }
    if change.from_uscc != change.uscc {
        parts.push(format!("uscc: {} → {}", change.from_uscc, change.uscc));
    }
    parts.join("; ")
}

fn found(conn: &mut DbConnection, group_id: Uuid, id: Uuid) -> Result<IdentityChange, AppError> {
    identity_changes::find(conn, group_id, id)?.ok_or(AppError::NotFound)
}
