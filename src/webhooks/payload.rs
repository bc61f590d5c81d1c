//! What a delivery carries: the body every delivery shares (`Envelope`) and the `data` of the
//! event types. The OpenAPI document's `webhooks` are made from these types.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::documents::Document;
use crate::db::onboarding::Task;
use crate::domain::document::DocumentKind;
use crate::domain::loi::TaskOwner;
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
    /// When the change was made (its transaction's time; not when this attempt was sent). The
    /// change feed's order is the order of publication, which may differ by moments.
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

/// The `data` of `document.uploaded` and `document.deleted`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DocumentChange {
    pub application_id: Uuid,
    pub document: FiledDocument,
}

/// A document as integrators are told it (`GET .../documents/{doc_id}`; the bytes at
/// `.../content`, while it is not deleted).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FiledDocument {
    pub id: Uuid,
    pub kind: DocumentKind,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
}

impl DocumentChange {
    pub fn of(document: &Document) -> Self {
        Self {
            application_id: document.application_id,
            document: FiledDocument {
                id: document.id,
                kind: document.kind,
                filename: document.filename.clone(),
                content_type: document.content_type.clone(),
                size_bytes: document.size_bytes,
                sha256: document.sha256.clone(),
                uploaded_at: document.created_at,
            },
        }
    }
}

/// The `data` of `onboarding.task_updated`: the task as it is now.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct OnboardingTaskChange {
    pub application_id: Uuid,
    pub task: ChecklistTask,
}

/// An onboarding task (`GET .../onboarding`, without the title in words).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ChecklistTask {
    pub code: String,
    /// Which side does it: the dealer group (`partner`) or the maker's staff (`maker`).
    pub owner: TaskOwner,
    pub due_on: NaiveDate,
    /// When it was marked done; null when it is not (again).
    pub done_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

impl From<Task> for ChecklistTask {
    fn from(task: Task) -> Self {
        Self {
            code: task.code,
            owner: task.owner,
            due_on: task.due_on,
            done_at: task.done_at,
            note: task.note,
        }
    }
}

/// The `data` of `dealer_group.created` and `dealer_group.updated`: which group, at which
/// version (`GET /api/v1/dealer-groups/{id}` reads the profile; `version` orders a group's
/// events).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DealerGroupChange {
    pub dealer_group_id: Uuid,
    pub version: i32,
}
