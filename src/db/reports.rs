//! Reports for recruitment staff: the funnel (applications per city and status) and a city's
//! ranking of live candidates. Read-only; counts are made by the database, never by loading rows.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::cities::{City, committed_by_city};
use super::schema::{applications, cities, dealer_groups};
use crate::domain::workflow::Status;
use crate::error::AppError;

/// A city's live candidates: handed in and not decided yet (not a draft, not terminal). The
/// ranking lists these; derived from the workflow's own notion of terminal so the two cannot drift.
pub fn is_live_candidate(status: Status) -> bool {
    status != Status::Draft && !status.is_terminal()
}

/// The most candidates a ranking lists; a city has at most a few hundred.
pub const RANKING_LIMIT: i64 = 500;

fn live_candidate_statuses() -> Vec<&'static str> {
    Status::ALL
        .into_iter()
        .filter(|s| is_live_candidate(*s))
        .map(Status::as_str)
        .collect()
}

fn corrupt(what: String) -> AppError {
    AppError::Internal(anyhow::anyhow!("report: bad {what}"))
}

/// One city's applications by status.
#[derive(Debug)]
pub struct CityFunnel {
    pub city: City,
    /// Every status, in `Status::ALL` order, zeros included.
    pub by_status: Vec<(Status, i64)>,
    /// Store points taken, as `cities::committed` counts them.
    pub committed: i64,
}

/// The funnel of every city, or of the cities in `only`, ordered by code.
pub fn funnel(
    conn: &mut DbConnection,
    only: Option<&[String]>,
) -> Result<Vec<CityFunnel>, AppError> {
    let mut city_query = cities::table
        .order(cities::code.asc())
        .select(City::as_select())
        .into_boxed();
    let mut count_query = applications::table
        .group_by((applications::city_code, applications::status))
        .select((
            applications::city_code,
            applications::status,
            diesel::dsl::count_star(),
        ))
        .into_boxed();
    if let Some(codes) = only {
        city_query = city_query.filter(cities::code.eq_any(codes));
        count_query = count_query.filter(applications::city_code.eq_any(codes));
    }
    let all: Vec<City> = city_query.load(conn)?;
    let counts: Vec<(String, String, i64)> = count_query.load(conn)?;
    let committed = committed_by_city(conn)?;
    all.into_iter()
        .map(|city| {
            let mut by_status: Vec<(Status, i64)> = Status::ALL.map(|s| (s, 0)).to_vec();
            for (_, status, n) in counts.iter().filter(|(code, _, _)| *code == city.code) {
                let status: Status = status
                    .parse()
                    .map_err(|_| corrupt(format!("status {status:?} in city {}", city.code)))?;
                if let Some(slot) = by_status.iter_mut().find(|(s, _)| *s == status) {
                    slot.1 += n;
                }
            }
            Ok(CityFunnel {
                committed: committed.get(&city.code).copied().unwrap_or(0),
                city,
                by_status,
            })
        })
        .collect()
}

/// One live candidate of a city.
#[derive(Debug)]
pub struct Candidate {
    pub application_id: Uuid,
    pub dealer_group_id: Uuid,
    pub dealer_group_name: String,
    pub rank_verified: bool,
    pub status: Status,
    pub score: Option<i32>,
    pub eligible: Option<bool>,
    pub submitted_at: Option<DateTime<Utc>>,
}

type CandidateRow = (
    String,
    String,
    String,
    bool,
    String,
    Option<i32>,
    Option<bool>,
    Option<NaiveDateTime>,
);

/// The city's live candidates, best first: score descending, then earliest submission, then id;
/// at most `RANKING_LIMIT`. Missing scores and submission times sort last on both backends
/// (they put NULLs at opposite ends by default).
pub fn ranking(conn: &mut DbConnection, city_code: &str) -> Result<Vec<Candidate>, AppError> {
    let rows: Vec<CandidateRow> = applications::table
        .inner_join(dealer_groups::table)
        .filter(applications::city_code.eq(city_code))
        .filter(applications::status.eq_any(live_candidate_statuses()))
        .order((
            applications::score.is_null().asc(),
            applications::score.desc(),
            applications::submitted_at.is_null().asc(),
            applications::submitted_at.asc(),
            applications::id.asc(),
        ))
        .limit(RANKING_LIMIT)
        .select((
            applications::id,
            applications::dealer_group_id,
            dealer_groups::legal_name,
            dealer_groups::rank_verified,
            applications::status,
            applications::score,
            applications::eligible,
            applications::submitted_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |(id, group_id, name, rank_verified, status, score, eligible, submitted_at)| {
                Ok(Candidate {
                    application_id: id.parse().map_err(|_| corrupt(format!("id {id}")))?,
                    dealer_group_id: group_id
                        .parse()
                        .map_err(|_| corrupt(format!("group of {id}")))?,
                    status: status
                        .parse()
                        .map_err(|_| corrupt(format!("status of {id}")))?,
                    dealer_group_name: name,
                    rank_verified,
                    score,
                    eligible,
                    submitted_at: submitted_at.map(|t| t.and_utc()),
                })
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_candidates_are_handed_in_and_undecided() {
        assert_eq!(
            live_candidate_statuses(),
            [
                "submitted",
                "under_review",
                "info_requested",
                "shortlisted",
                "loi_offered",
                "loi_signed",
                "onboarding"
            ]
        );
    }
}
