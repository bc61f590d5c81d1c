//! `/api/v1/auth/*`: sign-up, e-mail verification (and its e-mail sent again), sign-in, token
//! refresh, sign-out, password reset and the integrators' client-credentials grant.

pub mod login;
pub mod logout;
pub mod password_reset;
pub mod refresh;
pub mod register;
pub mod resend_verification;
pub mod token;
pub mod verify_email;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::jwt::{JwtKeys, SubjectKind};
use crate::db::users::{self, User};
use crate::db::{DbConnection, refresh_tokens};
use crate::domain::sessions;
use crate::error::AppError;
use crate::tokens::{hash_token, random_token};

/// An access token and the refresh token that renews it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwMTk1NmYzYS0yYjRjLTdkOGUtOWYwMS0yMzQ1Njc4OWFiY2QiLCJraW5kIjoidXNlciIsImlzcyI6ImRlYWxlci1wb3J0YWwiLCJpYXQiOjE3NzI0NDM4MDAsImV4cCI6MTc3MjQ0NDcwMCwianRpIjoiMDE5NWEzYzItN2Y0ZS03YjIxLTljM2QtNWU2ZjdhOGI5YzBkIn0.J8YE8WJCbOJ1M8t-VUGnHxeo3h0sa0eCQEcnkD7kevY",
    "token_type": "Bearer",
    "expires_in": 900,
    "refresh_token": "4OSqYE_9I0uFXt49CyibNyVdC6UEcneu-a7zFc43luk"
}))]
pub struct TokenPair {
    /// JWT to send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Single-use token for `POST /api/v1/auth/refresh`.
    pub refresh_token: String,
}

/// Issues an access token and a refresh token in `family` (a new family on sign-in) for `user`
/// as read; None when its sessions were ended since, or it was deactivated (`users::hold_sessions`).
pub fn issue_token_pair(
    conn: &mut DbConnection,
    jwt: &JwtKeys,
    refresh_ttl: std::time::Duration,
    user: &User,
    family: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<TokenPair>, AppError> {
    if !users::hold_sessions(conn, user.id, user.sessions_valid_after)? {
        return Ok(None);
    }
    let refresh_token = random_token();
    let family = family.map_or_else(|| Uuid::now_v7().to_string(), str::to_owned);
    let expires_at = now + chrono::Duration::from_std(refresh_ttl).map_err(anyhow::Error::from)?;
    refresh_tokens::insert(
        conn,
        user.id,
        &family,
        &hash_token(&refresh_token),
        now,
        expires_at,
    )?;
    let issued_at = sessions::issued_at(now, user.sessions_valid_after);
    Ok(Some(TokenPair {
        access_token: jwt.issue(user.id, SubjectKind::User, issued_at)?,
        token_type: "Bearer",
        expires_in: jwt.ttl().as_secs(),
        refresh_token,
    }))
}
