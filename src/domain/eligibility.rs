//! The eligibility check: pure rules over a candidate, versioned criteria that admins tune, and an
//! explainable report. It informs people and never decides on its own (PIPL Art. 24).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::application::{CustomerBase, LeaseStatus, ProposedSite, SiteType};
use super::dealer_group::{AfterSales, Brand, Segment};

pub mod words;

/// Points for reaching a threshold. In a list the thresholds rise strictly and the highest one
/// reached counts (not the sum); below the first, a rule gives 0 points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Tier {
    /// The threshold, inclusive; not negative.
    #[schema(minimum = 0, example = 5000)]
    pub min: i64,
    /// Points from 0 to the rule's `max_points`.
    #[schema(minimum = 0, maximum = 100, example = 10)]
    pub points: i32,
}

/// Required: a verified top-100 group, or a strong regional one (both regional thresholds met).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RankingRule {
    /// Stores the group runs in the target city's province, for the regional route.
    #[schema(minimum = 0, example = 3)]
    pub min_province_stores: i32,
    /// Annual revenue in whole CNY, for the regional route.
    #[schema(minimum = 0, example = 500_000_000)]
    pub min_annual_revenue_cny: i64,
}

/// Required: one proposed site that the group controls and that meets, by itself, every threshold
/// of the standard for its `site_type`. The flat fields are the standard of a full 2S store
/// (showroom and workshop); `showroom_point` is the standard of a showroom point (no workshop).
/// A site whose type both standards accept is judged by the full store's first, then by the
/// showroom point's; a type that neither accepts (by default `street` and `other`) fails.
/// Criteria stored before v1.1 lack `showroom_point` and `site_control` and read with the
/// defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SiteRule {
    /// Site types accepted for a full 2S store; at least one.
    #[schema(min_items = 1, example = json!(["auto_business_district"]))]
    pub site_types: Vec<SiteType>,
    /// Square metres, inclusive.
    #[schema(minimum = 0, example = 3000)]
    pub min_site_area_sqm: f64,
    /// Metres of street frontage, inclusive.
    #[schema(minimum = 0, example = 26)]
    pub min_frontage_m: f64,
    /// Metres of clear showroom height, inclusive.
    #[schema(minimum = 0, example = 6)]
    pub min_showroom_height_m: f64,
    /// Square metres, inclusive.
    #[schema(minimum = 0, example = 300)]
    pub min_showroom_sqm: f64,
    /// Square metres, inclusive.
    #[schema(minimum = 0, example = 500)]
    pub min_workshop_sqm: f64,
    /// The standard of a showroom point: a smaller store that sells and shows, with service
    /// elsewhere.
    #[serde(default = "SiteStandard::showroom_point")]
    pub showroom_point: SiteStandard,
    /// The lease statuses that give the group control of a site; at least one. By default
    /// `owned`, `leased` and `negotiating` (a lease under negotiation is the usual state at
    /// application time; the letter of intent comes before the lease): `none` fails.
    #[serde(default = "SiteRule::default_site_control")]
    #[schema(min_items = 1, example = json!(["owned", "leased", "negotiating"]))]
    pub site_control: Vec<LeaseStatus>,
}

/// The thresholds one kind of store sets for its site; each inclusive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SiteStandard {
    /// Site types this standard accepts; at least one.
    #[schema(min_items = 1, example = json!(["commercial_plaza", "retail_outlet_adjacent"]))]
    pub site_types: Vec<SiteType>,
    /// Square metres.
    #[schema(minimum = 0, example = 300)]
    pub min_site_area_sqm: f64,
    /// Metres of street frontage.
    #[schema(minimum = 0, example = 12)]
    pub min_frontage_m: f64,
    /// Metres of clear showroom height.
    #[schema(minimum = 0, example = 4.5)]
    pub min_showroom_height_m: f64,
    /// Square metres.
    #[schema(minimum = 0, example = 200)]
    pub min_showroom_sqm: f64,
    /// Square metres; 0 (the default) asks for no workshop.
    #[serde(default)]
    #[schema(minimum = 0, example = 0)]
    pub min_workshop_sqm: f64,
}

impl SiteStandard {
    /// The published standard of a showroom point: in a commercial plaza or next to the maker's
    /// retail outlet, sized for a showroom of a few cars, with no workshop.
    pub fn showroom_point() -> Self {
        Self {
            site_types: vec![SiteType::CommercialPlaza, SiteType::RetailOutletAdjacent],
            min_site_area_sqm: 300.0,
            min_frontage_m: 12.0,
            min_showroom_height_m: 4.5,
            min_showroom_sqm: 200.0,
            min_workshop_sqm: 0.0,
        }
    }

    /// The measures of `site` below this standard, each with the site's figure. Written so that
    /// a NaN measure fails rather than slipping through `value < min`.
    fn shortfalls(&self, site: &ProposedSite) -> Vec<(&'static str, f64)> {
        [
            ("site_area_sqm", site.site_area_sqm, self.min_site_area_sqm),
            ("frontage_m", site.frontage_m, self.min_frontage_m),
            (
                "showroom_height_m",
                site.showroom_height_m,
                self.min_showroom_height_m,
            ),
            ("showroom_sqm", site.showroom_sqm, self.min_showroom_sqm),
            ("workshop_sqm", site.workshop_sqm, self.min_workshop_sqm),
        ]
        .into_iter()
        .filter(|&(_, value, min)| {
            let meets = value >= min;
            !meets
        })
        .map(|(name, value, _)| (name, value))
        .collect()
    }
}

/// The standard a site is judged by, as reports name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SiteStandardKind {
    /// A full 2S store: showroom and workshop.
    FullStore,
    /// A showroom point: no workshop.
    ShowroomPoint,
}

