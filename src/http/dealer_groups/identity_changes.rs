//! `/api/v1/dealer-groups/{id}/identity-changes`: after a group's first submission, its legal
//! name and USCC change only through a request an owner makes and an admin decides.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::locale_of;
use crate::auth::principal::UserPrincipal;
use crate::auth::{Admin, AnyUser, Authorized};
use crate::db::identity_changes::IdentityChange;
use crate::domain::account::Role;
use crate::domain::identity_change::{
    IdentityChangeRejection, IdentityChangeRequest, IdentityChangeStatus,
};
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::identity;

/// A request to change the group's legal identity, and its decision.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a6f0-7c1d-7e55-9a43-5c1f0e6b2a10",
    "dealer_group_id": "0193a6e2-14b0-7d0e-8f3a-2b9c4d5e6f70",
    "from_legal_name": "苏州东方汽车集团有限公司",
    "from_uscc": "913205001234567881",
    "legal_name": "苏州东方新能源汽车集团有限公司",
    "uscc": "913205001234567881",
    "reason": "The group renamed itself after its merger; the business licence of 2026-11-02 is uploaded.",
    "status": "pending",
    "status_label": "Awaiting a decision",
    "requested_by": "0193a6e1-0f00-7a1b-9c2d-3e4f5a6b7c8d",
    "requested_at": "2026-11-29T09:15:00Z",
    "decided_by": null,
    "decided_at": null,
    "decision_reason": null
}))]
pub struct IdentityChangeResponse {
    pub id: Uuid,
    pub dealer_group_id: Uuid,
    /// The legal name when the request was made.
    pub from_legal_name: String,
    /// The USCC when the request was made.
    pub from_uscc: String,
    /// The legal name asked for.
    pub legal_name: String,
    /// The USCC asked for (normalised).
    pub uscc: String,
    /// The owner's reasons.
    pub reason: String,
    pub status: IdentityChangeStatus,
    /// The status in words, in the caller's language.
    pub status_label: String,
    pub requested_by: Uuid,
    pub requested_at: DateTime<Utc>,
    /// The admin who decided; shown to staff only (null for applicants).
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    /// A rejection's reasons.
    pub decision_reason: Option<String>,
}

impl IdentityChangeResponse {
    fn new(change: IdentityChange, user: &UserPrincipal, locale: Locale) -> Self {
        Self {
            status_label: change.status.label(locale).to_owned(),
            // Which of the maker's staff decided is staff's business, as in the timeline.
            decided_by: change.decided_by.filter(|_| user.role != Role::Applicant),
            id: change.id,
            dealer_group_id: change.dealer_group_id,
            from_legal_name: change.from_legal_name,
            from_uscc: change.from_uscc,
            legal_name: change.legal_name,
            uscc: change.uscc,
            reason: change.reason,
            status: change.status,
            requested_by: change.requested_by,
            requested_at: change.requested_at,
            decided_at: change.decided_at,
            decision_reason: change.decision_reason,
        }
    }
}

/// The group's identity change requests, newest first (a group has few: no paging).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct IdentityChangeList {
    pub items: Vec<IdentityChangeResponse>,
}

/// Ask to change the group's legal name or USCC (its owners).
///
/// Once the group has submitted an application, its `legal_name` and `uscc` change only this
/// way: the request waits for an admin's decision, and each step is an event in the timeline of
/// each of the group's applications. One request may wait at a time (409
/// `identity_change_pending`); before the first submission, edit the profile instead (409
/// `identity_not_locked`). The USCC must have a valid check character; a request that changes
/// nothing is refused (`unchanged` on both fields). Whether another group has the USCC is
/// checked when the request is approved.
#[utoipa::path(
    tag = "dealer-groups",
    request_body = IdentityChangeRequest,
    params(("id" = Uuid, Path, description = "Dealer group id")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The request, pending", body = IdentityChangeResponse),
        (status = 409, description = "A request is pending already (`identity_change_pending`), or the group has not submitted yet (`identity_not_locked`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dealer-groups/{id}/identity-changes")]
