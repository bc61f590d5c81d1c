//! Invitations into a dealer group: an owner invites an address in a role, the invitee (signed
//! in, verified, with that address) accepts with the mailed token and joins; an owner lists the
//! pending ones and may revoke them. Inviting an address again replaces its pending invitation,
//! so only the newest link works. Whether the address belongs to an account, to another group's
//! member or to staff is not told the inviter: it is checked when the invitation is accepted.

use chrono::Duration;
use uuid::Uuid;

use super::groups;
use super::members::{acting_owner, described};
use super::unit::Work;
use crate::auth::principal::UserPrincipal;
use crate::db::invitations::{self, Invitation, NewInvitation, Standing};
use crate::db::users::User;
use crate::db::{DbConnection, dealer_groups, members, users};
use crate::domain::account::{EmailAddress, Role};
use crate::domain::event::EventAction;
use crate::domain::member::{InvitationRequest, MemberRole};
use crate::error::{AppError, ProblemCode};
use crate::mail::Message;
use crate::mail::templates::GROUP_INVITATION_DAYS;
use crate::tokens::random_token;

/// Invites `request.email` into group `group_id` as one of its owners `caller` (403 otherwise,
/// 404 to whoever may not read the group): 409 `already_member` when the address is a member's.
/// The invitation `id` replaces the address's pending one; the address is mailed the link, in
/// its account's language when it has one, else the inviter's. Recorded as `invite_member`.
pub fn invite(
    work: &mut Work<'_>,
    caller: &UserPrincipal,
    group_id: Uuid,
    id: Uuid,
    request: &InvitationRequest,
) -> Result<Invitation, AppError> {
    let email =
        EmailAddress::parse(&request.email).ok_or_else(|| AppError::field("email", "email"))?;
    let group = acting_owner(work, caller, group_id)?;
    if !caller.email_verified {
        return Err(AppError::Refused(ProblemCode::EmailNotVerified));
    }
    let account = users::find_by_email(work, email.as_str())?;
    if account
        .as_ref()
        .is_some_and(|a| a.dealer_group_id == Some(group_id))
    {
        return Err(AppError::Conflict(ProblemCode::AlreadyMember));
    }
    let now = work.now();
    let replaced = invitations::revoke_open_for(work, group_id, email.as_str(), now)? > 0;
    let token = random_token();
    invitations::insert(
        work,
        &NewInvitation {
            id,
            dealer_group_id: group_id,
            email: email.as_str(),
            role: request.role,
            title: request.title.as_deref(),
            invited_by: caller.id,
            token: &token,
            expires_at: now + Duration::days(GROUP_INVITATION_DAYS),
        },
        now,
    )?;
    let mut reason = format!(
        "{} as {}",
        email,
        described(request.role, request.title.as_deref())
    );
    if replaced {
        reason.push_str(" (replaces the pending invitation)");
    }
    let by = (caller.id, MemberRole::Owner);
    groups::record_membership(
        work,
        group_id,
        by,
        EventAction::InviteMember,
        email.as_str(),
        &reason,
    )?;
    let (name, locale) = match account.filter(|a| a.active) {
        Some(account) => (account.display_name, account.locale),
        None => (email.to_string(), caller.locale),
    };
    work.mail(
        email.as_str(),
        locale,
        Message::GroupInvitation {
            name,
            token,
            inviter: caller.display_name.clone(),
            group: group.profile.legal_name,
            role: request.role,
            title: request.title.clone(),
        },
    );
    found(work, group_id, id)
}

