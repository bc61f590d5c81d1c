use actix_web::{HttpRequest, get, patch, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::{AnyPrincipal, AnyUser, Authorized, Principal};
use crate::db::onboarding::Task;
use crate::domain::loi::{ChecklistItem, TaskOwner};
use crate::domain::scope::Scope;
use crate::error::{AppError, Problem};
use crate::http::merge_patch::MergePatch;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;
use crate::workflow::onboarding::{self, TaskChange};

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"code": "dealer_agreement", "title": "Sign the dealer agreement", "owner": "partner", "due_on": "2026-04-24", "done_at": "2026-04-20T03:05:00Z", "note": "Signed by both parties; the originals are on their way by courier."}))]
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

/// The example: onboarding started on 10 April 2026 and the group has signed the dealer
/// agreement.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"tasks": [
    {"code": "dealer_agreement", "title": "Sign the dealer agreement", "owner": "partner", "due_on": "2026-04-24", "done_at": "2026-04-20T03:05:00Z", "note": "Signed by both parties; the originals are on their way by courier."},
    {"code": "site_drawings_approval", "title": "Approve the site drawings", "owner": "maker", "due_on": "2026-05-10", "done_at": null, "note": null},
    {"code": "construction", "title": "Build and fit out the store", "owner": "partner", "due_on": "2026-08-08", "done_at": null, "note": null},
    {"code": "staff_training", "title": "Train sales and service staff", "owner": "maker", "due_on": "2026-08-28", "done_at": null, "note": null},
    {"code": "systems_access", "title": "Grant access to the maker's systems", "owner": "maker", "due_on": "2026-09-07", "done_at": null, "note": null},
    {"code": "opening_inspection", "title": "Inspect the store before opening", "owner": "maker", "due_on": "2026-09-27", "done_at": null, "note": null}
]}))]
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

/// The onboarding checklist (the group's members, staff, integrators with `onboarding:read`);
/// 404 before onboarding starts.
#[utoipa::path(
    tag = "onboarding",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The checklist, in order", body = OnboardingResponse))
)]
#[get("/applications/{id}/onboarding")]
pub async fn get_onboarding(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<OnboardingResponse>, AppError> {
    let id = id.into_inner();
    let locale = Locale::from_request(&req);
    let (tasks, access) = state
        .db
        .run(move |conn| {
            let access = Access::reading(&principal, Scope::OnboardingRead, locale)?;
            access.load(conn, id)?;
            Ok((onboarding::checklist(conn, id)?, access))
        })
        .await?;
    Ok(web::Json(response(tasks, access.locale)))
}

/// What the task's side may change; `PATCH` takes a merge patch of it.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "done": true,
    "note": "Signed by both parties; the originals are on their way by courier."
}))]
pub struct TaskUpdate {
    /// True marks the task done; false opens it again.
    pub done: bool,
    #[validate(
        length(max = 2000),
        custom(function = "crate::domain::text::multi_line")
    )]
    #[schema(max_length = 2000)]
    #[serde(default, deserialize_with = "crate::domain::text::trimmed_opt")]
    pub note: Option<String>,
}

impl From<&Task> for TaskUpdate {
    fn from(task: &Task) -> Self {
        Self {
            done: task.done_at.is_some(),
            note: task.note.clone(),
        }
    }
}

/// Mark an onboarding task done, or open it again (the task's side).
///
/// A JSON Merge Patch (RFC 7396) of `{done, note}`: send what changes (`{"done": true}`);
/// `null` clears the note.
///
/// `partner` tasks are done by the group's owners and signatories (editors read them); `maker`
/// tasks by admins and the city's reviewers. Only while the application is `onboarding` (409 `not_onboarding`). Each change is
/// written to the audit timeline as `complete_task` or `reopen_task`.
#[utoipa::path(
    tag = "onboarding",
    request_body(
        description = "The fields to change, as a merge patch",
        content(
            (TaskUpdate = "application/merge-patch+json"),
            (TaskUpdate = "application/json"),
        ),
    ),
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
    patch: MergePatch,
) -> Result<web::Json<OnboardingResponse>, AppError> {
    let (id, code) = path.into_inner();
    let access = Access::of(&Principal::User(user), Locale::from_request(&req))?;
    let locale = access.locale;
    let tasks = state
        .write(move |work| {
            let application = access.load(work, id)?;
            let changeable = onboarding::changeable_task(work, &access, &application, &code)?;
            let body: TaskUpdate = patch.apply(&TaskUpdate::from(&changeable.task))?;
            let change = TaskChange {
                done: body.done,
                note: body.note.as_deref(),
            };
            onboarding::update_task(work, &access, &application, &changeable, &change)?;
            onboarding::checklist(work, id)
        })
        .await?;
    Ok(web::Json(response(tasks, locale)))
}
