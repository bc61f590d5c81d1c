//! The recruitment plan's cities.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::sum;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{applications, cities, lois};
use crate::domain::city::CityStatus;
use crate::domain::division;
use crate::domain::workflow::Status;
use crate::error::{AppError, ProblemCode};
use crate::i18n::Locale;

/// The first published plan: (GB/T 2260 code, English name, Chinese name, province).
pub const FIRST_PLAN: [(&str, &str, &str, &str); 17] = [
    ("320500", "Suzhou", "苏州", "Jiangsu"),
    ("500000", "Chongqing", "重庆", "Chongqing"),
    ("330200", "Ningbo", "宁波", "Zhejiang"),
    ("320100", "Nanjing", "南京", "Jiangsu"),
    ("330300", "Wenzhou", "温州", "Zhejiang"),
    ("320200", "Wuxi", "无锡", "Jiangsu"),
    ("610100", "Xi'an", "西安", "Shaanxi"),
    ("440600", "Foshan", "佛山", "Guangdong"),
    ("410100", "Zhengzhou", "郑州", "Henan"),
    ("430100", "Changsha", "长沙", "Hunan"),
    ("441900", "Dongguan", "东莞", "Guangdong"),
    ("120000", "Tianjin", "天津", "Tianjin"),
    ("340100", "Hefei", "合肥", "Anhui"),
    ("350200", "Xiamen", "厦门", "Fujian"),
    ("370200", "Qingdao", "青岛", "Shandong"),
    ("460100", "Haikou", "海口", "Hainan"),
    ("130100", "Shijiazhuang", "石家庄", "Hebei"),
];

const FIRST_PLAN_QUOTA: i32 = 2;

/// Seeds the first plan's cities, open with a quota of 2, when the table is empty.
/// Returns how many were added.
pub fn seed_first_plan(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, AppError> {
    super::write_transaction(conn, |conn| {
        let existing: i64 = cities::table.count().get_result(conn)?;
        if existing > 0 {
            return Ok(0);
        }
        let now = now.naive_utc();
        for (code, name_en, name_zh, province) in FIRST_PLAN {
            diesel::insert_into(cities::table)
                .values((
                    cities::code.eq(code),
                    cities::name_en.eq(name_en),
                    cities::name_zh.eq(name_zh),
                    cities::province.eq(province),
                    cities::quota.eq(FIRST_PLAN_QUOTA),
                    cities::status.eq("open"),
                    cities::version.eq(1),
                    cities::created_at.eq(now),
                    cities::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(FIRST_PLAN.len())
    })
}

/// The codes among `codes` that are not cities of the plan.
pub fn unknown_codes(conn: &mut DbConnection, codes: &[String]) -> Result<Vec<String>, AppError> {
    let known: Vec<String> = cities::table
        .filter(cities::code.eq_any(codes))
        .select(cities::code)
        .load(conn)?;
    Ok(codes
        .iter()
        .filter(|c| !known.contains(c))
        .cloned()
        .collect())
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = cities)]
pub struct City {
    pub code: String,
    pub name_en: String,
    pub name_zh: String,
    pub province: String,
    pub quota: i32,
    pub status: String,
    pub window_opens_at: Option<NaiveDateTime>,
    pub window_closes_at: Option<NaiveDateTime>,
    pub version: i32,
}

impl City {
    /// The GB/T 2260 code of the city's province: the one the plan names (the first plan names
    /// provinces in English), else the one the city's own code lies in.
    pub fn province_code(&self) -> Option<&'static str> {
        division::find(&self.province)
            .or_else(|| division::province_of(&self.code))
            .map(|d| d.code)
    }

    /// The plan status, parsed.
    pub fn plan_status(&self) -> Result<CityStatus, AppError> {
        self.status
            .parse()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("city {}: bad status", self.code)))
    }
}

/// A city's names in the portal's two languages.
#[derive(Queryable, Debug, Clone, PartialEq, Eq)]
pub struct CityNames {
    pub name_en: String,
    pub name_zh: String,
}

impl CityNames {
    pub fn in_language(&self, locale: Locale) -> &str {
        locale.pick(&self.name_en, &self.name_zh)
    }
}

/// The names of the cities among `codes`, by code, in one query.
pub fn names(
    conn: &mut DbConnection,
    codes: &BTreeSet<&str>,
) -> Result<HashMap<String, CityNames>, AppError> {
    let rows: Vec<(String, CityNames)> = cities::table
        .filter(cities::code.eq_any(codes))
        .select((cities::code, (cities::name_en, cities::name_zh)))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The stored statuses of applications that hold one of a city's places.
fn holding_place() -> Vec<&'static str> {
    Status::holding_place().map(Status::as_str).collect()
}

