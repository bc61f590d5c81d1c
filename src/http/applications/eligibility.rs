use actix_web::http::header::VARY;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::rate_limit::PreviewCaller;
use crate::auth::{AnyPrincipal, Authorized};
use crate::db::applications;
use crate::domain::eligibility::{Check, EligibilityReport, words};
use crate::error::{AppError, Problem};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::{Access, eligibility};

/// One rule's verdict, with its title and the reason in the caller's language.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckView {
    #[serde(flatten)]
    pub check: Check,
    /// The rule's name, e.g. "Commercial-district site" (`商圈选址`).
    pub title: String,
    /// Why the rule passed or failed, in one or two sentences with the figures of `detail`.
    pub explanation: String,
}

/// An eligibility report in the caller's language (`Accept-Language`, else the account's):
/// the verdict and figures as stored, with words made as it is read.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = example)]
pub struct EligibilityReportView {
    /// Every required rule passed. Informs reviewers; it never rejects on its own.
    pub eligible: bool,
    /// The scored rules' points, 0 to 100.
    #[schema(minimum = 0, maximum = 100)]
    pub score: i32,
    /// The criteria version the report was made with.
    pub criteria_version: i32,
    pub evaluated_at: DateTime<Utc>,
    /// One sentence: eligible or not, which required rules failed, and the score.
    pub summary: String,
    /// One check per rule: the three required rules, then the three scored ones.
    pub checks: Vec<CheckView>,
}

impl EligibilityReportView {
    pub fn new(report: EligibilityReport, locale: Locale) -> Self {
        let summary = words::summary(&report, locale);
        Self {
            eligible: report.eligible,
            score: report.score,
            criteria_version: report.criteria_version,
            evaluated_at: report.evaluated_at,
            summary,
            checks: report
                .checks
                .into_iter()
                .map(|check| CheckView {
                    title: words::title(&check.code, locale)
                        .unwrap_or(&check.code)
                        .to_owned(),
                    explanation: words::explanation(&check, locale),
                    check,
                })
                .collect(),
        }
    }
}

/// A report as the documentation shows it: the standard application of the guides, with a
/// frontage too narrow. A test holds its words to the ones its figures get.
fn example() -> serde_json::Value {
    let tiers = |list: [(i64, i32); 3]| {
        list.map(|(min, points)| serde_json::json!({"min": min, "points": points}))
    };
    serde_json::json!({
        "eligible": false,
        "score": 65,
        "criteria_version": 1,
        "evaluated_at": "2026-11-20T08:30:00Z",
        "summary": "Not eligible: the required rule “Commercial-district site” is not met; score 65 of 100.",
        "checks": [
            {
                "code": "ranking_or_regional_strength",
                "title": "National ranking or regional strength",
                "required": true,
                "passed": true,
                "points": 0,
                "max_points": 0,
                "explanation": "The group has 8 stores in the city's province (at least 3) and annual revenue of CNY 800 million (at least CNY 500 million).",
                "detail": {
                    "rank_verified": false,
                    "regional_strength": true,
                    "stores_in_province": 8,
                    "min_stores_in_province": 3,
                    "annual_revenue_cny": 800_000_000,
                    "min_annual_revenue_cny": 500_000_000
                }
            },
            {
                "code": "commercial_district_site",
                "title": "Commercial-district site",
                "required": true,
                "passed": false,
                "points": 0,
                "max_points": 0,
                "explanation": "Site 1 is in an automobile business district, judged as a full 2S store, but its frontage is 20 m (at least 26 m).",
                "detail": {
                    "qualifying_site": null,
                    "qualifying_standard": null,
                    "sites_failing": [{
                        "site": 0,
                        "site_type": "auto_business_district",
                        "standard": "full_store",
                        "lease_status": "negotiating",
                        "below": ["frontage_m"],
                        "measured": {"frontage_m": 20.0}
                    }],
                    "sites_not_located": [],
                    "site_types": ["auto_business_district"],
                    "min_site_area_sqm": 3000.0,
                    "min_frontage_m": 26.0,
                    "min_showroom_height_m": 6.0,
                    "min_showroom_sqm": 300.0,
                    "min_workshop_sqm": 500.0,
                    "showroom_point": {
                        "site_types": ["commercial_plaza", "retail_outlet_adjacent"],
                        "min_site_area_sqm": 300.0,
                        "min_frontage_m": 12.0,
                        "min_showroom_height_m": 4.5,
                        "min_showroom_sqm": 200.0,
                        "min_workshop_sqm": 0.0
                    },
                    "site_control": ["owned", "leased", "negotiating"]
                }
            },
            {
                "code": "after_sales_capability",
                "title": "After-sales capability",
                "required": true,
                "passed": true,
                "points": 0,
                "max_points": 0,
                "explanation": "The group offers mechanical repair, sheet metal and paint at repair class 1 (class 2 or better required).",
                "detail": {
                    "mechanical": true,
                    "sheet_metal": true,
                    "paint": true,
                    "repair_class": 1,
                    "max_repair_class": 2
                }
            },
            {
                "code": "nev_or_luxury_experience",
                "title": "NEV or luxury brand experience",
                "required": false,
                "passed": true,
                "points": 30,
                "max_points": 40,
                "explanation": "The best NEV or luxury brand, BYD (NEV), has been sold for 4 years (10 points) with 5,200 vehicles last year (20 points): 30 of 40 points.",
                "detail": {
                    "counted_segments": ["nev", "luxury"],
                    "best_brand": {
                        "brand": "BYD",
                        "segment": "nev",
                        "years": 4,
                        "annual_units": 5200,
                        "years_points": 10,
                        "annual_units_points": 20
                    },
                    "years_tiers": tiers([(1, 5), (3, 10), (5, 20)]),
                    "annual_units_tiers": tiers([(500, 5), (2_000, 10), (5_000, 20)])
                }
            },
            {
                "code": "customer_resources",
                "title": "Customer resources",
                "required": false,
                "passed": true,
                "points": 20,
                "max_points": 30,
                "explanation": "Active customers: 25,000, earning 20 of 30 points; 50,000 would earn 30.",
                "detail": {
                    "active_customers": 25_000,
                    "tiers": tiers([(5_000, 10), (20_000, 20), (50_000, 30)])
                }
            },
            {
                "code": "financial_strength",
                "title": "Financial strength",
                "required": false,
                "passed": true,
                "points": 15,
                "max_points": 30,
                "explanation": "Registered capital of CNY 200 million earns 10 points and annual revenue of CNY 800 million earns 5: 15 of 30 points.",
                "detail": {
                    "registered_capital_cny": 200_000_000,
                    "registered_capital_points": 10,
                    "registered_capital_tiers": tiers([(50_000_000, 5), (100_000_000, 10), (300_000_000, 15)]),
                    "annual_revenue_cny": 800_000_000,
                    "annual_revenue_points": 5,
                    "annual_revenue_tiers": tiers([(500_000_000, 5), (1_000_000_000, 10), (3_000_000_000, 15)])
                }
            }
        ]
    })
}

