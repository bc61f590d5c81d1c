use std::cell::Cell;
use std::rc::Rc;

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt;
use futures_util::stream::Fuse;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{DocumentResponse, document_path, store};
use crate::auth::{AnyUser, Authorized, Principal};
use crate::domain::document::{
    DocumentKind, DocumentType, MAX_DOCUMENT_BYTES, SNIFF_LEN, sanitize_filename, sniff,
    with_extension,
};
use crate::error::{AppError, FieldError, Problem, ProblemCode};
use crate::http::extract::BodyHash;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::storage::{DocumentStore, ReceiveError, Received};
use crate::workflow::Access;
use crate::workflow::documents::{self, Upload};

/// What multipart framing (boundaries, part headers, `kind`) may add to the file: a longer
/// request is refused.
const FRAMING_ALLOWANCE: u64 = 64 * 1024;

/// The longest `kind` value read.
const KIND_LIMIT: usize = 64;

/// Bytes of parts other than `file` (`kind`, and parts this operation ignores) read in all.
const OTHER_PARTS_LIMIT: u64 = 64 * 1024;

/// How much of a refused upload is still read, and thrown away, so that a client that is still
/// sending gets to read the answer instead of a reset connection.
const DRAIN_LIMIT: u64 = 1024 * 1024;

/// The body of an upload, as `multipart/form-data`. The example's `file` stands for the bytes
/// of a (tiny) PDF.
#[derive(ToSchema)]
#[schema(example = json!({
    "kind": "site_lease",
    "file": "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
}))]
pub struct UploadDocumentForm {
    /// What the document is.
    pub kind: DocumentKind,
    /// The file: PDF, PNG or JPEG, judged by its first bytes (not by its name or declared type);
    /// 1 byte to 10 MiB. Its name (the part's `filename`) is kept without folders, and with the
    /// type's extension appended unless it ends in one (`lease.exe` holding a PDF is kept as
    /// `lease.exe.pdf`).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// Add a document to an application (its group's members, in `draft` or `info_requested`).
///
/// Send `multipart/form-data` with a `kind` part and a `file` part. The file's type is read from
/// its first bytes: PDF, PNG and JPEG are accepted, anything else is `415
/// unsupported_media_type`, whatever its name or declared type. More than 10 MiB is `413
/// payload_too_large`, refused as soon as the limit is passed. A missing or unknown `kind`, a
/// missing or empty `file`, or either sent twice is a 422 naming the field. Other parts are
/// ignored (up to 64 KiB in all). Identical files are stored once. Send an `Idempotency-Key` to
/// make retries safe.
///
/// An application holds at most 20 documents of at most 100 MiB in all (the server's
/// `MAX_DOCUMENTS_PER_APPLICATION` and `MAX_DOCUMENTS_MIB_PER_APPLICATION`): one more is `409
/// too_many_documents`, refused before the body is read; a file that would pass the total is
/// `413 documents_too_large`, refused by its declared length or as soon as it passes the room
/// left.
#[utoipa::path(
    tag = "applications",
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and upload within 24 h get the first response"),
    ),
    request_body(content = UploadDocumentForm, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored", body = DocumentResponse,
            headers(("Location" = String, description = "The new document"))),
        (status = 403, description = "The caller may read the application but does not own it (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not editable in its state (`not_editable`), or it has as many documents as allowed (`too_many_documents`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than 10 MiB (`payload_too_large`), or larger than the room the application's documents have left (`documents_too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not `multipart/form-data`, or the file is not a PDF, PNG or JPEG (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`kind` or `file` missing, unknown, empty or repeated (`validation_failed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/applications/{id}/documents")]