pub async fn request_identity_change(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    ValidatedJson(body): ValidatedJson<IdentityChangeRequest>,
) -> Result<HttpResponse, AppError> {
    let group_id = id.into_inner();
    let locale = locale_of(&req, user.locale);
    let change_id = Uuid::now_v7();
    let (change, user) = state
        .write(move |work| {
            let change = identity::request(work, &user, group_id, change_id, &body)?;
            Ok((change, user))
        })
        .await?;
    Ok(HttpResponse::Created().json(IdentityChangeResponse::new(change, &user, locale)))
}

/// The group's identity change requests (its members, and staff who see the group).
#[utoipa::path(
    tag = "dealer-groups",
    params(("id" = Uuid, Path, description = "Dealer group id")),
    security(("bearer" = [])),
    responses((status = 200, description = "Every request, newest first", body = IdentityChangeList))
)]
#[get("/dealer-groups/{id}/identity-changes")]
pub async fn list_identity_changes(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<IdentityChangeList>, AppError> {
    let group_id = id.into_inner();
    let locale = locale_of(&req, user.locale);
    let (changes, user) = state
        .db
        .run(move |conn| Ok((identity::list(conn, &user, group_id)?, user)))
        .await?;
    Ok(web::Json(IdentityChangeList {
        items: changes
            .into_iter()
            .map(|change| IdentityChangeResponse::new(change, &user, locale))
            .collect(),
    }))
}

/// Approve an identity change request (admins).
///
/// The group takes the new legal name and USCC (409 `uscc_taken` if another group has the USCC),
/// its top-100 verification and USCC warnings are worked out again, and its `version` moves on.
/// Recorded in the timelines of the group's applications; the group's owners are e-mailed. Read the group
/// again for its new profile and `version`.
#[utoipa::path(
    tag = "dealer-groups",
    params(
        ("id" = Uuid, Path, description = "Dealer group id"),
        ("change_id" = Uuid, Path, description = "Identity change request id"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved: the group has the new identity", body = IdentityChangeResponse),
        (status = 409, description = "Decided already (`identity_change_decided`), or another group has the USCC (`uscc_taken`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dealer-groups/{id}/identity-changes/{change_id}/approve")]
pub async fn approve_identity_change(
    Authorized(admin): Authorized<Admin>,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<web::Json<IdentityChangeResponse>, AppError> {
    let (group_id, change_id) = path.into_inner();
    let locale = locale_of(&req, admin.locale);
    let by = admin.id;
    let change = state
        .write(move |work| identity::approve(work, by, group_id, change_id))
        .await?;
    Ok(web::Json(IdentityChangeResponse::new(
        change, &admin, locale,
    )))
}

/// Reject an identity change request (admins), with the reasons the group's owners are e-mailed.
#[utoipa::path(
    tag = "dealer-groups",
    request_body = IdentityChangeRejection,
    params(
        ("id" = Uuid, Path, description = "Dealer group id"),
        ("change_id" = Uuid, Path, description = "Identity change request id"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected; the group keeps its identity", body = IdentityChangeResponse),
        (status = 409, description = "Decided already (`identity_change_decided`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dealer-groups/{id}/identity-changes/{change_id}/reject")]
pub async fn reject_identity_change(
    Authorized(admin): Authorized<Admin>,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    ValidatedJson(body): ValidatedJson<IdentityChangeRejection>,
) -> Result<web::Json<IdentityChangeResponse>, AppError> {
    let (group_id, change_id) = path.into_inner();
    let locale = locale_of(&req, admin.locale);
    let by = admin.id;
    let change = state
        .write(move |work| identity::reject(work, by, group_id, change_id, &body))
        .await?;
    Ok(web::Json(IdentityChangeResponse::new(
        change, &admin, locale,
    )))
}
