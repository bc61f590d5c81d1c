use actix_web::{HttpResponse, get, web};

use super::CityResponse;
use crate::db::cities;
use crate::error::AppError;
use crate::http::concurrency::ok_with_etag;
use crate::state::AppState;

/// One city of the plan.
#[utoipa::path(
    tag = "cities",
    params(("code" = String, Path, description = "GB/T 2260 code", example = "320500")),
    responses((status = 200, description = "The city", body = CityResponse))
)]
#[get("/cities/{code}")]
pub async fn get_city(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let (city, committed) = state
        .db
        .run(move |conn| cities::find(conn, &code))
        .await?
        .ok_or(AppError::NotFound)?;
    let city = CityResponse::new(city, committed)?;
    Ok(ok_with_etag(city.version).json(city))
}
