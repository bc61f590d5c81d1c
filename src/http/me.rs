use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::principal::UserPrincipal;
use crate::auth::{AnyUser, Authorized};
use crate::db::users::User;
use crate::domain::account::Role;
use crate::i18n::Locale;

/// A signed-in person's own account.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01956f3a-2b4c-7d8e-9f01-23456789abcd",
    "email": "li.wei@example.com",
    "display_name": "Li Wei",
    "role": "applicant",
    "locale": "zh-CN",
    "email_verified": true,
    "dealer_group_id": "019589f0-2c3d-7e4f-8a5b-6c7d8e9fa0b1",
    "created_at": "2026-03-01T06:20:00Z"
}))]
pub struct UserResponse {
    pub id: Uuid,
    #[schema(format = Email)]
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    pub email_verified: bool,
    /// The dealer group this user belongs to, once one is registered.
    pub dealer_group_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<&User> for UserResponse {
    fn from(user: &User) -> Self {
        Self {
            id: user.id,
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            locale: user.locale,
            email_verified: user.email_verified_at.is_some(),
            dealer_group_id: user.dealer_group_id,
            created_at: user.created_at,
        }
    }
}

impl From<UserPrincipal> for UserResponse {
    fn from(user: UserPrincipal) -> Self {
        Self {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: user.role,
            locale: user.locale,
            email_verified: user.email_verified,
            dealer_group_id: user.dealer_group_id,
            created_at: user.created_at,
        }
    }
}

/// The caller's own account.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's account", body = UserResponse))
)]
#[get("/me")]
pub async fn me(Authorized(user): Authorized<AnyUser>) -> web::Json<UserResponse> {
    web::Json(user.into())
}
