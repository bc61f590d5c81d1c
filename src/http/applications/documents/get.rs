use actix_web::{HttpRequest, get, web};
use uuid::Uuid;

use super::DocumentResponse;
use crate::auth::{AnyPrincipal, Authorized};
use crate::db::documents;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;

/// One document's description (the `Location` of an upload); its bytes are at `.../content`.
///
/// For whoever may read the application.
#[utoipa::path(
    tag = "applications",
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("doc_id" = Uuid, Path, description = "Document id"),
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "The document", body = DocumentResponse))
)]
#[get("/applications/{id}/documents/{doc_id}")]
pub async fn get_document(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<web::Json<DocumentResponse>, AppError> {
    let (id, doc_id) = path.into_inner();
    let locale = Locale::from_request(&req);
    let document = state
        .db
        .run(move |conn| {
            let access = Access::reading(&principal, Scope::DocumentsRead, locale)?;
            access.load(conn, id)?;
            documents::find(conn, id, doc_id)?.ok_or(AppError::NotFound)
        })
        .await?;
    Ok(web::Json(document.into()))
}
