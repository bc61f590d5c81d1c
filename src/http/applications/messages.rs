//! `/api/v1/applications/{id}/messages`: the conversation about an application between its
//! group's members and the maker's staff of its city. Each message is e-mailed to the other
//! side; applicants read the maker's messages as the maker's, never by whom.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::rate_limit::MessageAuthor;
use crate::auth::{AnyPrincipal, AnyUser, Authorized, Principal};
use crate::db::messages::{self, Message};
use crate::domain::document::DocumentKind;
use crate::domain::message::{BODY_MAX_CHARS, DOCUMENTS_MAX, Side};
use crate::domain::scope::Scope;
use crate::error::{AppError, Problem};
use crate::http::extract::{ValidatedJson, ValidatedQuery};
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{Page, SincePageParams};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;
use crate::workflow::messages::{self as conversation, Draft};

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "body": "The signed lease for 1288 Wuzhong Avenue is attached; the landlord's letter follows on Friday.",
    "document_ids": ["019cb192-0de8-711d-ab0d-549b6f03675a"]
}))]
pub struct MessageRequest {
    /// The message, 1 to 5000 characters once trimmed; line breaks are kept.
    #[validate(
        length(min = 1, max = BODY_MAX_CHARS),
        custom(function = "crate::domain::text::multi_line")
    )]
    #[schema(min_length = 1, max_length = 5000)]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub body: String,
    /// Up to 10 of this application's documents (`GET .../documents`) the message points to,
    /// each once. Another application's document, or one named twice, is a 422 naming
    /// `document_ids[i]`.
    #[validate(length(max = DOCUMENTS_MAX))]
    #[schema(max_items = 10)]
    #[serde(default)]
    pub document_ids: Option<Vec<Uuid>>,
}

/// Who wrote a message. Applicants read the maker's messages as `maker` alone, without which
/// of its staff wrote them; staff and integrators read everyone's account and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageAuthorView {
    pub side: Side,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// A document a message points to (`GET .../documents/{doc_id}` reads it).
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageDocument {
    pub id: Uuid,
    pub kind: DocumentKind,
    pub filename: String,
}

/// A message as the caller reads it. The example is a reviewer's view of an applicant's
/// message.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019cc1d2-5a6b-7c8d-9e0f-1a2b3c4d5e6f",
    "application_id": "01958a11-6b7c-7d8e-9fa0-b1c2d3e4f5a6",
    "author": {
        "side": "applicant",
        "user_id": "019589e1-7a2b-7c3d-8e4f-5a6b7c8d9e0f",
        "display_name": "Wang Fang"
    },
    "body": "The signed lease for 1288 Wuzhong Avenue is attached; the landlord's letter follows on Friday.",
    "documents": [{
        "id": "019cb192-0de8-711d-ab0d-549b6f03675a",
        "kind": "site_lease",
        "filename": "wuzhong-site-lease.pdf"
    }],
    "created_at": "2026-03-07T06:12:40Z"
}))]
pub struct MessageResponse {
    pub id: Uuid,
    pub application_id: Uuid,
    pub author: MessageAuthorView,
    pub body: String,
    /// The documents it points to that the application still has (the group's owner may remove
    /// a document while the application is editable), in the order given.
    pub documents: Vec<MessageDocument>,
    pub created_at: DateTime<Utc>,
}

impl MessageResponse {
    fn new(message: Message, access: &Access) -> Self {
        // Applicants never learn which of the maker's staff wrote.
        let named = !access.applicant || message.side == Side::Applicant;
        Self {
            id: message.id,
            application_id: message.application_id,
            author: MessageAuthorView {
                side: message.side,
                user_id: named.then_some(message.author_id),
                display_name: named.then_some(message.author_name),
            },
            body: message.body,
            documents: message
                .documents
                .into_iter()
                .map(|d| MessageDocument {
                    id: d.id,
                    kind: d.kind,
                    filename: d.filename,
                })
                .collect(),
            created_at: message.created_at,
        }
    }
}

