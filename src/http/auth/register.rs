use actix_web::{HttpResponse, post, web};
use secrecy::SecretString;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::rate_limit::{AccountAction, AddressThrottle};
use crate::db::users::NewUser;
use crate::domain::account::{EmailAddress, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, Role};
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::http::me::AccountResponse;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::accounts;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "email": "li.wei@example.com",
    "password": "correct horse battery staple",
    "display_name": "Li Wei",
    "locale": "zh-CN"
}))]
pub struct RegisterRequest {
    #[validate(email, length(max = 254))]
    #[schema(format = Email, max_length = 254, example = "li.wei@example.com")]
    pub email: String,
    /// At least 12 characters.
    #[validate(length(min = PASSWORD_MIN_CHARS, max = PASSWORD_MAX_CHARS))]
    #[schema(min_length = 12, max_length = 128, format = Password)]
    pub password: String,
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 100, example = "Li Wei")]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub display_name: String,
    /// Language of the e-mails this account receives; by default the request's `Accept-Language`,
    /// else `zh-CN`.
    pub locale: Option<Locale>,
}

/// Register a dealer-group user.
///
/// Creates an applicant account and sends a verification e-mail whose link carries a `token` for
/// `POST /api/v1/auth/verify-email`. Rate-limited per client address and per e-mail address.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created; verification e-mail queued", body = AccountResponse,
            example = json!({"id": "01956f3a-2b4c-7d8e-9f01-23456789abcd", "email": "li.wei@example.com", "display_name": "Li Wei", "role": "applicant", "locale": "zh-CN", "email_verified": false, "dealer_group_id": null, "group_role": null, "group_title": null, "created_at": "2026-03-01T06:20:00Z", "version": 1})),
        (status = 409, description = "An account with this e-mail address exists (`email_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/register")]
pub async fn register(
    throttle: AddressThrottle,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    ValidatedJson(body): ValidatedJson<RegisterRequest>,
) -> Result<HttpResponse, AppError> {
    let email =
        EmailAddress::parse(&body.email).ok_or_else(|| AppError::field("email", "email"))?;
    throttle.check_account(AccountAction::Register, email.as_str())?;
    let locale = body
        .locale
        .or_else(|| Locale::from_request(&req))
        .unwrap_or(Locale::ZhCn);
    let password_hash = state
        .auth
        .hashing
        .hash(SecretString::from(body.password))
        .await?;
    let id = Uuid::now_v7();
    let display_name = body.display_name.trim().to_owned();
    let user = state
        .write(move |work| {
            let account = NewUser {
                id,
                email: email.as_str(),
                password_hash: Some(&password_hash),
                display_name: &display_name,
                role: Role::Applicant,
                locale,
                email_verified: false,
            };
            accounts::register(work, &account)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", "/api/v1/me"))
        .json(AccountResponse::from(user)))
}
