//! `/api/v1/dealer-groups/{id}/events`: the record of the group's membership, kept with the
//! group, so that it is there before the group's first application too.

use actix_web::{HttpRequest, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::locale_of;
use crate::auth::{AnyUser, Authorized};
use crate::db::group_events::GroupEvent;
use crate::domain::member::MemberRole;
use crate::error::AppError;
use crate::http::extract::ValidatedQuery;
use crate::http::pagination::{CreatedKey, Page, PageParams};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::groups;

/// One change of the group's membership.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193b1c2-3d4e-7f50-8a61-b2c3d4e5f608",
    "at": "2026-12-01T08:00:00Z",
    "actor_id": "01956f3a-2b4c-7d8e-9f01-23456789abcd",
    "actor_name": "Li Wei",
    "actor_group_role": "owner",
    "action": "invite_member",
    "action_label": "Member invited",
    "subject": "zhang.min@dealer.example",
    "detail": "zhang.min@dealer.example as signatory (总经理)"
}))]
pub struct GroupEventResponse {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    /// The actor's display name now.
    pub actor_name: Option<String>,
    /// The actor's role in the group when it acted.
    pub actor_group_role: Option<MemberRole>,
    /// `invite_member`, `revoke_invitation`, `join_group`, `change_member`, `remove_member` or
    /// `leave_group`.
    pub action: String,
    /// `action` in the caller's language (`Accept-Language`, else the account's).
    pub action_label: String,
    /// The member's account id, or the invited address for an invitation.
    pub subject: String,
    /// What changed, as the applications' timelines say it.
    pub detail: Option<String>,
}

impl GroupEventResponse {
    fn new(event: GroupEvent, locale: Locale) -> Self {
        Self {
            id: event.id,
            at: event.at,
            actor_id: event.actor_id,
            actor_name: event.actor_name,
            actor_group_role: event.actor_group_role,
            action: event.action.as_str().to_owned(),
            action_label: event.action.label(locale).to_owned(),
            subject: event.subject,
            detail: event.detail,
        }
    }
}

/// The record of the group's membership, oldest first (its members, and staff who see the group).
///
/// Every invitation and its revocation, joining, role change, removal and leaving, whether or
/// not the group has an application (each application's timeline records them too).
#[utoipa::path(
    tag = "dealer-groups",
    params(("id" = Uuid, Path, description = "Dealer group id"), PageParams),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of the group's membership events", body = Page<GroupEventResponse>))
)]
#[get("/dealer-groups/{id}/events")]
pub async fn list_group_events(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    ValidatedQuery(page): ValidatedQuery<PageParams>,
) -> Result<web::Json<Page<GroupEventResponse>>, AppError> {
    let id = id.into_inner();
    let locale = locale_of(&req, user.locale);
    let after = page.after::<CreatedKey>()?;
    let limit = page.limit();
    let rows = state
        .db
        .run(move |conn| groups::events(conn, &user, id, after, limit + 1))
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |e| (e.at, e.id),
        |e| GroupEventResponse::new(e, locale),
    )))
}
