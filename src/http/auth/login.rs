use actix_web::{post, web};
use secrecy::SecretString;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{TokenPair, issue_token_pair};
use crate::auth::rate_limit::{AccountAction, AddressThrottle};
use crate::db::users;
use crate::domain::account::EmailAddress;
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"email": "li.wei@example.com", "password": "correct horse battery staple"}))]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254, example = "li.wei@example.com")]
    pub email: String,
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024, format = Password)]
    pub password: String,
}

/// Sign in with e-mail and password.
///
/// A wrong e-mail address and a wrong password get the same 401, so the answer does not tell
/// whether an account exists. Rate-limited per client address, and per e-mail address from each
/// client address (guesses from elsewhere do not lock the owner out).
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, description = "Wrong e-mail address or password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    throttle: AddressThrottle,
    state: web::Data<AppState>,
    ValidatedJson(body): ValidatedJson<LoginRequest>,
) -> Result<web::Json<TokenPair>, AppError> {
    let email = EmailAddress::parse(&body.email);
    let account_key = email
        .as_ref()
        .map_or(body.email.trim().to_lowercase(), |e| e.to_string());
    throttle.check_account(AccountAction::Login, &account_key)?;

    let user = match email {
        Some(email) => {
            state
                .db
                .run(move |conn| users::find_by_email(conn, email.as_str()))
                .await?
        }
        None => None,
    };
    let stored_hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let password_ok = state
        .auth
        .hashing
        .verify(SecretString::from(body.password), stored_hash)
        .await?;
    let user = user
        .filter(|u| password_ok && u.active)
        .ok_or(AppError::InvalidCredentials)?;

    let refresh_ttl = state.config.refresh_token_ttl;
    let task_state = state.clone();
    let pair = state
        .write(move |work| {
            let now = work.now();
            issue_token_pair(work, &task_state.auth.jwt, refresh_ttl, &user, None, now)
        })
        .await?
        // The password was reset, or the account deactivated, while this request checked it.
        .ok_or(AppError::InvalidCredentials)?;
    Ok(web::Json(pair))
}
