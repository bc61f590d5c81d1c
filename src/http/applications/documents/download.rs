use actix_web::body::SizedStream;
use actix_web::http::header::{self, EntityTag, Header};
use actix_web::{HttpRequest, HttpResponse, get, web};
use utoipa::ToSchema;
use uuid::Uuid;

use super::store;
use crate::auth::{AnyPrincipal, Authorized};
use crate::db::documents;
use crate::domain::document::{DocumentType, attachment_disposition, with_extension};
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::storage::read_chunks;
use crate::workflow::Access;

/// A document's bytes, exactly as uploaded.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct DocumentContent(pub Vec<u8>);

/// Download a document's bytes.
///
/// For whoever may read the application. Sent as an attachment with the type found on upload,
/// `X-Content-Type-Options: nosniff`, `Content-Security-Policy: sandbox`, and the document's
/// name in `filename*` (UTF-8) with an ASCII stand-in in `filename`; the name always ends in an
/// extension of the type found (`lease.exe` holding a PDF downloads as `lease.exe.pdf`). The `ETag` is the SHA-256 of the bytes; `If-None-Match` with it
/// answers 304.
#[utoipa::path(
    tag = "applications",
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("doc_id" = Uuid, Path, description = "Document id"),
        ("If-None-Match" = Option<String>, Header, description = "The `ETag` of a copy you have"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The bytes",
            content(
                (DocumentContent = "application/pdf"),
                (DocumentContent = "image/png"),
                (DocumentContent = "image/jpeg"),
            ),
            headers(
                ("Content-Disposition" = String, description = "`attachment; filename=\"<ASCII stand-in>\"; filename*=UTF-8''<percent-encoded name>`"),
                ("ETag" = String, description = "`\"<sha256>\"`"),
                ("X-Content-Type-Options" = String, description = "`nosniff`"),
                ("Content-Security-Policy" = String, description = "`sandbox`"),
            )),
        (status = 304, description = "Not modified: the `If-None-Match` names these bytes"),
    )
)]
#[get("/applications/{id}/documents/{doc_id}/content")]
pub async fn download_document(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
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

    let etag = EntityTag::new_strong(document.sha256.clone());
    let cached = match header::IfNoneMatch::parse(&req) {
        Ok(header::IfNoneMatch::Any) => true,
        Ok(header::IfNoneMatch::Items(tags)) => tags.iter().any(|tag| tag.weak_eq(&etag)),
        Err(_) => false,
    };
    if cached {
        return Ok(HttpResponse::NotModified()
            .insert_header(header::ETag(etag))
            .finish());
    }

    // Opened before any byte is sent: until then a failure is still a problem response.
    let (file, size) = store(&state).open(&document.sha256).await.map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context(format!(
            "document {} names a file that cannot be opened",
            document.id
        )))
    })?;
    // Names stored before extensions were fitted get theirs here.
    let filename = match DocumentType::from_content_type(&document.content_type) {
        Some(kind) => with_extension(&document.filename, kind),
        None => document.filename.clone(),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, document.content_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            attachment_disposition(&filename),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // Should a browser render it anyway (opened from the address bar, a plug-in), it runs
        // in a unique origin with no scripts, forms or plug-ins: nothing of the portal's.
        .insert_header((header::CONTENT_SECURITY_POLICY, "sandbox"))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header(header::ETag(etag))
        .body(SizedStream::new(size, read_chunks(file))))
}
