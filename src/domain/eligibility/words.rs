//! The eligibility report in words, in English and Chinese: each rule's title, why its check
//! passed or failed with the figures of its `detail`, and the report's one-sentence summary.
//!
//! Stored reports keep codes and figures only; the words are made when a report is read, in the
//! reader's language. A `detail` these words do not know (a rule added later, or a report stored
//! in an older shape) still reads as a plain verdict, never as an error.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{Check, EligibilityReport, SiteStandardKind, Tier};
use crate::domain::application::{LeaseStatus, SiteType};
use crate::domain::dealer_group::Segment;
use crate::i18n::Locale;

/// Every rule's title: (code, English, Chinese).
const TITLES: [(&str, &str, &str); 6] = [
    (
        "ranking_or_regional_strength",
        "National ranking or regional strength",
        "全国排名或区域实力",
    ),
    (
        "commercial_district_site",
        "Commercial-district site",
        "商圈选址",
    ),
    (
        "after_sales_capability",
        "After-sales capability",
        "售后服务能力",
    ),
    (
        "nev_or_luxury_experience",
        "NEV or luxury brand experience",
        "新能源或豪华品牌经验",
    ),
    ("customer_resources", "Customer resources", "客户资源"),
    ("financial_strength", "Financial strength", "财务实力"),
];

/// A site's measures: (name in `detail`, English, Chinese, English unit, Chinese unit).
const MEASURES: [(&str, &str, &str, &str, &str); 5] = [
    ("site_area_sqm", "site area", "场地面积", " m²", "平方米"),
    ("frontage_m", "frontage", "临街面宽", " m", "米"),
    (
        "showroom_height_m",
        "showroom height",
        "展厅净高",
        " m",
        "米",
    ),
    ("showroom_sqm", "showroom", "展厅面积", " m²", "平方米"),
    ("workshop_sqm", "workshop", "维修车间面积", " m²", "平方米"),
];

fn pick<T>(locale: Locale, en: T, zh: T) -> T {
    match locale {
        Locale::En => en,
        Locale::ZhCn => zh,
    }
}

/// The title of the rule `code`, if it is one.
pub fn title(code: &str, locale: Locale) -> Option<&'static str> {
    TITLES
        .iter()
        .find(|(known, ..)| *known == code)
        .map(|&(_, en, zh)| pick(locale, en, zh))
}

/// One or two sentences on why `check` passed or failed, with its figures.
pub fn explanation(check: &Check, locale: Locale) -> String {
    let explained = match check.code.as_str() {
        "ranking_or_regional_strength" => detail(check).map(|d| ranking(check, &d, locale)),
        "commercial_district_site" => detail(check).and_then(|d| site(check, &d, locale)),
        "after_sales_capability" => detail(check).and_then(|d| after_sales(check, &d, locale)),
        "nev_or_luxury_experience" => detail(check).map(|d| experience(check, &d, locale)),
        "customer_resources" => detail(check).map(|d| customers(check, &d, locale)),
        "financial_strength" => detail(check).map(|d| financial(check, &d, locale)),
        _ => None,
    };
    explained.unwrap_or_else(|| verdict(check, locale))
}

/// One sentence: eligible or not, the required rules that failed, and the score.
pub fn summary(report: &EligibilityReport, locale: Locale) -> String {
    let failed: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.required && !c.passed)
        .map(|c| title(&c.code, locale).unwrap_or(&c.code))
        .collect();
    let score = report.score;
    match (locale, report.eligible, failed.as_slice()) {
        (Locale::En, true, _) => {
            format!("Eligible: every required rule is met; score {score} of 100.")
        }
        (Locale::En, false, []) => format!("Not eligible; score {score} of 100."),
        (Locale::En, false, [one]) => {
            format!("Not eligible: the required rule “{one}” is not met; score {score} of 100.")
        }
        (Locale::En, false, many) => format!(
            "Not eligible: the required rules {} are not met; score {score} of 100.",
            and_list(&many.iter().map(|t| format!("“{t}”")).collect::<Vec<_>>())
        ),
        (Locale::ZhCn, true, _) => {
            format!("符合资格：全部必备条件均已满足；得分{score}分（满分100分）。")
        }
        (Locale::ZhCn, false, []) => format!("不符合资格；得分{score}分（满分100分）。"),
        (Locale::ZhCn, false, failed) => format!(
            "不符合资格：必备条件{}未满足；得分{score}分（满分100分）。",
            failed
                .iter()
                .map(|t| format!("“{t}”"))
                .collect::<Vec<_>>()
                .join("、")
        ),
    }
}

fn detail<T: DeserializeOwned>(check: &Check) -> Option<T> {
    T::deserialize(&check.detail).ok()
}

/// The verdict alone, for a check whose detail these words do not know.
fn verdict(check: &Check, locale: Locale) -> String {
    let (points, max) = (check.points, check.max_points);
    match (locale, check.required, check.passed) {
        (Locale::En, true, true) => "Met.".into(),
        (Locale::En, true, false) => "Not met.".into(),
        (Locale::En, false, _) => format!("{points} of {max} points."),
        (Locale::ZhCn, true, true) => "已满足。".into(),
        (Locale::ZhCn, true, false) => "未满足。".into(),
        (Locale::ZhCn, false, _) => format!("得{points}分（满分{max}分）。"),
    }
}

