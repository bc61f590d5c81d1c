//! Dealer groups: the owner registers the group's profile and keeps it current. A top-100 claim
//! is verified against the latest national ranking list whenever the profile is written.

use uuid::Uuid;

use super::unit::Work;
use crate::auth::principal::UserPrincipal;
use crate::db::dealer_groups::{self, DealerGroup};
use crate::db::events::NewEvent;
use crate::db::{DbConnection, applications, rankings, users};
use crate::domain::account::Role;
use crate::domain::dealer_group::Profile;
use crate::domain::event::EventAction;
use crate::domain::uscc::Uscc;
use crate::domain::workflow::Actor;
use crate::error::{AppError, FieldError, ProblemCode};

/// A profile as checked (USCC normalised, name trimmed), with its soft warnings.
pub struct CheckedProfile {
    pub profile: Profile,
    pub warnings: Vec<String>,
}

impl CheckedProfile {
    /// The profile as stored (USCC normalised, name trimmed) with its soft warnings; 422 on
    /// `uscc` when the code is malformed or its check character is wrong.
    pub fn check(mut profile: Profile) -> Result<Self, AppError> {
        let uscc = Uscc::parse(&profile.uscc)
            .map_err(|error| AppError::Validation(vec![FieldError::new("uscc", error.code())]))?;
        let warnings = uscc
            .warnings()
            .into_iter()
            .map(|w| w.code().to_owned())
            .collect();
        profile.uscc = uscc.as_str().to_owned();
        profile.legal_name = profile.legal_name.trim().to_owned();
        Ok(Self { profile, warnings })
    }
}

/// Registers group `id` with `owner` as its owner (409 `already_in_group` if the owner belongs
/// to one already); the owner's confirmed caller names the group from the next request on.
pub fn create(
    work: &mut Work<'_>,
    id: Uuid,
    owner: Uuid,
    checked: &CheckedProfile,
) -> Result<DealerGroup, AppError> {
    // Read again inside the transaction: the caller's cached view may be a second old.
    if users::find(work, owner)?
        .and_then(|u| u.dealer_group_id)
        .is_some()
    {
        return Err(AppError::Conflict(ProblemCode::AlreadyInGroup));
    }
    let verified = rank_verified(work, &checked.profile)?;
    let now = work.now();
    dealer_groups::insert(
        work,
        id,
        &checked.profile,
        &checked.warnings,
        verified,
        owner,
        now,
    )?;
    work.forget(owner);
    found(work, id)
}

/// Replaces the profile of `group` (as read, at its version: 412 otherwise) on behalf of its
/// owner `by`. Once the group has submitted an application its legal identity (legal name and
/// USCC) is fixed (409 `identity_locked`). The audit chain is per application, so a change is
/// recorded as an `update_group` event naming the changed fields on each of the group's
/// applications (a group without one has no timeline to record it in).
pub fn update(
    work: &mut Work<'_>,
    group: &DealerGroup,
    by: Uuid,
    checked: &CheckedProfile,
) -> Result<DealerGroup, AppError> {
    // A submission of one of its applications takes the same row (`moves`): the check below
    // sees a submission that committed while this waited.
    dealer_groups::lock(work, group.id)?;
    let (old, new) = (&group.profile, &checked.profile);
    if (old.legal_name != new.legal_name || old.uscc != new.uscc)
        && applications::group_has_submitted(work, group.id)?
    {
        return Err(AppError::Conflict(ProblemCode::IdentityLocked));
    }
    let changed = changed_fields(old, new)?;
    if !changed.is_empty() {
        let reason = format!("changed: {}", changed.join(", "));
        record_on_applications(
            work,
            group.id,
            (by, Actor::ApplicantOwner),
            EventAction::UpdateGroup,
            &reason,
        )?;
    }
    write_profile(work, group, checked)
}

/// Writes `checked` as the profile of `group` (at the version it was read), with its top-100
/// verification worked out again: 412 if the group changed meanwhile, 409 `uscc_taken` if
/// another group has the USCC.
pub(super) fn write_profile(
    work: &mut Work<'_>,
    group: &DealerGroup,
    checked: &CheckedProfile,
) -> Result<DealerGroup, AppError> {
    let verified = rank_verified(work, &checked.profile)?;
    let now = work.now();
    let updated = dealer_groups::update(
        work,
        group.id,
        group.version,
        &checked.profile,
        &checked.warnings,
        verified,
        now,
    )?;
    if !updated {
        return Err(AppError::VersionMismatch);
    }
    found(work, group.id)
}

/// Records `action` by `by` (an account and its part) with `reason` in the timeline of each of
/// the group's applications: the audit chain is per application, and a group without one has
/// no timeline to record it in.
pub(super) fn record_on_applications(
    work: &mut Work<'_>,
    group_id: Uuid,
    (by, actor_role): (Uuid, Actor),
    action: EventAction,
    reason: &str,
) -> Result<(), AppError> {
    for (application_id, status) in applications::of_group(work, group_id)? {
        work.record(NewEvent {
            application_id,
            actor_id: Some(by),
            actor_role,
            action,
            from_status: Some(status),
            to_status: status,
            reason_code: None,
            reason: Some(reason.to_owned()),
        });
    }
    Ok(())
}

/// The names of the profile's fields (as in the API) whose values differ.
fn changed_fields(old: &Profile, new: &Profile) -> Result<Vec<String>, AppError> {
    let as_map = |profile: &Profile| match serde_json::to_value(profile) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        _ => Err(AppError::Internal(anyhow::anyhow!(
            "a profile is a JSON object"
        ))),
    };
    let (old, new) = (as_map(old)?, as_map(new)?);
    Ok(new
        .iter()
        .filter(|(name, value)| old.get(*name) != Some(value))
        .map(|(name, _)| name.clone())
        .collect())
}

pub(super) fn found(conn: &mut DbConnection, id: Uuid) -> Result<DealerGroup, AppError> {
    dealer_groups::find(conn, id)?.ok_or(AppError::NotFound)
}

fn rank_verified(conn: &mut DbConnection, profile: &Profile) -> Result<bool, AppError> {
    rankings::is_verified(
        conn,
        &profile.uscc,
        &profile.legal_name,
        profile.national_rank_claim.is_some(),
    )
}

/// The group, if `user` may see it: admins every group, reviewers the groups that apply in
/// their cities, members their own; anyone else is told it does not exist (404).
pub fn visible(
    conn: &mut DbConnection,
    user: &UserPrincipal,
    id: Uuid,
) -> Result<DealerGroup, AppError> {
    let sees = match user.role {
        Role::Admin => true,
        Role::Reviewer => applications::group_applies_in(conn, id, &user.cities)?,
        Role::Applicant => user.dealer_group_id == Some(id),
    };
    if !sees {
        return Err(AppError::NotFound);
    }
    found(conn, id)
}

/// The group, if `user` may change it: visible to it (404) and owned by it (403).
pub fn owned(
    conn: &mut DbConnection,
    user: &UserPrincipal,
    id: Uuid,
) -> Result<DealerGroup, AppError> {
    let group = visible(conn, user, id)?;
    if group.owner_id != user.id {
        return Err(AppError::Forbidden);
    }
    Ok(group)
}