/// The report in `locale`; its words vary with the caller's language.
fn in_words(report: EligibilityReport, locale: Locale) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((VARY, "Accept-Language"))
        .json(EligibilityReportView::new(report, locale))
}

/// The application's eligibility report: every rule, required or scored, with the figures behind
/// its verdict, and the criteria version used.
///
/// Made when the application is submitted (and again on resubmission); a draft has none (404).
/// It informs the people who decide; it never decides on its own. Titles, explanations and the
/// summary are in the caller's language (`Accept-Language`, else the account's).
#[utoipa::path(
    tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The newest report", body = EligibilityReportView,
        headers(("Vary" = String, description = "`Accept-Language`"))))
)]
#[get("/applications/{id}/eligibility")]
pub async fn get_eligibility(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let access = Access::of(&principal, Locale::from_request(&req))?;
    let locale = access.locale;
    let report = state
        .db
        .run(move |conn| {
            access.load(conn, id)?;
            applications::latest_report(conn, id)
        })
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(in_words(report, locale))
}

/// Preview the eligibility report that submitting the application now would make (its group's
/// members, in `draft` or `info_requested`).
///
/// The same rules, criteria and figures as submission, evaluated afresh and not stored: the
/// application keeps no report, and `GET .../eligibility` is unchanged. Others who see the
/// application get 403; those who do not, 404. Limited to 30 previews a minute per caller (429
/// with `Retry-After`; every answer carries the `RateLimit-*` headers of this limit).
#[utoipa::path(
    tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report submitting now would make; nothing is stored",
            body = EligibilityReportView,
            headers(
                ("RateLimit-Limit" = u32, description = "Previews allowed a minute"),
                ("RateLimit-Remaining" = u32, description = "Previews left now"),
                ("RateLimit-Reset" = u32, description = "Seconds until the allowance is full again"),
                ("Vary" = String, description = "`Accept-Language`"),
            )),
        (status = 409, description = "Past `draft` and `info_requested` (`not_editable`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "More than 30 previews a minute (`rate_limited`)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait before retrying"))),
    )
)]
#[get("/applications/{id}/eligibility/preview")]
pub async fn preview_eligibility(
    PreviewCaller(principal): PreviewCaller,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let access = Access::of(&principal, Locale::from_request(&req))?;
    let locale = access.locale;
    let now = state.clock.now();
    let report = state
        .db
        .run(move |conn| eligibility::preview(conn, &access, id, now))
        .await?;
    Ok(in_words(report, locale))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented example says what the server would say of its figures.
    #[test]
    fn the_example_reads_as_its_figures_do() {
        let example = example();
        let report: EligibilityReport = serde_json::from_value(example.clone()).expect("a report");
        let view = serde_json::to_value(EligibilityReportView::new(report, Locale::En));
        assert_eq!(view.ok(), Some(example));
    }
}
