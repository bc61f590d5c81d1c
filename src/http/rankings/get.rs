use actix_web::{get, web};

use super::{RankingList, check_year};
use crate::auth::{Authorized, Staff};
use crate::db::rankings;
use crate::error::{AppError, Problem};
use crate::state::AppState;

/// A year's ranking list (staff), by rank.
#[utoipa::path(
    tag = "rankings",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100, description = "The list's year, 2000 to 2100", example = 2025)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The list; empty when none was imported for that year", body = RankingList),
        (status = 422, description = "A year outside 2000 to 2100", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/rankings/{year}")]
pub async fn get_ranking(
    _staff: Authorized<Staff>,
    state: web::Data<AppState>,
    year: web::Path<i32>,
) -> Result<web::Json<RankingList>, AppError> {
    let year = year.into_inner();
    check_year(year)?;
    let entries = state
        .db
        .run(move |conn| rankings::list_year(conn, year))
        .await?;
    Ok(web::Json(RankingList {
        year,
        entries: entries.into_iter().map(Into::into).collect(),
    }))
}