/// Post a message on the application (its group's members; staff of its city).
///
/// Applicants write from a verified e-mail address only (403 `email_not_verified`, not counted
/// against the limit). The other side is e-mailed, each in its own language with both languages
/// in the mail: a member's message goes to the application's active assignees, or to the city's
/// reviewers while none is; on a `draft` to nobody of the maker's (staff do not review drafts:
/// they read the thread once it is submitted); the maker's goes to every active member of the
/// group. The author is not mailed. Integrators with `message.created` subscriptions are told. Integrator clients
/// read the thread but may not post (403). Limited to 20 messages per person in 10 minutes
/// (429 with `Retry-After`; every answer carries the `RateLimit-*` headers of this limit).
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "applications",
    request_body = MessageRequest,
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body within 24 h get the first response"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The message", body = MessageResponse,
            headers(
                ("Location" = String, description = "Where the message is read"),
                ("RateLimit-Limit" = u32, description = "Messages allowed in 10 minutes"),
                ("RateLimit-Remaining" = u32, description = "Messages left now"),
                ("RateLimit-Reset" = u32, description = "Seconds until the allowance is full again"),
            )),
        (status = 429, description = "More than 20 messages in 10 minutes (`rate_limited`)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait before retrying"))),
    )
)]
#[post("/applications/{id}/messages")]
pub async fn post_message(
    MessageAuthor(user): MessageAuthor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    ValidatedJson(body): ValidatedJson<MessageRequest>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let fingerprint = key.fingerprint(&req, user.id);
    let access = Access::of(&Principal::User(user), Locale::from_request(&req))?;
    let draft = Draft {
        body: body.body,
        document_ids: body.document_ids.unwrap_or_default(),
    };
    let message_id = Uuid::now_v7();
    let answer = state
        .write(move |work| {
            idempotency::run(work, fingerprint.as_ref(), 201, |work| {
                let application = access.load(work, id)?;
                let message = conversation::post(work, &access, &application, message_id, &draft)?;
                let location = format!("/api/v1/applications/{id}/messages/{message_id}");
                let headers = vec![("Location".to_owned(), location)];
                Ok((MessageResponse::new(message, &access), headers))
            })
        })
        .await?;
    Ok(answer.into_response())
}

/// The application's messages, oldest first (its group's members, staff of its city, and
/// integrators with `messages:read`).
///
/// Reading does not mark them read: `POST .../messages/read` does.
#[utoipa::path(
    tag = "applications",
    params(("id" = Uuid, Path, description = "Application id"), SincePageParams),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of messages", body = Page<MessageResponse>))
)]
#[get("/applications/{id}/messages")]
pub async fn list_messages(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    ValidatedQuery(query): ValidatedQuery<SincePageParams>,
) -> Result<web::Json<Page<MessageResponse>>, AppError> {
    let id = id.into_inner();
    let (page, since) = query.split();
    let locale = Locale::from_request(&req);
    let after = page.after::<i64>()?;
    let limit = page.limit();
    let (rows, access) = state
        .db
        .run(move |conn| {
            let access = Access::reading(&principal, Scope::MessagesRead, locale)?;
            access.load(conn, id)?;
            Ok((messages::list(conn, id, since, after, limit + 1)?, access))
        })
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |m| m.seq,
        |m| MessageResponse::new(m, &access),
    )))
}

/// One message of the application (whoever may read its messages).
#[utoipa::path(
    tag = "applications",
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("message_id" = Uuid, Path, description = "Message id"),
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "The message", body = MessageResponse))
)]
#[get("/applications/{id}/messages/{message_id}")]
pub async fn get_message(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<web::Json<MessageResponse>, AppError> {
    let (id, message_id) = path.into_inner();
    let locale = Locale::from_request(&req);
    let response = state
        .db
        .run(move |conn| {
            let access = Access::reading(&principal, Scope::MessagesRead, locale)?;
            access.load(conn, id)?;
            let message = messages::find(conn, id, message_id)?.ok_or(AppError::NotFound)?;
            Ok(MessageResponse::new(message, &access))
        })
        .await?;
    Ok(web::Json(response))
}

/// Mark the application's messages read, up to the newest (people who may read them).
///
/// The caller's `unread_messages` on the application drops to 0, counting again from the next
/// message someone else writes.
#[utoipa::path(
    tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Marked read"))
)]
#[post("/applications/{id}/messages/read")]
pub async fn read_messages(
    Authorized(user): Authorized<AnyUser>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let user_id = user.id;
    let access = Access::of(&Principal::User(user), None)?;
    state
        .write(move |work| {
            access.load(work, id)?;
            let now = work.now();
            messages::mark_read(work, id, user_id, now)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
