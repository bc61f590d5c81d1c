//! `/api/v1/cities`: the recruitment plan, city by city.

pub mod create;
pub mod get;
pub mod list;
pub mod update;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::cities::City;
use crate::domain::city::CityStatus;
use crate::error::AppError;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "code": "320500",
    "name_en": "Suzhou",
    "name_zh": "苏州",
    "province": "Jiangsu",
    "quota": 2,
    "status": "open",
    "window_opens_at": "2026-03-01T00:00:00Z",
    "window_closes_at": null,
    "committed": 1,
    "version": 3
}))]
pub struct CityResponse {
    /// GB/T 2260 administrative division code.
    #[schema(example = "320500")]
    pub code: String,
    #[schema(example = "Suzhou")]
    pub name_en: String,
    #[schema(example = "苏州")]
    pub name_zh: String,
    #[schema(example = "Jiangsu")]
    pub province: String,
    /// How many partner stores the maker wants in this city, in store points: a letter of
    /// intent for N stores takes N.
    pub quota: i32,
    pub status: CityStatus,
    /// When set, submissions are accepted from this time on.
    pub window_opens_at: Option<DateTime<Utc>>,
    /// When set, submissions are accepted until this time.
    pub window_closes_at: Option<DateTime<Utc>>,
    /// Store points taken: the sum of the `stores` of the letters of applications with an LOI
    /// offered or signed, in onboarding, or active (a rescinded letter or a terminated partner
    /// frees its points).
    pub committed: i64,
    pub version: i32,
}

impl CityResponse {
    pub fn new(city: City, committed: i64) -> Result<Self, AppError> {
        Ok(Self {
            status: city.plan_status()?,
            window_opens_at: city.window_opens_at.map(|t| t.and_utc()),
            window_closes_at: city.window_closes_at.map(|t| t.and_utc()),
            code: city.code,
            name_en: city.name_en,
            name_zh: city.name_zh,
            province: city.province,
            quota: city.quota,
            committed,
            version: city.version,
        })
    }
}

/// 422 on `window_closes_at` unless the window opens before it closes.
fn check_window(
    opens: Option<DateTime<Utc>>,
    closes: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    match (opens, closes) {
        (Some(opens), Some(closes)) if opens >= closes => {
            Err(AppError::field("window_closes_at", "window_order"))
        }
        _ => Ok(()),
    }
}
