use actix_web::{HttpResponse, get, patch, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::{AnyUser, Authorized};
use crate::db::users::{self, OwnChanges, User};
use crate::domain::account::Role;
use crate::domain::member::MemberRole;
use crate::error::AppError;
use crate::http::concurrency::{IfMatch, ok_with_etag};
use crate::http::merge_patch::MergePatch;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::accounts;

/// A signed-in person's own account, with its settings and version.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01956f3a-2b4c-7d8e-9f01-23456789abcd",
    "email": "wang.fang@maker.example",
    "display_name": "Wang Fang",
    "role": "reviewer",
    "locale": "zh-CN",
    "email_verified": true,
    "dealer_group_id": null,
    "group_role": null,
    "group_title": null,
    "created_at": "2026-03-01T06:20:00Z",
    "daily_digest": true,
    "version": 3
}))]
pub struct AccountResponse {
    pub id: Uuid,
    #[schema(format = Email)]
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The language of the e-mails this account receives.
    pub locale: Locale,
    pub email_verified: bool,
    /// The dealer group this user belongs to, once one is registered.
    pub dealer_group_id: Option<Uuid>,
    /// The caller's role in that group (what it may do there: see the members operations).
    pub group_role: Option<MemberRole>,
    /// The caller's job title in that group, on record for signing letters.
    pub group_title: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Staff only (absent for applicants): whether the daily digest of what waits on them in
    /// their cities is e-mailed each morning (from 08:00 China time, only when something waits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daily_digest: Option<bool>,
    /// Send it back as `If-Match` on `PATCH /api/v1/me`.
    pub version: i32,
}

impl From<User> for AccountResponse {
    fn from(user: User) -> Self {
        Self {
            daily_digest: user.role.is_staff().then_some(user.daily_digest),
            version: user.version,
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: user.role,
            locale: user.locale,
            email_verified: user.email_verified_at.is_some(),
            dealer_group_id: user.dealer_group_id,
            group_role: user.group_role,
            group_title: user.group_title,
            created_at: user.created_at,
        }
    }
}

/// The caller's own account.
///
/// Staff also read their `daily_digest` setting. The `ETag` is the account's version.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's account", body = AccountResponse))
)]
#[get("/me")]
pub async fn me(
    Authorized(user): Authorized<AnyUser>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = user.id;
    let account = state
        .db
        .run(move |conn| users::find(conn, id)?.ok_or(AppError::NotFound))
        .await?;
    let response = AccountResponse::from(account);
    Ok(ok_with_etag(response.version).json(response))
}

/// What people change of their own account; `PATCH /me` takes a merge patch of it.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"display_name": "Wang Fang", "locale": "en", "daily_digest": false}))]
pub struct UpdateMeRequest {
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 100, example = "Wang Fang")]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub display_name: String,
    /// The language of the e-mails this account receives.
    pub locale: Locale,
    /// Staff only: the daily digest on (`true`) or off (`null` is refused: 422). An
    /// applicant sending it gets 422 `unknown_field`.
    pub daily_digest: bool,
}

/// What applicants change of their own account: no staff settings.
#[derive(Debug, Serialize, Deserialize, Validate)]
struct ApplicantChanges {
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::text::single_line")
    )]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    display_name: String,
    locale: Locale,
}

/// Change the caller's own name, e-mail language or (staff) daily digest.
///
/// A JSON Merge Patch (RFC 7396) of `{display_name, locale, daily_digest}`: send only what
/// changes, with the `version` you read as `If-Match` (or `*`).
#[utoipa::path(
    tag = "accounts",
    request_body(
        description = "The fields to change, as a merge patch",
        content(
            (UpdateMeRequest = "application/merge-patch+json"),
            (UpdateMeRequest = "application/json"),
        ),
    ),
    params(
        ("If-Match" = String, Header, description = "The version you read, e.g. `\"3\"`, or `*`", example = "\"3\""),
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "Updated", body = AccountResponse))
)]
#[patch("/me")]
pub async fn update_me(
    Authorized(user): Authorized<AnyUser>,
    state: web::Data<AppState>,
    if_match: IfMatch,
    patch: MergePatch,
) -> Result<HttpResponse, AppError> {
    let id = user.id;
    let account = state
        .write(move |work| {
            let account = users::find(work, id)?.ok_or(AppError::NotFound)?;
            if_match.check(account.version)?;
            let current = UpdateMeRequest {
                display_name: account.display_name.clone(),
                locale: account.locale,
                daily_digest: account.daily_digest,
            };
            let body: UpdateMeRequest = if account.role.is_staff() {
                patch.apply(&current)?
            } else {
                let own: ApplicantChanges = patch.apply(&ApplicantChanges {
                    display_name: current.display_name,
                    locale: current.locale,
                })?;
                UpdateMeRequest {
                    display_name: own.display_name,
                    locale: own.locale,
                    daily_digest: account.daily_digest,
                }
            };
            let changes = OwnChanges {
                display_name: &body.display_name,
                locale: body.locale,
                daily_digest: body.daily_digest,
            };
            accounts::update_own(work, &account, &changes)
        })
        .await?;
    let response = AccountResponse::from(account);
    Ok(ok_with_etag(response.version).json(response))
}
