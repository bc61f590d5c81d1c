//! `/api/v1/applications/{id}/notes`: staff's internal notes on an application, for staff of
//! its city alone. Applicants are answered as if there were none to ask for (404), integrators
//! are refused (403). Notes are never in the timeline, in webhooks or in mails, and never
//! change once written.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::{Authorized, InternalStaff, Principal};
use crate::db::notes::{self, Note};
use crate::domain::message::BODY_MAX_CHARS;
use crate::error::AppError;
use crate::http::extract::{ValidatedJson, ValidatedQuery};
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{CreatedKey, Page, PageParams};
use crate::state::AppState;
use crate::workflow::Access;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "body": "Called the landlord: the lease is real, but the plot is zoned for 2027. Ask for the zoning letter before shortlisting."
}))]
pub struct NoteRequest {
    /// The note, 1 to 5000 characters once trimmed; line breaks are kept.
    #[validate(
        length(min = 1, max = BODY_MAX_CHARS),
        custom(function = "crate::domain::text::multi_line")
    )]
    #[schema(min_length = 1, max_length = 5000)]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub body: String,
}

/// The staff member who wrote a note.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteAuthor {
    pub user_id: Uuid,
    pub display_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019cc1e4-8b9c-7d0e-8f1a-2b3c4d5e6f70",
    "application_id": "01958a11-6b7c-7d8e-9fa0-b1c2d3e4f5a6",
    "author": {
        "user_id": "01956f3a-8c21-7a4b-b3d2-1f2e3d4c5b6a",
        "display_name": "Zhang Min"
    },
    "body": "Called the landlord: the lease is real, but the plot is zoned for 2027. Ask for the zoning letter before shortlisting.",
    "created_at": "2026-03-07T08:30:00Z"
}))]
pub struct NoteResponse {
    pub id: Uuid,
    pub application_id: Uuid,
    pub author: NoteAuthor,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<Note> for NoteResponse {
    fn from(note: Note) -> Self {
        Self {
            id: note.id,
            application_id: note.application_id,
            author: NoteAuthor {
                user_id: note.author_id,
                display_name: note.author_name,
            },
            body: note.body,
            created_at: note.created_at,
        }
    }
}

/// Write an internal note on the application (staff of its city: its reviewers, admins).
///
/// Staff alone read it: applicants, even the group's members, get 404, and integrators 403.
/// Notes are append-only and are never in the timeline, in webhooks or in mails. Send an
/// `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "applications",
    request_body = NoteRequest,
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body within 24 h get the first response"),
    ),
    security(("bearer" = [])),
    responses((status = 201, description = "The note", body = NoteResponse,
        headers(("Location" = String, description = "Where the note is read"))))
)]
#[post("/applications/{id}/notes")]
pub async fn post_note(
    Authorized(user): Authorized<InternalStaff>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    ValidatedJson(body): ValidatedJson<NoteRequest>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let fingerprint = key.fingerprint(&req, user.id);
    let author_id = user.id;
    let access = Access::of(&Principal::User(user), None)?;
    let note_id = Uuid::now_v7();
    let answer = state
        .write(move |work| {
            idempotency::run(work, fingerprint.as_ref(), 201, |work| {
                access.load(work, id)?;
                let now = work.now();
                let note = notes::insert(work, note_id, id, author_id, &body.body, now)?;
                let location = format!("/api/v1/applications/{id}/notes/{note_id}");
                let headers = vec![("Location".to_owned(), location)];
                Ok((NoteResponse::from(note), headers))
            })
        })
        .await?;
    Ok(answer.into_response())
}

/// The application's internal notes, oldest first (staff of its city; applicants 404).
#[utoipa::path(
    tag = "applications",
    params(("id" = Uuid, Path, description = "Application id"), PageParams),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of notes", body = Page<NoteResponse>))
)]
#[get("/applications/{id}/notes")]
pub async fn list_notes(
    Authorized(user): Authorized<InternalStaff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    ValidatedQuery(page): ValidatedQuery<PageParams>,
) -> Result<web::Json<Page<NoteResponse>>, AppError> {
    let id = id.into_inner();
    let access = Access::of(&Principal::User(user), None)?;
    let after = page.after::<CreatedKey>()?;
    let limit = page.limit();
    let rows = state
        .db
        .run(move |conn| {
            access.load(conn, id)?;
            notes::list(conn, id, after, limit + 1)
        })
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |n| (n.created_at, n.id),
        NoteResponse::from,
    )))
}

/// One internal note (staff of the application's city; applicants 404).
#[utoipa::path(
    tag = "applications",
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("note_id" = Uuid, Path, description = "Note id"),
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "The note", body = NoteResponse))
)]
#[get("/applications/{id}/notes/{note_id}")]
pub async fn get_note(
    Authorized(user): Authorized<InternalStaff>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<web::Json<NoteResponse>, AppError> {
    let (id, note_id) = path.into_inner();
    let access = Access::of(&Principal::User(user), None)?;
    let note = state
        .db
        .run(move |conn| {
            access.load(conn, id)?;
            notes::find(conn, id, note_id)?.ok_or(AppError::NotFound)
        })
        .await?;
    Ok(web::Json(note.into()))
}
