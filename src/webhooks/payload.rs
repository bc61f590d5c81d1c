//! What a delivery carries: the body every delivery shares (`Envelope`) and the `data` of the
//! event types. The OpenAPI document's `webhooks` are made from these types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::message::Side;
use crate::domain::workflow::{Action, EventType, Status};

/// The body of every delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope {
    /// The event's id: the same in each subscription's delivery of the event and on every retry
    /// or redelivery, so a receiver can drop what it has seen.
    #[schema(value_type = Uuid)]
    pub id: String,
    /// What happened; it decides the shape of `data`.
    #[serde(rename = "type")]
    #[schema(value_type = EventType)]
    pub event_type: String,
    /// When the change was committed (not when this attempt was sent).
    pub created_at: DateTime<Utc>,
    #[schema(value_type = Object)]
    pub data: Value,
}

/// The `data` of the workflow's events: an application's move through the workflow
/// (`POST /api/v1/applications/{id}/transitions`, or the system's, like an expired letter).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct StatusChange {
    pub application_id: Uuid,
    pub dealer_group_id: Uuid,
    /// GB/T 2260 code of the application's city.
    pub city_code: String,
    pub action: Action,
    pub from_status: Status,
    pub to_status: Status,
    /// The application's version after the move; events of one application arrive in any order,
    /// and this orders them.
    pub version: i32,
}

/// The `data` of `message.created`: a message posted on an application
/// (`POST /api/v1/applications/{id}/messages`).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MessageCreated {
    pub application_id: Uuid,
    pub message: PostedMessage,
}

/// A message as integrators are told it: by the side that wrote it, never by which of the
/// maker's staff.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PostedMessage {
    pub id: Uuid,
    pub author_side: Side,
    pub body: String,
    /// The application's documents the message points to (`GET .../documents/{doc_id}`).
    pub document_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
}
