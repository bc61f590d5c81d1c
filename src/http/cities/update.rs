use actix_web::{HttpResponse, patch, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{CityResponse, check_window};
use crate::auth::{Admin, Authorized};
use crate::db::cities;
use crate::domain::city::CityStatus;
use crate::error::AppError;
use crate::http::concurrency::{IfMatch, ok_with_etag};
use crate::http::merge_patch::MergePatch;
use crate::state::AppState;

/// What an admin may change of a city's plan; `PATCH` takes a merge patch of it.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"quota": 3, "status": "open", "window_opens_at": null, "window_closes_at": "2026-12-31T16:00:00Z"}))]
pub struct UpdateCityRequest {
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000)]
    pub quota: i32,
    pub status: CityStatus,
    /// When applications open; null for no bound.
    pub window_opens_at: Option<DateTime<Utc>>,
    /// When applications close; null for no bound.
    pub window_closes_at: Option<DateTime<Utc>>,
}

/// Change a city's quota, status or application window.
///
/// A JSON Merge Patch (RFC 7396) of `{quota, status, window_opens_at, window_closes_at}`: send
/// only what changes; `null` removes a window bound. Send the `version` you read as `If-Match`
/// (or `*`).
#[utoipa::path(
    tag = "cities",
    request_body(
        description = "The fields to change, as a merge patch",
        content(
            (UpdateCityRequest = "application/merge-patch+json"),
            (UpdateCityRequest = "application/json"),
        ),
    ),
    params(
        ("code" = String, Path, description = "GB/T 2260 code", example = "320500"),
        ("If-Match" = String, Header, description = "The version you read, e.g. `\"3\"`, or `*`", example = "\"1\""),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = CityResponse),
    )
)]
#[patch("/cities/{code}")]
pub async fn update_city(
    _admin: Authorized<Admin>,
    state: web::Data<AppState>,
    code: web::Path<String>,
    if_match: IfMatch,
    patch: MergePatch,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let (city, committed) = state
        .write(move |work| {
            let now = work.now();
            let (city, _) = cities::find(work, &code)?.ok_or(AppError::NotFound)?;
            if_match.check(city.version)?;
            let current = UpdateCityRequest {
                quota: city.quota,
                status: city.plan_status()?,
                window_opens_at: city.window_opens_at.map(|t| t.and_utc()),
                window_closes_at: city.window_closes_at.map(|t| t.and_utc()),
            };
            let body: UpdateCityRequest = patch.apply(&current)?;
            check_window(body.window_opens_at, body.window_closes_at)?;
            let plan = cities::CityPlan {
                quota: body.quota,
                status: body.status.as_str(),
                window_opens_at: body.window_opens_at,
                window_closes_at: body.window_closes_at,
            };
            if !cities::update_plan(work, &code, city.version, &plan, now)? {
                return Err(AppError::VersionMismatch);
            }
            cities::find(work, &code)?.ok_or(AppError::NotFound)
        })
        .await?;
    let city = CityResponse::new(city, committed)?;
    Ok(ok_with_etag(city.version).json(city))
}
