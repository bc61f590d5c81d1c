use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::{StaffMember, normalise_codes};
use crate::auth::{Admin, Authorized};
use crate::db::users::NewUser;
use crate::domain::account::{EmailAddress, StaffRole};
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::http::idempotency::{self, IdempotencyKey, created_headers};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::accounts;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "email": "zhang.min@maker.example",
    "display_name": "Zhang Min",
    "role": "reviewer",
    "city_codes": ["320500", "330200"],
    "locale": "zh-CN"
}))]
pub struct CreateStaffRequest {
    #[validate(email, length(max = 254))]
    #[schema(format = Email, max_length = 254, example = "zhang.min@maker.example")]
    pub email: String,
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 100)]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub display_name: String,
    pub role: StaffRole,
    /// Cities a reviewer works in; at least one for a reviewer (admins see every city).
    #[validate(length(max = 100))]
    #[schema(max_items = 100, example = json!(["320500", "330200"]))]
    #[serde(default)]
    pub city_codes: Vec<String>,
    /// Language of the invitation and later e-mails (default `zh-CN`).
    pub locale: Option<Locale>,
}

/// Invite a staff member.
///
/// Creates a reviewer or admin account without a password and e-mails an invitation whose link
/// carries a `token` for `POST /api/v1/auth/password-reset/confirm` (valid 7 days).
#[utoipa::path(
    tag = "staff",
    request_body = CreateStaffRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: a retry sends no second invitation")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Invited", body = StaffMember),
        (status = 409, description = "An account with this e-mail address exists (`email_taken`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/staff")]
pub async fn create_staff(
    Authorized(admin): Authorized<Admin>,
    req: HttpRequest,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    ValidatedJson(body): ValidatedJson<CreateStaffRequest>,
) -> Result<HttpResponse, AppError> {
    let fingerprint = key.fingerprint(&req, admin.id);
    let email =
        EmailAddress::parse(&body.email).ok_or_else(|| AppError::field("email", "email"))?;
    if body.role == StaffRole::Reviewer && body.city_codes.is_empty() {
        return Err(AppError::Validation(vec![
            crate::error::FieldError::new("city_codes", "length").with_param("min", 1),
        ]));
    }
    let city_codes = normalise_codes(body.city_codes);
    let locale = body.locale.unwrap_or(Locale::ZhCn);
    let display_name = body.display_name.trim().to_owned();
    let id = Uuid::now_v7();
    let answer = state
        .write(move |work| {
            idempotency::run(work, fingerprint.as_ref(), 201, |work| {
                let account = NewUser {
                    id,
                    email: email.as_str(),
                    password_hash: None,
                    display_name: &display_name,
                    role: body.role.into(),
                    locale,
                    email_verified: false,
                };
                let user =
                    accounts::invite_staff(work, &account, &city_codes, &admin.display_name)?;
                let member = StaffMember::new(user, city_codes);
                let headers = created_headers(format!("/api/v1/staff/{id}"), member.version);
                Ok((member, headers))
            })
        })
        .await?;
    Ok(answer.into_response())
}
