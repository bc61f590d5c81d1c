//! Events for integrators, queued in the transaction of the change they report, for the webhook
//! dispatcher to deliver.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::webhook_events;
use crate::error::AppError;

/// Queues an event of `event_type` whose `data` is `payload`; returns its id, which is also the
/// `id` receivers see.
pub fn enqueue(
    conn: &mut DbConnection,
    event_type: &str,
    payload: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let id = Uuid::now_v7();
    diesel::insert_into(webhook_events::table)
        .values((
            webhook_events::id.eq(id.to_string()),
            webhook_events::event_type.eq(event_type),
            webhook_events::payload.eq(payload.to_string()),
            webhook_events::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Queued events of `event_type`, oldest first. The tests read the queue with it to check that
/// each move queued its events in its own transaction, apart from delivery.
pub fn list_of_type(
    conn: &mut DbConnection,
    event_type: &str,
) -> Result<Vec<(Uuid, serde_json::Value)>, AppError> {
    let rows: Vec<(String, String)> = webhook_events::table
        .filter(webhook_events::event_type.eq(event_type))
        .order((webhook_events::created_at.asc(), webhook_events::id.asc()))
        .select((webhook_events::id, webhook_events::payload))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, payload)| {
            let bad =
                |what: &str| AppError::Internal(anyhow::anyhow!("webhook event {id}: bad {what}"));
            Ok((
                id.parse().map_err(|_| bad("id"))?,
                serde_json::from_str(&payload).map_err(|_| bad("payload"))?,
            ))
        })
        .collect()
}
