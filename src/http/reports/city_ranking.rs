use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::CityScope;
use crate::auth::{Authorized, Staff};
use crate::db::reports::{self, Candidate};
use crate::domain::workflow::Status;
use crate::error::AppError;
use crate::state::AppState;

/// One live candidate and its place in the city's ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankedCandidate {
    /// Position in the list, from 1; equal scores still get distinct positions.
    pub rank: u32,
    pub application_id: Uuid,
    pub dealer_group_id: Uuid,
    pub dealer_group_name: String,
    pub status: Status,
    /// Eligibility score 0..100 (null only if none was ever stored; such candidates come last).
    pub score: Option<i32>,
    /// Whether every required eligibility rule passed.
    pub eligible: Option<bool>,
    /// Whether the group's top-100 claim is verified against the national ranking list.
    pub rank_verified: bool,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl RankedCandidate {
    fn new(rank: u32, candidate: Candidate) -> Self {
        Self {
            rank,
            application_id: candidate.application_id,
            dealer_group_id: candidate.dealer_group_id,
            dealer_group_name: candidate.dealer_group_name,
            status: candidate.status,
            score: candidate.score,
            eligible: candidate.eligible,
            rank_verified: candidate.rank_verified,
            submitted_at: candidate.submitted_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "city_code": "320500",
    "name_en": "Suzhou",
    "name_zh": "苏州",
    "quota": 2,
    "committed": 1,
    "candidates": [
        {
            "rank": 1,
            "application_id": "01958a11-6b7c-7d8e-9fa0-b1c2d3e4f5a6",
            "dealer_group_id": "019589f0-2c3d-7e4f-8a5b-6c7d8e9fa0b1",
            "dealer_group_name": "江苏华东汽车销售服务集团有限公司",
            "status": "loi_offered",
            "score": 85,
            "eligible": true,
            "rank_verified": true,
            "submitted_at": "2026-03-05T03:12:44Z"
        },
        {
            "rank": 2,
            "application_id": "01959c02-1d2e-7f30-8a41-b52c63d74e85",
            "dealer_group_id": "01959b77-5e6f-7a80-9b91-c0d1e2f3a4b5",
            "dealer_group_name": "苏州吴中汽车贸易有限公司",
            "status": "under_review",
            "score": 62,
            "eligible": true,
            "rank_verified": false,
            "submitted_at": "2026-03-11T08:40:05Z"
        }
    ]
}))]
pub struct CityRankingResponse {
    #[schema(example = "320500")]
    pub city_code: String,
    #[schema(example = "Suzhou")]
    pub name_en: String,
    #[schema(example = "苏州")]
    pub name_zh: String,
    /// How many partner stores the maker wants in this city, in store points: a letter of
    /// intent for N stores takes N.
    pub quota: i32,
    /// Store points taken: the sum of the `stores` of the letters of applications with an LOI
    /// offered or signed, in onboarding, or active (a rescinded letter or a terminated partner
    /// frees its points).
    pub committed: i64,
    /// Best first; at most 500.
    pub candidates: Vec<RankedCandidate>,
}

/// A city's live candidates by score.
///
/// Staff only: admins for any city, reviewers for the cities they review (another city: 403).
/// Live candidates are applications handed in and not decided yet: `submitted`, `under_review`,
/// `info_requested`, `shortlisted`, `loi_offered`, `loi_signed`, `onboarding`. Ordered by score
/// (highest first), then by submission time (earliest first), then by application id. Not paged:
/// at most 500 candidates are listed, far more than a city receives.
#[utoipa::path(
    tag = "reports",
    params(("code" = String, Path, description = "GB/T 2260 city code", example = "320500")),
    security(("bearer" = [])),
    responses((status = 200, description = "The city's ranking", body = CityRankingResponse))
)]
#[get("/reports/cities/{code}/ranking")]
pub async fn city_ranking(
    Authorized(user): Authorized<Staff>,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<web::Json<CityRankingResponse>, AppError> {
    let code = code.into_inner();
    let ((city, committed), candidates) = state
        .db
        .run(move |conn| {
            let city = CityScope::of(conn, &user)?.city(conn, &code)?;
            let candidates = reports::ranking(conn, &code)?;
            Ok((city, candidates))
        })
        .await?;
    Ok(web::Json(CityRankingResponse {
        city_code: city.code,
        name_en: city.name_en,
        name_zh: city.name_zh,
        quota: city.quota,
        committed,
        candidates: (1..)
            .zip(candidates)
            .map(|(rank, c)| RankedCandidate::new(rank, c))
            .collect(),
    }))
}
