use actix_web::{HttpRequest, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::DocumentResponse;
use crate::auth::{AnyPrincipal, Authorized};
use crate::db::documents;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;

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
/// and integrators with `applications:read`. The list is whole (an application has a handful
/// of documents), so it takes no `limit` or `cursor`.
#[utoipa::path(
    tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The documents", body = DocumentList))
)]
#[get("/applications/{id}/documents")]
pub async fn list_documents(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<DocumentList>, AppError> {
    let id = id.into_inner();
    let locale = Locale::from_request(&req);
    let documents = state
        .db
        .run(move |conn| {
            let access = Access::reading(&principal, Scope::DocumentsRead, locale)?;
            access.load(conn, id)?;
            documents::list(conn, id)
        })
        .await?;
    Ok(web::Json(DocumentList {
        items: documents.into_iter().map(DocumentResponse::from).collect(),
    }))
}
