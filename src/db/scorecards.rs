//! Reviewers' scorecards: one per reviewer and application, filed and then updated in place
//! until it is locked; every content a card had is kept as a numbered version.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::{scorecard_versions, scorecards, users};
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
    /// When its reviewer read the others' cards; from then on it cannot change.
    pub locked_at: Option<DateTime<Utc>>,
}

/// One content a card had, numbered from 1 in the order it was filed.
#[derive(Debug, Clone)]
pub struct CardVersion {
    pub reviewer_id: Uuid,
    pub version: i32,
    pub scores: Scores,
    pub recommendation: Recommendation,
    pub comment: Option<String>,
    pub filed_at: DateTime<Utc>,
}

type ScoreColumns = (i32, i32, i32, i32, i32);

type Row = (
    String,
    String,
    ScoreColumns,
    String,
    Option<String>,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

fn corrupt(what: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!("scorecard: bad {what}"))
}

fn scores_of(scores: ScoreColumns) -> Scores {
    Scores {
        district_resources: scores.0,
        customer_resources: scores.1,
        nev_experience: scores.2,
        after_sales: scores.3,
        financial_strength: scores.4,
    }
}

fn from_row(row: Row) -> Result<Scorecard, AppError> {
    let (
        reviewer_id,
        reviewer_name,
        scores,
        recommendation,
        comment,
        created_at,
        updated_at,
        locked_at,
    ) = row;
    Ok(Scorecard {
        reviewer_id: reviewer_id.parse().map_err(|_| corrupt("reviewer"))?,
        reviewer_name,
        scores: scores_of(scores),
        recommendation: recommendation
            .parse()
            .map_err(|_| corrupt("recommendation"))?,
        comment,
        created_at: created_at.and_utc(),
        updated_at: updated_at.and_utc(),
        locked_at: locked_at.map(|at| at.and_utc()),
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
            scorecards::locked_at,
        ))
        .load(conn)?;
    rows.into_iter().map(from_row).collect()
}

/// Every version of every card of an application, by reviewer and then version.
pub fn versions(
    conn: &mut DbConnection,
    application_id: Uuid,
) -> Result<Vec<CardVersion>, AppError> {
    let rows: Vec<(
        String,
        i32,
        ScoreColumns,
        String,
        Option<String>,
        NaiveDateTime,
    )> = scorecard_versions::table
        .filter(scorecard_versions::application_id.eq(application_id.to_string()))
        .order((
            scorecard_versions::reviewer_id.asc(),
            scorecard_versions::version.asc(),
        ))
        .select((
            scorecard_versions::reviewer_id,
            scorecard_versions::version,
            (
                scorecard_versions::district_resources,
                scorecard_versions::customer_resources,
                scorecard_versions::nev_experience,
                scorecard_versions::after_sales,
                scorecard_versions::financial_strength,
            ),
            scorecard_versions::recommendation,
            scorecard_versions::comment,
            scorecard_versions::filed_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |(reviewer_id, version, scores, recommendation, comment, filed_at)| {
                Ok(CardVersion {
                    reviewer_id: reviewer_id.parse().map_err(|_| corrupt("reviewer"))?,
                    version,
                    scores: scores_of(scores),
                    recommendation: recommendation
                        .parse()
                        .map_err(|_| corrupt("recommendation"))?,
                    comment,
                    filed_at: filed_at.and_utc(),
                })
            },
        )
        .collect()
}

/// Locks the reviewer's card, if they have one and it is not locked yet.
pub fn lock(
    conn: &mut DbConnection,
    application_id: Uuid,
    reviewer_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    diesel::update(
        scorecards::table
            .find((application_id.to_string(), reviewer_id.to_string()))
            .filter(scorecards::locked_at.is_null()),
    )
    .set(scorecards::locked_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(())
}

/// Which of `application_ids` have a scorecard filed, in one query.
pub fn filed_among(
    conn: &mut DbConnection,
    application_ids: &[Uuid],
) -> Result<HashSet<Uuid>, AppError> {
    let ids: Vec<String> = application_ids.iter().map(Uuid::to_string).collect();
    let filed: Vec<String> = scorecards::table
        .filter(scorecards::application_id.eq_any(&ids))
        .select(scorecards::application_id)
        .distinct()
        .load(conn)?;
    // Every id among them is one of ours, and so parses.
    Ok(filed.iter().filter_map(|id| id.parse().ok()).collect())
}

/// Files the reviewer's scorecard, or replaces its content unless it is locked,
/// and keeps the content as the card's next version; `Some(true)` when it was new, `None` when
/// the card is locked.
pub fn upsert(
    conn: &mut DbConnection,
    application_id: Uuid,
    reviewer_id: Uuid,
    scores: &Scores,
    recommendation: Recommendation,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<bool>, AppError> {
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
    let existing: Option<Option<NaiveDateTime>> = scorecards::table
        .find(key.clone())
        .select(scorecards::locked_at)
        .first(conn)
        .optional()?;
    let created = match existing {
        Some(Some(_locked)) => return Ok(None),
        Some(None) => {
            // Guarded: a read of the others' cards may have locked it since the select above.
            let changed = diesel::update(
                scorecards::table
                    .find(key.clone())
                    .filter(scorecards::locked_at.is_null()),
            )
            .set(content)
            .execute(conn)?;
            if changed == 0 {
                return Ok(None);
            }
            false
        }
        None => {
            diesel::insert_into(scorecards::table)
                .values((
                    scorecards::application_id.eq(&key.0),
                    scorecards::reviewer_id.eq(&key.1),
                    content,
                    scorecards::created_at.eq(now),
                ))
                .execute(conn)?;
            true
        }
    };
    let last: Option<i32> = scorecard_versions::table
        .filter(scorecard_versions::application_id.eq(&key.0))
        .filter(scorecard_versions::reviewer_id.eq(&key.1))
        .select(diesel::dsl::max(scorecard_versions::version))
        .first(conn)?;
    diesel::insert_into(scorecard_versions::table)
        .values((
            scorecard_versions::application_id.eq(&key.0),
            scorecard_versions::reviewer_id.eq(&key.1),
            scorecard_versions::version.eq(last.unwrap_or(0) + 1),
            scorecard_versions::district_resources.eq(scores.district_resources),
            scorecard_versions::customer_resources.eq(scores.customer_resources),
            scorecard_versions::nev_experience.eq(scores.nev_experience),
            scorecard_versions::after_sales.eq(scores.after_sales),
            scorecard_versions::financial_strength.eq(scores.financial_strength),
            scorecard_versions::recommendation.eq(recommendation.as_str()),
            scorecard_versions::comment.eq(comment),
            scorecard_versions::filed_at.eq(now),
        ))
        .execute(conn)?;
    Ok(Some(created))
}