/// A whole number with thousands separators: `25,000`. (Both languages write figures so.)
fn whole(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::from(if n < 0 { "-" } else { "" });
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A measure: whole metres without decimals, others as given.
fn figure(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        whole(x as i64)
    } else {
        format!("{x}")
    }
}

/// An amount of CNY, in round millions or billions (English), 万 or 亿 (Chinese) only when it
/// is exactly one: a figure just under a threshold must never read as the threshold.
fn cny(n: i64, locale: Locale) -> String {
    match locale {
        Locale::En if n != 0 && n % 1_000_000_000 == 0 => {
            format!("CNY {} billion", whole(n / 1_000_000_000))
        }
        Locale::En if n != 0 && n % 1_000_000 == 0 => {
            format!("CNY {} million", whole(n / 1_000_000))
        }
        Locale::En => format!("CNY {}", whole(n)),
        Locale::ZhCn if n != 0 && n % 100_000_000 == 0 => format!("{}亿元", whole(n / 100_000_000)),
        Locale::ZhCn if n != 0 && n % 10_000 == 0 => format!("{}万元", whole(n / 10_000)),
        Locale::ZhCn => format!("{}元", whole(n)),
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{} {}", whole(n), if n == 1 { one } else { many })
}

#[derive(Deserialize)]
struct RankingDetail {
    rank_verified: bool,
    stores_in_province: i64,
    min_stores_in_province: i64,
    annual_revenue_cny: i64,
    min_annual_revenue_cny: i64,
}

fn ranking(check: &Check, d: &RankingDetail, locale: Locale) -> String {
    let regional = match locale {
        Locale::En => format!(
            "{} in the city's province (at least {}) and annual revenue of {} (at least {})",
            plural(d.stores_in_province, "store", "stores"),
            whole(d.min_stores_in_province),
            cny(d.annual_revenue_cny, locale),
            cny(d.min_annual_revenue_cny, locale),
        ),
        Locale::ZhCn => format!(
            "在该城市所在省份有{}家门店（至少{}家），年营业收入{}（至少{}）",
            whole(d.stores_in_province),
            whole(d.min_stores_in_province),
            cny(d.annual_revenue_cny, locale),
            cny(d.min_annual_revenue_cny, locale),
        ),
    };
    match (locale, check.passed, d.rank_verified) {
        (Locale::En, true, true) => {
            "The group's top-100 ranking is verified by the latest ranking list.".into()
        }
        (Locale::En, true, false) => format!("The group has {regional}."),
        (Locale::En, false, _) => format!(
            "The group's top-100 ranking is not verified, and for the regional route it has \
             {regional}."
        ),
        (Locale::ZhCn, true, true) => "集团的全国百强排名已由最新榜单核实。".into(),
        (Locale::ZhCn, true, false) => format!("集团{regional}。"),
        (Locale::ZhCn, false, _) => {
            format!("集团的全国百强排名未经核实；按区域实力路径，集团{regional}。")
        }
    }
}

#[derive(Deserialize)]
struct SiteDetail {
    qualifying_site: Option<usize>,
    /// Reports stored before v1.1 have none.
    #[serde(default)]
    qualifying_standard: Option<SiteStandardKind>,
    sites_failing: Vec<FailingSite>,
    /// Reports stored before v1.1 do not say.
    #[serde(default)]
    sites_not_located: Vec<usize>,
}

#[derive(Deserialize)]
struct FailingSite {
    site: usize,
    /// Kept as JSON: a type these words do not know only loses its name.
    #[serde(default)]
    site_type: Option<serde_json::Value>,
    /// The standard the site was judged by; reports stored before v1.1 have none.
    #[serde(default)]
    standard: Option<SiteStandardKind>,
    /// Kept as JSON, like `site_type`.
    #[serde(default)]
    lease_status: Option<serde_json::Value>,
    below: Vec<String>,
    /// Reports stored before v1.1 have no figures.
    #[serde(default)]
    measured: BTreeMap<String, Option<f64>>,
}

fn place(site_type: SiteType, locale: Locale) -> &'static str {
    match site_type {
        SiteType::CommercialPlaza => pick(locale, "in a commercial plaza", "位于商业广场"),
        SiteType::RetailOutletAdjacent => pick(
            locale,
            "next to a retail outlet of the maker",
            "紧邻厂家零售门店",
        ),
        SiteType::AutoBusinessDistrict => {
            pick(locale, "in an automobile business district", "位于汽车商圈")
        }
        SiteType::Street => pick(locale, "a street-front site", "为临街店面"),
        SiteType::Other => pick(locale, "a site of another kind", "为其他类型场地"),
    }
}

/// The kind of store a standard is for: "a full 2S store" / "完整2S店".
fn store_kind(kind: SiteStandardKind, locale: Locale) -> &'static str {
    match kind {
        SiteStandardKind::FullStore => pick(locale, "a full 2S store", "完整2S店"),
        SiteStandardKind::ShowroomPoint => pick(locale, "a showroom point", "展厅网点"),
    }
}