pub async fn upload_document(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let locale = Locale::from_request(&req);
    let principal = Principal::User(user.clone());

    // Refusals that need none of the body come before any of it is read.
    let is_form = req
        .mime_type()
        .ok()
        .flatten()
        .is_some_and(|mime| mime.essence_str() == "multipart/form-data");
    if !is_form {
        return Err(AppError::UnsupportedMediaType);
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_DOCUMENT_BYTES + FRAMING_ALLOWANCE) {
        return Err(AppError::PayloadTooLarge);
    }
    let mut parts = Parts::new(&req, payload);
    let limits = state.config.document_limits;
    let room = {
        let access = Access::of(&principal, locale)?;
        state
            .db
            .run(move |conn| documents::room_for_upload(conn, &access, id, limits))
            .await
    };
    // The body holds the file: a declared length past the room and the framing cannot fit.
    let limit = room.and_then(|room| match declared {
        Some(len) if len > room.saturating_add(FRAMING_ALLOWANCE) => {
            Err(AppError::TooLarge(ProblemCode::DocumentsTooLarge))
        }
        _ => Ok(FileLimit::within(room)),
    });
    let limit = match limit {
        Ok(limit) => limit,
        Err(error) => {
            parts.discard_rest(None).await;
            return Err(error);
        }
    };

    let store = store(&state);
    let Form { kind, file } = read_form(&mut parts, &store, limit).await?;
    // Named for what it is: `lease.exe` holding a PDF is kept as `lease.exe.pdf`.
    let filename = with_extension(&file.filename, file.content_type);
    let sha256 = file.received.file.sha256.clone();
    let staged = file.received.staged();

    // The same key with another kind, name or file is another request.
    req.extensions_mut()
        .insert(BodyHash(crate::tokens::hash_token_bytes(
            format!("{}\n{filename}\n{sha256}", kind.as_str()).as_bytes(),
        )));
    let fingerprint = key.fingerprint(&req, user.id);
    let upload = Upload {
        id: Uuid::now_v7(),
        kind,
        filename,
        content_type: file.content_type.content_type(),
        size_bytes: i64::try_from(file.received.file.size).map_err(anyhow::Error::from)?,
        sha256: sha256.clone(),
        staged,
    };
    let answer = {
        let store = store.clone();
        let access = Access::of(&principal, locale)?;
        state
            .write(move |work| {
                idempotency::run(work, fingerprint.as_ref(), 201, |work| {
                    let document = documents::attach(work, &access, id, &store, limits, upload)?;
                    let location = document_path(id, document.id);
                    Ok((
                        DocumentResponse::from(document),
                        vec![("Location".to_owned(), location)],
                    ))
                })
            })
            .await
    };
    // Gone if it was moved into place; deleted otherwise.
    file.received.discard().await;
    match answer {
        Ok(answer) => Ok(answer.into_response()),
        Err(error) => {
            // A transaction that failed after moving the file into place leaves it unnamed.
            let cleanup = state
                .write(move |work| store.remove_if_unreferenced(work, &sha256))
                .await;
            if let Err(cleanup) = cleanup {
                tracing::warn!(error = ?cleanup, "could not remove an unreferenced document");
            }
            Err(error)
        }
    }
}

/// How large the file may be: 10 MiB, or less when the application's documents have less room
/// left, and what passing it is.
#[derive(Clone, Copy)]
struct FileLimit {
    bytes: u64,
    /// The application's room is the tighter limit.
    by_room: bool,
}

impl FileLimit {
    fn within(room: u64) -> Self {
        Self {
            bytes: room.min(MAX_DOCUMENT_BYTES),
            by_room: room < MAX_DOCUMENT_BYTES,
        }
    }

    fn refusal(self) -> AppError {
        if self.by_room {
            AppError::TooLarge(ProblemCode::DocumentsTooLarge)
        } else {
            AppError::PayloadTooLarge
        }
    }
}

/// The file part, received into a temporary file.
struct UploadedFile<T> {
    received: Received,
    /// None for an empty file, until the form is checked.
    content_type: T,
    filename: String,
}

/// A complete and valid form.
struct Form {
    kind: DocumentKind,
    file: UploadedFile<DocumentType>,
}

/// The multipart body, part by part, and how much of it was read.
struct Parts {
    multipart: Multipart,
    read: Rc<Cell<u64>>,
    /// The body is not well-formed multipart: nothing more may be read from it.
    broken: bool,
}

impl Parts {
    fn new(req: &HttpRequest, payload: web::Payload) -> Self {
        let read = Rc::new(Cell::new(0));
        let counter = Rc::clone(&read);
        let counted = payload.inspect(move |chunk| {
            if let Ok(chunk) = chunk {
                counter.set(counter.get() + chunk.len() as u64);
            }
        });
        Self {
            multipart: Multipart::new(req.headers(), counted),
            read,
            broken: false,
        }
    }

