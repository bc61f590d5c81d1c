//! `/api/v1/eligibility-criteria`: the versioned rules of the eligibility check.

pub mod get;
pub mod put;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::criteria::CriteriaVersion;
use crate::domain::eligibility::Criteria;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = CriteriaResponse::example)]
pub struct CriteriaResponse {
    pub version: i32,
    pub rules: Criteria,
    pub created_at: DateTime<Utc>,
}

impl CriteriaResponse {
    /// The published defaults, as version 1.
    fn example() -> Self {
        Self {
            version: 1,
            rules: Criteria::default(),
            created_at: "2026-01-05T02:00:00Z".parse().unwrap_or_default(),
        }
    }
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