/// A site's lease status as a predicate: "is neither owned, leased nor under negotiation".
fn holding(status: Option<LeaseStatus>, locale: Locale) -> &'static str {
    match status {
        Some(LeaseStatus::Owned) => pick(locale, "is owned", "为自有"),
        Some(LeaseStatus::Leased) => pick(locale, "is leased", "已租赁"),
        Some(LeaseStatus::Negotiating) => pick(locale, "is under lease negotiation", "租赁洽谈中"),
        Some(LeaseStatus::None) => pick(
            locale,
            "is neither owned, leased nor under negotiation",
            "既非自有、未租赁，也未在洽谈",
        ),
        None => pick(locale, "is not secured", "未落实"),
    }
}

/// Where a standard's thresholds are in a site check's detail: the full store's at the top
/// (as before v1.1), the showroom point's under `showroom_point`.
fn thresholds(check: &Check, standard: Option<SiteStandardKind>) -> &serde_json::Value {
    match standard {
        Some(SiteStandardKind::ShowroomPoint) => &check.detail["showroom_point"],
        _ => &check.detail,
    }
}

fn minimum(thresholds: &serde_json::Value, measure: &str) -> Option<f64> {
    thresholds[format!("min_{measure}")].as_f64()
}

/// How one measure of a site falls short: "its frontage is 20 m (at least 26 m)".
fn shortfall(measure: &str, value: Option<f64>, min: Option<f64>, locale: Locale) -> String {
    let Some(&(_, en, zh, unit_en, unit_zh)) = MEASURES.iter().find(|m| m.0 == measure) else {
        return pick(
            locale,
            format!("its {measure} falls short"),
            format!("{measure}不达标"),
        );
    };
    match (locale, value, min) {
        (Locale::En, Some(v), Some(m)) => format!(
            "its {en} is {}{unit_en} (at least {}{unit_en})",
            figure(v),
            figure(m)
        ),
        (Locale::En, None, Some(m)) => format!("its {en} is below {}{unit_en}", figure(m)),
        (Locale::En, _, None) => format!("its {en} falls short"),
        (Locale::ZhCn, Some(v), Some(m)) => {
            format!("{zh}为{}{unit_zh}（至少{}{unit_zh}）", figure(v), figure(m))
        }
        (Locale::ZhCn, None, Some(m)) => format!("{zh}不足{}{unit_zh}", figure(m)),
        (Locale::ZhCn, _, None) => format!("{zh}不达标"),
    }
}

/// What keeps one site from qualifying, as a clause: "site 1 is in an automobile business
/// district, judged as a full 2S store, but its frontage is 20 m (at least 26 m)".
fn failing_site(check: &Check, s: &FailingSite, locale: Locale) -> String {
    let n = s.site + 1;
    let site_type: Option<SiteType> = s
        .site_type
        .clone()
        .and_then(|t| serde_json::from_value(t).ok());
    let lease: Option<LeaseStatus> = s
        .lease_status
        .clone()
        .and_then(|t| serde_json::from_value(t).ok());
    let wrong_type = s.below.iter().any(|b| b == "site_type");
    let minima = thresholds(check, s.standard);
    let reasons: Vec<_> = s
        .below
        .iter()
        .filter(|b| *b != "site_type")
        .map(|name| {
            if name == "lease_status" {
                return pick(
                    locale,
                    format!(
                        "the group does not control it (the site {})",
                        holding(lease, locale)
                    ),
                    format!("集团尚未取得场地控制权（场地{}）", holding(lease, locale)),
                );
            }
            let value = s.measured.get(name).copied().flatten();
            shortfall(name, value, minimum(minima, name), locale)
        })
        .collect();
    let judged = s.standard.map(|kind| store_kind(kind, locale));
    let (opening, joint) = match (locale, site_type, wrong_type) {
        (Locale::En, Some(t), true) => (
            format!(
                "site {n} is {}, which is not an accepted site type",
                place(t, locale)
            ),
            ", and ",
        ),
        (Locale::En, Some(t), false) => match judged {
            Some(kind) => (
                format!("site {n} is {}, judged as {kind},", place(t, locale)),
                " but ",
            ),
            None => (format!("site {n} is {}", place(t, locale)), " but "),
        },
        (Locale::En, None, true) => (
            format!("site {n} is not of an accepted site type"),
            ", and ",
        ),
        (Locale::En, None, false) => (format!("site {n} falls short"), ": "),
        (Locale::ZhCn, Some(t), true) => (
            format!("场地{n}{}，不属于认可的选址类型", place(t, locale)),
            "，且",
        ),
        (Locale::ZhCn, Some(t), false) => match judged {
            Some(kind) => (
                format!("场地{n}{}，按{kind}标准评估", place(t, locale)),
                "，但",
            ),
            None => (format!("场地{n}{}", place(t, locale)), "，但"),
        },
        (Locale::ZhCn, None, true) => (format!("场地{n}的选址类型不符合要求"), "，且"),
        (Locale::ZhCn, None, false) => (format!("场地{n}未达标"), "："),
    };
    if reasons.is_empty() {
        opening
    } else {
        let reasons = pick(locale, and_list(&reasons), reasons.join("，"));
        format!("{opening}{joint}{reasons}")
    }
}

