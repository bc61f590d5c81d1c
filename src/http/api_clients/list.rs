use actix_web::{get, web};

use super::ApiClientResponse;
use crate::auth::{Admin, Authorized};
use crate::db::api_clients;
use crate::error::AppError;
use crate::http::pagination::Page;
use crate::state::AppState;

/// List integrator clients that have not been deleted.
///
/// All of them come in one page (`next_cursor` is always null): a deployment has a handful.
#[utoipa::path(
    tag = "api-clients",
    security(("bearer" = [])),
    responses((status = 200, description = "The clients", body = Page<ApiClientResponse>))
)]
#[get("/api-clients")]
pub async fn list_api_clients(
    _admin: Authorized<Admin>,
    state: web::Data<AppState>,
) -> Result<web::Json<Page<ApiClientResponse>>, AppError> {
    let clients = state.db.run(api_clients::list_active).await?;
    Ok(web::Json(Page {
        items: clients.into_iter().map(Into::into).collect(),
        next_cursor: None,
    }))
}
