//! `/api/v1/dealer-groups`: the profiles dealer groups register.

pub mod create;
pub mod get;
pub mod list;
pub mod update;

use actix_web::HttpRequest;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::dealer_groups::DealerGroup;
use crate::domain::dealer_group::Profile;
use crate::domain::uscc::{Uscc, UsccWarning};
use crate::error::{AppError, FieldError};
use crate::i18n::Locale;
use crate::workflow::groups::CheckedProfile;

#[derive(Debug, Serialize, ToSchema)]
pub struct DealerGroupResponse {
    pub id: Uuid,
    #[serde(flatten)]
    pub profile: Profile,
    /// True when the latest imported national ranking list confirms the top-100 claim.
    pub rank_verified: bool,
    /// Soft findings that do not block, each a code with its words in the caller's language.
    pub warnings: Vec<Warning>,
    pub owner_id: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
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
    pub fn new(group: DealerGroup, locale: Locale) -> Self {
        Self {
            id: group.id,
            profile: group.profile,
            rank_verified: group.rank_verified,
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
/// when the code is malformed or its check character is wrong.
fn checked_profile(profile: Profile) -> Result<CheckedProfile, AppError> {
    let mut profile = profile.with_places_coded();
    let uscc = Uscc::parse(&profile.uscc)
        .map_err(|error| AppError::Validation(vec![FieldError::new("uscc", error.code())]))?;
    let warnings = uscc
        .warnings()
        .into_iter()
        .map(|w| w.code().to_owned())
        .collect();
    profile.uscc = uscc.as_str().to_owned();
    profile.legal_name = profile.legal_name.trim().to_owned();
    Ok(CheckedProfile { profile, warnings })
}
