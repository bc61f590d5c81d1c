//! Accounts: an applicant's registration and the e-mailed links that verify its address (sent
//! again on request) or reset its password, staff invited and changed by admins, and admins made
//! by the operator. Every change that alters what a confirmed caller holds forgets it, so it
//! takes effect from the next request on.

use chrono::Duration;
use uuid::Uuid;

use super::unit::Work;
use crate::db::one_time_tokens::{self, Purpose};
use crate::db::users::{self, NewUser, OwnChanges, StaffChanges, User};
use crate::db::{DbConnection, cities, refresh_tokens};
use crate::domain::account::{EmailAddress, Role};
use crate::error::{AppError, FieldError, ProblemCode};
use crate::mail::Message;
use crate::mail::templates::{INVITATION_HOURS, PASSWORD_RESET_HOURS, VERIFY_EMAIL_HOURS};

/// Opens `user`'s account (409 `email_taken` if the address is in use) and mails the link that
/// verifies its address.
pub fn register(work: &mut Work<'_>, user: &NewUser<'_>) -> Result<User, AppError> {
    let now = work.now();
    users::insert(work, user, now)?;
    let user = found(work, user.id)?;
    mail_verification_link(work, &user)?;
    Ok(user)
}

/// Mails the account a fresh link that verifies its address (409 `already_verified` once it
/// is). The links mailed before stop working: only the newest does, so that a link lying in an
/// old mail is worth nothing.
pub fn resend_verification(work: &mut Work<'_>, user_id: Uuid) -> Result<(), AppError> {
    let user = found(work, user_id)?;
    if user.email_verified_at.is_some() {
        return Err(AppError::Conflict(ProblemCode::AlreadyVerified));
    }
    let now = work.now();
    one_time_tokens::void_all_of_user(work, user.id, Purpose::VerifyEmail, now)?;
    mail_verification_link(work, &user)
}

fn mail_verification_link(work: &mut Work<'_>, user: &User) -> Result<(), AppError> {
    let (ttl, now) = (Duration::hours(VERIFY_EMAIL_HOURS), work.now());
    let token = one_time_tokens::issue(work, user.id, Purpose::VerifyEmail, ttl, now)?;
    let message = Message::VerifyEmail {
        name: user.display_name.clone(),
        token,
    };
    work.mail(user.email.clone(), user.locale, message);
    Ok(())
}

/// Marks the address of the token's account verified (400 `invalid_token` for a token that is
/// unknown, used or expired).
pub fn verify_email(work: &mut Work<'_>, token: &str) -> Result<(), AppError> {
    let now = work.now();
    let user_id = one_time_tokens::consume(work, token, Purpose::VerifyEmail, now)?;
    users::mark_email_verified(work, user_id, now)?;
    work.forget(user_id);
    Ok(())
}

/// Mails a reset link to the active account with this address, if there is one. The request's
/// answer neither says nor shows by its time who has an account: it is given before this runs
/// (`http::auth::password_reset::request_reset`).
pub fn request_password_reset(work: &mut Work<'_>, email: &EmailAddress) -> Result<(), AppError> {
    let Some(user) = users::find_by_email(work, email.as_str())?.filter(|u| u.active) else {
        return Ok(());
    };
    let now = work.now();
    let ttl = Duration::hours(PASSWORD_RESET_HOURS);
    let token = one_time_tokens::issue(work, user.id, Purpose::PasswordReset, ttl, now)?;
    let message = Message::PasswordReset {
        name: user.display_name,
        token,
    };
    work.mail(user.email, user.locale, message);
    Ok(())
}

/// Sets the password of the token's account and ends its sessions (`end_sessions`). The token
/// came by e-mail, so the address counts as verified too.
pub fn reset_password(
    work: &mut Work<'_>,
    token: &str,
    password_hash: &str,
) -> Result<(), AppError> {
    let now = work.now();
    let user_id = one_time_tokens::consume(work, token, Purpose::PasswordReset, now)?;
    users::set_password(work, user_id, password_hash, now)?;
    end_sessions(work, user_id)
}

/// Ends every session of the account: access tokens issued until now are refused (on other
/// replicas and processes within the second their confirmed callers are believed), refresh
/// tokens are revoked and outstanding reset or invitation links stop working.
pub fn end_sessions(work: &mut Work<'_>, user_id: Uuid) -> Result<(), AppError> {
    let now = work.now();
    // First: it holds the account's row, so a sign-in racing this change cannot slip a refresh
    // token past the revocation below (`users::hold_sessions`).
    users::end_sessions(work, user_id, now)?;
    refresh_tokens::revoke_all_of_user(work, user_id, now)?;
    one_time_tokens::void_all_of_user(work, user_id, Purpose::PasswordReset, now)?;
    work.forget(user_id);
    Ok(())
}

