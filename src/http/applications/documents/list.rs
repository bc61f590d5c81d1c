use actix_web::{HttpRequest, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::DocumentResponse;
use crate::auth::{AnyPrincipal, Authorized};
use crate::db::documents;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;

/// Every document of an application.
#[derive(Debug, Serialize, ToSchema)]
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
            let access = Access::of(&principal, locale)?;
            access.load(conn, id)?;
            documents::list(conn, id)
        })
        .await?;
    Ok(web::Json(DocumentList {
        items: documents.into_iter().map(DocumentResponse::from).collect(),
    }))
}
