use actix_web::{get, web};

use super::CityResponse;
use crate::db::cities;
use crate::error::AppError;
use crate::state::AppState;

/// List the cities of the recruitment plan.
///
/// Public: the front end shows it to prospective applicants. Ordered by code.
#[utoipa::path(
    tag = "cities",
    responses((status = 200, description = "Every city of the plan", body = Vec<CityResponse>))
)]
#[get("/cities")]
pub async fn list_cities(
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<CityResponse>>, AppError> {
    let rows = state.db.run(cities::list).await?;
    let cities = rows
        .into_iter()
        .map(|(city, committed)| CityResponse::new(city, committed))
        .collect::<Result<_, _>>()?;
    Ok(web::Json(cities))
}
