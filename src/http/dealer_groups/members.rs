//! `/api/v1/dealer-groups/{id}/members`: the people who act for a group, each in a role:
//! `owner` (everything, members included), `editor` (drafts, documents, answers, the partner's
//! onboarding tasks), `signatory` (an editor who also signs letters of intent). Every member
//! reads all of the group's applications, documents, letters, events and members.

use actix_web::{HttpMessage, HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::invitations::InvitationResponse;
use crate::auth::{AnyUser, Authorized};
use crate::db::users::User;
use crate::domain::member::{InvitationRequest, MemberRole, MemberUpdate};
use crate::error::{AppError, Problem};
use crate::http::concurrency::{IfMatch, ok_with_etag};
use crate::http::extract::ValidatedJson;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::merge_patch::MergePatch;
use crate::state::AppState;
use crate::workflow::{invitations, members};

/// A member of a dealer group.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "user_id": "0193a6e1-0f00-7a1b-9c2d-3e4f5a6b7c8d",
    "email": "zhang.min@dealer.example",
    "display_name": "Zhang Min",
    "role": "signatory",
    "title": "总经理",
    "joined_at": "2026-12-02T03:20:00Z",
    "version": 4
}))]
pub struct MemberResponse {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: MemberRole,
    /// The member's job title, which a signatory's signature carries.
    pub title: Option<String>,
    pub joined_at: Option<DateTime<Utc>>,
    /// The member's version (its account's, as `/me`'s ETag): `If-Match` of a role change.
    pub version: i32,
}

impl MemberResponse {
    fn new(user: User) -> Result<Self, AppError> {
        Ok(Self {
            role: user.group_role.ok_or(AppError::NotFound)?,
            user_id: user.id,
            email: user.email,
            display_name: user.display_name,
            title: user.group_title,
            joined_at: user.group_joined_at,
            version: user.version,
        })
    }
}

/// The group's members, in the order they joined: one page (a group is small).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "user_id": "01956f3a-2b4c-7d8e-9f01-23456789abcd",
            "email": "li.wei@dealer.example",
            "display_name": "Li Wei",
            "role": "owner",
            "title": null,
            "joined_at": "2026-03-01T06:45:10Z",
            "version": 2
        },
        {
            "user_id": "0193a6e1-0f00-7a1b-9c2d-3e4f5a6b7c8d",
            "email": "zhang.min@dealer.example",
            "display_name": "Zhang Min",
            "role": "signatory",
            "title": "总经理",
            "joined_at": "2026-12-02T03:20:00Z",
            "version": 4
        }
    ],
    "next_cursor": null
}))]
pub struct MemberList {
    pub items: Vec<MemberResponse>,
    /// Always null: the whole list is one page.
    pub next_cursor: Option<String>,
}

