use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{CityResponse, check_window};
use crate::auth::{Admin, Authorized};
use crate::db::{cities, write_transaction};
use crate::domain::city::{CityStatus, is_division_code};
use crate::error::{AppError, Problem};
use crate::http::concurrency::ok_with_etag;
use crate::http::extract::ValidatedJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CreateCityRequest {
    /// GB/T 2260 administrative division code: six digits.
    #[schema(pattern = "^[0-9]{6}$", example = "310100")]
    pub code: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "Shanghai")]
    pub name_en: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "上海")]
    pub name_zh: String,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, example = "Shanghai")]
    pub province: String,
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000)]
    pub quota: i32,
    /// Default `open`.
    pub status: Option<CityStatus>,
    pub window_opens_at: Option<DateTime<Utc>>,
    pub window_closes_at: Option<DateTime<Utc>>,
}

/// Add a city to the plan.
#[utoipa::path(
    tag = "cities",
    request_body = CreateCityRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = CityResponse),
        (status = 409, description = "A city with this code exists (`city_exists`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cities")]
pub async fn create_city(
    _admin: Authorized<Admin>,
    state: web::Data<AppState>,
    ValidatedJson(body): ValidatedJson<CreateCityRequest>,
) -> Result<HttpResponse, AppError> {
    if !is_division_code(&body.code) {
        return Err(AppError::field("code", "division_code"));
    }
    check_window(body.window_opens_at, body.window_closes_at)?;
    let now = state.clock.now();
    let (city, committed) = state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                cities::insert(
                    conn,
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
                cities::find(conn, &body.code)?.ok_or(AppError::NotFound)
            })
        })
        .await?;
    let city = CityResponse::new(city, committed)?;
    let mut response = ok_with_etag(city.version);
    Ok(response
        .status(actix_web::http::StatusCode::CREATED)
        .insert_header(("Location", format!("/api/v1/cities/{}", city.code)))
        .json(city))
}
