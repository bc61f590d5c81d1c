use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{CityResponse, check_window};
use crate::auth::{Admin, Authorized};
use crate::db::cities;
use crate::domain::city::{CityStatus, is_division_code};
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::http::idempotency::{self, IdempotencyKey, created_headers};
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "code": "330100",
    "name_en": "Hangzhou",
    "name_zh": "杭州",
    "province": "Zhejiang",
    "quota": 3,
    "status": "open",
    "window_opens_at": "2026-03-31T16:00:00Z",
    "window_closes_at": "2026-09-30T16:00:00Z"
}))]
pub struct CreateCityRequest {
    /// GB/T 2260 administrative division code: six digits.
    #[schema(pattern = "^[0-9]{6}$", example = "330100")]
    pub code: String,
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 100, example = "Hangzhou")]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub name_en: String,
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 100, example = "杭州")]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub name_zh: String,
    #[validate(
        length(min = 1, max = 50),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 50, example = "Zhejiang")]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub province: String,
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000, example = 3)]
    pub quota: i32,
    /// Default `open`.
    pub status: Option<CityStatus>,
    #[schema(example = "2026-03-31T16:00:00Z")]
    pub window_opens_at: Option<DateTime<Utc>>,
    /// Later than `window_opens_at`.
    #[schema(example = "2026-09-30T16:00:00Z")]
    pub window_closes_at: Option<DateTime<Utc>>,
}

/// Add a city to the plan.
#[utoipa::path(
    tag = "cities",
    request_body = CreateCityRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = CityResponse),
        (status = 409, description = "A city with this code exists (`city_exists`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cities")]
pub async fn create_city(
    Authorized(admin): Authorized<Admin>,
    req: HttpRequest,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    ValidatedJson(body): ValidatedJson<CreateCityRequest>,
) -> Result<HttpResponse, AppError> {
    let fingerprint = key.fingerprint(&req, admin.id);
    if !is_division_code(&body.code) {
        return Err(AppError::field("code", "division_code"));
    }
    check_window(body.window_opens_at, body.window_closes_at)?;
    let answer = state
        .write(move |work| {
            let now = work.now();
            idempotency::run(work, fingerprint.as_ref(), 201, |work| {
                cities::insert(
                    work,
                    &cities::NewCity {
                        code: &body.code,
                        name_en: body.name_en.trim(),
                        name_zh: body.name_zh.trim(),
                        province: body.province.trim(),
                        quota: body.quota,
                        status: body.status.unwrap_or(CityStatus::Open).as_str(),
                        window_opens_at: body.window_opens_at,
                        window_closes_at: body.window_closes_at,
                    },
                    now,
                )?;
                let (city, committed) =
                    cities::find(work, &body.code)?.ok_or(AppError::NotFound)?;
                let city = CityResponse::new(city, committed)?;
                let headers =
                    created_headers(format!("/api/v1/cities/{}", city.code), city.version);
                Ok((city, headers))
            })
        })
        .await?;
    Ok(answer.into_response())
}
