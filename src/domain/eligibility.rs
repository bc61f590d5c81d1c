//! The eligibility check: pure rules over a candidate, versioned criteria that admins tune, and an
//! explainable report. It informs people and never decides on its own (PIPL Art. 24).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::application::{CustomerBase, ProposedSite, SiteType};
use super::dealer_group::{AfterSales, Brand, Segment};

/// Points for reaching a threshold; in a list, the highest threshold reached counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Tier {
    pub min: i64,
    pub points: i32,
}

/// Required: a verified top-100 group, or a strong regional one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RankingRule {
    /// Stores in the target city's province for the regional route.
    pub min_province_stores: i32,
    /// Annual revenue (CNY) for the regional route.
    pub min_annual_revenue_cny: i64,
}

/// Required: one proposed site of the right kind, large enough on every measure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SiteRule {
    pub site_types: Vec<SiteType>,
    pub min_site_area_sqm: f64,
    pub min_frontage_m: f64,
    pub min_showroom_height_m: f64,
    pub min_showroom_sqm: f64,
    pub min_workshop_sqm: f64,
}

/// Required: mechanical repair, sheet metal and paint, at this repair class or better.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AfterSalesRule {
    /// 1 is the highest class; 2 allows classes 1 and 2.
    pub max_repair_class: i32,
}

/// Scored: experience with NEV or luxury brands, by the best such brand's years and volume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExperienceRule {
    pub max_points: i32,
    pub years: Vec<Tier>,
    pub annual_units: Vec<Tier>,
}

/// Scored: the customers the group brings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerRule {
    pub max_points: i32,
    pub active_customers: Vec<Tier>,
}

/// Scored: registered capital and annual revenue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FinancialRule {
    pub max_points: i32,
    pub registered_capital_cny: Vec<Tier>,
    pub annual_revenue_cny: Vec<Tier>,
}

/// One version of the rules. The scored rules' `max_points` add up to 100.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Criteria {
    pub ranking_or_regional_strength: RankingRule,
    pub commercial_district_site: SiteRule,
    pub after_sales_capability: AfterSalesRule,
    pub nev_or_luxury_experience: ExperienceRule,
    pub customer_resources: CustomerRule,
    pub financial_strength: FinancialRule,
}

/// A scored rule as `problems` walks it: name, maximum, and its tier lists by name.
type ScoredRuleView<'a> = (&'static str, i32, Vec<(&'static str, &'a Vec<Tier>)>);

fn tiers(pairs: &[(i64, i32)]) -> Vec<Tier> {
    pairs
        .iter()
        .map(|&(min, points)| Tier { min, points })
        .collect()
}

impl Default for Criteria {
    /// The published defaults (version 1).
    fn default() -> Self {
        Self {
            ranking_or_regional_strength: RankingRule {
                min_province_stores: 3,
                min_annual_revenue_cny: 500_000_000,
            },
            commercial_district_site: SiteRule {
                site_types: vec![
                    SiteType::CommercialPlaza,
                    SiteType::RetailOutletAdjacent,
                    SiteType::AutoBusinessDistrict,
                ],
                min_site_area_sqm: 3000.0,
                min_frontage_m: 26.0,
                min_showroom_height_m: 6.0,
                min_showroom_sqm: 300.0,
                min_workshop_sqm: 500.0,
            },
            after_sales_capability: AfterSalesRule {
                max_repair_class: 2,
            },
            nev_or_luxury_experience: ExperienceRule {
                max_points: 40,
                years: tiers(&[(1, 5), (3, 10), (5, 20)]),
                annual_units: tiers(&[(500, 5), (2_000, 10), (5_000, 20)]),
            },
            customer_resources: CustomerRule {
                max_points: 30,
                active_customers: tiers(&[(5_000, 10), (20_000, 20), (50_000, 30)]),
            },
            financial_strength: FinancialRule {
                max_points: 30,
                registered_capital_cny: tiers(&[
                    (50_000_000, 5),
                    (100_000_000, 10),
                    (300_000_000, 15),
                ]),
                annual_revenue_cny: tiers(&[
                    (500_000_000, 5),
                    (1_000_000_000, 10),
                    (3_000_000_000, 15),
                ]),
            },
        }
    }
}

