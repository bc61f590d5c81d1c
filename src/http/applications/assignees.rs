use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::{Admin, Authorized, Principal, Staff};
use crate::db::assignees::{self, Assignee};
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;
use crate::workflow::assignment;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"user_id": "01956f3a-8c21-7a4b-b3d2-1f2e3d4c5b6a"}))]
pub struct AssignRequest {
    /// An active reviewer of the application's city.
    pub user_id: Uuid,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "user_id": "01956f3a-8c21-7a4b-b3d2-1f2e3d4c5b6a",
    "display_name": "Zhang Min",
    "assigned_at": "2026-03-06T01:30:00Z"
}))]
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
    let access = Access::of(&Principal::User(admin), Locale::from_request(&req))?;
    let list = state
        .write(move |work| {
            let application = access.load(work, id)?;
            let admin_id = access.user_id.ok_or(AppError::Forbidden)?;
            assignment::assign(work, &application, body.user_id, admin_id)?;
            assignees::list(work, id)
        })
        .await?;
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
            Access::of(&Principal::User(user), None)?.load(conn, id)?;
            assignees::list(conn, id)
        })
        .await?;
    Ok(web::Json(AssigneeList::from(list)))
}
