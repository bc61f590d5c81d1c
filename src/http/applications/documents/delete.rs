use actix_web::{HttpRequest, HttpResponse, delete, web};
use uuid::Uuid;

use super::{editable_by_owner, store};
use crate::auth::{AnyUser, Authorized, Principal};
use crate::db::documents;
use crate::error::{AppError, Problem};
use crate::http::applications::Access;
use crate::i18n::Locale;
use crate::state::AppState;

/// Remove a document (its group's owner, in `draft` or `info_requested`).
///
/// The file goes too, unless another document has the same content.
#[utoipa::path(
    tag = "applications",
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("doc_id" = Uuid, Path, description = "Document id"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "The caller may read the application but does not own it (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not editable in its state (`not_editable`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/applications/{id}/documents/{doc_id}")]
pub async fn delete_document(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (id, doc_id) = path.into_inner();
    let locale = Locale::from_request(&req);
    let principal = Principal::User(user);
    let store = store(&state);
    state
        .write(move |work| {
            let access = Access::of(&principal, locale)?;
            editable_by_owner(work, &access, id)?;
            let document = documents::find(work, id, doc_id)?.ok_or(AppError::NotFound)?;
            // Under the content lock, so that an upload of the same bytes waits and then
            // finds the file gone and puts it back. Should the commit fail after the file
            // was removed, the row would name a missing file: a rare 500 on download, never
            // another document's bytes.
            documents::lock_content(work, &document.sha256)?;
            documents::delete(work, doc_id)?;
            store.remove_if_unreferenced(work, &document.sha256)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
