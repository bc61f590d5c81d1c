//! Reviewers' scorecards: one per reviewer and application, filed and then updated in place.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::{scorecards, users};
use crate::domain::review::{Recommendation, Scores};
use crate::error::AppError;

#[derive(Debug, Clone)]
pub struct Scorecard {
    pub reviewer_id: Uuid,
    pub reviewer_name: String,
    pub scores: Scores,
    pub recommendation: Recommendation,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

type Row = (
    String,
    String,
    (i32, i32, i32, i32, i32),
    String,
    Option<String>,
    NaiveDateTime,
    NaiveDateTime,
);

fn from_row(row: Row) -> Result<Scorecard, AppError> {
    let (reviewer_id, reviewer_name, scores, recommendation, comment, created_at, updated_at) = row;
    let corrupt = |what: &str| AppError::Internal(anyhow::anyhow!("scorecard: bad {what}"));
    Ok(Scorecard {
        reviewer_id: reviewer_id.parse().map_err(|_| corrupt("reviewer"))?,
        reviewer_name,
        scores: Scores {
            district_resources: scores.0,
            customer_resources: scores.1,
            nev_experience: scores.2,
            after_sales: scores.3,
            financial_strength: scores.4,
        },
        recommendation: recommendation
            .parse()
            .map_err(|_| corrupt("recommendation"))?,
        comment,
        created_at: created_at.and_utc(),
        updated_at: updated_at.and_utc(),
    })
}

/// Every scorecard of an application, oldest first.
pub fn list(conn: &mut DbConnection, application_id: Uuid) -> Result<Vec<Scorecard>, AppError> {
    let rows: Vec<Row> = scorecards::table
        .inner_join(users::table)
        .filter(scorecards::application_id.eq(application_id.to_string()))
        .order((scorecards::created_at.asc(), scorecards::reviewer_id.asc()))
        .select((
            scorecards::reviewer_id,
            users::display_name,
            (
                scorecards::district_resources,
                scorecards::customer_resources,
                scorecards::nev_experience,
                scorecards::after_sales,
                scorecards::financial_strength,
            ),
            scorecards::recommendation,
            scorecards::comment,
            scorecards::created_at,
            scorecards::updated_at,
        ))
        .load(conn)?;
    rows.into_iter().map(from_row).collect()
}

pub fn count(conn: &mut DbConnection, application_id: Uuid) -> Result<i64, AppError> {
    Ok(scorecards::table
        .filter(scorecards::application_id.eq(application_id.to_string()))
        .count()
        .get_result(conn)?)
}

/// Files the reviewer's scorecard, or replaces its content; true when it was new.
pub fn upsert(
    conn: &mut DbConnection,
    application_id: Uuid,
    reviewer_id: Uuid,
    scores: &Scores,
    recommendation: Recommendation,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let now = now.naive_utc();
    let key = (application_id.to_string(), reviewer_id.to_string());
    let content = (
        scorecards::district_resources.eq(scores.district_resources),
        scorecards::customer_resources.eq(scores.customer_resources),
        scorecards::nev_experience.eq(scores.nev_experience),
        scorecards::after_sales.eq(scores.after_sales),
        scorecards::financial_strength.eq(scores.financial_strength),
        scorecards::recommendation.eq(recommendation.as_str()),
        scorecards::comment.eq(comment),
        scorecards::updated_at.eq(now),
    );
    let updated = diesel::update(scorecards::table.find(key.clone()))
        .set(content)
        .execute(conn)?;
    if updated == 1 {
        return Ok(false);
    }
    diesel::insert_into(scorecards::table)
        .values((
            scorecards::application_id.eq(key.0),
            scorecards::reviewer_id.eq(key.1),
            content,
            scorecards::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}