/// The group's members (its members, and staff who see the group).
///
/// Everyone in the list acts for the group in its `role`: `owner` (everything: the profile,
/// identity changes, submitting, withdrawing, declining and signing letters of intent, the
/// members and their invitations; a group may have several), `editor` (creates and edits
/// drafts and previews them, uploads and removes documents, answers a request for information)
/// and `signatory` (an editor who also signs letters of intent, with the `title` on record, and
/// ticks the partner's onboarding tasks). Every member reads all of the group's applications,
/// documents, letters, events and members.
#[utoipa::path(
    tag = "dealer-groups",
    params(("id" = Uuid, Path, description = "Dealer group id")),
    security(("bearer" = [])),
    responses((status = 200, description = "Every active member, in the order they joined", body = MemberList))
)]
#[get("/dealer-groups/{id}/members")]
pub async fn list_members(
    Authorized(user): Authorized<AnyUser>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<MemberList>, AppError> {
    let group_id = id.into_inner();
    let members = state
        .db
        .run(move |conn| members::list(conn, &user, group_id))
        .await?;
    Ok(web::Json(MemberList {
        items: members
            .into_iter()
            .map(MemberResponse::new)
            .collect::<Result<_, _>>()?,
        next_cursor: None,
    }))
}

/// Invite someone into the group (its owners).
///
/// The address is e-mailed a link to `{front end}/accept-invitation?token=…`, valid for 7 days,
/// in both languages (the invitee's first when the address has an account, else the
/// inviter's); `POST /api/v1/invitations/accept` with the token joins the group. Inviting an
/// address again replaces its pending invitation: the earlier link stops working. A
/// `signatory` needs a `title` (422). An address of a member already: 409 `already_member`;
/// whether the address belongs to an account, another group's member or staff is not told (it
/// is checked when the invitation is accepted). An owner whose own address is unverified may
/// not invite (403 `email_not_verified`). At most 20 invitations a group an hour (429 with
/// `Retry-After`).
#[utoipa::path(
    tag = "dealer-groups",
    request_body = InvitationRequest,
    params(
        ("id" = Uuid, Path, description = "Dealer group id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The invitation, mailed", body = InvitationResponse),
        (status = 403, description = "Not an owner of the group, or an owner whose address is unverified (`email_not_verified`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The address is a member's already (`already_member`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "More than 20 invitations into the group within the hour (`rate_limited`)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait before retrying"))),
    )
)]
#[post("/dealer-groups/{id}/members")]
pub async fn invite_member(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    ValidatedJson(body): ValidatedJson<InvitationRequest>,
) -> Result<HttpResponse, AppError> {
    let group_id = id.into_inner();
    // Counted for the group's verified owners only, so that nobody else can use up its
    // allowance (an unverified owner is refused by `invitations::invite`).
    if user.owns(group_id) && user.email_verified {
        let status = state.auth.rate_limits.check_invitation(group_id)?;
        req.extensions_mut().insert(status);
    }
    let fingerprint = key.fingerprint(&req, user.id);
    let invitation_id = Uuid::now_v7();
    let answer = state
        .write(move |work| {
            idempotency::run(work, fingerprint.as_ref(), 201, |work| {
                let invitation = invitations::invite(work, &user, group_id, invitation_id, &body)?;
                let location = format!(
                    "/api/v1/dealer-groups/{group_id}/invitations/{}",
                    invitation.id
                );
                Ok((
                    InvitationResponse::new(invitation, work.now()),
                    vec![("Location".to_owned(), location)],
                ))
            })
        })
        .await?;
    Ok(answer.into_response())
}

/// Change a member's role or title (the group's owners).
///
/// A JSON merge patch of `{role, title}`: send the member's `version` you read as `If-Match` (or
/// `*`; 428 without, 412 when the member changed since). A `signatory` needs a `title` (422);
/// demoting the group's last owner is refused (409 `last_owner`). The member's access changes with its next
/// request; the change is an event on each of the group's applications.
#[utoipa::path(
    tag = "dealer-groups",
    request_body(content = MemberUpdate, content_type = "application/merge-patch+json"),
    params(
        ("id" = Uuid, Path, description = "Dealer group id"),
        ("user_id" = Uuid, Path, description = "The member's account id"),
        ("If-Match" = String, Header, description = "The member's version you read, e.g. `\"3\"`, or `*`"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The member as changed", body = MemberResponse),
        (status = 409, description = "It would leave the group without an owner (`last_owner`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/dealer-groups/{id}/members/{user_id}")]
pub async fn update_member(
    Authorized(user): Authorized<AnyUser>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
    patch: MergePatch,
) -> Result<HttpResponse, AppError> {
    let (group_id, member_id) = path.into_inner();
    let member = state
        .write(move |work| {
            let (current, version) = members::changeable(work, &user, group_id, member_id)?;
            if_match.check(version)?;
            let update: MemberUpdate = patch.apply(&current)?;
            members::update(work, &user, group_id, member_id, &update)
        })
        .await?;
    let version = member.version;
    Ok(ok_with_etag(version).json(MemberResponse::new(member)?))
}

/// Remove a member, or leave the group.
///
/// An owner removes anyone; any member removes itself (leaves). The group's last owner can
/// neither leave nor be removed (409 `last_owner`): make another member an owner first. The
/// account stays, without the group: its access to the group's applications ends with its next
/// request. The change is an event on each of the group's applications.
#[utoipa::path(
    tag = "dealer-groups",
    params(
        ("id" = Uuid, Path, description = "Dealer group id"),
        ("user_id" = Uuid, Path, description = "The member's account id"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The member is out of the group"),
        (status = 409, description = "The group's last owner (`last_owner`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/dealer-groups/{id}/members/{user_id}")]
pub async fn remove_member(
    Authorized(user): Authorized<AnyUser>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (group_id, member_id) = path.into_inner();
    state
        .write(move |work| members::remove(work, &user, group_id, member_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