impl SiteRule {
    fn default_site_control() -> Vec<LeaseStatus> {
        vec![
            LeaseStatus::Owned,
            LeaseStatus::Leased,
            LeaseStatus::Negotiating,
        ]
    }

    /// The standard of a full 2S store, from the flat fields.
    pub fn full_store(&self) -> SiteStandard {
        SiteStandard {
            site_types: self.site_types.clone(),
            min_site_area_sqm: self.min_site_area_sqm,
            min_frontage_m: self.min_frontage_m,
            min_showroom_height_m: self.min_showroom_height_m,
            min_showroom_sqm: self.min_showroom_sqm,
            min_workshop_sqm: self.min_workshop_sqm,
        }
    }

    /// The standards in the order a site is judged by them.
    fn standards(&self) -> [(SiteStandardKind, SiteStandard); 2] {
        [
            (SiteStandardKind::FullStore, self.full_store()),
            (SiteStandardKind::ShowroomPoint, self.showroom_point.clone()),
        ]
    }
}

/// Required: mechanical repair, sheet metal and paint, at this repair class or better.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AfterSalesRule {
    /// The worst repair class accepted: 1 is the highest class, so 2 accepts classes 1 and 2.
    #[schema(minimum = 1, maximum = 3, example = 2)]
    pub max_repair_class: i32,
}

/// Scored: experience with NEV or luxury brands (mainstream combustion brands do not count). The
/// best such brand scores its `years` tier plus its `annual_units` tier, capped at `max_points`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExperienceRule {
    /// This rule's share of the 100 points.
    #[schema(minimum = 0, maximum = 100, example = 40)]
    pub max_points: i32,
    /// Tiers on the years the group has sold the brand.
    pub years: Vec<Tier>,
    /// Tiers on the brand's vehicles sold in the last year.
    pub annual_units: Vec<Tier>,
}

/// Scored: the customers the group brings, by active customers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerRule {
    /// This rule's share of the 100 points.
    #[schema(minimum = 0, maximum = 100, example = 30)]
    pub max_points: i32,
    /// Tiers on the application's `customer_base.active_customers`.
    pub active_customers: Vec<Tier>,
}

/// Scored: the registered capital tier plus the annual revenue tier, capped at `max_points`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FinancialRule {
    /// This rule's share of the 100 points.
    #[schema(minimum = 0, maximum = 100, example = 30)]
    pub max_points: i32,
    /// Tiers on registered capital, whole CNY.
    pub registered_capital_cny: Vec<Tier>,
    /// Tiers on last year's revenue, whole CNY.
    pub annual_revenue_cny: Vec<Tier>,
}

/// One version of the eligibility rules. The three required rules decide `eligible`; the three
/// scored rules' `max_points` add up to exactly 100. Thresholds and points are never negative,
/// tiers rise strictly by `min`, and no tier gives more than its rule's `max_points`.
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
                site_types: vec![SiteType::AutoBusinessDistrict],
                min_site_area_sqm: 3000.0,
                min_frontage_m: 26.0,
                min_showroom_height_m: 6.0,
                min_showroom_sqm: 300.0,
                min_workshop_sqm: 500.0,
                showroom_point: SiteStandard::showroom_point(),
                site_control: SiteRule::default_site_control(),
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
    /// `Ok` when the rules can be published, else every problem (see [`Criteria::problems`]).
    pub fn validate_rules(&self) -> Result<(), Vec<(String, &'static str)>> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// Every problem with the rules, each as (JSON path under `rules`, code), in document order:
    /// - `range`: a negative (or non-finite) threshold, `max_repair_class` outside 1..=3, a
    ///   rule's `max_points` outside 0..=100, or a tier's points negative or above its rule's
    ///   `max_points` (e.g. `rules.financial_strength.annual_revenue_cny[2].points`);
    /// - `not_ascending`: a tier whose `min` is not above the one before
    ///   (e.g. `rules.customer_resources.active_customers[1].min`);
    /// - `length`: a site standard without site types
    ///   (`rules.commercial_district_site.showroom_point.site_types`), or no lease status that
    ///   gives site control (`rules.commercial_district_site.site_control`);
    /// - `points_sum`: the scored rules' `max_points` do not add up to 100 (path `rules`).
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
        let standards = [
            ("commercial_district_site", site.full_store()),
            (
                "commercial_district_site.showroom_point",
                site.showroom_point.clone(),
            ),
        ];
        for (at, standard) in &standards {
            for (name, value) in [
                ("min_site_area_sqm", standard.min_site_area_sqm),
                ("min_frontage_m", standard.min_frontage_m),
                ("min_showroom_height_m", standard.min_showroom_height_m),
                ("min_showroom_sqm", standard.min_showroom_sqm),
                ("min_workshop_sqm", standard.min_workshop_sqm),
            ] {
                non_negative(&format!("{at}.{name}"), value);
            }
        }
        for (at, standard) in &standards {
            if standard.site_types.is_empty() {
                out.push((format!("rules.{at}.site_types"), "length"));
            }
        }
        if site.site_control.is_empty() {
            out.push((
                "rules.commercial_district_site.site_control".into(),
                "length",
            ));
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
        // i64 because the maxima come straight from an admin's request and may be anything.
        let mut sum = 0_i64;
        for (rule, max_points, lists) in &scored {
            if !(0..=100).contains(max_points) {
                out.push((format!("rules.{rule}.max_points"), "range"));
            }
            sum += i64::from(*max_points);
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
#[derive(Clone, Copy, Debug)]
pub struct Candidate<'a> {
    /// The group's top-100 claim is confirmed by the latest ranking list; a mere claim is false.
    pub rank_verified: bool,
    /// Stores the group runs in the province of the application's city.
    pub stores_in_city_province: i32,
    /// Whole CNY, last financial year.
    pub annual_revenue_cny: i64,
    /// Whole CNY.
    pub registered_capital_cny: i64,
    pub brands: &'a [Brand],
    pub after_sales: &'a AfterSales,
    /// The application's proposed sites, in their order (the report names sites by index).
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
    /// For a required rule, whether it is met; for a scored rule, whether it earned any points.
    pub passed: bool,
    /// Points earned; always 0 for a required rule.
    pub points: i32,
    /// The most this rule can earn; 0 for a required rule.
    pub max_points: i32,
    /// The thresholds and the candidate's figures the verdict rests on. For
    /// `commercial_district_site`: `qualifying_site` (index of the first site that qualifies, or
    /// null), `qualifying_standard` (`full_store` or `showroom_point`, or null), `sites_failing`
    /// (`[{site, site_type, standard, lease_status, below: [...], measured: {measure:
    /// figure}}]`: `standard` is the one the site was judged by, null when no standard accepts
    /// its type; `below` names `site_type`, the measures that fall short, and `lease_status`
    /// when the group does not control the site), the full store's thresholds as flat fields,
    /// `showroom_point`'s, and `site_control`. Reports made before v1.1 lack `site_type`,
    /// `measured`, `standard`, `lease_status`, `qualifying_standard`, `showroom_point` and
    /// `site_control`. `sites_not_located` lists the indexes of the sites without a
    /// `district_code`, which still count by their other figures (absent before v1.1).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// The eligibility of an application as of `evaluated_at`, under one criteria version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EligibilityReport {
    /// Every required rule passed. Informs reviewers; it never rejects on its own.
    pub eligible: bool,
    /// The scored rules' points, 0 to 100.
    #[schema(minimum = 0, maximum = 100)]
    pub score: i32,
    /// The criteria version the report was made with.
    pub criteria_version: i32,
    pub evaluated_at: DateTime<Utc>,
    /// One check per rule: the three required rules, then the three scored ones.
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
            "regional_strength": regional,
            "stores_in_province": c.stores_in_city_province,
            "min_stores_in_province": rule.min_province_stores,
            "annual_revenue_cny": c.annual_revenue_cny,
            "min_annual_revenue_cny": rule.min_annual_revenue_cny,
        }),
    )
}

