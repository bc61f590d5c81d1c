//! Single-use tokens sent by e-mail: address verification, password reset and staff invitation
//! (an invitation is a password-reset token with a longer life).

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::one_time_tokens;
use crate::error::AppError;
use crate::tokens::{hash_token, random_token};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    PasswordReset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::PasswordReset => "password_reset",
        }
    }
}

/// Stores a new token and returns it in clear, to be mailed; only its hash is kept.
pub fn issue(
    conn: &mut DbConnection,
    user_id: Uuid,
    purpose: Purpose,
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = random_token();
    diesel::insert_into(one_time_tokens::table)
        .values((
            one_time_tokens::id.eq(Uuid::now_v7().to_string()),
            one_time_tokens::user_id.eq(user_id.to_string()),
            one_time_tokens::purpose.eq(purpose.as_str()),
            one_time_tokens::token_hash.eq(hash_token(&token)),
            one_time_tokens::created_at.eq(now.naive_utc()),
            one_time_tokens::expires_at.eq((now + ttl).naive_utc()),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Uses up every outstanding token of the account for `purpose`.
pub fn void_all_of_user(
    conn: &mut DbConnection,
    user_id: Uuid,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    diesel::update(
        one_time_tokens::table
            .filter(one_time_tokens::user_id.eq(user_id.to_string()))
            .filter(one_time_tokens::purpose.eq(purpose.as_str()))
            .filter(one_time_tokens::used_at.is_null()),
    )
    .set(one_time_tokens::used_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(())
}

/// `invalid_token` unless `token` is live (known, unused, unexpired), without using it up: a
/// cheap check to make before any costly work the token would authorise.
pub fn check_live(
    conn: &mut DbConnection,
    token: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    live(conn, token, purpose, now).map(|_| ())
}

/// The id and user of the live token `token`.
fn live(
    conn: &mut DbConnection,
    token: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<(String, String), AppError> {
    one_time_tokens::table
        .filter(one_time_tokens::token_hash.eq(hash_token(token)))
        .filter(one_time_tokens::purpose.eq(purpose.as_str()))
        .filter(one_time_tokens::used_at.is_null())
        .filter(one_time_tokens::expires_at.gt(now.naive_utc()))
        .select((one_time_tokens::id, one_time_tokens::user_id))
        .first(conn)
        .optional()?
        .ok_or(AppError::InvalidToken)
}

/// Uses up a live token and returns its user; `invalid_token` when it is unknown, used or expired.
/// Call inside a transaction with the change the token authorises.
pub fn consume(
    conn: &mut DbConnection,
    token: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let (id, user_id) = live(conn, token, purpose, now)?;
    let now = now.naive_utc();
    let updated = diesel::update(
        one_time_tokens::table
            .find(&id)
            .filter(one_time_tokens::used_at.is_null()),
    )
    .set(one_time_tokens::used_at.eq(now))
    .execute(conn)?;
    if updated != 1 {
        return Err(AppError::InvalidToken);
    }
    user_id
        .parse()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("one-time token {id}: bad user id")))
}
