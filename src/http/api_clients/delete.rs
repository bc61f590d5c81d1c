use actix_web::{HttpResponse, delete, web};
use uuid::Uuid;

use crate::auth::{Admin, Authorized};
use crate::error::AppError;
use crate::state::AppState;
use crate::workflow::integrators;

/// Delete integrator credentials.
///
/// The secret and every token issued with it stop working at once (within a second where several
/// replicas serve the API). Its webhook subscriptions end with it: nothing more is delivered to
/// them, pending deliveries included.
#[utoipa::path(
    tag = "api-clients",
    params(("id" = Uuid, Path, description = "The client's `id` (not its `client_id`)")),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/api-clients/{id}")]
pub async fn delete_api_client(
    _admin: Authorized<Admin>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    state
        .write(move |work| integrators::delete_client(work, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
