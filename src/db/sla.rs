//! The SLA days per status (`sla_days`): one document of four rows that share a version.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::sla_days;
use crate::domain::sla::SlaDays;
use crate::domain::workflow::Status;
use crate::error::AppError;

/// The days as stored, with the document's version.
pub struct SlaSetting {
    pub days: SlaDays,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// The current days. A status the table lacks keeps its default (the migration seeds all).
pub fn read(conn: &mut DbConnection) -> Result<SlaSetting, AppError> {
    let rows: Vec<(String, i32, i32, NaiveDateTime)> = sla_days::table
        .select((
            sla_days::status,
            sla_days::days,
            sla_days::version,
            sla_days::updated_at,
        ))
        .load(conn)?;
    let mut setting = SlaSetting {
        days: SlaDays::default(),
        version: 1,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
    };
    for (status, days, version, updated_at) in rows {
        // A status this build no longer knows is left out.
        if let Ok(status) = status.parse::<Status>() {
            setting.days.set(status, days);
        }
        setting.version = setting.version.max(version);
        setting.updated_at = setting.updated_at.max(updated_at.and_utc());
    }
    Ok(setting)
}

/// Replaces every status's days if the document is still at `expected_version`; false when
/// another write got there first (of two racing writes, the second finds the version gone).
pub fn replace(
    conn: &mut DbConnection,
    days: &SlaDays,
    expected_version: i32,
    updated_by: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    for (status, value) in days.entries() {
        let updated = diesel::update(
            sla_days::table
                .find(status.as_str())
                .filter(sla_days::version.eq(expected_version)),
        )
        .set((
            sla_days::days.eq(value),
            sla_days::version.eq(expected_version + 1),
            sla_days::updated_by.eq(Some(updated_by.to_string())),
            sla_days::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Ok(false);
        }
    }
    Ok(true)
}
