use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::WebhookManager;
use crate::auth::Authorized;
use crate::db::webhooks::{self, DeliveryLog, Which};
use crate::error::AppError;
use crate::http::extract::ValidatedQuery;
use crate::http::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::workflow::integrators;

/// One event's delivery to one subscription, across its attempts.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01958e47-9f8e-7d6c-b5a4-3c2b1a0f9e8d",
    "event_id": "01958e47-3c5d-7e6f-8a9b-0c1d2e3f4a5b",
    "event_type": "application.submitted",
    "attempts": 2,
    "last_status": 200,
    "last_error": null,
    "last_attempt_at": "2026-03-09T02:41:19.530Z",
    "next_attempt_at": null,
    "delivered_at": "2026-03-09T02:41:19.530Z",
    "failed_at": null,
    "created_at": "2026-03-09T02:41:07.402Z"
}))]
pub struct DeliveryResponse {
    /// Sent as `X-Delivery-Id`, the same on every attempt.
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    pub attempts: i32,
    /// The receiver's HTTP status on the last attempt; null when it did not answer.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When the next attempt is due; null once delivered or given up on.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<DeliveryLog> for DeliveryResponse {
    fn from(d: DeliveryLog) -> Self {
        Self {
            id: d.id,
            event_id: d.event_id,
            event_type: d.event_type,
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            last_attempt_at: d.last_attempt_at,
            next_attempt_at: d.next_attempt_at,
            delivered_at: d.delivered_at,
            failed_at: d.failed_at,
            created_at: d.created_at,
        }
    }
}

/// The subscription's delivery log, newest first.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "Subscription id"), PageParams),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of deliveries", body = Page<DeliveryResponse>))
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    Authorized(subject): Authorized<WebhookManager>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    ValidatedQuery(page): ValidatedQuery<PageParams>,
) -> Result<web::Json<Page<DeliveryResponse>>, AppError> {
    let id = id.into_inner();
    let manager = subject.manager;
    let after = page.after::<Uuid>()?;
    let limit = page.limit();
    let rows = state
        .db
        .run(move |conn| {
            webhooks::find(conn, manager, id)?.ok_or(AppError::NotFound)?;
            webhooks::deliveries(
                conn,
                id,
                Which::Page {
                    after,
                    limit: limit + 1,
                },
            )
        })
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |d| d.id,
        DeliveryResponse::from,
    )))
}

/// Send a delivery again now, whatever came of it before (same `X-Delivery-Id`).
#[utoipa::path(
    tag = "webhooks",
    params(
        ("id" = Uuid, Path, description = "Subscription id"),
        ("delivery_id" = Uuid, Path, description = "Delivery id"),
    ),
    security(("bearer" = [])),
    responses((status = 202, description = "Scheduled for now", body = DeliveryResponse))
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    Authorized(subject): Authorized<WebhookManager>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (id, delivery_id) = path.into_inner();
    let manager = subject.manager;
    let delivery = state
        .write(move |work| integrators::redeliver(work, manager, id, delivery_id))
        .await?;
    Ok(HttpResponse::Accepted().json(DeliveryResponse::from(delivery)))
}
