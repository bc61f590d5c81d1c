//! `GET /api/v1/changes`: the change feed, for integrators that cannot receive webhooks or
//! missed some. The same events the webhooks deliver, in the order they were published
//! (`db::change_feed`), each once, from a cursor the reader keeps.

use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::{Authorized, Policy, Principal};
use crate::db::change_feed::{self, Change};
use crate::domain::account::Role;
use crate::domain::workflow::EventType;
use crate::error::{AppError, Problem, ProblemCode};
use crate::http::extract::ValidatedQuery;
use crate::http::pagination::{DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, encode_cursor};
use crate::state::AppState;
use crate::webhooks::payload::Envelope;

/// Who reads the feed: admins (every event type), and integrator clients (the types their
/// scopes allow).
pub struct FeedReader;

impl Policy for FeedReader {
    /// The event types the caller may see.
    type Subject = Vec<EventType>;
    fn admit(principal: Principal) -> Option<Vec<EventType>> {
        match principal {
            Principal::User(user) if user.role == Role::Admin => Some(EventType::ALL.to_vec()),
            Principal::Client(client) => Some(
                EventType::ALL
                    .into_iter()
                    .filter(|event| client.scopes.contains(&event.required_scope()))
                    .collect(),
            ),
            Principal::User(_) => None,
        }
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    /// The `next_cursor` of the previous answer. Without it the feed starts at the oldest change
    /// it keeps.
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub after: Option<String>,
    /// Only these event types, comma-separated (`application.submitted,loi.signed`); by default
    /// every type the caller may see. A type the caller's scopes do not allow: 403
    /// `insufficient_scope`; one that does not exist: 422 `unknown_event_type`.
    #[validate(length(max = 1000))]
    #[param(
        max_length = 1000,
        example = "application.submitted,application.status_changed"
    )]
    pub types: Option<String>,
    /// Changes per page, 1 to 100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "id": "01958e47-3c5d-7e6f-8a9b-0c1d2e3f4a5b",
            "type": "application.submitted",
            "created_at": "2026-03-09T02:41:07.218Z",
            "data": {
                "application_id": "01958a11-6b7c-7d8e-9fa0-b1c2d3e4f5a6",
                "dealer_group_id": "019589f0-2c3d-7e4f-8a5b-6c7d8e9fa0b1",
                "city_code": "320500",
                "action": "submit",
                "from_status": "draft",
                "to_status": "submitted",
                "version": 4
            }
        }
    ],
    "next_cursor": "MTI4",
    "has_more": false
}))]
pub struct ChangePage {
    /// The changes, oldest first: the bodies the webhooks POST (`webhooks` in this document),
    /// with the same `id`.
    pub items: Vec<Envelope>,
    /// Where this page ends: keep it, and pass it as `after` to go on. Never null: on an
    /// empty page it is where the feed stands now.
    pub next_cursor: String,
    /// More changes are ready now: ask again at once. Otherwise ask again later (every 30
    /// seconds or so).
    pub has_more: bool,
}

/// Follow the changes (admins; integrators, each event type with the scope reading its data
/// needs, as for webhooks).
///
/// Every change the caller may see, in the order it was published, each once: keep
/// `next_cursor` (after handling the page) and pass it as `after`, and nothing is missed or
/// seen twice. The items are the webhooks' delivery bodies, with the same `id` as the
/// deliveries of the same event, so a receiver of both drops what it has already seen. Changes
/// are kept at least 30 days; a cursor older than that is answered 410 `cursor_expired`: bring
/// your copy up to date from the lists (`updated_since`), then follow the feed from its start.
/// Within one application, `data.version` orders its status changes.
#[utoipa::path(
    tag = "changes",
    params(ChangeQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of changes", body = ChangePage),
        (status = 403, description = "Not an admin or an integrator (`forbidden`), or a client whose scopes do not allow one of the types asked for, or none at all (`insufficient_scope`)", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The changes after `after` are no longer kept (`cursor_expired`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/changes")]
pub async fn list_changes(
    Authorized(visible): Authorized<FeedReader>,
    state: web::Data<AppState>,
    ValidatedQuery(query): ValidatedQuery<ChangeQuery>,
) -> Result<web::Json<ChangePage>, AppError> {
    let types = match query.types.as_deref().map(str::trim) {
        None | Some("") => visible,
        Some(asked) => {
            let asked = parse_types(asked)?;
            if !asked.iter().all(|event| visible.contains(event)) {
                return Err(AppError::Refused(ProblemCode::InsufficientScope));
            }
            asked
        }
    };
    if types.is_empty() {
        return Err(AppError::Refused(ProblemCode::InsufficientScope));
    }
    let after = query
        .after
        .as_deref()
        .map(|cursor| decode_cursor::<i64>("after", cursor))
        .transpose()?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let (changes, has_more, end) = state
        .db
        .run(move |conn| {
            // Read first: every change up to `last` has committed (`db::change_feed`), so a
            // page that stops short of the limit has seen all of them.
            let (pruned_through, last) = change_feed::bounds(conn)?;
            let kept_cursor = after.is_some();
            let after = match after {
                None => pruned_through,
                Some(after) if after < 0 || after > last => {
                    return Err(AppError::field("after", "invalid_cursor"));
                }
                Some(after) if after < pruned_through => {
                    return Err(AppError::Gone(ProblemCode::CursorExpired));
                }
                Some(after) => after,
            };
            let names: Vec<&str> = types.iter().map(|event| event.as_str()).collect();
            let mut changes = change_feed::page(conn, after, &names, limit + 1)?;
            // Forgotten meanwhile: the page may have lost changes after the reader's cursor.
            if kept_cursor && change_feed::bounds(conn)?.0 > after {
                return Err(AppError::Gone(ProblemCode::CursorExpired));
            }
            let has_more = changes.len() > usize::try_from(limit).unwrap_or(usize::MAX);
            changes.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            let reached = changes.last().map_or(after, |change| change.seq);
            let end = if has_more { reached } else { reached.max(last) };
            Ok((changes, has_more, end))
        })
        .await?;
    let items = changes
        .into_iter()
        .map(envelope)
        .collect::<Result<_, _>>()?;
    Ok(web::Json(ChangePage {
        items,
        next_cursor: encode_cursor(&end),
        has_more,
    }))
}

/// `types` as event types; a name that is none, or no name at all, is a 422 on `types`.
fn parse_types(text: &str) -> Result<Vec<EventType>, AppError> {
    let mut types = Vec::new();
    for name in text
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        let event =
            EventType::parse(name).ok_or_else(|| AppError::field("types", "unknown_event_type"))?;
        if !types.contains(&event) {
            types.push(event);
        }
    }
    if types.is_empty() {
        return Err(AppError::field("types", "unknown_event_type"));
    }
    Ok(types)
}

fn envelope(change: Change) -> Result<Envelope, AppError> {
    let data = serde_json::from_str(&change.payload)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("a stored change")))?;
    Ok(Envelope {
        id: change.id,
        event_type: change.event_type,
        created_at: change.created_at.and_utc(),
        data,
    })
}
