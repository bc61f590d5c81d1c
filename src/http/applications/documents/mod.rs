//! `/api/v1/applications/{id}/documents`: the files an applicant adds to an application
//! (business licence, financial statements, site leases), and reading them back.
//!
//! The bytes live in `storage` under their SHA-256; the rows in `db::documents`. Who may do
//! what follows the application: everyone who may read it may list and download; only its
//! group's members may add or delete, and only while the application is editable.

pub mod delete;
pub mod download;
pub mod get;
pub mod list;
pub mod upload;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::documents::Document;
use crate::domain::document::DocumentKind;
use crate::state::AppState;
use crate::storage::DocumentStore;

/// A document as listed: what was uploaded, when, and the SHA-256 of its bytes.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019cb192-0de8-711d-ab0d-549b6f03675a",
    "kind": "site_lease",
    "filename": "wuzhong-site-lease-draft.pdf",
    "content_type": "application/pdf",
    "size_bytes": 482133,
    "sha256": "5072cb966099f98ee9c95b17763cf2ac5c62ad1e0ec397990c088cb338b41927",
    "uploaded_at": "2026-03-03T02:41:05Z"
}))]
pub struct DocumentResponse {
    pub id: Uuid,
    pub kind: DocumentKind,
    /// The uploaded file's name, without any folder, control characters or more than 255
    /// characters; `document` when nothing was left.
    #[schema(max_length = 255)]
    pub filename: String,
    /// `application/pdf`, `image/png` or `image/jpeg`, as found in the bytes.
    #[schema(example = "application/pdf")]
    pub content_type: String,
    #[schema(minimum = 1, maximum = 10_485_760)]
    pub size_bytes: i64,
    /// Lowercase hex SHA-256 of the bytes; also the download's `ETag`.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
}

impl From<Document> for DocumentResponse {
    fn from(document: Document) -> Self {
        Self {
            id: document.id,
            kind: document.kind,
            filename: document.filename,
            content_type: document.content_type,
            size_bytes: document.size_bytes,
            sha256: document.sha256,
            uploaded_at: document.created_at,
        }
    }
}

/// The path of one document.
pub fn document_path(application_id: Uuid, document_id: Uuid) -> String {
    format!("/api/v1/applications/{application_id}/documents/{document_id}")
}

/// Where the application's documents are kept.
pub fn store(state: &AppState) -> DocumentStore {
    DocumentStore::new(&state.config.upload_dir)
}
