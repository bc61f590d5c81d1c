//! Invitations into a dealer group: its owners list the pending ones, read one and revoke them
//! (`/api/v1/dealer-groups/{id}/invitations`). Owners invite with `POST .../members`; the
//! invitee accepts with the mailed token (`crate::http::invitations::accept`).

use actix_web::{HttpResponse, delete, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{AnyUser, Authorized};
use crate::db::invitations::{Invitation, Standing};
use crate::domain::member::MemberRole;
use crate::error::{AppError, Problem};
use crate::state::AppState;
use crate::workflow::invitations;

/// Where an invitation stands: `pending` (its link works), `accepted` (a membership now),
/// `revoked` (by an owner, replaced by a newer invitation of the address, or with its inviter's
/// ownership), `expired` (7 days passed).
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl From<Standing> for InvitationStatus {
    fn from(standing: Standing) -> Self {
        match standing {
            Standing::Pending => Self::Pending,
            Standing::Accepted => Self::Accepted,
            Standing::Revoked => Self::Revoked,
            Standing::Expired => Self::Expired,
        }
    }
}

/// An invitation into a dealer group.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193b1c2-3d4e-7f50-8a61-b2c3d4e5f607",
    "email": "zhang.min@dealer.example",
    "role": "signatory",
    "title": "总经理",
    "invited_by": "01956f3a-2b4c-7d8e-9f01-23456789abcd",
    "created_at": "2026-12-01T08:00:00Z",
    "expires_at": "2026-12-08T08:00:00Z",
    "status": "pending"
}))]
pub struct InvitationResponse {
    pub id: Uuid,
    /// The invited address, lower-cased.
    pub email: String,
    pub role: MemberRole,
    pub title: Option<String>,
    /// The owner who invited.
    pub invited_by: Uuid,
    pub created_at: DateTime<Utc>,
    /// The link stops working then (7 days after `created_at`).
    pub expires_at: DateTime<Utc>,
    pub status: InvitationStatus,
}

impl InvitationResponse {
    /// The invitation as it stands at `now`.
    pub fn new(invitation: Invitation, now: DateTime<Utc>) -> Self {
        Self {
            status: invitation.standing(now).into(),
            id: invitation.id,
            email: invitation.email,
            role: invitation.role,
            title: invitation.title,
            invited_by: invitation.invited_by,
            created_at: invitation.created_at,
            expires_at: invitation.expires_at,
        }
    }
}

/// The group's pending invitations, oldest first (a group has few: no paging).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": "0193b1c2-3d4e-7f50-8a61-b2c3d4e5f607",
        "email": "zhang.min@dealer.example",
        "role": "signatory",
        "title": "总经理",
        "invited_by": "01956f3a-2b4c-7d8e-9f01-23456789abcd",
        "created_at": "2026-12-01T08:00:00Z",
        "expires_at": "2026-12-08T08:00:00Z",
        "status": "pending"
    }]
}))]
pub struct InvitationList {
    pub items: Vec<InvitationResponse>,
}

/// The group's pending invitations (its owners).
///
/// Those that may still be accepted: neither accepted, revoked, replaced nor expired.
#[utoipa::path(
    tag = "dealer-groups",
    params(("id" = Uuid, Path, description = "Dealer group id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The pending invitations, oldest first", body = InvitationList))
)]
#[get("/dealer-groups/{id}/invitations")]
pub async fn list_invitations(
    Authorized(user): Authorized<AnyUser>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<InvitationList>, AppError> {
    let group_id = id.into_inner();
    let now = state.clock.now();
    let pending = state
        .db
        .run(move |conn| invitations::pending(conn, &user, group_id, now))
        .await?;
    Ok(web::Json(InvitationList {
        items: pending
            .into_iter()
            .map(|i| InvitationResponse::new(i, now))
            .collect(),
    }))
}

/// One invitation of the group, in whatever standing (the group's owners).
///
/// Where `POST .../members` answers that an invitation was made (`Location`). Its `status` says
/// whether it is `pending`, `accepted`, `revoked` (or replaced) or `expired`. The group's other
/// members and staff who see the group get 403; whoever may not read the group 404.
#[utoipa::path(
    tag = "dealer-groups",
    params(
        ("id" = Uuid, Path, description = "Dealer group id"),
        ("invitation_id" = Uuid, Path, description = "Invitation id"),
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "The invitation", body = InvitationResponse))
)]
#[get("/dealer-groups/{id}/invitations/{invitation_id}")]
pub async fn get_invitation(
    Authorized(user): Authorized<AnyUser>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<web::Json<InvitationResponse>, AppError> {
    let (group_id, invitation_id) = path.into_inner();
    let now = state.clock.now();
    let invitation = state
        .db
        .run(move |conn| invitations::get(conn, &user, group_id, invitation_id))
        .await?;
    Ok(web::Json(InvitationResponse::new(invitation, now)))
}

/// Revoke an invitation (the group's owners).
///
/// Its link stops working. Revoking one revoked or expired already changes nothing; an
/// accepted one is a membership now (409 `invitation_used`: remove the member instead).
#[utoipa::path(
    tag = "dealer-groups",
    params(
        ("id" = Uuid, Path, description = "Dealer group id"),
        ("invitation_id" = Uuid, Path, description = "Invitation id"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 409, description = "Accepted already (`invitation_used`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/dealer-groups/{id}/invitations/{invitation_id}")]
pub async fn revoke_invitation(
    Authorized(user): Authorized<AnyUser>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (group_id, invitation_id) = path.into_inner();
    state
        .write(move |work| invitations::revoke(work, &user, group_id, invitation_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
