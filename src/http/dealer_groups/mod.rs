//! `/api/v1/dealer-groups`: the profiles dealer groups register.

pub mod create;
pub mod get;
pub mod list;
pub mod update;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::dealer_groups::DealerGroup;
use crate::domain::dealer_group::Profile;
use crate::domain::uscc::Uscc;
use crate::error::{AppError, FieldError};
use crate::workflow::groups::CheckedProfile;

#[derive(Debug, Serialize, ToSchema)]
pub struct DealerGroupResponse {
    pub id: Uuid,
    #[serde(flatten)]
    pub profile: Profile,
    /// True when the latest imported national ranking list confirms the top-100 claim.
    pub rank_verified: bool,
    /// Soft findings that do not block, e.g. `uscc_entity_type_not_91`,
    /// `uscc_organisation_code_check_digit`.
    pub warnings: Vec<String>,
    pub owner_id: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<DealerGroup> for DealerGroupResponse {
    fn from(group: DealerGroup) -> Self {
        Self {
            id: group.id,
            profile: group.profile,
            rank_verified: group.rank_verified,
            warnings: group.warnings,
            owner_id: group.owner_id,
            version: group.version,
            created_at: group.created_at,
            updated_at: group.updated_at,
        }
    }
}

/// The profile as stored (USCC normalised) with its soft warnings; 422 on `uscc` when the code
/// is malformed or its check character is wrong.
fn checked_profile(mut profile: Profile) -> Result<CheckedProfile, AppError> {
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