/// A standard's thresholds as a list: "site area at least 3,000 m², frontage at least 26 m, ...";
/// a threshold of 0 asks for nothing and is left out.
fn standards(thresholds: &serde_json::Value, locale: Locale) -> Vec<String> {
    MEASURES
        .iter()
        .filter_map(|&(name, en, zh, unit_en, unit_zh)| {
            let min = minimum(thresholds, name).filter(|min| *min > 0.0)?;
            let min = figure(min);
            Some(pick(
                locale,
                format!("{en} at least {min}{unit_en}"),
                format!("{zh}至少{min}{unit_zh}"),
            ))
        })
        .collect()
}

/// The verdict on the sites, then which of them are not located.
fn site(check: &Check, d: &SiteDetail, locale: Locale) -> Option<String> {
    let verdict = site_standards(check, d, locale)?;
    Some(match not_located(&d.sites_not_located, locale) {
        None => verdict,
        Some(note) => pick(
            locale,
            format!("{verdict} {note}"),
            format!("{verdict}{note}"),
        ),
    })
}

/// A sentence on the sites without a district code: they cannot be placed on the map of the
/// city, yet still count by their figures.
fn not_located(sites: &[usize], locale: Locale) -> Option<String> {
    let numbers: Vec<String> = sites.iter().map(|s| (s + 1).to_string()).collect();
    match (locale, numbers.as_slice()) {
        (_, []) => None,
        (Locale::En, [one]) => Some(format!(
            "Site {one} has no district code, so it is not located; it counts by its other \
             figures."
        )),
        (Locale::En, many) => Some(format!(
            "Sites {} have no district code, so they are not located; they count by their \
             other figures.",
            and_list(many)
        )),
        (Locale::ZhCn, many) => Some(format!(
            "场地{}未填写区县代码，无法定位；仍按其他指标评估。",
            many.join("、")
        )),
    }
}

/// Whether a site meets the standards, and if none does, what each falls short of.
fn site_standards(check: &Check, d: &SiteDetail, locale: Locale) -> Option<String> {
    if check.passed {
        let n = d.qualifying_site? + 1;
        let minima = standards(thresholds(check, d.qualifying_standard), locale);
        return Some(match (locale, d.qualifying_standard) {
            (Locale::En, Some(kind)) => format!(
                "Site {n} meets the standard of {}: an accepted site type, {}, and the group \
                 controls it.",
                store_kind(kind, locale),
                and_list(&minima)
            ),
            (Locale::ZhCn, Some(kind)) => format!(
                "场地{n}满足{}标准：选址类型符合要求，{}，且集团已取得场地控制权。",
                store_kind(kind, locale),
                minima.join("、")
            ),
            (Locale::En, None) => format!(
                "Site {n} meets every standard: an accepted site type, {}.",
                and_list(&minima)
            ),
            (Locale::ZhCn, None) => format!(
                "场地{n}满足全部标准：选址类型符合要求，{}。",
                minima.join("、")
            ),
        });
    }
    Some(match (locale, d.sites_failing.as_slice()) {
        (Locale::En, []) => "No site is proposed.".into(),
        (Locale::ZhCn, []) => "未提交拟选场地。".into(),
        (Locale::En, [one]) => format!("{}.", capitalised(&failing_site(check, one, locale))),
        (Locale::ZhCn, [one]) => format!("{}。", failing_site(check, one, locale)),
        (_, many) => {
            let clauses: Vec<_> = many
                .iter()
                .map(|s| failing_site(check, s, locale))
                .collect();
            match locale {
                Locale::En => format!("No site meets every standard: {}.", clauses.join("; ")),
                Locale::ZhCn => format!("没有一处场地满足全部标准：{}。", clauses.join("；")),
            }
        }
    })
}

#[derive(Deserialize)]
struct AfterSalesDetail {
    mechanical: bool,
    sheet_metal: bool,
    paint: bool,
    repair_class: i64,
    max_repair_class: i64,
}

/// A repair class: "class 2" / "二类".
fn repair_class(class: i64, locale: Locale) -> String {
    match (locale, class) {
        (Locale::En, _) => format!("class {class}"),
        (Locale::ZhCn, 1) => "一类".into(),
        (Locale::ZhCn, 2) => "二类".into(),
        (Locale::ZhCn, 3) => "三类".into(),
        (Locale::ZhCn, _) => format!("{class}类"),
    }
}