    async fn next(&mut self) -> Result<Option<Fuse<Field>>, AppError> {
        match self.multipart.next().await {
            None => Ok(None),
            // Fused: a field must not be polled after its end.
            Some(Ok(field)) => Ok(Some(field.fuse())),
            Some(Err(error)) => Err(self.malformed(error)),
        }
    }

    fn malformed(&mut self, error: MultipartError) -> AppError {
        tracing::debug!(%error, "malformed multipart body");
        self.broken = true;
        AppError::BadRequest(ProblemCode::MalformedBody)
    }

    /// Reads and throws away the rest of a refused body, the current part first, up to
    /// `DRAIN_LIMIT`.
    async fn discard_rest(&mut self, current: Option<Fuse<Field>>) {
        if self.broken {
            return;
        }
        let stop_at = self.read.get() + DRAIN_LIMIT;
        if let Some(mut current) = current
            && !skip(&mut current, &self.read, stop_at).await
        {
            return;
        }
        // (The multipart reader waits as long as a part of it is alive: `current` is gone.)
        while let Ok(Some(mut field)) = self.next().await {
            if !skip(&mut field, &self.read, stop_at).await {
                return;
            }
        }
    }
}

/// Reads a part to its end without keeping it; false when it stopped early (an error, or past
/// `stop_at` bytes of the body).
async fn skip(field: &mut Fuse<Field>, read: &Cell<u64>, stop_at: u64) -> bool {
    while let Some(chunk) = field.next().await {
        if chunk.is_err() || read.get() > stop_at {
            return false;
        }
    }
    true
}

/// Reads every part: the `kind`, and the `file` into a temporary file. Every field error comes in
/// one 422; a refused file (type, size) stops at once. Nothing is left on disk on an error.
async fn read_form(
    parts: &mut Parts,
    store: &DocumentStore,
    limit: FileLimit,
) -> Result<Form, AppError> {
    let mut kind: Option<Result<DocumentKind, FieldError>> = None;
    let mut file: Option<UploadedFile<Option<DocumentType>>> = None;
    let mut errors = Vec::new();
    if let Err(error) = read_parts(parts, store, limit, &mut kind, &mut file, &mut errors).await {
        if let Some(file) = file {
            file.received.discard().await;
        }
        return Err(error);
    }
    match &kind {
        None => errors.push(FieldError::new("kind", "required")),
        Some(Err(error)) => errors.push(error.clone()),
        Some(Ok(_)) => {}
    }
    match &file {
        None => errors.push(FieldError::new("file", "required")),
        Some(file) if file.content_type.is_none() => {
            errors.push(FieldError::new("file", "empty"));
        }
        Some(_) => {}
    }
    match (kind, file) {
        (
            Some(Ok(kind)),
            Some(UploadedFile {
                received,
                content_type: Some(content_type),
                filename,
            }),
        ) if errors.is_empty() => Ok(Form {
            kind,
            file: UploadedFile {
                received,
                content_type,
                filename,
            },
        }),
        (_, file) => {
            if let Some(file) = file {
                file.received.discard().await;
            }
            errors.sort_by(|a, b| a.field.cmp(&b.field));
            Err(AppError::Validation(errors))
        }
    }
}

async fn read_parts(
    parts: &mut Parts,
    store: &DocumentStore,
    limit: FileLimit,
    kind: &mut Option<Result<DocumentKind, FieldError>>,
    file: &mut Option<UploadedFile<Option<DocumentType>>>,
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    let mut other_bytes = 0;
    while let Some(mut field) = parts.next().await? {
        // Also when no length was declared, and for parts without content.
        let outcome = if parts.read.get() > MAX_DOCUMENT_BYTES + FRAMING_ALLOWANCE {
            Err(Refusal::Refused(AppError::PayloadTooLarge))
        } else {
            read_part(
                &mut field,
                store,
                limit,
                kind,
                file,
                errors,
                &mut other_bytes,
            )
            .await
        };
        match outcome {
            Ok(()) => {}
            Err(Refusal::Malformed(error)) => return Err(parts.malformed(error)),
            Err(Refusal::Refused(error)) => {
                parts.discard_rest(Some(field)).await;
                return Err(error);
            }
        }
    }
    Ok(())
}