/// How one site fares: the standard it is judged by (none when no standard accepts its type)
/// and what keeps it from qualifying, as (name, the site's figure if it is a measure).
struct SiteVerdict {
    standard: Option<SiteStandardKind>,
    below: Vec<(&'static str, Option<f64>)>,
}

fn judge_site(rule: &SiteRule, site: &ProposedSite) -> SiteVerdict {
    // Among the standards that accept the type, the first one the site meets; else the first.
    let judged: Vec<_> = rule
        .standards()
        .into_iter()
        .filter(|(_, standard)| standard.site_types.contains(&site.site_type))
        .map(|(kind, standard)| (kind, standard.shortfalls(site)))
        .collect();
    let chosen = judged
        .iter()
        .find(|(_, shortfalls)| shortfalls.is_empty())
        .or(judged.first());
    let mut below: Vec<(&'static str, Option<f64>)> = match chosen {
        None => vec![("site_type", None)],
        Some((_, shortfalls)) => shortfalls
            .iter()
            .map(|&(name, value)| (name, Some(value)))
            .collect(),
    };
    if !rule.site_control.contains(&site.lease_status) {
        below.push(("lease_status", None));
    }
    SiteVerdict {
        standard: chosen.map(|(kind, _)| *kind),
        below,
    }
}

fn site_check(rule: &SiteRule, sites: &[ProposedSite]) -> Check {
    let verdicts: Vec<_> = sites.iter().map(|s| judge_site(rule, s)).collect();
    let qualifying = verdicts.iter().position(|v| v.below.is_empty());
    // A site without a district code still counts by its figures; the report only says so.
    let not_located: Vec<usize> = sites
        .iter()
        .enumerate()
        .filter(|(_, s)| s.district_code.is_none())
        .map(|(index, _)| index)
        .collect();
    let failing: Vec<_> = verdicts
        .iter()
        .zip(sites)
        .enumerate()
        .filter(|(_, (verdict, _))| !verdict.below.is_empty())
        .map(|(index, (verdict, site))| {
            let names: Vec<_> = verdict.below.iter().map(|(name, _)| *name).collect();
            // The site's own figures, so that the report can say by how much it falls short.
            let measured: serde_json::Map<_, _> = verdict
                .below
                .iter()
                .filter_map(|(name, value)| Some(((*name).to_owned(), json!((*value)?))))
                .collect();
            json!({
                "site": index,
                "site_type": site.site_type,
                "standard": verdict.standard,
                "lease_status": site.lease_status,
                "below": names,
                "measured": measured,
            })
        })
        .collect();
    let showroom = &rule.showroom_point;
    required(
        "commercial_district_site",
        qualifying.is_some(),
        json!({
            "qualifying_site": qualifying,
            "qualifying_standard": qualifying.and_then(|i| verdicts[i].standard),
            "sites_failing": failing,
            "sites_not_located": not_located,
            "site_types": rule.site_types,
            "min_site_area_sqm": rule.min_site_area_sqm,
            "min_frontage_m": rule.min_frontage_m,
            "min_showroom_height_m": rule.min_showroom_height_m,
            "min_showroom_sqm": rule.min_showroom_sqm,
            "min_workshop_sqm": rule.min_workshop_sqm,
            "showroom_point": {
                "site_types": showroom.site_types,
                "min_site_area_sqm": showroom.min_site_area_sqm,
                "min_frontage_m": showroom.min_frontage_m,
                "min_showroom_height_m": showroom.min_showroom_height_m,
                "min_showroom_sqm": showroom.min_showroom_sqm,
                "min_workshop_sqm": showroom.min_workshop_sqm,
            },
            "site_control": rule.site_control,
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
    let mut best: Option<(i32, i32, &Brand)> = None;
    for b in brands {
        if !matches!(b.segment, Segment::Nev | Segment::Luxury) {
            continue;
        }
        let years = tier_points(&rule.years, i64::from(b.years));
        let units = tier_points(&rule.annual_units, b.annual_units);
        // Strictly better only, so that on a tie the report names the brand listed first.
        if best.is_none_or(|(y, u, _)| years.saturating_add(units) > y.saturating_add(u)) {
            best = Some((years, units, b));
        }
    }
    let points = best.map_or(0, |(y, u, _)| y.saturating_add(u));
    let best_brand = best.map(|(years_points, units_points, b)| {
        json!({
            "brand": b.brand,
            "segment": b.segment,
            "years": b.years,
            "annual_units": b.annual_units,
            "years_points": years_points,
            "annual_units_points": units_points,
        })
    });
    scored(
        "nev_or_luxury_experience",
        points,
        rule.max_points,
        json!({
            "counted_segments": [Segment::Nev, Segment::Luxury],
            "best_brand": best_brand,
            "years_tiers": rule.years,
            "annual_units_tiers": rule.annual_units,
        }),
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
    let capital = tier_points(&rule.registered_capital_cny, c.registered_capital_cny);
    let revenue = tier_points(&rule.annual_revenue_cny, c.annual_revenue_cny);
    scored(
        "financial_strength",
        capital.saturating_add(revenue),
        rule.max_points,
        json!({
            "registered_capital_cny": c.registered_capital_cny,
            "registered_capital_points": capital,
            "registered_capital_tiers": rule.registered_capital_cny,
            "annual_revenue_cny": c.annual_revenue_cny,
            "annual_revenue_points": revenue,
            "annual_revenue_tiers": rule.annual_revenue_cny,
        }),
    )
}

/// Evaluates `candidate` against `criteria` (published as `version`) as of `at`.
///
/// Deterministic: the same inputs give the same report. `eligible` is true when every required
/// check passed; `score` is the sum of the scored checks' points, kept within 0..=100 even for
/// criteria that were never validated.
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
    let score = checks
        .iter()
        .fold(0_i32, |sum, c| sum.saturating_add(c.points))
        .clamp(0, 100);
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

    pub(super) fn site() -> ProposedSite {
        ProposedSite {
            address: "1 Motor Avenue".into(),
            district: "Gusu".into(),
            district_code: Some("320508".into()),
            site_type: SiteType::AutoBusinessDistrict,
            commercial_plaza: None,
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

    pub(super) fn brand(segment: Segment, years: i32, annual_units: i64) -> Brand {
        Brand {
            brand: "B".into(),
            segment,
            years,
            annual_units,
        }
    }

    #[derive(Clone, Debug)]
    pub(super) struct Owned {
        pub(super) brands: Vec<Brand>,
        pub(super) after_sales: AfterSales,
        pub(super) sites: Vec<ProposedSite>,
        pub(super) customers: CustomerBase,
        pub(super) rank_verified: bool,
        pub(super) stores: i32,
        pub(super) revenue: i64,
        pub(super) capital: i64,
    }

    impl Owned {
        pub(super) fn strong() -> Self {
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

        pub(super) fn report(&self) -> EligibilityReport {
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

    pub(super) fn check<'r>(report: &'r EligibilityReport, code: &str) -> &'r Check {
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

    /// A showroom point exactly at the default showroom thresholds, with no workshop.
    pub(super) fn plaza_point() -> ProposedSite {
        ProposedSite {
            address: "1 Plaza Road".into(),
            site_type: SiteType::CommercialPlaza,
            commercial_plaza: Some("Suzhou Center".into()),
            site_area_sqm: 300.0,
            frontage_m: 12.0,
            showroom_height_m: 4.5,
            showroom_sqm: 200.0,
            workshop_sqm: 0.0,
            ..site()
        }
    }

    #[test]
    fn a_full_store_is_judged_at_its_thresholds_and_named() {
        let report = Owned::strong().report();
        let sites = check(&report, "commercial_district_site");
        assert!(sites.passed);
        assert_eq!(sites.detail["qualifying_standard"], "full_store");
        let mut owned = Owned::strong();
        owned.sites[0].workshop_sqm = 0.0;
        let report = owned.report();
        let sites = check(&report, "commercial_district_site");
        assert!(!sites.passed, "a full store needs its workshop");
        assert_eq!(
            sites.detail["sites_failing"],
            json!([{
                "site": 0,
                "site_type": "auto_business_district",
                "standard": "full_store",
                "lease_status": "leased",
                "below": ["workshop_sqm"],
                "measured": {"workshop_sqm": 0.0}
            }])
        );
    }

    #[test]
    fn a_showroom_point_is_judged_by_its_own_thresholds_without_a_workshop() {
        for site_type in [SiteType::CommercialPlaza, SiteType::RetailOutletAdjacent] {
            let mut owned = Owned::strong();
            owned.sites = vec![ProposedSite {
                site_type,
                ..plaza_point()
            }];
            let report = owned.report();
            let sites = check(&report, "commercial_district_site");
            assert!(sites.passed, "{site_type:?} exactly at the thresholds");
            assert_eq!(sites.detail["qualifying_standard"], "showroom_point");
            assert!(report.eligible);
            for dimension in 0..4 {
                let mut owned = owned.clone();
                let s = &mut owned.sites[0];
                match dimension {
                    0 => s.site_area_sqm = 299.9,
                    1 => s.frontage_m = 11.9,
                    2 => s.showroom_height_m = 4.4,
                    _ => s.showroom_sqm = 199.9,
                }
                let report = owned.report();
                let sites = check(&report, "commercial_district_site");
                assert!(!sites.passed, "{site_type:?}, dimension {dimension}");
                assert_eq!(
                    sites.detail["sites_failing"][0]["standard"],
                    "showroom_point"
                );
            }
        }
    }

    #[test]
    fn street_and_other_sites_fail_whatever_their_size() {
        for site_type in [SiteType::Street, SiteType::Other] {
            let mut owned = Owned::strong();
            owned.sites[0].site_type = site_type;
            let report = owned.report();
            let sites = check(&report, "commercial_district_site");
            assert!(!sites.passed, "{site_type:?}");
            assert_eq!(
                sites.detail["sites_failing"][0]["below"],
                json!(["site_type"])
            );
            assert_eq!(
                sites.detail["sites_failing"][0]["standard"],
                serde_json::Value::Null
            );
        }
    }

    #[test]
    fn a_plaza_that_meets_the_full_store_standard_is_still_a_showroom_point() {
        // The default full store accepts automobile business districts only.
        let mut owned = Owned::strong();
        owned.sites[0].site_type = SiteType::CommercialPlaza;
        let report = owned.report();
        let sites = check(&report, "commercial_district_site");
        assert!(sites.passed);
        assert_eq!(sites.detail["qualifying_standard"], "showroom_point");
    }

    #[test]
    fn a_type_both_standards_accept_is_judged_by_the_full_store_first() {
        let mut criteria = Criteria::default();
        criteria.commercial_district_site.site_types =
            vec![SiteType::CommercialPlaza, SiteType::AutoBusinessDistrict];
        let judged = |site: &ProposedSite| judge_site(&criteria.commercial_district_site, site);
        let full = ProposedSite {
            site_type: SiteType::CommercialPlaza,
            ..site()
        };
        assert_eq!(judged(&full).standard, Some(SiteStandardKind::FullStore));
        assert!(judged(&full).below.is_empty());
        let point = plaza_point();
        assert_eq!(
            judged(&point).standard,
            Some(SiteStandardKind::ShowroomPoint)
        );
        assert!(judged(&point).below.is_empty());
        // Meeting neither, it is reported against the first standard that accepts it.
        let small = ProposedSite {
            frontage_m: 1.0,
            ..plaza_point()
        };
        assert_eq!(judged(&small).standard, Some(SiteStandardKind::FullStore));
    }

    #[test]
    fn a_site_the_group_does_not_control_fails_and_negotiating_passes() {
        for (lease_status, passes) in [
            (LeaseStatus::Owned, true),
            (LeaseStatus::Leased, true),
            (LeaseStatus::Negotiating, true),
            (LeaseStatus::None, false),
        ] {
            for place in [site(), plaza_point()] {
                let mut owned = Owned::strong();
                owned.sites = vec![ProposedSite {
                    lease_status,
                    ..place
                }];
                let report = owned.report();
                let sites = check(&report, "commercial_district_site");
                assert_eq!(sites.passed, passes, "{lease_status:?}");
                if !passes {
                    assert_eq!(
                        sites.detail["sites_failing"][0]["below"],
                        json!(["lease_status"])
                    );
                    assert_eq!(sites.detail["sites_failing"][0]["lease_status"], "none");
                }
            }
        }
        let mut owned = Owned::strong();
        owned.sites[0].lease_status = LeaseStatus::None;
        owned.sites[0].site_type = SiteType::Street;
        let report = owned.report();
        assert_eq!(
            check(&report, "commercial_district_site").detail["sites_failing"][0]["below"],
            json!(["site_type", "lease_status"])
        );
    }

    #[test]
    fn criteria_stored_before_site_standards_read_with_the_defaults() {
        let v1 = json!({
            "ranking_or_regional_strength": {"min_province_stores": 3, "min_annual_revenue_cny": 500_000_000},
            "commercial_district_site": {
                "site_types": ["commercial_plaza", "retail_outlet_adjacent", "auto_business_district"],
                "min_site_area_sqm": 3000.0,
                "min_frontage_m": 26.0,
                "min_showroom_height_m": 6.0,
                "min_showroom_sqm": 300.0,
                "min_workshop_sqm": 500.0
            },
            "after_sales_capability": {"max_repair_class": 2},
            "nev_or_luxury_experience": {"max_points": 40, "years": [], "annual_units": []},
            "customer_resources": {"max_points": 30, "active_customers": []},
            "financial_strength": {"max_points": 30, "registered_capital_cny": [], "annual_revenue_cny": []}
        });
        let criteria: Criteria = serde_json::from_value(v1).expect("a v1 version still reads");
        let site = &criteria.commercial_district_site;
        assert_eq!(site.showroom_point, SiteStandard::showroom_point());
        assert_eq!(
            site.site_control,
            [
                LeaseStatus::Owned,
                LeaseStatus::Leased,
                LeaseStatus::Negotiating
            ]
        );
        assert_eq!(
            site.site_types.len(),
            3,
            "v1 keeps its own full-store types"
        );
        assert_eq!(criteria.validate_rules(), Ok(()));
    }

    #[test]
    fn site_standards_without_types_or_site_control_are_refused() {
        let mut criteria = Criteria::default();
        criteria
            .commercial_district_site
            .showroom_point
            .site_types
            .clear();
        criteria
            .commercial_district_site
            .showroom_point
            .min_frontage_m = -1.0;
        criteria.commercial_district_site.site_control.clear();
        assert_eq!(
            criteria.validate_rules().unwrap_err(),
            [
                (
                    "rules.commercial_district_site.showroom_point.min_frontage_m".into(),
                    "range"
                ),
                (
                    "rules.commercial_district_site.showroom_point.site_types".into(),
                    "length"
                ),
                (
                    "rules.commercial_district_site.site_control".into(),
                    "length"
                ),
            ]
        );
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
            sites.detail["sites_failing"],
            json!([{
                "site": 0,
                "site_type": "street",
                "standard": null,
                "lease_status": "leased",
                "below": ["site_type"],
                "measured": {}
            }])
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
    fn an_unverified_claim_alone_fails_and_a_verified_one_alone_passes() {
        let mut small = Owned::strong();
        small.stores = 0;
        small.revenue = 0;
        let report = small.report();
        let ranking = check(&report, "ranking_or_regional_strength");
        assert!(!ranking.passed);
        assert!(!report.eligible);
        assert_eq!(ranking.detail["rank_verified"], false);
        assert_eq!(ranking.detail["stores_in_province"], 0);
        assert_eq!(ranking.detail["min_stores_in_province"], 3);
        assert_eq!(ranking.detail["min_annual_revenue_cny"], 500_000_000);
        small.rank_verified = true;
        assert!(small.report().eligible);
    }

    #[test]
    fn the_regional_route_needs_both_stores_and_revenue_at_their_thresholds() {
        let owned = Owned::strong();
        assert_eq!((owned.stores, owned.revenue), (3, 500_000_000));
        let report = owned.report();
        let ranking = check(&report, "ranking_or_regional_strength");
        assert!(ranking.passed);
        assert_eq!(ranking.detail["regional_strength"], true);
    }

    #[test]
    fn after_sales_needs_all_three_trades_at_class_two_or_better() {
        let mut owned = Owned::strong();
        owned.after_sales = after_sales(3);
        assert!(!check(&owned.report(), "after_sales_capability").passed);
        assert!(!owned.report().eligible);
        owned.after_sales = after_sales(1);
        assert!(check(&owned.report(), "after_sales_capability").passed);
        for missing in 0..3 {
            let mut a = after_sales(1);
            match missing {
                0 => a.mechanical = false,
                1 => a.sheet_metal = false,
                _ => a.paint = false,
            }
            owned.after_sales = a;
            assert!(
                !check(&owned.report(), "after_sales_capability").passed,
                "{missing}"
            );
        }
    }

    #[test]
    fn a_site_without_a_district_code_is_not_located_but_still_counts() {
        let mut owned = Owned::strong();
        let report = owned.report();
        assert_eq!(
            check(&report, "commercial_district_site").detail["sites_not_located"],
            json!([])
        );
        let mut unlocated = site();
        unlocated.district_code = None;
        unlocated.frontage_m = 20.0;
        owned.sites = vec![unlocated.clone(), unlocated];
        owned.sites[1].frontage_m = 26.0;
        let report = owned.report();
        let sites = check(&report, "commercial_district_site");
        assert!(sites.passed);
        assert_eq!(sites.detail["qualifying_site"], 1);
        assert_eq!(sites.detail["sites_not_located"], json!([0, 1]));
    }

    #[test]
    fn a_site_of_the_wrong_type_or_no_site_at_all_fails() {
        let mut owned = Owned::strong();
        for site_type in [SiteType::Street, SiteType::Other] {
            owned.sites[0].site_type = site_type;
            assert!(!check(&owned.report(), "commercial_district_site").passed);
        }
        for site_type in [
            SiteType::CommercialPlaza,
            SiteType::RetailOutletAdjacent,
            SiteType::AutoBusinessDistrict,
        ] {
            owned.sites[0].site_type = site_type;
            assert!(check(&owned.report(), "commercial_district_site").passed);
        }
        owned.sites.clear();
        let report = owned.report();
        let sites = check(&report, "commercial_district_site");
        assert!(!sites.passed);
        assert_eq!(sites.detail["qualifying_site"], serde_json::Value::Null);
        assert_eq!(sites.detail["sites_failing"], json!([]));
    }

    #[test]
    fn thresholds_must_be_met_on_the_same_site() {
        // Each site is big enough on all but one measure, a different one each time.
        let mut owned = Owned::strong();
        let mut narrow = site();
        narrow.frontage_m = 10.0;
        let mut small_workshop = site();
        small_workshop.workshop_sqm = 100.0;
        owned.sites = vec![narrow, small_workshop];
        let report = owned.report();
        let sites = check(&report, "commercial_district_site");
        assert!(!sites.passed);
        assert_eq!(
            sites.detail["sites_failing"],
            json!([
                {
                    "site": 0,
                    "site_type": "auto_business_district",
                    "standard": "full_store",
                    "lease_status": "leased",
                    "below": ["frontage_m"],
                    "measured": {"frontage_m": 10.0}
                },
                {
                    "site": 1,
                    "site_type": "auto_business_district",
                    "standard": "full_store",
                    "lease_status": "leased",
                    "below": ["workshop_sqm"],
                    "measured": {"workshop_sqm": 100.0}
                }
            ])
        );
    }

    #[test]
    fn a_measure_that_is_not_a_number_fails() {
        let mut owned = Owned::strong();
        owned.sites[0].site_area_sqm = f64::NAN;
        assert!(!check(&owned.report(), "commercial_district_site").passed);
    }

    #[test]
    fn annual_service_visits_are_optional_and_do_not_change_the_verdict() {
        let without = Owned::strong();
        let mut with = Owned::strong();
        with.customers.annual_service_visits = Some(120_000);
        assert_eq!(without.report(), with.report());
        assert_eq!(without.customers.annual_service_visits, None);
    }

    #[test]
    fn scored_rules_take_the_highest_tier_reached() {
        let mut owned = Owned::strong();
        for (active, points) in [
            (0, 0),
            (4_999, 0),
            (5_000, 10),
            (19_999, 10),
            (20_000, 20),
            (50_000, 30),
            (100_000_000, 30),
        ] {
            owned.customers.active_customers = active;
            let report = owned.report();
            let customers = check(&report, "customer_resources");
            assert_eq!(customers.points, points, "{active}");
            assert_eq!(customers.passed, points > 0);
            assert_eq!(customers.max_points, 30);
        }
        owned.capital = 100_000_000;
        owned.revenue = 3_000_000_000;
        let report = owned.report();
        let financial = check(&report, "financial_strength");
        assert_eq!(financial.points, 10 + 15);
        assert_eq!(financial.detail["registered_capital_points"], 10);
        assert_eq!(financial.detail["annual_revenue_points"], 15);
    }

    #[test]
    fn experience_scores_the_best_qualifying_brand_only() {
        let mut owned = Owned::strong();
        owned.brands = vec![
            brand(Segment::Nev, 3, 600),
            brand(Segment::MainstreamIce, 20, 90_000),
            brand(Segment::Luxury, 1, 2_000),
        ];
        let report = owned.report();
        let experience = check(&report, "nev_or_luxury_experience");
        // NEV: 3 years → 10, 600 units → 5 (15); luxury: 1 year → 5, 2,000 units → 10 (15). The
        // tie goes to the brand listed first.
        assert_eq!(experience.points, 15);
        assert_eq!(experience.detail["best_brand"]["segment"], "nev");
        assert_eq!(experience.detail["best_brand"]["years"], 3);
        owned.brands.clear();
        let report = owned.report();
        let experience = check(&report, "nev_or_luxury_experience");
        assert_eq!((experience.points, experience.passed), (0, false));
        assert_eq!(experience.detail["best_brand"], serde_json::Value::Null);
    }

    #[test]
    fn the_report_has_the_documented_shape() {
        let report = Owned::strong().report();
        let json = serde_json::to_value(&report).unwrap();
        let keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "checks",
                "criteria_version",
                "eligible",
                "evaluated_at",
                "score"
            ]
        );
        assert_eq!(json["evaluated_at"], "1970-01-01T00:00:00Z");
        let codes: Vec<_> = report
            .checks
            .iter()
            .map(|c| (c.code.as_str(), c.required))
            .collect();
        assert_eq!(
            codes,
            [
                ("ranking_or_regional_strength", true),
                ("commercial_district_site", true),
                ("after_sales_capability", true),
                ("nev_or_luxury_experience", false),
                ("customer_resources", false),
                ("financial_strength", false),
            ]
        );
        for c in report.checks.iter().filter(|c| c.required) {
            assert_eq!((c.points, c.max_points), (0, 0), "{}", c.code);
        }
        let back: EligibilityReport = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
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
        assert_eq!(criteria.validate_rules(), Ok(()));
        let scored = criteria.nev_or_luxury_experience.max_points
            + criteria.customer_resources.max_points
            + criteria.financial_strength.max_points;
        assert_eq!(scored, 100);
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
        assert_eq!(criteria.validate_rules(), Err(problems));
    }

    #[test]
    fn negative_thresholds_and_points_are_out_of_range() {
        let mut criteria = Criteria::default();
        criteria.ranking_or_regional_strength.min_province_stores = -1;
        criteria.commercial_district_site.min_frontage_m = -0.5;
        criteria.nev_or_luxury_experience.years[0].min = -1;
        criteria.nev_or_luxury_experience.annual_units[0].points = -5;
        criteria.after_sales_capability.max_repair_class = 4;
        criteria.commercial_district_site.site_types.clear();
        let problems = criteria.validate_rules().unwrap_err();
        assert_eq!(
            problems,
            [
                (
                    "rules.ranking_or_regional_strength.min_province_stores".into(),
                    "range"
                ),
                (
                    "rules.commercial_district_site.min_frontage_m".into(),
                    "range"
                ),
                ("rules.commercial_district_site.site_types".into(), "length"),
                (
                    "rules.after_sales_capability.max_repair_class".into(),
                    "range"
                ),
                (
                    "rules.nev_or_luxury_experience.years[0].min".into(),
                    "range"
                ),
                (
                    "rules.nev_or_luxury_experience.annual_units[0].points".into(),
                    "range"
                ),
            ]
        );
    }

    #[test]
    fn equal_tier_thresholds_are_not_ascending_and_huge_maxima_do_not_overflow() {
        let mut criteria = Criteria::default();
        criteria.financial_strength.registered_capital_cny[1].min = 50_000_000;
        criteria.nev_or_luxury_experience.max_points = i32::MAX;
        criteria.customer_resources.max_points = i32::MAX;
        let problems = criteria.validate_rules().unwrap_err();
        assert!(problems.contains(&(
            "rules.financial_strength.registered_capital_cny[1].min".into(),
            "not_ascending"
        )));
        assert!(problems.contains(&("rules.customer_resources.max_points".into(), "range")));
        assert!(problems.contains(&("rules".into(), "points_sum")));
    }

    fn any_brand() -> impl Strategy<Value = Brand> {
        (
            prop_oneof![
                Just(Segment::Nev),
                Just(Segment::Luxury),
                Just(Segment::MainstreamIce)
            ],
            prop_oneof![Just(0), Just(100), 0..=100i32],
            prop_oneof![Just(0), Just(10_000_000), 0..=10_000_000i64],
        )
            .prop_map(|(segment, years, units)| brand(segment, years, units))
    }

    /// Measures from zero to the largest the API accepts, with the thresholds themselves likely.
    fn measure(max: f64, threshold: f64) -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(0.0),
            Just(threshold),
            Just(max),
            0.0..=max,
            (threshold - 1.0)..=(threshold + 1.0),
        ]
    }

    fn any_site() -> impl Strategy<Value = ProposedSite> {
        (
            prop_oneof![
                Just(SiteType::CommercialPlaza),
                Just(SiteType::RetailOutletAdjacent),
                Just(SiteType::AutoBusinessDistrict),
                Just(SiteType::Street),
                Just(SiteType::Other),
            ],
            measure(1_000_000.0, 3000.0),
            measure(10_000.0, 26.0),
            measure(100.0, 6.0),
            measure(1_000_000.0, 300.0),
            measure(1_000_000.0, 500.0),
            prop_oneof![
                Just(LeaseStatus::Owned),
                Just(LeaseStatus::Leased),
                Just(LeaseStatus::Negotiating),
                Just(LeaseStatus::None),
            ],
            any::<bool>(),
        )
            .prop_map(
                |(site_type, a, f, h, s, w, lease_status, located)| ProposedSite {
                    site_type,
                    district_code: located.then(|| "320508".to_owned()),
                    site_area_sqm: a,
                    frontage_m: f,
                    showroom_height_m: h,
                    showroom_sqm: s,
                    workshop_sqm: w,
                    lease_status,
                    ..site()
                },
            )
    }

    fn money() -> impl Strategy<Value = i64> {
        prop_oneof![
            Just(0),
            Just(i64::MAX),
            Just(500_000_000),
            0..=i64::MAX,
            0..=10_000_000_000i64,
        ]
    }

    pub(super) fn any_owned() -> impl Strategy<Value = Owned> {
        (
            (
                proptest::collection::vec(any_brand(), 0..6),
                proptest::collection::vec(any_site(), 0..5),
                (any::<[bool; 3]>(), 1..=3i32),
            ),
            (
                prop_oneof![Just(0), 0..=100_000_000i64],
                proptest::option::of(0..=100_000_000i64),
            ),
            (any::<bool>(), prop_oneof![Just(0), 0..=100_000i32]),
            (money(), money()),
        )
            .prop_map(
                |(
                    (brands, sites, ([mechanical, sheet_metal, paint], repair_class)),
                    (active_customers, annual_service_visits),
                    (rank_verified, stores),
                    (revenue, capital),
                )| Owned {
                    brands,
                    after_sales: AfterSales {
                        mechanical,
                        sheet_metal,
                        paint,
                        repair_class,
                    },
                    sites,
                    customers: CustomerBase {
                        active_customers,
                        annual_service_visits,
                    },
                    rank_verified,
                    stores,
                    revenue,
                    capital,
                },
            )
    }

    fn any_tiers() -> impl Strategy<Value = Vec<Tier>> {
        proptest::collection::vec(
            (any::<i64>(), any::<i32>()).prop_map(|(min, points)| Tier { min, points }),
            0..4,
        )
    }

    proptest! {
        #[test]
        fn the_score_stays_in_range_and_the_report_is_reproducible(owned in any_owned()) {
            let report = owned.report();
            prop_assert!((0..=100).contains(&report.score));
            prop_assert_eq!(&report, &owned.report());
            let required: Vec<_> = report.checks.iter().filter(|c| c.required).collect();
            prop_assert_eq!(required.len(), 3);
            prop_assert_eq!(report.eligible, required.iter().all(|c| c.passed));
            for c in &report.checks {
                prop_assert!((0..=c.max_points.max(0)).contains(&c.points));
                if !c.required {
                    prop_assert_eq!(c.passed, c.points > 0);
                }
            }
            prop_assert_eq!(report.score, report.checks.iter().map(|c| c.points).sum::<i32>());
        }

        /// Criteria come from admins; unvalidated ones must still give a report, not a panic.
        #[test]
        fn any_criteria_give_a_bounded_report(
            owned in any_owned(),
            years in any_tiers(),
            units in any_tiers(),
            active in any_tiers(),
            capital in any_tiers(),
            revenue in any_tiers(),
            maxima in any::<[i32; 3]>(),
        ) {
            let criteria = Criteria {
                nev_or_luxury_experience: ExperienceRule {
                    max_points: maxima[0],
                    years,
                    annual_units: units,
                },
                customer_resources: CustomerRule {
                    max_points: maxima[1],
                    active_customers: active,
                },
                financial_strength: FinancialRule {
                    max_points: maxima[2],
                    registered_capital_cny: capital,
                    annual_revenue_cny: revenue,
                },
                ..Criteria::default()
            };
            let _ = criteria.problems();
            let candidate = Candidate {
                rank_verified: owned.rank_verified,
                stores_in_city_province: owned.stores,
                annual_revenue_cny: owned.revenue,
                registered_capital_cny: owned.capital,
                brands: &owned.brands,
                after_sales: &owned.after_sales,
                sites: &owned.sites,
                customers: &owned.customers,
            };
            let report = evaluate(&criteria, 7, &candidate, DateTime::UNIX_EPOCH);
            prop_assert!((0..=100).contains(&report.score));
            prop_assert_eq!(report.criteria_version, 7);
        }
    }
}
