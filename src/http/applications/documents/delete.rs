use actix_web::{HttpRequest, HttpResponse, delete, web};
use uuid::Uuid;

use super::store;
use crate::auth::{AnyUser, Authorized, Principal};
use crate::error::{AppError, Problem};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;
use crate::workflow::documents;

/// Remove a document (its group's members, in `draft` or `info_requested`).
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
    let access = Access::of(&Principal::User(user), Locale::from_request(&req))?;
    let store = store(&state);
    state
        .write(move |work| documents::remove(work, &access, id, doc_id, &store))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
