use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::Viewer;
use crate::auth::{Admin, Authorized, Principal, Staff};
use crate::db::assignees::{self, Assignee};
use crate::db::events::{self, NewEvent};
use crate::db::{users, write_transaction};
use crate::domain::account::Role;
use crate::domain::workflow::Actor;
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::i18n::Locale;
use crate::jobs::JobKind;
use crate::mail::templates::ApplicationMail;
use crate::mail::{self, Message};
use crate::state::AppState;
use crate::transitions::city_name;

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct AssignRequest {
    /// An active reviewer of the application's city.
    pub user_id: Uuid,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssigneeResponse {
    pub user_id: Uuid,
    pub display_name: String,
    pub assigned_at: DateTime<Utc>,
}

/// The reviewers assigned to an application, in the order they were assigned.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssigneeList {
    pub items: Vec<AssigneeResponse>,
}

impl From<Vec<Assignee>> for AssigneeList {
    fn from(rows: Vec<Assignee>) -> Self {
        Self {
            items: rows
                .into_iter()
                .map(|a| AssigneeResponse {
                    user_id: a.user_id,
                    display_name: a.display_name,
                    assigned_at: a.assigned_at,
                })
                .collect(),
        }
    }
}

/// Assign a reviewer of the application's city to it (admins).
///
/// Possible while the application is in review (`submitted` to `shortlisted`; else 409
/// `not_reviewable`). The reviewer is e-mailed, the assignment is written to the audit
/// timeline as `assign`, and the application shows in the reviewer's `assigned_to=me` list.
#[utoipa::path(
    tag = "applications",
    request_body = AssignRequest,
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Assigned; the application's assignees", body = AssigneeList),
        (status = 409, description = "Already assigned (`already_assigned`) or not in review (`not_reviewable`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/applications/{id}/assignees")]
pub async fn assign_reviewer(
    Authorized(admin): Authorized<Admin>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    ValidatedJson(body): ValidatedJson<AssignRequest>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let locale = Locale::from_request(&req);
    let now = state.clock.now();
    let task_state = state.clone();
    let list = state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let viewer = Viewer::of(conn, &Principal::User(admin.clone()), locale)?;
                let application = viewer.load(conn, id)?;
                let reviewer = users::find(conn, body.user_id)?
                    .filter(|u| u.active && u.role == Role::Reviewer);
                let Some(reviewer) = reviewer else {
                    return Err(AppError::field("user_id", "not_a_reviewer_of_city"));
                };
                if !users::city_codes(conn, reviewer.id)?.contains(&application.city_code) {
                    return Err(AppError::field("user_id", "not_a_reviewer_of_city"));
                }
                if !application.status.is_in_review() {
                    return Err(AppError::Conflict {
                        code: "not_reviewable",
                    });
                }
                if !assignees::add(conn, id, reviewer.id, Some(admin.id), now)? {
                    return Err(AppError::Conflict {
                        code: "already_assigned",
                    });
                }
                let note = format!("{} ({})", reviewer.display_name, reviewer.id);
                events::append(
                    conn,
                    &NewEvent {
                        application_id: id,
                        at: now,
                        actor_id: Some(admin.id),
                        actor_role: Actor::Admin.as_str(),
                        action: "assign",
                        from_status: Some(application.status),
                        to_status: application.status,
                        reason_code: None,
                        reason: Some(&note),
                    },
                )?;
                let city = city_name(conn, &application.city_code, reviewer.locale)?;
                let message = Message::ReviewerAssigned {
                    mail: ApplicationMail {
                        name: &reviewer.display_name,
                        city: &city,
                        application_id: id,
                    },
                    group: &application.dealer_group_name,
                };
                mail::enqueue(
                    conn,
                    &task_state.mail,
                    &reviewer.email,
                    reviewer.locale,
                    &message,
                    now,
                )?;
                assignees::list(conn, id)
            })
        })
        .await?;
    state.jobs.wake(JobKind::Mail);
    Ok(HttpResponse::Created().json(AssigneeList::from(list)))
}

/// The reviewers assigned to the application (staff who may read it).
#[utoipa::path(
    tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The assignees", body = AssigneeList))
)]
#[get("/applications/{id}/assignees")]
pub async fn list_assignees(
    Authorized(user): Authorized<Staff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<AssigneeList>, AppError> {
    let id = id.into_inner();
    let list = state
        .db
        .run(move |conn| {
            Viewer::of(conn, &Principal::User(user), None)?.load(conn, id)?;
            assignees::list(conn, id)
        })
        .await?;
    Ok(web::Json(AssigneeList::from(list)))
}
