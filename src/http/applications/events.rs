use actix_web::{HttpRequest, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{AnyPrincipal, Authorized};
use crate::db::events::{self, Event};
use crate::domain::event::{ActorRole, EventAction};
use crate::domain::exit::ReasonCode;
use crate::domain::scope::Scope;
use crate::domain::workflow::{Action, Status};
use crate::error::AppError;
use crate::http::extract::ValidatedQuery;
use crate::http::pagination::{Page, SincePageParams};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;

/// One entry of the audit timeline, with words beside its codes in the caller's language.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019cc0c4-0dc0-7951-9d9d-c9f81818e811",
    "at": "2026-03-06T01:30:00Z",
    "actor_id": "01956f3a-8c21-7a4b-b3d2-1f2e3d4c5b6a",
    "actor_role": "reviewer",
    "actor_label": "Reviewer",
    "action": "start_review",
    "action_label": "Review started",
    "from_status": "submitted",
    "from_status_label": "Submitted",
    "to_status": "under_review",
    "to_status_label": "In review",
    "reason_code": null,
    "reason_label": null,
    "reason": null
}))]
pub struct EventResponse {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// Who acted; null for the system, and for staff when an applicant reads.
    pub actor_id: Option<Uuid>,
    /// Who acted, by role. Applicants read `maker` for the maker's staff, never which of them
    /// or in which role.
    pub actor_role: ActorRole,
    /// `actor_role` in words.
    pub actor_label: String,
    /// The workflow action, or `create` for the draft's creation, `assign` for an assignment,
    /// `complete_task` / `reopen_task` for an onboarding task, `update_group` for a change of
    /// the group's profile, `upload_document` / `delete_document` for a document,
    /// `verify_affiliation` for an admin's confirmation of the group's parent.
    pub action: String,
    /// `action` in words.
    pub action_label: String,
    /// Applicants are told public statuses, as in `ApplicationResponse.status`.
    pub from_status: Option<Status>,
    /// `from_status` in words.
    pub from_status_label: Option<String>,
    pub to_status: Status,
    /// `to_status` in words.
    pub to_status_label: String,
    /// The `reason_code` of a rejection or a termination.
    pub reason_code: Option<String>,
    /// `reason_code` in words (the e-mail explains it at length).
    pub reason_label: Option<String>,
    /// The reason or message given with the action. Applicants read only the words meant for
    /// them: their own, a rejection's reason and a request for information's message (which
    /// their e-mails carry too), and onboarding task notes (which their checklist shows).
    /// Staff's other words (a reopening's reason, an assignment) are null for them.
    pub reason: Option<String>,
}

impl EventResponse {
    fn new(event: Event, access: &Access) -> Result<Self, AppError> {
        let corrupt = || AppError::Internal(anyhow::anyhow!("event {}: bad row", event.id));
        let locale = access.locale;
        let role = ActorRole::stored(&event.actor_role).ok_or_else(corrupt)?;
        let actor_id = match event.actor_id.as_deref() {
            Some(id) if access.sees_actor(role) => Some(id.parse().map_err(|_| corrupt())?),
            _ => None,
        };
        let role = access.shown_role(role);
        let action = EventAction::parse(&event.action);
        let (reason_code, reason) = if access.sees_reason(action) {
            (event.reason_code, event.reason)
        } else {
            (None, None)
        };
        let status = |text: &str| {
            text.parse::<Status>()
                .map(|s| access.shown(s))
                .map_err(|_| corrupt())
        };
        let from_status = event.from_status.as_deref().map(status).transpose()?;
        let to_status = status(&event.to_status)?;
        Ok(Self {
            id: event.id.parse().map_err(|_| corrupt())?,
            at: event.at.and_utc(),
            actor_id,
            actor_role: role,
            actor_label: role.label(locale).to_owned(),
            action_label: action.map_or(event.action.clone(), |a| a.label(locale).to_owned()),
            action: event.action,
            from_status,
            from_status_label: from_status.map(|s| s.label(locale).to_owned()),
            to_status,
            to_status_label: to_status.label(locale).to_owned(),
            reason_label: reason_code
                .as_deref()
                .and_then(|code| {
                    let terminated = action == Some(EventAction::Move(Action::Terminate));
                    ReasonCode::label(code, terminated, locale)
                })
                .map(str::to_owned),
            reason_code,
            reason,
        })
    }
}

/// The application's audit timeline, oldest first: every move with who made it, when, and why,
/// with words beside every code in the caller's language.
///
/// Staff read every event as recorded; each is part of the tamper-evident chain that
/// `GET /api/v1/audit/verify` checks. Integrators (`events:read`) read every event, and its
/// `reason` where their scopes cover what the words tell: a document's name and hash with
/// `documents:read`, a task's note with `onboarding:read`, the group's changes with
/// `dealer_groups:read`; never the members' comings and goings or an admin's note on a parent. Applicants read the public steps of their
/// application: not review's internal moves (`start_review`, `shortlist`) nor assignments,
/// which leave the public status as it was; public statuses only (`submitted`, `under_review`
/// and `shortlisted` read `under_review`); staff as `maker`, without ids; and only the reasons
/// meant for them (see `reason`). What applicants read is a view: the chain is unchanged.
#[utoipa::path(
    tag = "applications",
    params(("id" = Uuid, Path, description = "Application id"), SincePageParams),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of events", body = Page<EventResponse>))
)]
#[get("/applications/{id}/events")]
pub async fn list_events(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    ValidatedQuery(query): ValidatedQuery<SincePageParams>,
) -> Result<web::Json<Page<EventResponse>>, AppError> {
    let id = id.into_inner();
    let (page, since) = query.split();
    let locale = Locale::from_request(&req);
    let after = page.after::<i64>()?;
    let limit = page.limit();
    let (rows, access) = state
        .db
        .run(move |conn| {
            let access = Access::reading(&principal, Scope::EventsRead, locale)?;
            access.load(conn, id)?;
            let rows =
                events::list_for(conn, id, &access.unseen_events(), since, after, limit + 1)?;
            Ok((rows, access))
        })
        .await?;
    let page = Page::from_rows(rows, limit, |e| e.seq, |e| EventResponse::new(e, &access));
    Ok(web::Json(Page {
        items: page.items.into_iter().collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    }))
}
