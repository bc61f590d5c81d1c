use actix_web::{HttpRequest, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::DocumentResponse;
use crate::auth::{AnyPrincipal, Authorized};
use crate::db::documents;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::http::extract::ValidatedQuery;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentFilter {
    /// Only documents uploaded at or after this time (for incremental sync).
    pub updated_since: Option<DateTime<Utc>>,
}

/// Every document of an application.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [
    {
        "id": "019cb191-5650-7160-8999-50d836f675cc",
        "kind": "business_license",
        "filename": "营业执照.jpg",
        "content_type": "image/jpeg",
        "size_bytes": 864211,
        "sha256": "4fd4afcfc2d5a0c6c502f4a38501775494209175fa3af389048b5c7d745ab11c",
        "uploaded_at": "2026-03-03T02:40:18Z"
    },
    {
        "id": "019cb192-0de8-711d-ab0d-549b6f03675a",
        "kind": "site_lease",
        "filename": "wuzhong-site-lease-draft.pdf",
        "content_type": "application/pdf",
        "size_bytes": 482133,
        "sha256": "5072cb966099f98ee9c95b17763cf2ac5c62ad1e0ec397990c088cb338b41927",
        "uploaded_at": "2026-03-03T02:41:05Z"
    }
]}))]
pub struct DocumentList {
    /// Oldest first.
    pub items: Vec<DocumentResponse>,
}

/// The application's documents, oldest first.
///
/// For whoever may read the application: its group's members, reviewers of its city, admins,
/// and integrators with `documents:read`. The list is whole (an application has a handful of
/// documents), so it takes no `limit` or `cursor`. Documents do not change once uploaded; a
/// removed one is gone from the list (integrators hear of it by `document.deleted`).
#[utoipa::path(
    tag = "applications",
    params(("id" = Uuid, Path, description = "Application id"), DocumentFilter),
    security(("bearer" = [])),
    responses((status = 200, description = "The documents", body = DocumentList))
)]
#[get("/applications/{id}/documents")]
pub async fn list_documents(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    ValidatedQuery(filter): ValidatedQuery<DocumentFilter>,
) -> Result<web::Json<DocumentList>, AppError> {
    let id = id.into_inner();
    let locale = Locale::from_request(&req);
    let documents = state
        .db
        .run(move |conn| {
            let access = Access::reading(&principal, Scope::DocumentsRead, locale)?;
            access.load(conn, id)?;
            documents::list_since(conn, id, filter.updated_since)
        })
        .await?;
    Ok(web::Json(DocumentList {
        items: documents.into_iter().map(DocumentResponse::from).collect(),
    }))
}