/// Every city with its committed store points (`committed`).
pub fn list(conn: &mut DbConnection) -> Result<Vec<(City, i64)>, AppError> {
    let all: Vec<City> = cities::table
        .order(cities::code.asc())
        .select(City::as_select())
        .load(conn)?;
    let committed = committed_by_city(conn)?;
    Ok(all
        .into_iter()
        .map(|city| {
            let points = committed.get(&city.code).copied().unwrap_or(0);
            (city, points)
        })
        .collect())
}

/// The committed store points of every city that has any: the sum of the `stores` of the
/// letters whose application holds a place (an application holding one has a letter: only
/// `offer_loi` leads there, and it issues one).
pub fn committed_by_city(conn: &mut DbConnection) -> Result<HashMap<String, i64>, AppError> {
    let sums: Vec<(String, Option<i64>)> = applications::table
        .inner_join(lois::table)
        .filter(applications::status.eq_any(holding_place()))
        .group_by(applications::city_code)
        .select((applications::city_code, sum(lois::stores)))
        .load(conn)?;
    Ok(sums
        .into_iter()
        .map(|(code, points)| (code, points.unwrap_or(0)))
        .collect())
}

pub fn find(conn: &mut DbConnection, code: &str) -> Result<Option<(City, i64)>, AppError> {
    let Some(city) = find_plan(conn, code)? else {
        return Ok(None);
    };
    let committed = committed(conn, code)?;
    Ok(Some((city, committed)))
}

/// The city's row alone, without the committed places `find` adds up.
pub fn find_plan(conn: &mut DbConnection, code: &str) -> Result<Option<City>, AppError> {
    Ok(cities::table
        .find(code)
        .select(City::as_select())
        .first(conn)
        .optional()?)
}

/// Takes the city's row lock for the rest of the transaction (PostgreSQL; SQLite writers are
/// serial anyway), so that decisions about its places are made one at a time.
pub fn lock(conn: &mut DbConnection, code: &str) -> Result<(), AppError> {
    diesel::update(cities::table.find(code))
        .set(cities::version.eq(cities::version))
        .execute(conn)?;
    Ok(())
}

/// The city's committed store points (as `committed_by_city`).
pub fn committed(conn: &mut DbConnection, code: &str) -> Result<i64, AppError> {
    let points: Option<i64> = applications::table
        .inner_join(lois::table)
        .filter(applications::city_code.eq(code))
        .filter(applications::status.eq_any(holding_place()))
        .select(sum(lois::stores))
        .get_result(conn)?;
    Ok(points.unwrap_or(0))
}

pub struct NewCity<'a> {
    pub code: &'a str,
    pub name_en: &'a str,
    pub name_zh: &'a str,
    pub province: &'a str,
    pub quota: i32,
    pub status: &'a str,
    pub window_opens_at: Option<DateTime<Utc>>,
    pub window_closes_at: Option<DateTime<Utc>>,
}

/// Adds a city; an existing code is `409 city_exists`.
pub fn insert(
    conn: &mut DbConnection,
    city: &NewCity<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let now = now.naive_utc();
    diesel::insert_into(cities::table)
        .values((
            cities::code.eq(city.code),
            cities::name_en.eq(city.name_en),
            cities::name_zh.eq(city.name_zh),
            cities::province.eq(city.province),
            cities::quota.eq(city.quota),
            cities::status.eq(city.status),
            cities::window_opens_at.eq(city.window_opens_at.map(|t| t.naive_utc())),
            cities::window_closes_at.eq(city.window_closes_at.map(|t| t.naive_utc())),
            cities::version.eq(1),
            cities::created_at.eq(now),
            cities::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::Conflict(ProblemCode::CityExists),
            other => other,
        })?;
    Ok(())
}

/// The plan's settings of a city that admins change.
pub struct CityPlan<'a> {
    pub quota: i32,
    pub status: &'a str,
    pub window_opens_at: Option<DateTime<Utc>>,
    pub window_closes_at: Option<DateTime<Utc>>,
}

/// Writes `plan` if the city is still at `expected_version`; false when another write got there first.
pub fn update_plan(
    conn: &mut DbConnection,
    code: &str,
    expected_version: i32,
    plan: &CityPlan<'_>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let updated = diesel::update(
        cities::table
            .find(code)
            .filter(cities::version.eq(expected_version)),
    )
    .set((
        cities::quota.eq(plan.quota),
        cities::status.eq(plan.status),
        cities::window_opens_at.eq(plan.window_opens_at.map(|t| t.naive_utc())),
        cities::window_closes_at.eq(plan.window_closes_at.map(|t| t.naive_utc())),
        cities::version.eq(expected_version + 1),
        cities::updated_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}