/// Reads one part into the form by its name; ignores parts with other names.
async fn read_part(
    field: &mut Fuse<Field>,
    store: &DocumentStore,
    limit: FileLimit,
    kind: &mut Option<Result<DocumentKind, FieldError>>,
    file: &mut Option<UploadedFile<Option<DocumentType>>>,
    errors: &mut Vec<FieldError>,
    other_bytes: &mut u64,
) -> Result<(), Refusal> {
    match field.get_ref().name() {
        Some("kind") => {
            let text = read_text(field, other_bytes).await?;
            if kind.is_some() {
                errors.push(FieldError::new("kind", "duplicate"));
            } else {
                *kind = Some(parse_kind(text.as_deref()));
            }
        }
        Some("file") if file.is_some() => {
            return Err(Refusal::Refused(AppError::field("file", "duplicate")));
        }
        Some("file") => {
            let filename = sanitize_filename(&part_filename(field.get_ref()));
            let (received, content_type) = receive_file(field, store, limit).await?;
            *file = Some(UploadedFile {
                received,
                content_type,
                filename,
            });
        }
        _ => {
            read_text(field, other_bytes).await?;
        }
    }
    Ok(())
}

/// Why a part was not taken.
enum Refusal {
    /// The body broke off or is not multipart: nothing more can be read.
    Malformed(MultipartError),
    /// The part is refused; the rest of the body can still be read.
    Refused(AppError),
}

/// Streams the file part into the store, refusing at once what is not a PDF, PNG or JPEG or
/// passes `limit`. An empty file passes here: it is a 422 once every part is read.
async fn receive_file(
    field: &mut Fuse<Field>,
    store: &DocumentStore,
    limit: FileLimit,
) -> Result<(Received, Option<DocumentType>), Refusal> {
    let check_head = |head: &[u8]| {
        if head.is_empty() {
            return Ok(None);
        }
        sniff(head)
            .map(Some)
            .ok_or(Refusal::Refused(AppError::UnsupportedMediaType))
    };
    let chunks = field.map(|chunk| chunk.map_err(Refusal::Malformed));
    store
        .receive(chunks, limit.bytes, SNIFF_LEN, check_head)
        .await
        .map_err(|error| match error {
            ReceiveError::TooLarge => Refusal::Refused(limit.refusal()),
            ReceiveError::Refused(refusal) | ReceiveError::Stream(refusal) => refusal,
            ReceiveError::Io(e) => Refusal::Refused(AppError::Internal(
                anyhow::Error::new(e).context("receiving a document"),
            )),
        })
}

/// A text part's value, or None when it is longer than `KIND_LIMIT` or not UTF-8. Counts
/// against `OTHER_PARTS_LIMIT` across parts.
async fn read_text(
    field: &mut Fuse<Field>,
    other_bytes: &mut u64,
) -> Result<Option<String>, Refusal> {
    let mut value = Vec::new();
    let mut too_long = false;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(Refusal::Malformed)?;
        *other_bytes += chunk.len() as u64;
        if *other_bytes > OTHER_PARTS_LIMIT {
            return Err(Refusal::Refused(AppError::PayloadTooLarge));
        }
        if value.len() + chunk.len() > KIND_LIMIT {
            too_long = true;
        } else if !too_long {
            value.extend_from_slice(&chunk);
        }
    }
    Ok(if too_long {
        None
    } else {
        String::from_utf8(value).ok()
    })
}

pub(crate) fn parse_kind(text: Option<&str>) -> Result<DocumentKind, FieldError> {
    text.and_then(|t| t.trim().parse().ok()).ok_or_else(|| {
        FieldError::new("kind", "invalid_type").with_param(
            "detail",
            "expected one of `business_license`, `financial_statement`, `site_lease`, `relationship_evidence`, `other`",
        )
    })
}

/// The file name the client sent: `filename*` (UTF-8) if present, else `filename`.
fn part_filename(field: &Field) -> String {
    let Some(disposition) = field.content_disposition() else {
        return String::new();
    };
    disposition
        .get_filename_ext()
        .and_then(|ext| String::from_utf8(ext.value.clone()).ok())
        .or_else(|| disposition.get_filename().map(str::to_owned))
        .unwrap_or_default()
}
