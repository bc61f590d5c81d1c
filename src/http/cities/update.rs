use actix_web::{HttpResponse, patch, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;
use validator::Validate;

use super::{CityResponse, check_window};
use crate::auth::{Admin, Authorized};
use crate::db::cities;
use crate::domain::city::CityStatus;
use crate::error::AppError;
use crate::http::concurrency::{IfMatch, ok_with_etag};
use crate::http::extract::ValidatedJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"quota": 3, "window_opens_at": null, "window_closes_at": "2026-12-31T16:00:00Z"}))]
pub struct UpdateCityRequest {
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000)]
    pub quota: Option<i32>,
    pub status: Option<CityStatus>,
    /// A time, or null to remove the bound; leave out to keep it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub window_opens_at: Option<Option<DateTime<Utc>>>,
    /// A time, or null to remove the bound; leave out to keep it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub window_closes_at: Option<Option<DateTime<Utc>>>,
}

/// Tells a field sent as null (`Some(None)`) from one left out (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Change a city's quota, status or application window.
///
/// Send the `version` you read as `If-Match`.
#[utoipa::path(
    tag = "cities",
    request_body = UpdateCityRequest,
    params(
        ("code" = String, Path, description = "GB/T 2260 code", example = "320500"),
        ("If-Match" = String, Header, description = "The version you read, e.g. `\"3\"`", example = "\"1\""),
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
    ValidatedJson(body): ValidatedJson<UpdateCityRequest>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let (city, committed) = state
        .write(move |work| {
            let now = work.now();
            let (city, _) = cities::find(work, &code)?.ok_or(AppError::NotFound)?;
            if_match.check(city.version)?;
            let opens = body
                .window_opens_at
                .unwrap_or(city.window_opens_at.map(|t| t.and_utc()));
            let closes = body
                .window_closes_at
                .unwrap_or(city.window_closes_at.map(|t| t.and_utc()));
            check_window(opens, closes)?;
            let status = match body.status {
                Some(status) => status.as_str(),
                None => city.status.as_str(),
            };
            let plan = cities::CityPlan {
                quota: body.quota.unwrap_or(city.quota),
                status,
                window_opens_at: opens,
                window_closes_at: closes,
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