impl Criteria {
    /// Every problem with the rules, each as (JSON path under `rules`, code).
    pub fn problems(&self) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        let mut non_negative = |path: &str, value: f64| {
            if !(value.is_finite() && value >= 0.0) {
                out.push((format!("rules.{path}"), "range"));
            }
        };
        let ranking = &self.ranking_or_regional_strength;
        non_negative(
            "ranking_or_regional_strength.min_province_stores",
            f64::from(ranking.min_province_stores),
        );
        non_negative(
            "ranking_or_regional_strength.min_annual_revenue_cny",
            ranking.min_annual_revenue_cny as f64,
        );
        let site = &self.commercial_district_site;
        for (name, value) in [
            ("min_site_area_sqm", site.min_site_area_sqm),
            ("min_frontage_m", site.min_frontage_m),
            ("min_showroom_height_m", site.min_showroom_height_m),
            ("min_showroom_sqm", site.min_showroom_sqm),
            ("min_workshop_sqm", site.min_workshop_sqm),
        ] {
            non_negative(&format!("commercial_district_site.{name}"), value);
        }
        if site.site_types.is_empty() {
            out.push(("rules.commercial_district_site.site_types".into(), "length"));
        }
        if !(1..=3).contains(&self.after_sales_capability.max_repair_class) {
            out.push((
                "rules.after_sales_capability.max_repair_class".into(),
                "range",
            ));
        }
        let scored: [ScoredRuleView<'_>; 3] = [
            (
                "nev_or_luxury_experience",
                self.nev_or_luxury_experience.max_points,
                vec![
                    ("years", &self.nev_or_luxury_experience.years),
                    ("annual_units", &self.nev_or_luxury_experience.annual_units),
                ],
            ),
            (
                "customer_resources",
                self.customer_resources.max_points,
                vec![(
                    "active_customers",
                    &self.customer_resources.active_customers,
                )],
            ),
            (
                "financial_strength",
                self.financial_strength.max_points,
                vec![
                    (
                        "registered_capital_cny",
                        &self.financial_strength.registered_capital_cny,
                    ),
                    (
                        "annual_revenue_cny",
                        &self.financial_strength.annual_revenue_cny,
                    ),
                ],
            ),
        ];
        let mut sum = 0;
        for (rule, max_points, lists) in &scored {
            if !(0..=100).contains(max_points) {
                out.push((format!("rules.{rule}.max_points"), "range"));
            }
            sum += max_points;
            for (list, tiers) in lists {
                for (i, tier) in tiers.iter().enumerate() {
                    let path = format!("rules.{rule}.{list}[{i}]");
                    if tier.min < 0 {
                        out.push((format!("{path}.min"), "range"));
                    }
                    if i > 0 && tier.min <= tiers[i - 1].min {
                        out.push((format!("{path}.min"), "not_ascending"));
                    }
                    if tier.points < 0 || tier.points > *max_points {
                        out.push((format!("{path}.points"), "range"));
                    }
                }
            }
        }
        if sum != 100 {
            out.push(("rules".into(), "points_sum"));
        }
        out
    }
}

/// What the check looks at: the group's profile and the application, with the facts the caller
/// works out (verification against the ranking list, stores in the city's province).
pub struct Candidate<'a> {
    pub rank_verified: bool,
    pub stores_in_city_province: i32,
    pub annual_revenue_cny: i64,
    pub registered_capital_cny: i64,
    pub brands: &'a [Brand],
    pub after_sales: &'a AfterSales,
    pub sites: &'a [ProposedSite],
    pub customers: &'a CustomerBase,
}

/// One rule's verdict, with the figures behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Check {
    /// The rule, e.g. `commercial_district_site`.
    pub code: String,
    /// Required rules decide `eligible`; the others add points.
    pub required: bool,
    pub passed: bool,
    pub points: i32,
    pub max_points: i32,
    /// The thresholds and the candidate's figures the verdict rests on.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EligibilityReport {
    /// Every required rule passed.
    pub eligible: bool,
    /// The scored rules' points, 0 to 100.
    pub score: i32,
    pub criteria_version: i32,
    pub evaluated_at: DateTime<Utc>,
    pub checks: Vec<Check>,
}

fn tier_points(tiers: &[Tier], value: i64) -> i32 {
    tiers
        .iter()
        .filter(|t| value >= t.min)
        .map(|t| t.points)
        .max()
        .unwrap_or(0)
}

fn required(code: &str, passed: bool, detail: serde_json::Value) -> Check {
    Check {
        code: code.into(),
        required: true,
        passed,
        points: 0,
        max_points: 0,
        detail,
    }
}

fn scored(code: &str, points: i32, max_points: i32, detail: serde_json::Value) -> Check {
    let points = points.clamp(0, max_points.max(0));
    Check {
        code: code.into(),
        required: false,
        passed: points > 0,
        points,
        max_points,
        detail,
    }
}

