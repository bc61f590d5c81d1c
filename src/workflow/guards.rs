//! The guards of the workflow table that read the application's standing rather than the
//! request (`Guard::reads_request`): read in one pass, for one application or a page of them,
//! and decided by one function, `Facts::refusal`, for both `moves::perform` and the actions a
//! caller is offered (`allowed_actions`, `blocked_actions`), so that the two cannot disagree.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::eligibility;
use crate::db::applications::Application;
use crate::db::cities::City;
use crate::db::{DbConnection, cities, lois, onboarding, scorecards, users};
use crate::domain::city::accepts_submissions;
use crate::domain::workflow::{self, Action, Actor, Guard};
use crate::error::{AppError, ProblemCode};

/// What the standing guards of some moves of some applications read, read once.
#[derive(Debug, Default)]
pub struct Facts {
    now: DateTime<Utc>,
    caller_verified: bool,
    cities: HashMap<String, CityFacts>,
    /// The applications with a scorecard filed.
    scored: HashSet<Uuid>,
    /// When the applications' letters of intent expire.
    letters: HashMap<Uuid, DateTime<Utc>>,
    /// The applications whose onboarding checklist is done.
    onboarded: HashSet<Uuid>,
}

#[derive(Debug, Clone, Copy)]
struct CityFacts {
    accepting: bool,
    /// Store points of the quota not committed (none when over-committed, after a quota cut);
    /// read only for `QuotaAvailable`, as adding them up joins the city's letters.
    points_free: Option<i64>,
}

impl Facts {
    /// Reads what deciding each `(application, guard)` of `needs` takes for the move's maker
    /// `caller`: at most one query per kind of fact, none for a kind no guard needs.
    pub fn read(
        conn: &mut DbConnection,
        caller: Option<Uuid>,
        needs: &[(&Application, Guard)],
        now: DateTime<Utc>,
    ) -> Result<Self, AppError> {
        let ids = |guards: &[Guard]| {
            let ids: BTreeSet<Uuid> = needing(needs, guards).map(|a| a.id).collect();
            ids.into_iter().collect::<Vec<_>>()
        };
        let caller_verified = match caller {
            Some(id) if needing(needs, &[Guard::EmailVerified]).next().is_some() => {
                users::find(conn, id)?.is_some_and(|u| u.email_verified_at.is_some())
            }
            _ => false,
        };
        let codes: BTreeSet<&str> = needing(needs, &[Guard::CityAccepting, Guard::QuotaAvailable])
            .map(|a| a.city_code.as_str())
            .collect();
        Ok(Self {
            now,
            caller_verified,
            cities: read_cities(
                conn,
                &codes,
                needing(needs, &[Guard::QuotaAvailable]).next().is_some(),
                now,
            )?,
            scored: unless_none(conn, ids(&[Guard::ScorecardFiled]), scorecards::filed_among)?,
            letters: unless_none(
                conn,
                ids(&[Guard::LoiOpen, Guard::LoiPastExpiry]),
                lois::expiries,
            )?,
            onboarded: unless_none(
                conn,
                ids(&[Guard::OnboardingDone]),
                onboarding::finished_among,
            )?,
        })
    }

    /// The problem `guard` refuses a move of `application` with now, if it does. A guard that
    /// reads the request refuses nothing here: `moves` checks it when the move is asked for.
    pub fn refusal(&self, guard: Guard, application: &Application) -> Option<ProblemCode> {
        let city = self.cities.get(&application.city_code);
        let letter_expires = self.letters.get(&application.id);
        let (holds, code) = match guard {
            Guard::MessageGiven
            | Guard::ReasonCodeGiven
            | Guard::TerminationCodeGiven
            | Guard::ReasonGiven
            | Guard::LoiTermsGiven
            | Guard::SignerIsMember
            | Guard::SignatureMatches => return None,
            Guard::EmailVerified => (self.caller_verified, ProblemCode::EmailNotVerified),
            Guard::CityAccepting => (
                city.is_some_and(|c| c.accepting),
                ProblemCode::CityNotAccepting,
            ),
            Guard::ScorecardFiled => (
                self.scored.contains(&application.id),
                ProblemCode::ScorecardRequired,
            ),
            // Standing: not a store point left. Whether there are enough for the letter's
            // `stores` reads the request (`moves`, with `points_free`).
            Guard::QuotaAvailable => (self.points_free(application) > 0, ProblemCode::QuotaFull),
            Guard::LoiOpen => (
                letter_expires.is_some_and(|at| self.now < *at),
                ProblemCode::LoiExpired,
            ),
            Guard::LoiPastExpiry => (
                letter_expires.is_some_and(|at| self.now >= *at),
                ProblemCode::Conflict,
            ),
            Guard::OnboardingDone => (
                self.onboarded.contains(&application.id),
                ProblemCode::OnboardingIncomplete,
            ),
            // Decided from the application itself; `moves` answers it with every missing field.
            Guard::Complete => (
                eligibility::proposal(application).is_ok(),
                ProblemCode::Incomplete,
            ),
        };
        (!holds).then_some(code)
    }

