use actix_web::{HttpRequest, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{AnyPrincipal, Authorized};
use crate::db::events::{self, Event};
use crate::domain::event::EventAction;
use crate::domain::workflow::{self, Action, Actor, Status};
use crate::error::AppError;
use crate::http::extract::ValidatedQuery;
use crate::http::pagination::{Page, PageParams};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;

/// One entry of the audit timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventResponse {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// Who acted; null for the system, and staff stay anonymous to applicants.
    pub actor_id: Option<Uuid>,
    /// `applicant`, `reviewer`, `admin` or `system`.
    pub actor_role: String,
    /// The workflow action, or `create` for the draft's creation, `assign` for an assignment,
    /// `complete_task` / `reopen_task` for an onboarding task.
    pub action: String,
    /// Applicants are told public statuses, as in `ApplicationResponse.status`.
    pub from_status: Option<Status>,
    pub to_status: Status,
    /// The `reason_code` of a rejection.
    pub reason_code: Option<String>,
    /// The reason or message given with the action. Applicants do not get an assignment's
    /// (it names the reviewer): it is null for them.
    pub reason: Option<String>,
}

impl EventResponse {
    fn new(event: Event, access: &Access) -> Result<Self, AppError> {
        let corrupt = || AppError::Internal(anyhow::anyhow!("event {}: bad row", event.id));
        let staff_acted = event.actor_role != Actor::ApplicantOwner.as_str();
        let actor_id = match event.actor_id.as_deref() {
            Some(_) if access.applicant && staff_acted => None,
            Some(id) => Some(id.parse().map_err(|_| corrupt())?),
            None => None,
        };
        let reason = event
            .reason
            .filter(|_| !(access.applicant && EventAction::reason_is_internal(&event.action)));
        let status = |text: &str| text.parse().map(|s| access.shown(s)).map_err(|_| corrupt());
        Ok(Self {
            id: event.id.parse().map_err(|_| corrupt())?,
            at: event.at.and_utc(),
            actor_id,
            from_status: event.from_status.as_deref().map(status).transpose()?,
            to_status: status(&event.to_status)?,
            actor_role: event.actor_role,
            action: event.action,
            reason_code: event.reason_code,
            reason,
        })
    }
}

/// The application's audit timeline, oldest first: every move with who made it, when, and why.
///
/// Visible to whoever may read the application. Each event is part of the tamper-evident chain
/// that `GET /api/v1/audit/verify` checks. Applicants are not shown review's internal moves
/// (`start_review`, `shortlist`), are told public statuses, and never staff names or ids.
#[utoipa::path(
    tag = "applications",
    params(("id" = Uuid, Path, description = "Application id"), PageParams),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of events", body = Page<EventResponse>))
)]
#[get("/applications/{id}/events")]
pub async fn list_events(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    ValidatedQuery(page): ValidatedQuery<PageParams>,
) -> Result<web::Json<Page<EventResponse>>, AppError> {
    let id = id.into_inner();
    let locale = Locale::from_request(&req);
    let after = page.after::<i64>()?;
    let limit = page.limit();
    let (rows, access) = state
        .db
        .run(move |conn| {
            let access = Access::of(&principal, locale)?;
            access.load(conn, id)?;
            let unseen: Vec<&str> = if access.applicant {
                workflow::unseen_by_applicants()
                    .into_iter()
                    .map(Action::as_str)
                    .collect()
            } else {
                Vec::new()
            };
            let rows = events::list_for(conn, id, &unseen, after, limit + 1)?;
            Ok((rows, access))
        })
        .await?;
    let page = Page::from_rows(rows, limit, |e| e.seq, |e| EventResponse::new(e, &access));
    Ok(web::Json(Page {
        items: page.items.into_iter().collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    }))
}