fn ranking_check(rule: &RankingRule, c: &Candidate<'_>) -> Check {
    let regional = c.stores_in_city_province >= rule.min_province_stores
        && c.annual_revenue_cny >= rule.min_annual_revenue_cny;
    required(
        "ranking_or_regional_strength",
        c.rank_verified || regional,
        json!({
            "rank_verified": c.rank_verified,
            "stores_in_province": c.stores_in_city_province,
            "min_stores_in_province": rule.min_province_stores,
            "annual_revenue_cny": c.annual_revenue_cny,
            "min_annual_revenue_cny": rule.min_annual_revenue_cny,
        }),
    )
}

fn site_check(rule: &SiteRule, sites: &[ProposedSite]) -> Check {
    let shortfalls: Vec<Vec<&str>> = sites
        .iter()
        .map(|s| {
            let mut failed = Vec::new();
            if !rule.site_types.contains(&s.site_type) {
                failed.push("site_type");
            }
            for (name, value, min) in [
                ("site_area_sqm", s.site_area_sqm, rule.min_site_area_sqm),
                ("frontage_m", s.frontage_m, rule.min_frontage_m),
                (
                    "showroom_height_m",
                    s.showroom_height_m,
                    rule.min_showroom_height_m,
                ),
                ("showroom_sqm", s.showroom_sqm, rule.min_showroom_sqm),
                ("workshop_sqm", s.workshop_sqm, rule.min_workshop_sqm),
            ] {
                if value < min {
                    failed.push(name);
                }
            }
            failed
        })
        .collect();
    let qualifying = shortfalls.iter().position(Vec::is_empty);
    required(
        "commercial_district_site",
        qualifying.is_some(),
        json!({
            "qualifying_site": qualifying,
            "sites_failing": shortfalls.iter().enumerate().filter(|(_, f)| !f.is_empty())
                .map(|(i, f)| json!({"site": i, "below": f})).collect::<Vec<_>>(),
            "site_types": rule.site_types,
            "min_site_area_sqm": rule.min_site_area_sqm,
            "min_frontage_m": rule.min_frontage_m,
            "min_showroom_height_m": rule.min_showroom_height_m,
            "min_showroom_sqm": rule.min_showroom_sqm,
            "min_workshop_sqm": rule.min_workshop_sqm,
        }),
    )
}

fn after_sales_check(rule: &AfterSalesRule, a: &AfterSales) -> Check {
    let passed =
        a.mechanical && a.sheet_metal && a.paint && a.repair_class <= rule.max_repair_class;
    required(
        "after_sales_capability",
        passed,
        json!({
            "mechanical": a.mechanical,
            "sheet_metal": a.sheet_metal,
            "paint": a.paint,
            "repair_class": a.repair_class,
            "max_repair_class": rule.max_repair_class,
        }),
    )
}

fn experience_check(rule: &ExperienceRule, brands: &[Brand]) -> Check {
    let best = brands
        .iter()
        .filter(|b| matches!(b.segment, Segment::Nev | Segment::Luxury))
        .map(|b| {
            let points = tier_points(&rule.years, i64::from(b.years))
                + tier_points(&rule.annual_units, b.annual_units);
            (points, b)
        })
        .max_by_key(|(points, _)| *points);
    let detail = match best {
        Some((_, b)) => {
            json!({"best_brand": b.brand, "segment": b.segment, "years": b.years, "annual_units": b.annual_units})
        }
        None => json!({"best_brand": null}),
    };
    scored(
        "nev_or_luxury_experience",
        best.map_or(0, |(p, _)| p),
        rule.max_points,
        detail,
    )
}

fn customer_check(rule: &CustomerRule, customers: &CustomerBase) -> Check {
    scored(
        "customer_resources",
        tier_points(&rule.active_customers, customers.active_customers),
        rule.max_points,
        json!({"active_customers": customers.active_customers, "tiers": rule.active_customers}),
    )
}

fn financial_check(rule: &FinancialRule, c: &Candidate<'_>) -> Check {
    scored(
        "financial_strength",
        tier_points(&rule.registered_capital_cny, c.registered_capital_cny)
            + tier_points(&rule.annual_revenue_cny, c.annual_revenue_cny),
        rule.max_points,
        json!({"registered_capital_cny": c.registered_capital_cny, "annual_revenue_cny": c.annual_revenue_cny}),
    )
}

