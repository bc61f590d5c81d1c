//! `/api/v1/sla`: how many days staff have for an application in each status that waits on
//! them, one document under one version.

pub mod get;
pub mod put;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::sla::SlaSetting;
use crate::domain::sla::SlaDays;

/// The SLA days in force. `due_at` of an application is its `waiting_since` plus its status's
/// days; the document's `version` is its `ETag`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "days": {"submitted": 2, "under_review": 10, "shortlisted": 7, "loi_signed": 5},
    "version": 1,
    "updated_at": "2026-01-05T02:00:00Z"
}))]
pub struct SlaResponse {
    pub days: SlaDays,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<SlaSetting> for SlaResponse {
    fn from(setting: SlaSetting) -> Self {
        Self {
            days: setting.days,
            version: setting.version,
            updated_at: setting.updated_at,
        }
    }
}
