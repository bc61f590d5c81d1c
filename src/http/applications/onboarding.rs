use actix_web::{HttpRequest, get, patch, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::Viewer;
use crate::auth::{AnyUser, Authorized, Principal};
use crate::db::events::{self, NewEvent};
use crate::db::onboarding::{self, Task};
use crate::db::{DbConnection, write_transaction};
use crate::domain::event::EventAction;
use crate::domain::loi::{ChecklistItem, TaskOwner};
use crate::domain::workflow::Status;
use crate::error::{AppError, Problem, ProblemCode};
use crate::http::extract::ValidatedJson;
use crate::i18n::Locale;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskResponse {
    pub code: String,
    /// The task in the caller's language.
    pub title: String,
    /// Which side does it: the dealer group (`partner`) or the maker's staff (`maker`).
    pub owner: TaskOwner,
    pub due_on: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OnboardingResponse {
    pub tasks: Vec<TaskResponse>,
}

fn response(tasks: Vec<Task>, locale: Locale) -> OnboardingResponse {
    OnboardingResponse {
        tasks: tasks
            .into_iter()
            .map(|task| TaskResponse {
                title: ChecklistItem::find(&task.code)
                    .map_or(task.code.clone(), |item| item.title(locale).to_owned()),
                code: task.code,
                owner: task.owner,
                due_on: task.due_on,
                done_at: task.done_at,
                note: task.note,
            })
            .collect(),
    }
}

fn checklist(conn: &mut DbConnection, id: Uuid) -> Result<Vec<Task>, AppError> {
    let tasks = onboarding::list(conn, id)?;
    if tasks.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(tasks)
}

/// The onboarding checklist (the group's members, staff); 404 before onboarding starts.
#[utoipa::path(
    tag = "onboarding",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The checklist, in order", body = OnboardingResponse))
)]
#[get("/applications/{id}/onboarding")]
pub async fn get_onboarding(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<OnboardingResponse>, AppError> {
    let id = id.into_inner();
    let locale = Locale::from_request(&req);
    let (tasks, viewer) = state
        .db
        .run(move |conn| {
            let viewer = Viewer::of(conn, &Principal::User(user), locale)?;
            viewer.load(conn, id)?;
            Ok((checklist(conn, id)?, viewer))
        })
        .await?;
    Ok(web::Json(response(tasks, viewer.locale)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct TaskUpdate {
    /// True marks the task done; false opens it again.
    pub done: bool,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Mark an onboarding task done, or open it again (the task's side).
///
/// `partner` tasks are the group owner's; `maker` tasks are done by admins and the city's
/// reviewers. Only while the application is `onboarding` (409 `not_onboarding`). Each change is
/// written to the audit timeline as `complete_task` or `reopen_task`.
#[utoipa::path(
    tag = "onboarding",
    request_body = TaskUpdate,
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("task_code" = String, Path, description = "The task's code, e.g. `construction`"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The checklist after the change", body = OnboardingResponse),
        (status = 409, description = "Not onboarding (`not_onboarding`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/applications/{id}/onboarding/{task_code}")]
pub async fn update_task(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    ValidatedJson(body): ValidatedJson<TaskUpdate>,
) -> Result<web::Json<OnboardingResponse>, AppError> {
    let (id, code) = path.into_inner();
    let locale = Locale::from_request(&req);
    let now = state.clock.now();
    let (tasks, viewer) = state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let viewer = Viewer::of(conn, &Principal::User(user.clone()), locale)?;
                let application = viewer.load(conn, id)?;
                let task = checklist(conn, id)?
                    .into_iter()
                    .find(|t| t.code == code)
                    .ok_or(AppError::NotFound)?;
                let actor = viewer.actor_for(&application).ok_or(AppError::Forbidden)?;
                if !task.owner.is_done_by(actor) {
                    return Err(AppError::Forbidden);
                }
                if application.status != Status::Onboarding {
                    return Err(AppError::Conflict(ProblemCode::NotOnboarding));
                }
                let note = body
                    .note
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty());
                let done_at = body.done.then_some(now);
                onboarding::set_done(conn, id, &code, Some(user.id), note, done_at)?;
                let reason = match note {
                    Some(note) => format!("{code}: {note}"),
                    None => code.clone(),
                };
                events::append(
                    conn,
                    &NewEvent {
                        application_id: id,
                        at: now,
                        actor_id: Some(user.id),
                        actor_role: actor,
                        action: if body.done {
                            EventAction::CompleteTask
                        } else {
                            EventAction::ReopenTask
                        },
                        from_status: Some(application.status),
                        to_status: application.status,
                        reason_code: None,
                        reason: Some(&reason),
                    },
                )?;
                Ok((checklist(conn, id)?, viewer))
            })
        })
        .await?;
    Ok(web::Json(response(tasks, viewer.locale)))
}
