//! The recruitment plan's cities.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::cities;
use crate::error::AppError;

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
