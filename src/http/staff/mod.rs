//! `/api/v1/staff`: recruitment staff accounts, managed by admins.

pub mod create;
pub mod list;
pub mod update;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::users::User;
use crate::domain::account::Role;
use crate::i18n::Locale;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01956f3a-8c21-7a4b-b3d2-1f2e3d4c5b6a",
    "email": "zhang.min@maker.example",
    "display_name": "Zhang Min",
    "role": "reviewer",
    "city_codes": ["320500", "330200"],
    "locale": "zh-CN",
    "active": true,
    "email_verified": true,
    "version": 2,
    "created_at": "2026-02-20T01:30:00Z",
    "updated_at": "2026-02-21T07:05:12Z"
}))]
pub struct StaffMember {
    pub id: Uuid,
    #[schema(format = Email)]
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The cities whose applications a reviewer sees and acts on (GB/T 2260 codes).
    pub city_codes: Vec<String>,
    pub locale: Locale,
    /// False once deactivated: the account can no longer sign in or call the API.
    pub active: bool,
    /// True once the invitation was accepted (a password set through its link).
    pub email_verified: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StaffMember {
    pub fn new(user: User, city_codes: Vec<String>) -> Self {
        Self {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: user.role,
            city_codes,
            locale: user.locale,
            active: user.active,
            email_verified: user.email_verified_at.is_some(),
            version: user.version,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

/// Sorted and without repeats, as stored.
fn normalise_codes(mut codes: Vec<String>) -> Vec<String> {
    codes.sort();
    codes.dedup();
    codes
}
