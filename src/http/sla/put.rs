use actix_web::{HttpResponse, put, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::SlaResponse;
use crate::auth::{Admin, Authorized};
use crate::db::sla;
use crate::domain::sla::SlaDays;
use crate::error::AppError;
use crate::http::concurrency::{IfMatch, ok_with_etag};
use crate::http::extract::ValidatedJson;
use crate::state::AppState;

/// Every status's days, all required.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"days": {"submitted": 3, "under_review": 10, "shortlisted": 7, "loi_signed": 5}}))]
pub struct PutSlaRequest {
    #[validate(nested)]
    pub days: SlaDays,
}

/// Set the SLA days (admins).
///
/// The whole document: each of `submitted`, `under_review`, `shortlisted` and `loi_signed`
/// from 1 to 365 days; a missing or unknown key is a 422 naming it. Send the `version` you read
/// as `If-Match` (or `*`): missing 428, stale 412. Every application's `due_at` and `overdue`
/// follow at once.
#[utoipa::path(
    tag = "applications",
    request_body = PutSlaRequest,
    params(
        ("If-Match" = String, Header, description = "The version you read, e.g. `\"1\"`, or `*`", example = "\"1\""),
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "The days now in force", body = SlaResponse))
)]
#[put("/sla")]
pub async fn put_sla(
    Authorized(admin): Authorized<Admin>,
    state: web::Data<AppState>,
    if_match: IfMatch,
    ValidatedJson(body): ValidatedJson<PutSlaRequest>,
) -> Result<HttpResponse, AppError> {
    let response = state
        .write(move |work| {
            let current = sla::read(work)?;
            if_match.check(current.version)?;
            let now = work.now();
            if !sla::replace(work, &body.days, current.version, admin.id, now)? {
                return Err(AppError::VersionMismatch);
            }
            sla::read(work).map(SlaResponse::from)
        })
        .await?;
    Ok(ok_with_etag(response.version).json(response))
}