fn after_sales(check: &Check, d: &AfterSalesDetail, locale: Locale) -> Option<String> {
    let required = pick(
        locale,
        format!(
            "{} or better required",
            repair_class(d.max_repair_class, locale)
        ),
        format!("要求{}或以上", repair_class(d.max_repair_class, locale)),
    );
    let class = repair_class(d.repair_class, locale);
    if check.passed {
        return Some(pick(
            locale,
            format!(
                "The group offers mechanical repair, sheet metal and paint at repair {class} \
                 ({required})."
            ),
            format!("集团具备机修、钣金和喷漆能力，维修资质为{class}（{required}）。"),
        ));
    }
    let missing: Vec<_> = [
        (d.mechanical, "mechanical repair", "机修"),
        (d.sheet_metal, "sheet metal", "钣金"),
        (d.paint, "paint", "喷漆"),
    ]
    .into_iter()
    .filter(|(offered, ..)| !offered)
    .map(|(_, en, zh)| pick(locale, en, zh).to_owned())
    .collect();
    let mut reasons = Vec::new();
    if !missing.is_empty() {
        reasons.push(pick(
            locale,
            format!("the group lacks {}", and_list(&missing)),
            format!("集团缺少{}能力", missing.join("、")),
        ));
    }
    if d.repair_class > d.max_repair_class {
        reasons.push(pick(
            locale,
            format!(
                "the group's repair class is {} ({required})",
                d.repair_class
            ),
            format!("维修资质为{class}（{required}）"),
        ));
    }
    (!reasons.is_empty()).then(|| match locale {
        Locale::En => format!("{}.", capitalised(&reasons.join("; "))),
        Locale::ZhCn => format!("{}。", reasons.join("；")),
    })
}

#[derive(Deserialize)]
struct ExperienceDetail {
    best_brand: Option<BestBrand>,
}

#[derive(Deserialize)]
struct BestBrand {
    brand: String,
    segment: Segment,
    years: i64,
    annual_units: i64,
    years_points: i64,
    annual_units_points: i64,
}

fn segment(segment: Segment, locale: Locale) -> &'static str {
    match segment {
        Segment::Nev => pick(locale, "NEV", "新能源"),
        Segment::Luxury => pick(locale, "luxury", "豪华"),
        Segment::MainstreamIce => pick(locale, "mainstream combustion", "主流燃油"),
    }
}

fn experience(check: &Check, d: &ExperienceDetail, locale: Locale) -> String {
    let (points, max) = (check.points, check.max_points);
    match (locale, &d.best_brand) {
        (Locale::En, None) => {
            format!("The group lists no NEV or luxury brand: {points} of {max} points.")
        }
        (Locale::ZhCn, None) => {
            format!("集团未列出新能源或豪华品牌，得{points}分（满分{max}分）。")
        }
        (Locale::En, Some(b)) => format!(
            "The best NEV or luxury brand, {} ({}), has been sold for {} ({} points) with {} \
             last year ({} points): {points} of {max} points.",
            b.brand,
            segment(b.segment, locale),
            plural(b.years, "year", "years"),
            b.years_points,
            plural(b.annual_units, "vehicle", "vehicles"),
            b.annual_units_points,
        ),
        (Locale::ZhCn, Some(b)) => format!(
            "最佳新能源或豪华品牌为 {}（{}）：经营{}年（{}分），上一年销量{}辆（{}分），\
             共得{points}分（满分{max}分）。",
            b.brand,
            segment(b.segment, locale),
            whole(b.years),
            b.years_points,
            whole(b.annual_units),
            b.annual_units_points,
        ),
    }
}

#[derive(Deserialize)]
struct CustomerDetail {
    active_customers: i64,
    #[serde(default)]
    tiers: Vec<Tier>,
}

fn customers(check: &Check, d: &CustomerDetail, locale: Locale) -> String {
    let (points, max) = (check.points, check.max_points);
    let customers = whole(d.active_customers);
    // The next tier that would earn more: what the applicant could aim for.
    let next = d
        .tiers
        .iter()
        .find(|t| t.min > d.active_customers && t.points > points);
    let earned = pick(
        locale,
        format!("Active customers: {customers}, earning {points} of {max} points"),
        format!("活跃客户{customers}名，得{points}分（满分{max}分）"),
    );
    match next {
        None => format!("{earned}{}", pick(locale, ".", "。")),
        Some(t) => pick(
            locale,
            format!("{earned}; {} would earn {}.", whole(t.min), t.points),
            format!("{earned}；达到{}名可得{}分。", whole(t.min), t.points),
        ),
    }
}

#[derive(Deserialize)]
struct FinancialDetail {
    registered_capital_cny: i64,
    registered_capital_points: i64,
    annual_revenue_cny: i64,
    annual_revenue_points: i64,
}

