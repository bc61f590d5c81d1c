use actix_web::{HttpResponse, get, web};

use super::SlaResponse;
use crate::auth::{Authorized, Staff};
use crate::db::sla;
use crate::error::AppError;
use crate::http::concurrency::ok_with_etag;
use crate::state::AppState;

/// The SLA days per status that waits on staff (staff).
#[utoipa::path(
    tag = "applications",
    security(("bearer" = [])),
    responses((status = 200, description = "The days in force; the `ETag` is the version", body = SlaResponse))
)]
#[get("/sla")]
pub async fn get_sla(
    _staff: Authorized<Staff>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let response = SlaResponse::from(state.db.run(sla::read).await?);
    Ok(ok_with_etag(response.version).json(response))
}
