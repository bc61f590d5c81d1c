//! Dealer groups: the founder registers the group's profile, and its owners keep it current. A top-100 claim
//! is verified against the latest national ranking list whenever the profile is written, and so
//! is a parent's place once an admin confirms that the group belongs to it. Staff look for groups
//! that may be one and the same, or siblings.

use uuid::Uuid;

use super::unit::Work;
use crate::auth::Principal;
use crate::auth::principal::UserPrincipal;
use crate::db::dealer_groups::{self, Candidate, DealerGroup};
use crate::db::events::NewEvent;
use crate::db::group_events::{self, GroupEvent, NewGroupEvent};
use crate::db::{DbConnection, applications, rankings, users};
use crate::domain::account::Role;
use crate::domain::dealer_group::{MatchKeys, Profile, SimilarReason};
use crate::domain::event::EventAction;
use crate::domain::member::MemberRole;
use crate::domain::scope::Scope;
use crate::domain::uscc::Uscc;
use crate::domain::workflow::{Actor, EventType};
use crate::error::{AppError, FieldError, ProblemCode};
use crate::webhooks::payload::DealerGroupChange;

/// A profile as checked (USCC normalised, name trimmed), with its soft warnings.
pub struct CheckedProfile {
    pub profile: Profile,
    pub warnings: Vec<String>,
}

impl CheckedProfile {
    /// The profile as stored (USCC normalised, places coded, name trimmed) with its soft
    /// warnings; 422 on `uscc` when the code is malformed or its check character is wrong, and
    /// on `parent.uscc` likewise or when it is the group's own (`own_parent`). Every error is
    /// named in one answer.
    pub fn check(profile: Profile) -> Result<Self, AppError> {
        let mut profile = profile.with_places_coded();
        let mut errors = Vec::new();
        let uscc = Uscc::parse(&profile.uscc)
            .map_err(|error| errors.push(FieldError::new("uscc", error.code())))
            .ok();
        if let Some(parent) = &mut profile.parent {
            match Uscc::parse(&parent.uscc) {
                Ok(code) if uscc.as_ref() == Some(&code) => {
                    errors.push(FieldError::new("parent.uscc", "own_parent"));
                }
                Ok(code) => parent.uscc = code.as_str().to_owned(),
                Err(error) => errors.push(FieldError::new("parent.uscc", error.code())),
            }
        }
        let Some(uscc) = uscc.filter(|_| errors.is_empty()) else {
            return Err(AppError::Validation(errors));
        };
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

/// Registers group `id` with `owner` as its founder and first owner (409 `already_in_group` if
/// that account belongs to one already); its confirmed caller names the group from the next
/// request on.
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
    let verified = rankings::verify(work, &checked.profile, false)?;
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
    let group = found(work, id)?;
    announce(work, EventType::DealerGroupCreated, &group)?;
    Ok(group)
}

/// Replaces the profile of `group` (as read, at its version: 412 otherwise) on behalf of its
/// owner `by`. Once the group has submitted an application its legal identity (legal name and
/// USCC) changes only through an identity change request (409 `identity_locked`; see
/// `super::identity`). The audit chain is per application, so a change is
/// recorded as an `update_group` event naming the changed fields on each of the group's
/// applications (a group without one has no timeline to record it in). A change of `parent`
/// clears an admin's confirmation of the relation.
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
            (by, Actor::Applicant(MemberRole::Owner)),
            EventAction::UpdateGroup,
            &reason,
        )?;
    }
    write_profile(work, group, checked)
}

/// Writes `checked` as the profile of `group` (at the version it was read), with its top-100
/// verification worked out again (through the parent while an admin's confirmation holds; a
/// changed `parent` clears it): 412 if the group changed meanwhile, 409 `uscc_taken` if another
/// group has the USCC.
pub(super) fn write_profile(
    work: &mut Work<'_>,
    group: &DealerGroup,
    checked: &CheckedProfile,
) -> Result<DealerGroup, AppError> {
    let parent_changed = group.profile.parent != checked.profile.parent;
    if parent_changed && group.affiliation.is_some() {
        dealer_groups::clear_affiliation(work, group.id)?;
    }
    let confirmed = group.affiliation.is_some() && !parent_changed;
    let verified = rankings::verify(work, &checked.profile, confirmed)?;
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
    let group = found(work, group.id)?;
    announce(work, EventType::DealerGroupUpdated, &group)?;
    Ok(group)
}

