//! `POST /api/v1/invitations/accept`: the invitee, signed in, joins the group with the token
//! its invitation's e-mail links to.

use actix_web::{post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::rate_limit::InvitationAcceptor;
use crate::db::users::User;
use crate::domain::member::MemberRole;
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::state::AppState;
use crate::workflow::invitations;

/// The token of an invitation, from the link in its e-mail.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"token": "q3JbV9m1pT0yXc8W2sLr5uKf7hNd4eGa6iZo-_AbCdE"}))]
pub struct AcceptInvitationRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub token: String,
}

/// The caller's membership of the group it joined.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "dealer_group_id": "019589f0-2c3d-7e4f-8a5b-6c7d8e9fa0b1",
    "user_id": "0193a6e1-0f00-7a1b-9c2d-3e4f5a6b7c8d",
    "role": "signatory",
    "title": "总经理",
    "joined_at": "2026-12-02T03:20:00Z"
}))]
pub struct MembershipResponse {
    pub dealer_group_id: Uuid,
    pub user_id: Uuid,
    pub role: MemberRole,
    pub title: Option<String>,
    pub joined_at: Option<DateTime<Utc>>,
}

impl MembershipResponse {
    fn new(user: User) -> Result<Self, AppError> {
        Ok(Self {
            dealer_group_id: user.dealer_group_id.ok_or(AppError::NotFound)?,
            role: user.group_role.ok_or(AppError::NotFound)?,
            user_id: user.id,
            title: user.group_title,
            joined_at: user.group_joined_at,
        })
    }
}

/// Accept an invitation into a dealer group (the invited person, signed in).
///
/// The caller must be a verified applicant whose e-mail address (in any case) is the one the
/// invitation was sent to, and in no group yet; someone without an account registers with
/// that address and confirms it first. The caller joins in the invitation's role and title
/// and acts so from its next request. Refusals, in this order: an unknown token 404; an
/// accepted one 410 `invitation_used`, a revoked or replaced one 410 `invitation_revoked`, an
/// expired one 410 `invitation_expired`; a staff account 403 `forbidden`; an account of another
/// address 403 `invitation_not_yours` (the invited address is not told); an unverified address
/// 403 `email_not_verified`; a member of a group already 409 `already_in_group`. At most 10
/// attempts an hour per caller (429 with `Retry-After`).
#[utoipa::path(
    tag = "dealer-groups",
    request_body = AcceptInvitationRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller is a member of the group", body = MembershipResponse),
        (status = 403, description = "Staff (`forbidden`), another address (`invitation_not_yours`) or an unverified one (`email_not_verified`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No invitation has this token (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The caller is in a group already (`already_in_group`)", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Accepted (`invitation_used`), revoked or replaced (`invitation_revoked`), or expired (`invitation_expired`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "More than 10 attempts within the hour (`rate_limited`)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait before retrying"))),
    )
)]
#[post("/invitations/accept")]
pub async fn accept_invitation(
    // Counted first: a caller accepts a few invitations at most, a guesser many.
    InvitationAcceptor(user): InvitationAcceptor,
    state: web::Data<AppState>,
    ValidatedJson(body): ValidatedJson<AcceptInvitationRequest>,
) -> Result<web::Json<MembershipResponse>, AppError> {
    let member = state
        .write(move |work| invitations::accept(work, &user, &body.token))
        .await?;
    Ok(web::Json(MembershipResponse::new(member)?))
}
