//! `/api/v1/eligibility-criteria`: the versioned rules of the eligibility check.

pub mod get;
pub mod put;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::criteria::CriteriaVersion;
use crate::domain::eligibility::Criteria;

#[derive(Debug, Serialize, ToSchema)]
pub struct CriteriaResponse {
    pub version: i32,
    pub rules: Criteria,
    pub created_at: DateTime<Utc>,
}

impl From<CriteriaVersion> for CriteriaResponse {
    fn from(v: CriteriaVersion) -> Self {
        Self {
            version: v.version,
            rules: v.rules,
            created_at: v.created_at,
        }
    }
}
