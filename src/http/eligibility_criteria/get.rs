use actix_web::{get, web};

use super::CriteriaResponse;
use crate::auth::{Authorized, Staff};
use crate::db::criteria;
use crate::error::AppError;
use crate::state::AppState;

/// The current eligibility criteria (staff).
#[utoipa::path(
    tag = "eligibility",
    security(("bearer" = [])),
    responses((status = 200, description = "The newest version", body = CriteriaResponse))
)]
#[get("/eligibility-criteria")]
pub async fn get_criteria(
    _staff: Authorized<Staff>,
    state: web::Data<AppState>,
) -> Result<web::Json<CriteriaResponse>, AppError> {
    Ok(web::Json(state.db.run(criteria::current).await?.into()))
}
