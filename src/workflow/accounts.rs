//! Accounts: an applicant's registration and the e-mailed links that verify its address or
//! reset its password, staff invited and changed by admins, and admins made by the operator. Every change that alters what a
//! confirmed caller holds forgets it, so it takes effect from the next request on.

use chrono::Duration;
use uuid::Uuid;

use super::unit::Work;
use crate::db::one_time_tokens::{self, NewToken, Purpose};
use crate::db::users::{self, NewUser, StaffChanges, User};
use crate::db::{DbConnection, cities, refresh_tokens};
use crate::domain::account::{EmailAddress, Role};
use crate::error::{AppError, FieldError};
use crate::mail::Message;
use crate::mail::templates::{INVITATION_HOURS, PASSWORD_RESET_HOURS, VERIFY_EMAIL_HOURS};

/// Opens `user`'s account (409 `email_taken` if the address is in use) and mails the link that
/// verifies its address.
pub fn register(work: &mut Work<'_>, user: &NewUser<'_>) -> Result<User, AppError> {
    let now = work.now();
    users::insert(work, user, now)?;
    let ttl = Duration::hours(VERIFY_EMAIL_HOURS);
    let token = one_time_tokens::issue(work, user.id, Purpose::VerifyEmail, ttl, now)?;
    let message = Message::VerifyEmail {
        name: user.display_name.to_owned(),
        token,
    };
    work.mail(user.email, user.locale, message);
    found(work, user.id)
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

/// Mails a reset link to the active account with this address, if there is one; says nothing
/// either way, so that the answer does not tell who has an account.
///
/// Nor should its time: both ways take the same steps (a token made and hashed, the message
/// built and serialised as the outbox would keep it) up to the writes, which only an account's
/// link has (its token and its mail). The rate limits bound how often anyone can measure.
pub fn request_password_reset(work: &mut Work<'_>, email: &EmailAddress) -> Result<(), AppError> {
    let account = users::find_by_email(work, email.as_str())?.filter(|u| u.active);
    let link = ResetLink::make(account.as_ref(), email)?;
    let Some(user) = account else {
        return Ok(());
    };
    let now = work.now();
    let ttl = Duration::hours(PASSWORD_RESET_HOURS);
    one_time_tokens::store(work, &link.token, user.id, Purpose::PasswordReset, ttl, now)?;
    work.mail(user.email, user.locale, link.message);
    Ok(())
}

/// A password-reset link's makings, made the same way whether or not an account has the address.
struct ResetLink {
    token: NewToken,
    message: Message,
}

impl ResetLink {
    fn make(account: Option<&User>, email: &EmailAddress) -> Result<Self, AppError> {
        let token = NewToken::generate();
        let name = account.map_or_else(|| email.to_string(), |u| u.display_name.clone());
        let message = Message::PasswordReset {
            name,
            token: token.clear.clone(),
        };
        // As the outbox will keep it, whether or not it does.
        std::hint::black_box(serde_json::to_string(&message).map_err(anyhow::Error::from)?);
        Ok(Self { token, message })
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn account(email: &str) -> User {
        let now = chrono::Utc::now();
        User {
            id: Uuid::now_v7(),
            email: email.to_owned(),
            password_hash: None,
            display_name: "Li Wei".into(),
            role: Role::Applicant,
            locale: Locale::En,
            email_verified_at: None,
            active: true,
            version: 1,
            created_at: now,
            updated_at: now,
            dealer_group_id: None,
            sessions_valid_after: None,
        }
    }

    /// The time of a reset request must not tell whether the address has an account: up to the
    /// writes, the unknown address's branch makes what an account's does (finding 16). Timing
    /// the two would be flaky; the makings are compared instead.
    #[test]
    fn a_reset_link_is_made_alike_with_or_without_an_account() {
        let email = EmailAddress::parse("li.wei@example.com").expect("an address");
        let known = ResetLink::make(Some(&account(email.as_str())), &email).expect("made");
        let unknown = ResetLink::make(None, &email).expect("made");
        for link in [&known, &unknown] {
            assert_eq!(
                link.token.hash,
                crate::tokens::hash_token(&link.token.clear)
            );
            assert!(
                matches!(&link.message, Message::PasswordReset { token, .. } if *token == link.token.clear)
            );
        }
        assert_ne!(
            known.token.clear, unknown.token.clear,
            "a fresh token each time"
        );
    }
}
