use actix_web::{HttpResponse, delete, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{SubscriptionResponse, WebhookManager};
use crate::auth::Authorized;
use crate::db::webhooks;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{
    "id": "01957c22-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
    "url": "https://example.com/hooks/dealer-portal",
    "events": ["application.status_changed", "application.submitted", "loi.signed"],
    "created_at": "2026-03-02T09:20:31Z"
}]}))]
pub struct SubscriptionList {
    pub items: Vec<SubscriptionResponse>,
}

/// The subscriptions the caller manages (admins: all; an integrator: its own), oldest first.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    responses((status = 200, description = "The subscriptions", body = SubscriptionList))
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    Authorized(subject): Authorized<WebhookManager>,
    state: web::Data<AppState>,
) -> Result<web::Json<SubscriptionList>, AppError> {
    let manager = subject.manager;
    let items = state
        .db
        .run(move |conn| webhooks::list(conn, manager))
        .await?;
    Ok(web::Json(SubscriptionList {
        items: items.into_iter().map(SubscriptionResponse::from).collect(),
    }))
}

/// Stop a subscription; its pending deliveries are given up.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "Subscription id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    Authorized(subject): Authorized<WebhookManager>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let manager = subject.manager;
    state
        .write(move |work| {
            let now = work.now();
            webhooks::find(work, manager, id)?.ok_or(AppError::NotFound)?;
            webhooks::delete(work, id, now)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