/// Evaluates `candidate` against `criteria` (version `version`) as of `at`. Deterministic.
pub fn evaluate(
    criteria: &Criteria,
    version: i32,
    candidate: &Candidate<'_>,
    at: DateTime<Utc>,
) -> EligibilityReport {
    let checks = vec![
        ranking_check(&criteria.ranking_or_regional_strength, candidate),
        site_check(&criteria.commercial_district_site, candidate.sites),
        after_sales_check(&criteria.after_sales_capability, candidate.after_sales),
        experience_check(&criteria.nev_or_luxury_experience, candidate.brands),
        customer_check(&criteria.customer_resources, candidate.customers),
        financial_check(&criteria.financial_strength, candidate),
    ];
    let eligible = checks.iter().filter(|c| c.required).all(|c| c.passed);
    let score = checks.iter().map(|c| c.points).sum::<i32>().clamp(0, 100);
    EligibilityReport {
        eligible,
        score,
        criteria_version: version,
        evaluated_at: at,
        checks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::application::LeaseStatus;
    use proptest::prelude::*;

    fn site() -> ProposedSite {
        ProposedSite {
            address: "1 Plaza Road".into(),
            district: "Gusu".into(),
            site_type: SiteType::CommercialPlaza,
            commercial_plaza: Some("Plaza".into()),
            site_area_sqm: 3000.0,
            frontage_m: 26.0,
            showroom_height_m: 6.0,
            showroom_sqm: 300.0,
            workshop_sqm: 500.0,
            lease_status: LeaseStatus::Leased,
        }
    }

    fn after_sales(repair_class: i32) -> AfterSales {
        AfterSales {
            mechanical: true,
            sheet_metal: true,
            paint: true,
            repair_class,
        }
    }

    fn brand(segment: Segment, years: i32, annual_units: i64) -> Brand {
        Brand {
            brand: "B".into(),
            segment,
            years,
            annual_units,
        }
    }

    struct Owned {
        brands: Vec<Brand>,
        after_sales: AfterSales,
        sites: Vec<ProposedSite>,
        customers: CustomerBase,
        rank_verified: bool,
        stores: i32,
        revenue: i64,
        capital: i64,
    }

    impl Owned {
        fn strong() -> Self {
            Self {
                brands: vec![brand(Segment::Nev, 5, 5_000)],
                after_sales: after_sales(2),
                sites: vec![site()],
                customers: CustomerBase {
                    active_customers: 50_000,
                    annual_service_visits: None,
                },
                rank_verified: false,
                stores: 3,
                revenue: 500_000_000,
                capital: 300_000_000,
            }
        }

        fn report(&self) -> EligibilityReport {
            let candidate = Candidate {
                rank_verified: self.rank_verified,
                stores_in_city_province: self.stores,
                annual_revenue_cny: self.revenue,
                registered_capital_cny: self.capital,
                brands: &self.brands,
                after_sales: &self.after_sales,
                sites: &self.sites,
                customers: &self.customers,
            };
            evaluate(&Criteria::default(), 1, &candidate, DateTime::UNIX_EPOCH)
        }
    }

    fn check<'r>(report: &'r EligibilityReport, code: &str) -> &'r Check {
        report
            .checks
            .iter()
            .find(|c| c.code == code)
            .expect("every rule reports")
    }

    #[test]
    fn thresholds_are_inclusive_and_one_below_fails() {
        let report = Owned::strong().report();
        assert!(report.eligible, "{report:#?}");
        assert_eq!(report.score, 40 + 30 + 20);
        for dimension in 0..5 {
            let mut owned = Owned::strong();
            let s = &mut owned.sites[0];
            match dimension {
                0 => s.site_area_sqm = 2999.9,
                1 => s.frontage_m = 25.9,
                2 => s.showroom_height_m = 5.9,
                3 => s.showroom_sqm = 299.0,
                _ => s.workshop_sqm = 499.0,
            }
            let report = owned.report();
            assert!(
                !check(&report, "commercial_district_site").passed,
                "dimension {dimension}"
            );
            assert!(!report.eligible);
        }
    }

    #[test]
    fn one_qualifying_site_among_several_is_enough_and_named() {
        let mut owned = Owned::strong();
        let mut street = site();
        street.site_type = SiteType::Street;
        owned.sites = vec![street, site()];
        let report = owned.report();
        let sites = check(&report, "commercial_district_site");
        assert!(sites.passed);
        assert_eq!(sites.detail["qualifying_site"], 1);
        assert_eq!(
            sites.detail["sites_failing"][0]["below"],
            json!(["site_type"])
        );
    }

    #[test]
    fn the_ranking_rule_takes_verified_top_100_or_regional_strength() {
        let mut weak = Owned::strong();
        weak.stores = 2;
        assert!(!check(&weak.report(), "ranking_or_regional_strength").passed);
        weak.rank_verified = true;
        assert!(check(&weak.report(), "ranking_or_regional_strength").passed);
        let mut poor = Owned::strong();
        poor.revenue = 499_999_999;
        assert!(!check(&poor.report(), "ranking_or_regional_strength").passed);
    }

    #[test]
    fn after_sales_needs_all_three_trades_at_class_two_or_better() {
        let mut owned = Owned::strong();
        owned.after_sales = after_sales(3);
        assert!(!check(&owned.report(), "after_sales_capability").passed);
        owned.after_sales = AfterSales {
            paint: false,
            ..after_sales(1)
        };
        assert!(!check(&owned.report(), "after_sales_capability").passed);
    }

    #[test]
    fn luxury_counts_like_nev_and_combustion_brands_do_not() {
        let mut owned = Owned::strong();
        owned.brands = vec![brand(Segment::Luxury, 5, 5_000)];
        assert_eq!(
            check(&owned.report(), "nev_or_luxury_experience").points,
            40
        );
        owned.brands = vec![brand(Segment::MainstreamIce, 30, 100_000)];
        let report = owned.report();
        let experience = check(&report, "nev_or_luxury_experience");
        assert_eq!((experience.points, experience.passed), (0, false));
        assert!(report.eligible, "a preferred rule never blocks");
    }

    #[test]
    fn the_defaults_are_valid_and_round_trip() {
        let criteria = Criteria::default();
        assert!(criteria.problems().is_empty(), "{:?}", criteria.problems());
        let json = serde_json::to_string(&criteria).expect("serialises");
        assert_eq!(serde_json::from_str::<Criteria>(&json).ok(), Some(criteria));
    }

    #[test]
    fn bad_rules_are_named_by_path() {
        let mut criteria = Criteria::default();
        criteria.customer_resources.active_customers[1].min = 1;
        criteria.financial_strength.max_points = 20;
        criteria.financial_strength.annual_revenue_cny[2].points = 25;
        let problems = criteria.problems();
        assert!(problems.contains(&(
            "rules.customer_resources.active_customers[1].min".into(),
            "not_ascending"
        )));
        assert!(problems.contains(&(
            "rules.financial_strength.annual_revenue_cny[2].points".into(),
            "range"
        )));
        assert!(problems.contains(&("rules".into(), "points_sum")));
    }

    fn any_brand() -> impl Strategy<Value = Brand> {
        (
            prop_oneof![
                Just(Segment::Nev),
                Just(Segment::Luxury),
                Just(Segment::MainstreamIce)
            ],
            0..100i32,
            0..10_000_000i64,
        )
            .prop_map(|(segment, years, units)| brand(segment, years, units))
    }

    fn any_site() -> impl Strategy<Value = ProposedSite> {
        (
            0.0..10_000.0f64,
            0.0..100.0f64,
            0.0..20.0f64,
            0.0..2_000.0f64,
            0.0..2_000.0f64,
        )
            .prop_map(|(a, f, h, s, w)| ProposedSite {
                site_area_sqm: a,
                frontage_m: f,
                showroom_height_m: h,
                showroom_sqm: s,
                workshop_sqm: w,
                ..site()
            })
    }

    proptest! {
        #[test]
        fn the_score_stays_in_range_and_the_report_is_reproducible(
            brands in proptest::collection::vec(any_brand(), 0..5),
            sites in proptest::collection::vec(any_site(), 0..4),
            customers in 0..100_000_000i64,
            capital in 0..i64::MAX / 2,
            revenue in 0..i64::MAX / 2,
            stores in 0..1_000i32,
            repair_class in 1..=3i32,
            rank_verified in any::<bool>(),
        ) {
            let owned = Owned {
                brands,
                after_sales: after_sales(repair_class),
                sites,
                customers: CustomerBase { active_customers: customers, annual_service_visits: None },
                rank_verified,
                stores,
                revenue,
                capital,
            };
            let report = owned.report();
            prop_assert!((0..=100).contains(&report.score));
            prop_assert_eq!(&report, &owned.report());
            let required_passed = report.checks.iter().filter(|c| c.required).all(|c| c.passed);
            prop_assert_eq!(report.eligible, required_passed);
        }
    }
}
