use actix_web::{HttpResponse, post, web};
use secrecy::SecretString;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::rate_limit::{AccountAction, AddressThrottle};
use crate::db::one_time_tokens::{self, Purpose};
use crate::domain::account::{EmailAddress, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::state::AppState;
use crate::workflow::accounts;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"email": "li.wei@example.com"}))]
pub struct PasswordResetRequest {
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254, example = "li.wei@example.com")]
    pub email: String,
}

/// Ask for a password-reset e-mail.
///
/// Always 202, whether or not an account has this address, so that the answer does not reveal
/// which addresses have accounts. The e-mail's link carries a `token` for
/// `POST /api/v1/auth/password-reset/confirm`.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If an account has this address, a reset e-mail is on its way"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset")]
pub async fn request_reset(
    throttle: AddressThrottle,
    state: web::Data<AppState>,
    ValidatedJson(body): ValidatedJson<PasswordResetRequest>,
) -> Result<HttpResponse, AppError> {
    let Some(email) = EmailAddress::parse(&body.email) else {
        return Ok(HttpResponse::Accepted().finish());
    };
    throttle.check_account(AccountAction::PasswordReset, email.as_str())?;
    // Answered before the address is looked up, so that how long the answer takes says nothing
    // of whether an account has it. The link follows by e-mail; a failure here is only logged
    // (the caller can ask again).
    let state = state.into_inner();
    actix_web::rt::spawn(async move {
        let queued = state
            .write(move |work| accounts::request_password_reset(work, &email))
            .await;
        if let Err(error) = queued {
            tracing::warn!(%error, "could not queue a password reset");
        }
    });
    Ok(HttpResponse::Accepted().finish())
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "token": "NDn9NcR0JUKSESKfV57v8umSe4NDpotHKVy-0ghqnUw",
    "new_password": "a long new passphrase 2026"
}))]
pub struct PasswordResetConfirm {
    /// The `token` query parameter of the reset or invitation link.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub token: String,
    /// At least 12 characters.
    #[validate(length(min = PASSWORD_MIN_CHARS, max = PASSWORD_MAX_CHARS))]
    #[schema(min_length = 12, max_length = 128, format = Password)]
    pub new_password: String,
}

/// Set a new password with the token from a reset or invitation e-mail.
///
/// Signs the account out everywhere (refresh tokens revoked, access tokens issued before refused,
/// other reset and invitation links voided) and, since the token came by e-mail, marks the
/// address verified. Rate-limited per client address; the token is checked before the new
/// password is hashed.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "Password changed"),
        (status = 400, description = "The token is unknown, used or expired (`invalid_token`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset/confirm")]
pub async fn confirm_reset(
    _throttle: AddressThrottle,
    state: web::Data<AppState>,
    ValidatedJson(body): ValidatedJson<PasswordResetConfirm>,
) -> Result<HttpResponse, AppError> {
    // Cheap before costly: a bogus token costs one indexed read, not an argon2 hash.
    let token = body.token.clone();
    let now = state.clock.now();
    state
        .db
        .run(move |conn| one_time_tokens::check_live(conn, &token, Purpose::PasswordReset, now))
        .await?;
    let password_hash = state
        .auth
        .hashing
        .hash(SecretString::from(body.new_password))
        .await?;
    state
        .write(move |work| accounts::reset_password(work, &body.token, &password_hash))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