fn financial(check: &Check, d: &FinancialDetail, locale: Locale) -> String {
    let (points, max) = (check.points, check.max_points);
    let capital = cny(d.registered_capital_cny, locale);
    let revenue = cny(d.annual_revenue_cny, locale);
    let (capital_points, revenue_points) = (d.registered_capital_points, d.annual_revenue_points);
    pick(
        locale,
        format!(
            "Registered capital of {capital} earns {capital_points} points and annual revenue of \
             {revenue} earns {revenue_points}: {points} of {max} points."
        ),
        format!(
            "注册资本{capital}得{capital_points}分，年营业收入{revenue}得{revenue_points}分，\
             共得{points}分（满分{max}分）。"
        ),
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::super::tests::{Owned, any_owned, check};
    use super::*;

    const BOTH: [Locale; 2] = [Locale::En, Locale::ZhCn];

    /// The explanation of rule `code` in `owned`'s report, in English and in Chinese.
    fn explained(owned: &Owned, code: &str) -> (String, String) {
        let report = owned.report();
        let c = check(&report, code);
        (explanation(c, Locale::En), explanation(c, Locale::ZhCn))
    }

    /// Asserts that rule `code` in `owned`'s report reads `en` and `zh`.
    #[track_caller]
    fn reads(owned: &Owned, code: &str, en: &str, zh: &str) {
        assert_eq!(explained(owned, code), pair(en, zh));
    }

    fn pair(en: &str, zh: &str) -> (String, String) {
        (en.to_owned(), zh.to_owned())
    }

    #[test]
    fn every_rule_has_a_title_in_both_languages() {
        let report = Owned::strong().report();
        assert_eq!(report.checks.len(), TITLES.len());
        for c in &report.checks {
            let en = title(&c.code, Locale::En).unwrap_or_else(|| panic!("{} (en)", c.code));
            let zh = title(&c.code, Locale::ZhCn).unwrap_or_else(|| panic!("{} (zh)", c.code));
            assert!(en.is_ascii() && !zh.is_ascii(), "{en} / {zh}");
            for locale in BOTH {
                assert!(!explanation(c, locale).is_empty());
            }
        }
        assert_eq!(
            title("commercial_district_site", Locale::En),
            Some("Commercial-district site")
        );
        assert_eq!(
            title("commercial_district_site", Locale::ZhCn),
            Some("商圈选址")
        );
        assert_eq!(title("no_such_rule", Locale::En), None);
    }

    #[test]
    fn the_ranking_rule_says_which_route_holds_or_what_is_short() {
        let mut owned = Owned::strong();
        owned.stores = 8;
        owned.revenue = 800_000_000;
        reads(
            &owned,
            "ranking_or_regional_strength",
            "The group has 8 stores in the city's province (at least 3) and annual revenue of \
             CNY 800 million (at least CNY 500 million).",
            "集团在该城市所在省份有8家门店（至少3家），年营业收入8亿元（至少5亿元）。",
        );
        owned.stores = 1;
        owned.revenue = 499_999_999;
        reads(
            &owned,
            "ranking_or_regional_strength",
            "The group's top-100 ranking is not verified, and for the regional route it has 1 \
             store in the city's province (at least 3) and annual revenue of CNY 499,999,999 \
             (at least CNY 500 million).",
            "集团的全国百强排名未经核实；按区域实力路径，集团在该城市所在省份有1家门店\
             （至少3家），年营业收入499,999,999元（至少5亿元）。",
        );
        owned.rank_verified = true;
        reads(
            &owned,
            "ranking_or_regional_strength",
            "The group's top-100 ranking is verified by the latest ranking list.",
            "集团的全国百强排名已由最新榜单核实。",
        );
    }

    #[test]
    fn the_site_rule_names_the_site_and_its_shortfall_with_figures() {
        let mut owned = Owned::strong();
        reads(
            &owned,
            "commercial_district_site",
            "Site 1 meets the standard of a full 2S store: an accepted site type, site area at \
             least 3,000 m², frontage at least 26 m, showroom height at least 6 m, showroom at \
             least 300 m² and workshop at least 500 m², and the group controls it.",
            "场地1满足完整2S店标准：选址类型符合要求，场地面积至少3,000平方米、临街面宽至少26米、\
             展厅净高至少6米、展厅面积至少300平方米、维修车间面积至少500平方米，且集团已取得场地\
             控制权。",
        );
        owned.sites[0].frontage_m = 20.0;
        reads(
            &owned,
            "commercial_district_site",
            "Site 1 is in an automobile business district, judged as a full 2S store, but its \
             frontage is 20 m (at least 26 m).",
            "场地1位于汽车商圈，按完整2S店标准评估，但临街面宽为20米（至少26米）。",
        );
        let mut street = owned.sites[0].clone();
        street.site_type = SiteType::Street;
        street.frontage_m = 30.0;
        street.workshop_sqm = 450.5;
        owned.sites.push(street);
        reads(
            &owned,
            "commercial_district_site",
            "No site meets every standard: site 1 is in an automobile business district, \
             judged as a full 2S store, but its frontage is 20 m (at least 26 m); site 2 is a \
             street-front site, which is not an accepted site type.",
            "没有一处场地满足全部标准：场地1位于汽车商圈，按完整2S店标准评估，但临街面宽为20米\
             （至少26米）；场地2为临街店面，不属于认可的选址类型。",
        );
        owned.sites[1].lease_status = LeaseStatus::None;
        owned.sites.remove(0);
        reads(
            &owned,
            "commercial_district_site",
            "Site 1 is a street-front site, which is not an accepted site type, and the group \
             does not control it (the site is neither owned, leased nor under negotiation).",
            "场地1为临街店面，不属于认可的选址类型，且集团尚未取得场地控制权（场地既非自有、\
             未租赁，也未在洽谈）。",
        );
        owned.sites.clear();
        assert_eq!(
            explained(&owned, "commercial_district_site"),
            pair("No site is proposed.", "未提交拟选场地。")
        );
    }

    #[test]
    fn a_showroom_point_reads_with_its_own_thresholds_and_no_workshop() {
        let mut owned = Owned::strong();
        owned.sites = vec![super::super::tests::plaza_point()];
        reads(
            &owned,
            "commercial_district_site",
            "Site 1 meets the standard of a showroom point: an accepted site type, site area at \
             least 300 m², frontage at least 12 m, showroom height at least 4.5 m and showroom \
             at least 200 m², and the group controls it.",
            "场地1满足展厅网点标准：选址类型符合要求，场地面积至少300平方米、临街面宽至少12米、\
             展厅净高至少4.5米、展厅面积至少200平方米，且集团已取得场地控制权。",
        );
        owned.sites[0].site_type = SiteType::RetailOutletAdjacent;
        owned.sites[0].showroom_height_m = 4.0;
        owned.sites[0].lease_status = LeaseStatus::None;
        reads(
            &owned,
            "commercial_district_site",
            "Site 1 is next to a retail outlet of the maker, judged as a showroom point, but its \
             showroom height is 4 m (at least 4.5 m) and the group does not control it (the \
             site is neither owned, leased nor under negotiation).",
            "场地1紧邻厂家零售门店，按展厅网点标准评估，但展厅净高为4米（至少4.5米），集团尚未\
             取得场地控制权（场地既非自有、未租赁，也未在洽谈）。",
        );
    }

    #[test]
    fn sites_without_a_district_code_are_said_to_be_not_located() {
        let mut owned = Owned::strong();
        owned.sites[0].district_code = None;
        reads(
            &owned,
            "commercial_district_site",
            "Site 1 meets the standard of a full 2S store: an accepted site type, site area at \
             least 3,000 m², frontage at least 26 m, showroom height at least 6 m, showroom at \
             least 300 m² and workshop at least 500 m², and the group controls it. Site 1 has \
             no district code, so it is not located; it counts by its other figures.",
            "场地1满足完整2S店标准：选址类型符合要求，场地面积至少3,000平方米、临街面宽至少26米、\
             展厅净高至少6米、展厅面积至少300平方米、维修车间面积至少500平方米，\
             且集团已取得场地控制权。场地1未填写区县代码，无法定位；仍按其他指标评估。",
        );
        let mut narrow = owned.sites[0].clone();
        narrow.frontage_m = 20.0;
        owned.sites = vec![narrow.clone(), narrow.clone(), narrow];
        owned.sites[1].district_code = Some("320508".into());
        reads(
            &owned,
            "commercial_district_site",
            "No site meets every standard: site 1 is in an automobile business district, judged \
             as a full 2S store, but its frontage is 20 m (at least 26 m); site 2 is in an \
             automobile business district, judged as a full 2S store, but its frontage is 20 m \
             (at least 26 m); site 3 is in an automobile business district, judged as a full 2S \
             store, but its frontage is 20 m (at least 26 m). Sites 1 and 3 have no district \
             code, so they are not located; they count by their other figures.",
            "没有一处场地满足全部标准：场地1位于汽车商圈，按完整2S店标准评估，但临街面宽为20米\
             （至少26米）；场地2位于汽车商圈，按完整2S店标准评估，但临街面宽为20米（至少26米）；\
             场地3位于汽车商圈，按完整2S店标准评估，但临街面宽为20米（至少26米）。\
             场地1、3未填写区县代码，无法定位；仍按其他指标评估。",
        );
    }

    #[test]
    fn a_site_report_stored_without_figures_still_reads() {
        let mut owned = Owned::strong();
        owned.sites[0].frontage_m = 20.0;
        owned.sites[0].site_type = SiteType::Other;
        let report = owned.report();
        let mut old = check(&report, "commercial_district_site").clone();
        old.detail["sites_failing"] = json!([{"site": 0, "below": ["site_type", "frontage_m"]}]);
        assert_eq!(
            explanation(&old, Locale::En),
            "Site 1 is not of an accepted site type, and its frontage is below 26 m."
        );
        assert_eq!(
            explanation(&old, Locale::ZhCn),
            "场地1的选址类型不符合要求，且临街面宽不足26米。"
        );
    }

    #[test]
    fn after_sales_names_the_missing_trades_and_the_class() {
        let mut owned = Owned::strong();
        owned.after_sales.repair_class = 1;
        reads(
            &owned,
            "after_sales_capability",
            "The group offers mechanical repair, sheet metal and paint at repair class 1 \
             (class 2 or better required).",
            "集团具备机修、钣金和喷漆能力，维修资质为一类（要求二类或以上）。",
        );
        owned.after_sales.sheet_metal = false;
        owned.after_sales.paint = false;
        owned.after_sales.repair_class = 3;
        reads(
            &owned,
            "after_sales_capability",
            "The group lacks sheet metal and paint; the group's repair class is 3 (class 2 or \
             better required).",
            "集团缺少钣金、喷漆能力；维修资质为三类（要求二类或以上）。",
        );
        owned.after_sales.sheet_metal = true;
        owned.after_sales.paint = true;
        assert_eq!(
            explained(&owned, "after_sales_capability").0,
            "The group's repair class is 3 (class 2 or better required)."
        );
    }

    #[test]
    fn scored_rules_give_their_figures_and_points() {
        let mut owned = Owned::strong();
        owned.brands = vec![super::super::tests::brand(Segment::Nev, 4, 5_200)];
        owned.customers.active_customers = 25_000;
        owned.capital = 200_000_000;
        owned.revenue = 800_000_000;
        reads(
            &owned,
            "nev_or_luxury_experience",
            "The best NEV or luxury brand, B (NEV), has been sold for 4 years (10 points) \
             with 5,200 vehicles last year (20 points): 30 of 40 points.",
            "最佳新能源或豪华品牌为 B（新能源）：经营4年（10分），上一年销量5,200辆（20分），\
             共得30分（满分40分）。",
        );
        reads(
            &owned,
            "customer_resources",
            "Active customers: 25,000, earning 20 of 30 points; 50,000 would earn 30.",
            "活跃客户25,000名，得20分（满分30分）；达到50,000名可得30分。",
        );
        reads(
            &owned,
            "financial_strength",
            "Registered capital of CNY 200 million earns 10 points and annual revenue of CNY \
             800 million earns 5: 15 of 30 points.",
            "注册资本2亿元得10分，年营业收入8亿元得5分，共得15分（满分30分）。",
        );
        owned.brands.clear();
        owned.customers.active_customers = 60_000;
        reads(
            &owned,
            "nev_or_luxury_experience",
            "The group lists no NEV or luxury brand: 0 of 40 points.",
            "集团未列出新能源或豪华品牌，得0分（满分40分）。",
        );
        reads(
            &owned,
            "customer_resources",
            "Active customers: 60,000, earning 30 of 30 points.",
            "活跃客户60,000名，得30分（满分30分）。",
        );
    }

    #[test]
    fn an_unknown_rule_or_detail_reads_as_its_verdict() {
        let report = Owned::strong().report();
        let mut c = check(&report, "after_sales_capability").clone();
        c.detail = json!({"something": "else"});
        assert_eq!(explanation(&c, Locale::En), "Met.");
        assert_eq!(explanation(&c, Locale::ZhCn), "已满足。");
        let mut c = check(&report, "customer_resources").clone();
        c.code = "rule_of_tomorrow".into();
        assert_eq!(explanation(&c, Locale::En), "30 of 30 points.");
        assert_eq!(explanation(&c, Locale::ZhCn), "得30分（满分30分）。");
    }

    #[test]
    fn the_summary_names_the_failed_required_rules_and_the_score() {
        let mut owned = Owned::strong();
        let report = owned.report();
        assert_eq!(
            summary(&report, Locale::En),
            "Eligible: every required rule is met; score 90 of 100."
        );
        assert_eq!(
            summary(&report, Locale::ZhCn),
            "符合资格：全部必备条件均已满足；得分90分（满分100分）。"
        );
        owned.sites[0].frontage_m = 20.0;
        let report = owned.report();
        assert_eq!(
            summary(&report, Locale::En),
            "Not eligible: the required rule “Commercial-district site” is not met; score 90 of \
             100."
        );
        owned.after_sales.paint = false;
        let report = owned.report();
        assert_eq!(
            summary(&report, Locale::En),
            "Not eligible: the required rules “Commercial-district site” and “After-sales \
             capability” are not met; score 90 of 100."
        );
        assert_eq!(
            summary(&report, Locale::ZhCn),
            "不符合资格：必备条件“商圈选址”、“售后服务能力”未满足；得分90分（满分100分）。"
        );
    }

    #[test]
    fn amounts_are_exact_and_round_only_when_round() {
        for (n, en, zh) in [
            (0, "CNY 0", "0元"),
            (12_345, "CNY 12,345", "12,345元"),
            (50_000_000, "CNY 50 million", "5,000万元"),
            (499_999_999, "CNY 499,999,999", "499,999,999元"),
            (3_000_000_000, "CNY 3 billion", "30亿元"),
            (1_500_000_000, "CNY 1,500 million", "15亿元"),
        ] {
            assert_eq!((cny(n, Locale::En), cny(n, Locale::ZhCn)), pair(en, zh));
        }
        assert_eq!(whole(-1_234_567), "-1,234,567");
        assert_eq!(
            [figure(26.0), figure(25.9), figure(3000.0)],
            ["26", "25.9", "3,000"]
        );
    }

    proptest! {
        /// Whatever the candidate, every rule's detail is one these words read (not the bare
        /// verdict kept for unknown shapes): changing a detail's shape cannot go unnoticed.
        #[test]
        fn every_report_reads_in_both_languages(owned in any_owned()) {
            let report = owned.report();
            for c in &report.checks {
                for locale in BOTH {
                    prop_assert_ne!(explanation(c, locale), verdict(c, locale), "{}", c.code);
                }
            }
            prop_assert!(!summary(&report, Locale::ZhCn).is_empty());
        }
    }
}
