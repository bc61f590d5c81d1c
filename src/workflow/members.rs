//! The members of a dealer group: who reads the list, an owner changing a member's role and
//! title, and a member leaving or being removed. A group keeps at least one active owner
//! (409 `last_owner`). Every change is recorded on each of the group's applications, and the
//! member's cached caller is forgotten, so that its access changes with the next request.

use uuid::Uuid;

use super::groups;
use super::invitations::revoke_sent_by;
use super::unit::Work;
use crate::auth::principal::UserPrincipal;
use crate::db::dealer_groups::DealerGroup;
use crate::db::users::User;
use crate::db::{DbConnection, dealer_groups, members};
use crate::domain::event::EventAction;
use crate::domain::member::{MemberRole, MemberUpdate};
use crate::error::{AppError, ProblemCode};

/// The active members of group `group_id`, in the order they joined, for whoever may read the
/// group (`groups::visible`: its members, staff who see it; 404 to others).
pub fn list(
    conn: &mut DbConnection,
    user: &UserPrincipal,
    group_id: Uuid,
) -> Result<Vec<User>, AppError> {
    groups::visible(conn, user, group_id)?;
    Ok(members::of_group(conn, group_id)?
        .into_iter()
        .filter(|m| m.active)
        .collect())
}

/// The caller's role in group `group_id` as stored now (the cached caller may be a second old),
/// after taking the group's row: member changes of one group queue, so that two owners
/// demoting each other cannot leave it without one. 404 to whoever may not read the group.
pub(super) fn acting_member(
    work: &mut Work<'_>,
    caller: &UserPrincipal,
    group_id: Uuid,
) -> Result<Option<MemberRole>, AppError> {
    groups::visible(work, caller, group_id)?;
    dealer_groups::lock(work, group_id)?;
    Ok(members::find(work, group_id, caller.id)?.and_then(|m| m.group_role))
}

/// The group `group_id`, read under its row lock, if the caller is one of its owners now (403
/// otherwise; 404 as `acting_member`): what every owner-only write starts with, rather than the
/// cached caller's role.
pub fn acting_owner(
    work: &mut Work<'_>,
    caller: &UserPrincipal,
    group_id: Uuid,
) -> Result<DealerGroup, AppError> {
    match acting_member(work, caller, group_id)? {
        Some(MemberRole::Owner) => groups::found(work, group_id),
        _ => Err(AppError::Forbidden),
    }
}

/// 409 `last_owner` if taking `member`'s place as an owner would leave the group without an
/// active owner.
fn keeps_an_owner(conn: &mut DbConnection, member: &User, group_id: Uuid) -> Result<(), AppError> {
    if member.group_role == Some(MemberRole::Owner)
        && member.active
        && members::owners(conn, group_id)? <= 1
    {
        return Err(AppError::Conflict(ProblemCode::LastOwner));
    }
    Ok(())
}

/// The role and title of member `user_id` of group `group_id`, as one of its owners `caller`
/// may change them (403 otherwise; 404 as `update`), and the member's version (its account's),
/// which `If-Match` names: what a merge patch applies to.
pub fn changeable(
    work: &mut Work<'_>,
    caller: &UserPrincipal,
    group_id: Uuid,
    user_id: Uuid,
) -> Result<(MemberUpdate, i32), AppError> {
    acting_owner(work, caller, group_id)?;
    let member = members::find(work, group_id, user_id)?.ok_or(AppError::NotFound)?;
    let current = MemberUpdate {
        role: member.group_role.ok_or(AppError::NotFound)?,
        title: member.group_title,
    };
    Ok((current, member.version))
}

/// Gives member `user_id` of group `group_id` the role and title of `update`, as one of its
/// owners `caller` (403 otherwise; 404 for a group the caller may not read or an account that is
/// no member). Recorded as `change_member` when something changes.
pub fn update(
    work: &mut Work<'_>,
    caller: &UserPrincipal,
    group_id: Uuid,
    user_id: Uuid,
    update: &MemberUpdate,
) -> Result<User, AppError> {
    acting_owner(work, caller, group_id)?;
    let member = members::find(work, group_id, user_id)?.ok_or(AppError::NotFound)?;
    if update.role != MemberRole::Owner {
        keeps_an_owner(work, &member, group_id)?;
    }
    let before = (member.group_role, member.group_title.clone());
    if before != (Some(update.role), update.title.clone()) {
        let now = work.now();
        members::set_role(
            work,
            group_id,
            user_id,
            update.role,
            update.title.as_deref(),
            now,
        )?;
        let was = member.group_role.map_or("-", MemberRole::as_str);
        let reason = format!(
            "{}: {was} → {}",
            member.email,
            described(update.role, update.title.as_deref())
        );
        let by = (caller.id, MemberRole::Owner);
        let subject = user_id.to_string();
        groups::record_membership(
            work,
            group_id,
            by,
            EventAction::ChangeMember,
            &subject,
            &reason,
        )?;
        if member.group_role == Some(MemberRole::Owner) && update.role != MemberRole::Owner {
            revoke_sent_by(work, group_id, user_id, by)?;
        }
        work.forget(user_id);
    }
    members::find(work, group_id, user_id)?.ok_or(AppError::NotFound)
}

/// Takes member `user_id` out of group `group_id`: an owner removes anyone, any member removes
/// itself (leaves); others get 403, and whoever may not read the group or names no member 404.
/// The last active owner stays (409 `last_owner`). Recorded as `remove_member` or
/// `leave_group`; the member's access ends with its next request.
pub fn remove(
    work: &mut Work<'_>,
    caller: &UserPrincipal,
    group_id: Uuid,
    user_id: Uuid,
) -> Result<(), AppError> {
    let role = acting_member(work, caller, group_id)?;
    let leaving = caller.id == user_id;
    let Some(role) = role.filter(|r| leaving || *r == MemberRole::Owner) else {
        return Err(if role.is_some() || caller.role.is_staff() {
            AppError::Forbidden
        } else {
            AppError::NotFound
        });
    };
    let member = members::find(work, group_id, user_id)?.ok_or(AppError::NotFound)?;
    keeps_an_owner(work, &member, group_id)?;
    let now = work.now();
    members::remove(work, group_id, user_id, now)?;
    let by = (caller.id, role);
    let (action, reason) = if leaving {
        (EventAction::LeaveGroup, format!("{} left", member.email))
    } else {
        (
            EventAction::RemoveMember,
            format!("removed {}", member.email),
        )
    };
    groups::record_membership(work, group_id, by, action, &user_id.to_string(), &reason)?;
    if member.group_role == Some(MemberRole::Owner) {
        revoke_sent_by(work, group_id, user_id, by)?;
    }
    work.forget(user_id);
    Ok(())
}

/// A role as the timeline says it: `signatory (总经理)`.
pub(super) fn described(role: MemberRole, title: Option<&str>) -> String {
    match title {
        Some(title) => format!("{} ({title})", role.as_str()),
        None => role.as_str().to_owned(),
    }
}
