//! `/api/v1/dealer-groups`: the profiles dealer groups register.

pub mod affiliation;
pub mod create;
pub mod events;
pub mod get;
pub mod identity_changes;
pub mod invitations;
pub mod list;
pub mod members;
pub mod similar;
pub mod update;

use actix_web::HttpRequest;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::dealer_groups::DealerGroup;
use crate::domain::account::Role;
use crate::domain::dealer_group::{Profile, RankVerifiedVia};
use crate::domain::uscc::UsccWarning;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::workflow::groups::CheckedProfile;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019589f0-2c3d-7e4f-8a5b-6c7d8e9fa0b1",
    "legal_name": "江苏华东汽车销售服务集团有限公司",
    "uscc": "91320500MA1MQ7K23W",
    "hq_city": "Suzhou",
    "hq_province": "Jiangsu",
    "founded_year": 2004,
    "registered_capital_cny": 200000000,
    "annual_revenue_cny": 36000000000_i64,
    "stores_total": 126,
    "national_rank_claim": {"year": 2025, "rank": 1},
    "provinces": [
        {"province": "Jiangsu", "stores": 68},
        {"province": "Zhejiang", "stores": 31},
        {"province": "Shanghai", "stores": 27}
    ],
    "brands": [
        {"brand": "BYD", "segment": "nev", "years": 7, "annual_units": 9800},
        {"brand": "Mercedes-Benz", "segment": "luxury", "years": 15, "annual_units": 12600},
        {"brand": "Toyota", "segment": "mainstream_ice", "years": 18, "annual_units": 21400}
    ],
    "after_sales": {"mechanical": true, "sheet_metal": true, "paint": true, "repair_class": 1},
    "contact": {"name": "Wang Fang", "phone": "13912345678", "email": "wang.fang@dealer.example"},
    "parent": null,
    "rank_verified": true,
    "rank_verified_via": "self",
    "affiliation": {"verified": false, "verified_at": null},
    "warnings": [],
    "owner_id": "01956f3a-2b4c-7d8e-9f01-23456789abcd",
    "version": 2,
    "created_at": "2026-03-01T06:45:10Z",
    "updated_at": "2026-03-03T02:10:00Z"
}))]
pub struct DealerGroupResponse {
    pub id: Uuid,
    #[serde(flatten)]
    pub profile: Profile,
    /// True when the latest imported national ranking list confirms the top-100 claim, or has
    /// the group's confirmed parent in its top 100.
    pub rank_verified: bool,
    /// How `rank_verified` was reached: `self` (the group's own claim), `parent` (its parent's
    /// place, the relation confirmed by an admin), null when it is not verified.
    pub rank_verified_via: Option<RankVerifiedVia>,
    pub affiliation: AffiliationStatus,
    /// Soft findings that do not block, each a code with its words in the caller's language.
    pub warnings: Vec<Warning>,
    /// The founder: the account that registered the group. Who acts for the group, and how, is
    /// its members' roles (`GET .../members`); a group may have several owners.
    pub owner_id: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Whether an admin has confirmed that the group belongs to its `parent` (changing the parent
/// clears it).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "verified": true,
    "verified_at": "2026-12-01T09:30:00Z",
    "verified_by": "01938f6e-7c1a-7b4e-9d2f-3a5b6c7d8e9f",
    "note": "Checked the 2025 annual report: the holding owns 100%."
}))]
pub struct AffiliationStatus {
    pub verified: bool,
    pub verified_at: Option<DateTime<Utc>>,
    /// The admin who confirmed it (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_by: Option<Uuid>,
    /// What the admin checked (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A soft finding about the profile.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "code": "uscc_entity_type_not_91",
    "message": "The USCC does not start with 91, so the registrant is not an enterprise registered with the market regulator; check that this is the group's operating company."
}))]
pub struct Warning {
    /// Stable: `uscc_entity_type_not_91` (the USCC does not start with `91`: not an enterprise
    /// registered with the market regulator), `uscc_organisation_code_check_digit` (the
    /// organisation code inside the USCC fails its check digit).
    pub code: String,
    /// What it means, in the caller's language.
    pub message: String,
}

impl Warning {
    fn new(code: String, locale: Locale) -> Self {
        Self {
            // A code this build has no words for is shown as itself.
            message: UsccWarning::parse(&code)
                .map_or(code.clone(), |w| w.message(locale).to_owned()),
            code,
        }
    }
}

/// The language of a dealer group's words for this caller: `Accept-Language`'s, else the
/// account's.
pub(crate) fn locale_of(req: &HttpRequest, account: Locale) -> Locale {
    Locale::from_request(req).unwrap_or(account)
}

impl DealerGroupResponse {
    /// The group as its members see it.
    pub fn new(group: DealerGroup, locale: Locale) -> Self {
        Self::for_role(group, locale, Role::Applicant)
    }

    /// The group as a caller of `role` sees it: staff also see who confirmed its parent, and why.
    pub fn for_role(group: DealerGroup, locale: Locale, role: Role) -> Self {
        let staff = role.is_staff();
        let affiliation = match group.affiliation {
            Some(confirmed) => AffiliationStatus {
                verified: true,
                verified_at: Some(confirmed.verified_at),
                verified_by: staff.then_some(confirmed.verified_by),
                note: staff.then_some(confirmed.note),
            },
            None => AffiliationStatus {
                verified: false,
                verified_at: None,
                verified_by: None,
                note: None,
            },
        };
        Self {
            id: group.id,
            profile: group.profile,
            rank_verified: group.rank_verified,
            rank_verified_via: group.rank_verified_via,
            affiliation,
            warnings: group
                .warnings
                .into_iter()
                .map(|code| Warning::new(code, locale))
                .collect(),
            owner_id: group.owner_id,
            version: group.version,
            created_at: group.created_at,
            updated_at: group.updated_at,
        }
    }
}

/// The profile as stored (USCC normalised, places coded) with its soft warnings; 422 on `uscc`
/// when the code is malformed or its check character is wrong, and on `parent.uscc` likewise or
/// when it is the group's own (`own_parent`).
pub(crate) fn checked_profile(profile: Profile) -> Result<CheckedProfile, AppError> {
    CheckedProfile::check(profile)
}