    /// The store points of `application`'s city not committed yet (none for a city not read:
    /// only `QuotaAvailable` reads them).
    pub fn points_free(&self, application: &Application) -> i64 {
        self.cities
            .get(&application.city_code)
            .and_then(|c| c.points_free)
            .unwrap_or(0)
    }
}

/// What `read` reads for `ids`; no query when no guard needs it.
fn unless_none<T: Default>(
    conn: &mut DbConnection,
    ids: Vec<Uuid>,
    read: impl FnOnce(&mut DbConnection, &[Uuid]) -> Result<T, AppError>,
) -> Result<T, AppError> {
    if ids.is_empty() {
        Ok(T::default())
    } else {
        read(conn, &ids)
    }
}

/// The applications of `needs` that one of `guards` is to be decided for.
fn needing<'a>(
    needs: &'a [(&'a Application, Guard)],
    guards: &'a [Guard],
) -> impl Iterator<Item = &'a Application> {
    needs
        .iter()
        .filter(|(_, guard)| guards.contains(guard))
        .map(|(application, _)| *application)
}

/// The cities of `codes`: whether each takes submissions now, and its free store points. One
/// city is read by itself, more in one pass over the plan (a small table).
/// The facts of the cities `codes`, their free places only `with_places`.
fn read_cities(
    conn: &mut DbConnection,
    codes: &BTreeSet<&str>,
    with_places: bool,
    now: DateTime<Utc>,
) -> Result<HashMap<String, CityFacts>, AppError> {
    let found: Vec<(City, Option<i64>)> = match codes.iter().collect::<Vec<_>>().as_slice() {
        [] => Vec::new(),
        [code] if !with_places => cities::find_plan(conn, code)?
            .map(|city| (city, None))
            .into_iter()
            .collect(),
        [code] => cities::find(conn, code)?
            .map(|(city, committed)| (city, Some(committed)))
            .into_iter()
            .collect(),
        _ => cities::list(conn)?
            .into_iter()
            .filter(|(city, _)| codes.contains(city.code.as_str()))
            .map(|(city, committed)| (city, Some(committed)))
            .collect(),
    };
    found
        .into_iter()
        .map(|(city, committed)| {
            let facts = city_facts(&city, committed, now)?;
            Ok((city.code, facts))
        })
        .collect()
}

fn city_facts(
    city: &City,
    committed: Option<i64>,
    now: DateTime<Utc>,
) -> Result<CityFacts, AppError> {
    Ok(CityFacts {
        accepting: accepts_submissions(
            city.plan_status()?,
            city.window_opens_at.map(|t| t.and_utc()),
            city.window_closes_at.map(|t| t.and_utc()),
            now,
        ),
        points_free: committed.map(|committed| (i64::from(city.quota) - committed).max(0)),
    })
}

/// The moves a caller is offered on an application: those that would succeed now, and those
/// its role could make in this state but a guard blocks, with the problem the move would fail
/// with.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Offered {
    pub allowed: Vec<Action>,
    pub blocked: Vec<(Action, ProblemCode)>,
}

impl Offered {
    /// The 409 of a move the state does not allow, telling what the caller may do instead.
    pub fn into_refusal(self) -> AppError {
        AppError::InvalidTransition {
            allowed: self.allowed,
            blocked: self.blocked,
        }
    }
}

/// What `caller` may do with each of `items` (an application, and the caller's part in it, if
/// any: none is offered nothing), from one pass of reads for all of them.
pub fn offered(
    conn: &mut DbConnection,
    caller: Option<Uuid>,
    items: &[(&Application, Option<Actor>)],
    now: DateTime<Utc>,
) -> Result<Vec<Offered>, AppError> {
    // The rows the caller's part offers from the application's state.
    let rows = |&(application, actor): &(&Application, Option<Actor>)| {
        let status = application.status;
        actor
            .into_iter()
            .flat_map(move |actor| workflow::offered(status, actor))
    };
    let needs: Vec<(&Application, Guard)> = items
        .iter()
        .flat_map(|item| rows(item).flat_map(|row| row.guards.iter().map(|guard| (item.0, *guard))))
        .collect();
    let facts = Facts::read(conn, caller, &needs, now)?;
    Ok(items
        .iter()
        .map(|item| {
            let mut offered = Offered::default();
            for row in rows(item) {
                // The first guard that refuses is the one `perform` would answer with.
                match row.guards.iter().find_map(|g| facts.refusal(*g, item.0)) {
                    Some(code) => offered.blocked.push((row.action, code)),
                    None => offered.allowed.push(row.action),
                }
            }
            offered
        })
        .collect())
}