/// What `make_admin` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminAccount {
    Created,
    /// An admin's password and name were set again.
    Reset,
    /// An account of this role became an admin (`promote`).
    Promoted(Role),
    /// Nothing: an account of this role has the address, and `promote` was not given.
    NotPromoted(Role),
}

/// Makes `email` an active, verified admin with this password (the `create-admin` command). An
/// existing account of another role is made an admin only if `promote`: whoever registered the
/// address first must not become an admin unnoticed. An existing account's sessions end.
pub fn make_admin(
    work: &mut Work<'_>,
    email: &EmailAddress,
    display_name: &str,
    password_hash: &str,
    promote: bool,
) -> Result<AdminAccount, AppError> {
    let now = work.now();
    let existing = users::find_by_email(work, email.as_str())?;
    let outcome = match &existing {
        None => AdminAccount::Created,
        Some(user) if user.role == Role::Admin => AdminAccount::Reset,
        Some(user) if promote => AdminAccount::Promoted(user.role),
        Some(user) => return Ok(AdminAccount::NotPromoted(user.role)),
    };
    let id = users::upsert_admin(work, email.as_str(), display_name, password_hash, now)?;
    if existing.is_some() {
        end_sessions(work, id)?;
    }
    Ok(outcome)
}

/// Opens a staff account for `user` in `cities` (422 naming each unknown city) and mails the
/// invitation, whose link sets the password.
pub fn invite_staff(
    work: &mut Work<'_>,
    user: &NewUser<'_>,
    cities: &[String],
    inviter: &str,
) -> Result<User, AppError> {
    check_city_codes(work, cities)?;
    let now = work.now();
    users::insert(work, user, now)?;
    users::set_city_codes(work, user.id, cities)?;
    let ttl = Duration::hours(INVITATION_HOURS);
    let token = one_time_tokens::issue(work, user.id, Purpose::PasswordReset, ttl, now)?;
    let message = Message::StaffInvitation {
        name: user.display_name.to_owned(),
        token,
        inviter: inviter.to_owned(),
        role: user.role,
    };
    work.mail(user.email, user.locale, message);
    found(work, user.id)
}

/// Changes `member` (as read, at its version: 412 otherwise), and its cities when given.
pub fn update_staff(
    work: &mut Work<'_>,
    member: &User,
    changes: &StaffChanges,
    cities: Option<&[String]>,
) -> Result<User, AppError> {
    let now = work.now();
    if !users::update_staff(work, member.id, member.version, changes, now)? {
        return Err(AppError::VersionMismatch);
    }
    if let Some(codes) = cities {
        check_city_codes(work, codes)?;
        users::set_city_codes(work, member.id, codes)?;
    }
    // Deactivation, a new role or new cities take effect from the next request on; the first two
    // end the sessions started before.
    let new_role = changes.role.is_some_and(|role| role != member.role);
    let deactivated = changes.active == Some(false) && member.active;
    if new_role || deactivated {
        end_sessions(work, member.id)?;
    }
    work.forget(member.id);
    found(work, member.id)
}

fn found(conn: &mut DbConnection, id: Uuid) -> Result<User, AppError> {
    users::find(conn, id)?.ok_or(AppError::NotFound)
}

/// 422 naming each code that is not a city of the plan (`city_codes[2]`).
fn check_city_codes(conn: &mut DbConnection, codes: &[String]) -> Result<(), AppError> {
    let unknown = cities::unknown_codes(conn, codes)?;
    if unknown.is_empty() {
        return Ok(());
    }
    Err(AppError::Validation(
        codes
            .iter()
            .enumerate()
            .filter(|(_, code)| unknown.contains(code))
            .map(|(i, _)| FieldError::new(format!("city_codes[{i}]"), "unknown_city"))
            .collect(),
    ))
}

/// Writes a person's changes to its own account (`PATCH /me`) if it is still at the version read
/// (412 otherwise), and answers the account as it is now. The cached caller carries the name and
/// the language, so it is forgotten.
pub fn update_own(
    work: &mut Work<'_>,
    account: &User,
    changes: &OwnChanges<'_>,
) -> Result<User, AppError> {
    let now = work.now();
    if !users::update_own(work, account.id, account.version, changes, now)? {
        return Err(AppError::VersionMismatch);
    }
    work.forget(account.id);
    users::find(work, account.id)?.ok_or(AppError::NotFound)
}
