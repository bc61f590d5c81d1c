//! Versions of the eligibility criteria. A version is never changed: a new one is added, and
//! reports keep the version they were made with.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::eligibility_criteria;
use crate::domain::eligibility::Criteria;
use crate::error::AppError;

pub struct CriteriaVersion {
    pub version: i32,
    pub rules: Criteria,
    pub created_at: DateTime<Utc>,
}

fn parse(
    version: i32,
    rules: &str,
    created_at: NaiveDateTime,
) -> Result<CriteriaVersion, AppError> {
    Ok(CriteriaVersion {
        version,
        rules: serde_json::from_str(rules)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("criteria version {version}: {e}")))?,
        created_at: created_at.and_utc(),
    })
}

/// The newest version.
pub fn current(conn: &mut DbConnection) -> Result<CriteriaVersion, AppError> {
    let (version, rules, created_at): (i32, String, NaiveDateTime) = eligibility_criteria::table
        .order(eligibility_criteria::version.desc())
        .select((
            eligibility_criteria::version,
            eligibility_criteria::rules,
            eligibility_criteria::created_at,
        ))
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no eligibility criteria stored")))?;
    parse(version, &rules, created_at)
}

/// Adds `rules` as the next version. Two admins adding at once: one gets `409 conflict`.
pub fn add(
    conn: &mut DbConnection,
    rules: &Criteria,
    created_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let latest: Option<i32> = eligibility_criteria::table
        .select(diesel::dsl::max(eligibility_criteria::version))
        .first(conn)?;
    let version = latest.unwrap_or(0) + 1;
    diesel::insert_into(eligibility_criteria::table)
        .values((
            eligibility_criteria::version.eq(version),
            eligibility_criteria::rules
                .eq(serde_json::to_string(rules).map_err(anyhow::Error::from)?),
            eligibility_criteria::created_by.eq(created_by.map(|id| id.to_string())),
            eligibility_criteria::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(version)
}

/// Stores the published defaults as version 1 when there is no version yet.
pub fn seed_defaults(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<bool, AppError> {
    super::write_transaction(conn, |conn| {
        let existing: i64 = eligibility_criteria::table.count().get_result(conn)?;
        if existing > 0 {
            return Ok(false);
        }
        add(conn, &Criteria::default(), None, now)?;
        Ok(true)
    })
}