/// Tells integrators that `group` was registered or changed.
fn announce(work: &mut Work<'_>, event: EventType, group: &DealerGroup) -> Result<(), AppError> {
    let data = DealerGroupChange {
        dealer_group_id: group.id,
        version: group.version,
    };
    work.announce(event, &data)
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

/// Records a change of group `group_id`'s membership by member `by` (in the role it acted in):
/// `action` of `subject` (the member's account id, or the invited address), described by
/// `detail`. Kept with the group (`group_events`), so that a group without an application has
/// the record too, and in the timeline of each of its applications.
pub(super) fn record_membership(
    work: &mut Work<'_>,
    group_id: Uuid,
    (by, role): (Uuid, MemberRole),
    action: EventAction,
    subject: &str,
    detail: &str,
) -> Result<(), AppError> {
    let now = work.now();
    group_events::insert(
        work,
        &NewGroupEvent {
            dealer_group_id: group_id,
            actor_id: by,
            actor_group_role: role,
            action,
            subject,
            detail,
        },
        now,
    )?;
    record_on_applications(work, group_id, (by, Actor::Applicant(role)), action, detail)
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

/// Records that admin `by` has checked the evidence and confirmed that group `id` belongs to its
/// parent (409 `no_parent` when it names none), with `note` saying what was checked; the group is
/// verified through the parent from now on if the parent is in the ranking list's top 100. A
/// `verify_affiliation` event on each of the group's applications.
pub fn verify_affiliation(
    work: &mut Work<'_>,
    id: Uuid,
    by: Uuid,
    note: &str,
) -> Result<DealerGroup, AppError> {
    dealer_groups::lock(work, id)?;
    let group = found(work, id)?;
    if group.profile.parent.is_none() {
        return Err(AppError::Conflict(ProblemCode::NoParent));
    }
    let verified = rankings::verify(work, &group.profile, true)?;
    let now = work.now();
    dealer_groups::confirm_affiliation(work, id, by, note, verified, now)?;
    record_on_applications(
        work,
        id,
        (by, Actor::Admin),
        EventAction::VerifyAffiliation,
        note,
    )?;
    let group = found(work, id)?;
    announce(work, EventType::DealerGroupUpdated, &group)?;
    Ok(group)
}

/// At most this many related groups are listed.
pub const SIMILAR_LIMIT: i64 = 50;

/// Groups that may be related to group `id` (visible to `staff`: 404 otherwise), each with what
/// it shares with it; reviewers see only groups that apply in their cities.
pub fn similar(
    conn: &mut DbConnection,
    staff: &UserPrincipal,
    id: Uuid,
) -> Result<Vec<(Candidate, Vec<SimilarReason>)>, AppError> {
    let group = visible(conn, staff, id)?;
    let keys = MatchKeys::of(&group.profile);
    let cities = (staff.role != Role::Admin).then_some(staff.cities.as_slice());
    let candidates = dealer_groups::sharing_keys(conn, id, &keys, cities, SIMILAR_LIMIT)?;
    Ok(candidates
        .into_iter()
        .map(|candidate| {
            let reasons = keys.shared_with(&candidate.keys);
            (candidate, reasons)
        })
        .filter(|(_, reasons)| !reasons.is_empty())
        .collect())
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

/// The group, if `principal` may read it: people as `visible`; an integrator client with
/// `dealer_groups:read` every group (403 without the scope).
pub fn readable(
    conn: &mut DbConnection,
    principal: &Principal,
    id: Uuid,
) -> Result<DealerGroup, AppError> {
    match principal {
        Principal::User(user) => visible(conn, user, id),
        Principal::Client(client) if client.scopes.contains(&Scope::DealerGroupsRead) => {
            found(conn, id)
        }
        Principal::Client(_) => Err(AppError::Forbidden),
    }
}

/// The group, if `user` may change it: visible to it (404) and one of its owners (403).
pub fn owned(
    conn: &mut DbConnection,
    user: &UserPrincipal,
    id: Uuid,
) -> Result<DealerGroup, AppError> {
    let group = visible(conn, user, id)?;
    if !user.owns(group.id) {
        return Err(AppError::Forbidden);
    }
    Ok(group)
}

/// A page of group `id`'s membership record, oldest first after the keyset `after`, for whoever
/// may see the group (`visible`: its members, staff who see it; 404 to others).
pub fn events(
    conn: &mut DbConnection,
    user: &UserPrincipal,
    id: Uuid,
    after: Option<(chrono::DateTime<chrono::Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<GroupEvent>, AppError> {
    visible(conn, user, id)?;
    group_events::list(conn, id, after, limit)
}
