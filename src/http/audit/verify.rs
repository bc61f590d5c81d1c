use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{Admin, Authorized};
use crate::db::events;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"ok": true, "events_checked": 1284, "first_broken_event_id": null}))]
pub struct AuditReport {
    /// True when every event is intact and in place.
    pub ok: bool,
    pub events_checked: u64,
    /// The first event whose stored hash, or link to the event before it, does not hold; for a
    /// removed newest event, the event the chain's head still names.
    pub first_broken_event_id: Option<Uuid>,
}

/// Walk the hash chains of all events (admins).
///
/// Every event's hash covers its content and the hash of the previous event of its application,
/// each application's chain ends at a recorded head, and checkpoints made every minute seal each
/// application's newest event into one global chain; so an edited, inserted or deleted event is
/// found here, even when an application's head was rewound with it. The walk reads one snapshot
/// in batches and holds no more than one batch in memory.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    responses((status = 200, description = "The verdict", body = AuditReport))
)]
#[get("/audit/verify")]
pub async fn verify_chain(
    Authorized(_admin): Authorized<Admin>,
    state: web::Data<AppState>,
) -> Result<web::Json<AuditReport>, AppError> {
    let walk = state.db.run(events::verify).await?;
    Ok(web::Json(AuditReport {
        ok: walk.ok(),
        events_checked: walk.events_checked,
        first_broken_event_id: walk.first_broken,
    }))
}
