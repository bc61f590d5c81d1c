use actix_web::{HttpResponse, delete, web};
use uuid::Uuid;

use crate::auth::{Admin, Authorized};
use crate::db::{api_clients, webhooks};
use crate::error::AppError;
use crate::state::AppState;

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
    let deleted = state
        .write(move |work| {
            let now = work.now();
            work.forget(id);
            let deleted = api_clients::revoke(work, id, now)?;
            if deleted {
                webhooks::delete_for_client(work, id, now)?;
            }
            Ok(deleted)
        })
        .await?;
    if deleted {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(AppError::NotFound)
    }
}