/// The invitations of group `group_id` that may still be accepted, oldest first, for its
/// owners (403 to its other members and staff, 404 to whoever may not read the group).
pub fn pending(
    conn: &mut DbConnection,
    caller: &UserPrincipal,
    group_id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Invitation>, AppError> {
    groups::owned(conn, caller, group_id)?;
    invitations::pending_of_group(conn, group_id, now)
}

/// Invitation `invitation_id` of group `group_id`, in whatever standing, for its owners (403 to
/// its other members and staff, 404 to whoever may not read the group or for an unknown
/// invitation).
pub fn get(
    conn: &mut DbConnection,
    caller: &UserPrincipal,
    group_id: Uuid,
    invitation_id: Uuid,
) -> Result<Invitation, AppError> {
    groups::owned(conn, caller, group_id)?;
    found(conn, group_id, invitation_id)
}

/// Revokes invitation `invitation_id` of group `group_id` as one of its owners (403, 404 as for
/// `invite`; 404 for an unknown invitation). Revoking one revoked already changes nothing;
/// an accepted one cannot be (409 `invitation_used`: remove the member instead). Recorded as
/// `revoke_invitation` when it was pending.
pub fn revoke(
    work: &mut Work<'_>,
    caller: &UserPrincipal,
    group_id: Uuid,
    invitation_id: Uuid,
) -> Result<(), AppError> {
    acting_owner(work, caller, group_id)?;
    let invitation = found(work, group_id, invitation_id)?;
    let now = work.now();
    match invitation.standing(now) {
        Standing::Accepted => Err(AppError::Conflict(ProblemCode::InvitationUsed)),
        Standing::Revoked => Ok(()),
        Standing::Expired | Standing::Pending => {
            withdraw(work, &invitation, (caller.id, MemberRole::Owner), "")
        }
    }
}

/// Revokes the open invitations that `inviter`, an owner no more, sent into group `group_id`:
/// an invitation speaks for an owner, and one who is not may no longer invite. Recorded as
/// `revoke_invitation` by `by`, who took the role away.
pub(super) fn revoke_sent_by(
    work: &mut Work<'_>,
    group_id: Uuid,
    inviter: Uuid,
    by: (Uuid, MemberRole),
) -> Result<(), AppError> {
    for invitation in invitations::open_sent_by(work, group_id, inviter)? {
        withdraw(work, &invitation, by, " (the inviter is no owner now)")?;
    }
    Ok(())
}

/// Revokes open `invitation` as `by`; a pending one (one that could still be accepted, not an
/// expired one) is recorded as `revoke_invitation`, its address and role followed by `note`.
fn withdraw(
    work: &mut Work<'_>,
    invitation: &Invitation,
    by: (Uuid, MemberRole),
    note: &str,
) -> Result<(), AppError> {
    let now = work.now();
    let was = invitation.standing(now);
    invitations::revoke(work, invitation.id, now)?;
    if was != Standing::Pending {
        return Ok(());
    }
    let reason = format!(
        "{} as {}{note}",
        invitation.email,
        described(invitation.role, invitation.title.as_deref())
    );
    groups::record_membership(
        work,
        invitation.dealer_group_id,
        by,
        EventAction::RevokeInvitation,
        &invitation.email,
        &reason,
    )
}

/// Accepts the invitation whose mailed token is `token` as `caller`, who joins the group in
/// the invitation's role and title. Refusals, in this order: an unknown token 404; a used one
/// 410 `invitation_used`, a revoked or replaced one 410 `invitation_revoked`, an expired one 410
/// `invitation_expired`; staff 403 `forbidden`; an account of another address 403
/// `invitation_not_yours` (the invited address is not told); an unverified address 403
/// `email_not_verified`; an account in a group already (this one included) 409
/// `already_in_group`. Recorded as `join_group`; the caller's access changes with its next
/// request.
pub fn accept(work: &mut Work<'_>, caller: &UserPrincipal, token: &str) -> Result<User, AppError> {
    let invitation = invitations::find_by_token(work, token)?.ok_or(AppError::NotFound)?;
    let now = work.now();
    match invitation.standing(now) {
        Standing::Accepted => return Err(AppError::Gone(ProblemCode::InvitationUsed)),
        Standing::Revoked => return Err(AppError::Gone(ProblemCode::InvitationRevoked)),
        Standing::Expired => return Err(AppError::Gone(ProblemCode::InvitationExpired)),
        Standing::Pending => {}
    }
    // The account as stored now, not as cached.
    let user = users::find(work, caller.id)?
        .filter(|u| u.active)
        .ok_or(AppError::Unauthorized)?;
    if user.role != Role::Applicant {
        return Err(AppError::Forbidden);
    }
    if !user.email.eq_ignore_ascii_case(&invitation.email) {
        return Err(AppError::Refused(ProblemCode::InvitationNotYours));
    }
    if user.email_verified_at.is_none() {
        return Err(AppError::Refused(ProblemCode::EmailNotVerified));
    }
    if user.dealer_group_id.is_some() {
        return Err(AppError::Conflict(ProblemCode::AlreadyInGroup));
    }
    let group_id = invitation.dealer_group_id;
    dealer_groups::lock(work, group_id)?;
    if !invitations::accept(work, invitation.id, user.id, now)? {
        return Err(AppError::Gone(ProblemCode::InvitationUsed));
    }
    let title = invitation.title.as_deref();
    if !members::join(work, user.id, group_id, invitation.role, title, now)? {
        return Err(AppError::Conflict(ProblemCode::AlreadyInGroup));
    }
    let reason = format!(
        "{} joined as {}",
        user.email,
        described(invitation.role, title)
    );
    let by = (user.id, invitation.role);
    let subject = user.id.to_string();
    groups::record_membership(
        work,
        group_id,
        by,
        EventAction::JoinGroup,
        &subject,
        &reason,
    )?;
    work.forget(user.id);
    members::find(work, group_id, user.id)?.ok_or(AppError::NotFound)
}

fn found(conn: &mut DbConnection, group_id: Uuid, id: Uuid) -> Result<Invitation, AppError> {
    invitations::find(conn, group_id, id)?.ok_or(AppError::NotFound)
}
