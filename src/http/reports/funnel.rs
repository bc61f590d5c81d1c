use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::CityScope;
use crate::auth::{Authorized, Staff};
use crate::db::reports::{self, CityFunnel};
use crate::domain::workflow::Status;
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedQuery;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FunnelParams {
    /// Only this city (GB/T 2260 code). Unknown: 404; not one of a reviewer's cities: 403.
    #[validate(length(max = 6))]
    #[param(max_length = 6, example = "320500")]
    pub city: Option<String>,
}

/// How many applications are in one status.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusCount {
    pub status: Status,
    pub count: i64,
}

/// One city's applications by status.
#[derive(Debug, Serialize, ToSchema)]
pub struct CityFunnelResponse {
    #[schema(example = "320500")]
    pub city_code: String,
    #[schema(example = "Suzhou")]
    pub name_en: String,
    #[schema(example = "苏州")]
    pub name_zh: String,
    /// How many partner stores the maker wants in this city, in store points: a letter of
    /// intent for N stores takes N.
    pub quota: i32,
    /// Store points taken: the `stores` of the letters of applications with an LOI offered or
    /// signed, in onboarding, or active (as `committed` of `GET /cities/{code}`).
    pub committed: i64,
    /// Applications in any status, drafts included.
    pub total: i64,
    /// Every status, in workflow order (`draft` first), zeros included.
    pub by_status: Vec<StatusCount>,
}

/// The sums over the cities of the report.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunnelTotals {
    pub quota: i64,
    pub committed: i64,
    pub total: i64,
    /// Every status, in workflow order, zeros included.
    pub by_status: Vec<StatusCount>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = FunnelResponse::example)]
pub struct FunnelResponse {
    /// The cities reported on, by code.
    pub cities: Vec<CityFunnelResponse>,
    pub totals: FunnelTotals,
}

impl FunnelResponse {
    /// Suzhou and Ningbo early in the plan, with every status of the workflow.
    fn example() -> Self {
        let city = |code: &str, en: &str, zh: &str, committed, counts: &[(Status, i64)]| {
            let by_status: Vec<StatusCount> = Status::ALL
                .into_iter()
                .map(|status| StatusCount {
                    status,
                    count: counts
                        .iter()
                        .find(|(s, _)| *s == status)
                        .map_or(0, |(_, n)| *n),
                })
                .collect();
            CityFunnelResponse {
                city_code: code.to_owned(),
                name_en: en.to_owned(),
                name_zh: zh.to_owned(),
                quota: 2,
                committed,
                total: by_status.iter().map(|c| c.count).sum(),
                by_status,
            }
        };
        let cities = vec![
            city(
                "320500",
                "Suzhou",
                "苏州",
                1,
                &[
                    (Status::Draft, 4),
                    (Status::Submitted, 2),
                    (Status::UnderReview, 3),
                    (Status::Shortlisted, 1),
                    (Status::LoiOffered, 1),
                    (Status::Rejected, 1),
                ],
            ),
            city(
                "330200",
                "Ningbo",
                "宁波",
                0,
                &[(Status::Draft, 2), (Status::Submitted, 1)],
            ),
        ];
        let totals = FunnelTotals {
            quota: cities.iter().map(|c| i64::from(c.quota)).sum(),
            committed: cities.iter().map(|c| c.committed).sum(),
            total: cities.iter().map(|c| c.total).sum(),
            by_status: Status::ALL
                .into_iter()
                .enumerate()
                .map(|(i, status)| StatusCount {
                    status,
                    count: cities
                        .iter()
                        .map(|c| c.by_status.get(i).map_or(0, |s| s.count))
                        .sum(),
                })
                .collect(),
        };
        Self { cities, totals }
    }

    fn new(rows: Vec<CityFunnel>) -> Self {
        let mut totals = FunnelTotals {
            quota: 0,
            committed: 0,
            total: 0,
            by_status: Status::ALL
                .into_iter()
                .map(|status| StatusCount { status, count: 0 })
                .collect(),
        };
        let cities = rows
            .into_iter()
            .map(|row| {
                totals.quota += i64::from(row.city.quota);
                totals.committed += row.committed;
                for (slot, (_, n)) in totals.by_status.iter_mut().zip(&row.by_status) {
                    slot.count += n;
                }
                let total = row.by_status.iter().map(|(_, n)| n).sum();
                totals.total += total;
                CityFunnelResponse {
                    city_code: row.city.code,
                    name_en: row.city.name_en,
                    name_zh: row.city.name_zh,
                    quota: row.city.quota,
                    committed: row.committed,
                    total,
                    by_status: row
                        .by_status
                        .into_iter()
                        .map(|(status, count)| StatusCount { status, count })
                        .collect(),
                }
            })
            .collect();
        Self { cities, totals }
    }
}

/// The recruitment funnel: applications per city and status.
///
/// Staff only. Admins see every city of the plan, reviewers the cities they review (none: an
/// empty report); `city` narrows it to one. Every status is listed, zeros included, so a front
/// end can draw the funnel without knowing the workflow.
#[utoipa::path(
    tag = "reports",
    params(FunnelParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Counts per city and status, with totals", body = FunnelResponse),
        (status = 404, description = "No city with the code given as `city` (`not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/funnel")]
pub async fn funnel(
    Authorized(user): Authorized<Staff>,
    state: web::Data<AppState>,
    ValidatedQuery(params): ValidatedQuery<FunnelParams>,
) -> Result<web::Json<FunnelResponse>, AppError> {
    let rows = state
        .db
        .run(move |conn| {
            let scope = CityScope::of(conn, &user)?;
            let only = match (params.city, scope) {
                (Some(code), scope) => {
                    scope.city(conn, &code)?;
                    Some(vec![code])
                }
                (None, CityScope::All) => None,
                (None, CityScope::Only(codes)) => Some(codes),
            };
            reports::funnel(conn, only.as_deref())
        })
        .await?;
    Ok(web::Json(FunnelResponse::new(rows)))
}
