//! Applications, their visibility, and their eligibility reports.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::IntoSql;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::cities::CityNames;
use super::schema::{
    application_assignees, applications, dealer_groups, eligibility_reports, sla_days,
};
use crate::domain::application::{
    Acknowledgement, CustomerBaseDraft, ProposalDraft, SiteDraft, StoreFormat,
};
use crate::domain::dealer_group::Contact;
use crate::domain::eligibility::EligibilityReport;
use crate::domain::workflow::{Actor, Status};
use crate::error::{AppError, ProblemCode};

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = applications)]
struct Row {
    id: String,
    dealer_group_id: String,
    city_code: String,
    status: String,
    store_format: String,
    proposed_sites: String,
    investment_cny: Option<i64>,
    planned_opening: Option<NaiveDate>,
    customer_base: Option<String>,
    notes: Option<String>,
    acknowledgements: String,
    score: Option<i32>,
    eligible: Option<bool>,
    version: i32,
    submitted_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    status_since: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct Application {
    pub id: Uuid,
    pub dealer_group_id: Uuid,
    pub dealer_group_name: String,
    pub city_code: String,
    pub status: Status,
    pub store_format: StoreFormat,
    pub proposed_sites: Vec<SiteDraft>,
    pub investment_cny: Option<i64>,
    pub planned_opening: Option<NaiveDate>,
    pub customer_base: Option<CustomerBaseDraft>,
    pub notes: Option<String>,
    pub acknowledgements: BTreeSet<Acknowledgement>,
    pub score: Option<i32>,
    pub eligible: Option<bool>,
    pub version: i32,
    pub submitted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When it entered its current status (set by every move).
    pub status_since: DateTime<Utc>,
}

impl Application {
    /// What the applicant wrote, as the form it is edited in.
    pub fn draft(&self) -> ProposalDraft {
        ProposalDraft {
            city_code: self.city_code.clone(),
            store_format: Some(self.store_format),
            proposed_sites: self.proposed_sites.clone(),
            investment_cny: self.investment_cny,
            planned_opening: self.planned_opening,
            customer_base: self.customer_base.clone(),
            notes: self.notes.clone(),
            acknowledgements: self.acknowledgements.clone(),
        }
    }
}

fn corrupt(id: &str, what: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!("application {id}: bad {what}"))
}

fn from_row(row: Row, group_name: String) -> Result<Application, AppError> {
    Ok(Application {
        id: row.id.parse().map_err(|_| corrupt(&row.id, "id"))?,
        dealer_group_id: row
            .dealer_group_id
            .parse()
            .map_err(|_| corrupt(&row.id, "group"))?,
        dealer_group_name: group_name,
        status: row.status.parse().map_err(|_| corrupt(&row.id, "status"))?,
        proposed_sites: serde_json::from_str(&row.proposed_sites)
            .map_err(|_| corrupt(&row.id, "sites"))?,
        acknowledgements: serde_json::from_str(&row.acknowledgements)
            .map_err(|_| corrupt(&row.id, "acknowledgements"))?,
        customer_base: row
            .customer_base
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|_| corrupt(&row.id, "customers"))?,
        city_code: row.city_code,
        store_format: row
            .store_format
            .parse()
            .map_err(|_| corrupt(&row.id, "store format"))?,
        investment_cny: row.investment_cny,
        planned_opening: row.planned_opening,
        notes: row.notes,
        score: row.score,
        eligible: row.eligible,
        version: row.version,
        submitted_at: row.submitted_at.map(|t| t.and_utc()),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        status_since: row.status_since.and_utc(),
    })
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.into()))
}

/// Creates a draft; a live application of the group for the city already: `409 application_exists`.
pub fn insert(
    conn: &mut DbConnection,
    id: Uuid,
    group_id: Uuid,
    draft: &ProposalDraft,
    created_by: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let now = now.naive_utc();
    diesel::insert_into(applications::table)
        .values((
            applications::id.eq(id.to_string()),
            applications::dealer_group_id.eq(group_id.to_string()),
            applications::city_code.eq(&draft.city_code),
            applications::status.eq(Status::Draft.as_str()),
            applications::store_format.eq(draft.store_format.unwrap_or_default().as_str()),
            applications::proposed_sites.eq(json(&draft.proposed_sites)?),
            applications::investment_cny.eq(draft.investment_cny),
            applications::planned_opening.eq(draft.planned_opening),
            applications::customer_base.eq(draft.customer_base.as_ref().map(json).transpose()?),
            applications::notes.eq(&draft.notes),
            applications::acknowledgements.eq(json(&draft.acknowledgements)?),
            applications::version.eq(1),
            applications::created_by.eq(created_by.to_string()),
            applications::created_at.eq(now),
            applications::updated_at.eq(now),
            applications::status_since.eq(now),
        ))
        .execute(conn)
        .map_err(one_live_per_city)?;
    Ok(())
}

/// The only unique rule an application write can break is one live application per group and
/// city (a reopened rejection can meet a newer application).
fn one_live_per_city(e: diesel::result::Error) -> AppError {
    match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict(ProblemCode::ApplicationExists),
        other => other,
    }
}

/// Rewrites the draft's content if it is still at `expected_version`.
pub fn update_draft(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: i32,
    draft: &ProposalDraft,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let updated = diesel::update(
        applications::table
            .find(id.to_string())
            .filter(applications::version.eq(expected_version)),
    )
    .set((
        applications::store_format.eq(draft.store_format.unwrap_or_default().as_str()),
        applications::proposed_sites.eq(json(&draft.proposed_sites)?),
        applications::investment_cny.eq(draft.investment_cny),
        applications::planned_opening.eq(draft.planned_opening),
        applications::customer_base.eq(draft.customer_base.as_ref().map(json).transpose()?),
        applications::notes.eq(&draft.notes),
        applications::acknowledgements.eq(json(&draft.acknowledgements)?),
        applications::version.eq(expected_version + 1),
        applications::updated_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Moves the application to `to` if it is still at `expected_version`; false when another write
/// got there first. The version guard is what makes two racing transitions give one winner.
pub fn set_status(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: i32,
    to: Status,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let now = now.naive_utc();
    let target = applications::table
        .find(id.to_string())
        .filter(applications::version.eq(expected_version));
    let updated = if to == Status::Submitted {
        diesel::update(target)
            .set((
                applications::status.eq(to.as_str()),
                applications::version.eq(expected_version + 1),
                applications::updated_at.eq(now),
                applications::status_since.eq(now),
                applications::submitted_at.eq(now),
            ))
            .execute(conn)
    } else {
        diesel::update(target)
            .set((
                applications::status.eq(to.as_str()),
                applications::version.eq(expected_version + 1),
                applications::updated_at.eq(now),
                applications::status_since.eq(now),
            ))
            .execute(conn)
    }
    .map_err(one_live_per_city)?;
    Ok(updated == 1)
}

pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<Application>, AppError> {
    applications::table
        .inner_join(dealer_groups::table)
        .filter(applications::id.eq(id.to_string()))
        .select((Row::as_select(), dealer_groups::legal_name))
        .first::<(Row, String)>(conn)
        .optional()?
        .map(|(row, name)| from_row(row, name))
        .transpose()
}

/// What reading an application shows beside its own fields.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadingExtras {
    /// Messages someone else wrote after the reader last read them (`messages::unread_counts`).
    pub unread_messages: i64,
    /// The SLA days of the application's status, where they are set (`sla::read`).
    pub sla_days: Option<i32>,
}

/// The application as `find` reads it, with what its reader `reader` (`None`: an integrator,
/// who has no unread count) sees beside it: the status's SLA days joined in, the unread count
/// in a second query. Each query has a fixed shape that PostgreSQL keeps prepared: a query with
/// literal SQL in it (a correlated subquery, say) would be planned anew on every read, which
/// costs more than the round trip it saves.
pub fn find_for_reading(
    conn: &mut DbConnection,
    id: Uuid,
    reader: Option<Uuid>,
) -> Result<Option<(Application, ReadingExtras)>, AppError> {
    let Some((row, group_name, sla_days)) = applications::table
        .inner_join(dealer_groups::table)
        .left_join(sla_days::table.on(sla_days::status.eq(applications::status)))
        .filter(applications::id.eq(id.to_string()))
        .select((
            Row::as_select(),
            dealer_groups::legal_name,
            sla_days::days.nullable(),
        ))
        .first::<(Row, String, Option<i32>)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let application = from_row(row, group_name)?;
    let unread_messages = match reader {
        Some(reader) => super::messages::unread_count(conn, reader, id)?,
        None => 0,
    };
    Ok(Some((
        application,
        ReadingExtras {
            unread_messages,
            sla_days,
        },
    )))
}

/// Every application of a group with its status, oldest first.
pub fn of_group(conn: &mut DbConnection, group_id: Uuid) -> Result<Vec<(Uuid, Status)>, AppError> {
    let rows: Vec<(String, String)> = applications::table
        .filter(applications::dealer_group_id.eq(group_id.to_string()))
        .order((applications::created_at.asc(), applications::id.asc()))
        .select((applications::id, applications::status))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, status)| {
            Ok((
                id.parse().map_err(|_| corrupt(&id, "id"))?,
                status.parse().map_err(|_| corrupt(&id, "status"))?,
            ))
        })
        .collect()
}

/// Whether the group has ever submitted an application.
pub fn group_has_submitted(conn: &mut DbConnection, group_id: Uuid) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        applications::table
            .filter(applications::dealer_group_id.eq(group_id.to_string()))
            .filter(applications::submitted_at.is_not_null()),
    ))
    .get_result(conn)?)
}

/// Whether the group has an application in one of `cities`.
pub fn group_applies_in(
    conn: &mut DbConnection,
    group_id: Uuid,
    cities: &[String],
) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        applications::table
            .filter(applications::dealer_group_id.eq(group_id.to_string()))
            .filter(applications::city_code.eq_any(cities)),
    ))
    .get_result(conn)?)
}

/// Which applications a caller sees.
#[derive(Clone, Debug)]
pub enum Visibility {
    Group(Uuid),
    Cities(Vec<String>),
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    CreatedAt,
    ScoreDesc,
    SubmittedAtDesc,
    /// Longest waiting first: by `status_since`, then id (the staff queue).
    WaitingSince,
}

/// `overdue=true|false`: applications past (or not past) their status's SLA at the time the
/// cutoffs were made for (`SlaDays::overdue_cutoffs`). No cutoffs: nothing is overdue.
pub struct OverdueFilter {
    pub overdue: bool,
    pub cutoffs: Vec<(Status, DateTime<Utc>)>,
}

type Backend = <DbConnection as Connection>::Backend;
type ListSource = diesel::dsl::InnerJoinQuerySource<applications::table, dealer_groups::table>;
type Condition = Box<dyn BoxableExpression<ListSource, Backend, SqlType = diesel::sql_types::Bool>>;

impl OverdueFilter {
    /// One SQL condition: some status's `status_since` before its cutoff.
    fn condition(&self) -> Condition {
        self.cutoffs.iter().fold(
            Box::new(false.into_sql::<diesel::sql_types::Bool>()),
            |any, (status, cutoff)| -> Condition {
                Box::new(
                    any.or(applications::status
                        .eq(status.as_str())
                        .and(applications::status_since.lt(cutoff.naive_utc()))),
                )
            },
        )
    }
}

impl ListQuery {
    /// What waits on `actor` (`Status::waits_on`) within `visibility`, longest waiting first
    /// (the staff queue, the daily digest).
    pub fn waiting(visibility: Visibility, actor: Actor) -> Self {
        Self {
            visibility,
            city: None,
            statuses: Some(Status::waiting_on(actor).collect()),
            min_score: None,
            q: None,
            updated_since: None,
            assigned_to: None,
            overdue: None,
            sort: Sort::WaitingSince,
        }
    }
}

pub struct ListQuery {
    pub visibility: Visibility,
    pub city: Option<String>,
    /// Any of these statuses.
    pub statuses: Option<Vec<Status>>,
    pub min_score: Option<i32>,
    pub q: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
    /// Only applications this user is assigned to.
    pub assigned_to: Option<Uuid>,
    pub overdue: Option<OverdueFilter>,
    pub sort: Sort,
}

/// The keyset of a page's last row: the sort value (as text, or absent) and the id.
pub type ListKey = (Option<String>, Uuid);

type Filtered = diesel::dsl::IntoBoxed<
    'static,
    diesel::dsl::InnerJoin<applications::table, dealer_groups::table>,
    Backend,
>;

/// The applications `query` selects, in no order.
fn filtered(query: &ListQuery) -> Filtered {
    let mut sql = applications::table
        .inner_join(dealer_groups::table)
        .into_boxed();
    sql = match &query.visibility {
        Visibility::All => sql,
        Visibility::Group(id) => sql.filter(applications::dealer_group_id.eq(id.to_string())),
        Visibility::Cities(codes) => sql.filter(applications::city_code.eq_any(codes.clone())),
    };
    if let Some(city) = &query.city {
        sql = sql.filter(applications::city_code.eq(city.clone()));
    }
    if let Some(statuses) = &query.statuses {
        sql = sql.filter(applications::status.eq_any(statuses.iter().map(|s| s.as_str())));
    }
    if let Some(min) = query.min_score {
        sql = sql.filter(applications::score.ge(min));
    }
    if let Some(user) = query.assigned_to {
        sql = sql.filter(
            applications::id.eq_any(
                application_assignees::table
                    .filter(application_assignees::user_id.eq(user.to_string()))
                    .select(application_assignees::application_id),
            ),
        );
    }
    if let Some(filter) = &query.overdue {
        sql = if filter.overdue {
            sql.filter(filter.condition())
        } else {
            sql.filter(diesel::dsl::not(filter.condition()))
        };
    }
    if let Some(since) = query.updated_since {
        sql = sql.filter(applications::updated_at.ge(since.naive_utc()));
    }
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        sql = sql.filter(
            super::dealer_groups::lower(dealer_groups::legal_name)
                .like(format!("%{}%", escaped.to_lowercase()))
                .escape('\\'),
        );
    }
    sql
}

/// How many applications `query` selects.
pub fn count(conn: &mut DbConnection, query: &ListQuery) -> Result<i64, AppError> {
    Ok(filtered(query).count().get_result(conn)?)
}

pub fn list(
    conn: &mut DbConnection,
    query: &ListQuery,
    after: Option<ListKey>,
    limit: i64,
) -> Result<Vec<Application>, AppError> {
    page(query, after, limit)?
        .select((Row::as_select(), dealer_groups::legal_name))
        .load::<(Row, String)>(conn)?
        .into_iter()
        .map(|(row, name)| from_row(row, name))
        .collect()
}

/// An application as the CSV export writes it: with its group's USCC and contact and its
/// city's names.
pub struct ExportRow {
    pub application: Application,
    pub uscc: String,
    pub contact: Contact,
    /// None only if the city is gone from the plan (which the foreign key prevents).
    pub city: Option<CityNames>,
}

/// A page of `list` with what the export adds: the group's columns come with the same join,
/// the cities' names in one more query, so a page costs two queries whatever its size.
pub fn list_for_export(
    conn: &mut DbConnection,
    query: &ListQuery,
    after: Option<ListKey>,
    limit: i64,
) -> Result<Vec<ExportRow>, AppError> {
    let rows = page(query, after, limit)?
        .select((
            Row::as_select(),
            dealer_groups::legal_name,
            dealer_groups::uscc,
            dealer_groups::contact,
        ))
        .load::<(Row, String, String, String)>(conn)?;
    let codes: BTreeSet<&str> = rows
        .iter()
        .map(|(row, ..)| row.city_code.as_str())
        .collect();
    let names = super::cities::names(conn, &codes)?;
    rows.into_iter()
        .map(|(row, group_name, uscc, contact)| {
            let contact =
                serde_json::from_str(&contact).map_err(|_| corrupt(&row.id, "contact"))?;
            let city = names.get(&row.city_code).cloned();
            Ok(ExportRow {
                application: from_row(row, group_name)?,
                uscc,
                contact,
                city,
            })
        })
        .collect()
}

/// The applications `query` selects after `after`, in its order, `limit` of them; the caller
/// picks the columns.
fn page(query: &ListQuery, after: Option<ListKey>, limit: i64) -> Result<Filtered, AppError> {
    let mut sql = filtered(query).limit(limit);
    let after_id = after.as_ref().map(|(_, id)| id.to_string());
    sql = match query.sort {
        Sort::CreatedAt => {
            if let (Some((Some(at), _)), Some(id)) = (&after, &after_id) {
                let at = parse_time(at)?;
                sql = sql.filter(
                    applications::created_at.gt(at).or(applications::created_at
                        .eq(at)
                        .and(applications::id.gt(id.clone()))),
                );
            }
            sql.order((applications::created_at.asc(), applications::id.asc()))
        }
        Sort::ScoreDesc => {
            // Unscored drafts sort last; within a score, by id.
            sql = sql.filter(applications::score.is_not_null());
            if let (Some((Some(score), _)), Some(id)) = (&after, &after_id) {
                let score: i32 = score
                    .parse()
                    .map_err(|_| AppError::field("cursor", "invalid_cursor"))?;
                sql = sql.filter(
                    applications::score.lt(score).or(applications::score
                        .eq(score)
                        .and(applications::id.gt(id.clone()))),
                );
            }
            sql.order((applications::score.desc(), applications::id.asc()))
        }
        Sort::SubmittedAtDesc => {
            sql = sql.filter(applications::submitted_at.is_not_null());
            if let (Some((Some(at), _)), Some(id)) = (&after, &after_id) {
                let at = parse_time(at)?;
                sql = sql.filter(
                    applications::submitted_at
                        .lt(at)
                        .or(applications::submitted_at
                            .eq(at)
                            .and(applications::id.gt(id.clone()))),
                );
            }
            sql.order((applications::submitted_at.desc(), applications::id.asc()))
        }
        Sort::WaitingSince => {
            if let (Some((Some(at), _)), Some(id)) = (&after, &after_id) {
                let at = parse_time(at)?;
                sql = sql.filter(
                    applications::status_since
                        .gt(at)
                        .or(applications::status_since
                            .eq(at)
                            .and(applications::id.gt(id.clone()))),
                );
            }
            sql.order((applications::status_since.asc(), applications::id.asc()))
        }
    };
    Ok(sql)
}

fn parse_time(text: &str) -> Result<NaiveDateTime, AppError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.naive_utc())
        .map_err(|_| AppError::field("cursor", "invalid_cursor"))
}

/// The keyset value of `application` under `sort`.
pub fn key_of(application: &Application, sort: Sort) -> ListKey {
    let value = match sort {
        Sort::CreatedAt => Some(application.created_at.to_rfc3339()),
        Sort::ScoreDesc => application.score.map(|s| s.to_string()),
        Sort::SubmittedAtDesc => application.submitted_at.map(|t| t.to_rfc3339()),
        Sort::WaitingSince => Some(application.status_since.to_rfc3339()),
    };
    (value, application.id)
}

/// Stores a report and copies its verdict onto the application.
pub fn store_report(
    conn: &mut DbConnection,
    application_id: Uuid,
    report: &EligibilityReport,
) -> Result<(), AppError> {
    diesel::insert_into(eligibility_reports::table)
        .values((
            eligibility_reports::id.eq(Uuid::now_v7().to_string()),
            eligibility_reports::application_id.eq(application_id.to_string()),
            eligibility_reports::criteria_version.eq(report.criteria_version),
            eligibility_reports::eligible.eq(report.eligible),
            eligibility_reports::score.eq(report.score),
            eligibility_reports::checks.eq(json(&report.checks)?),
            eligibility_reports::evaluated_at.eq(report.evaluated_at.naive_utc()),
        ))
        .execute(conn)?;
    diesel::update(applications::table.find(application_id.to_string()))
        .set((
            applications::score.eq(report.score),
            applications::eligible.eq(report.eligible),
        ))
        .execute(conn)?;
    Ok(())
}

/// The newest report of an application.
pub fn latest_report(
    conn: &mut DbConnection,
    application_id: Uuid,
) -> Result<Option<EligibilityReport>, AppError> {
    let row: Option<(i32, bool, i32, String, NaiveDateTime)> = eligibility_reports::table
        .filter(eligibility_reports::application_id.eq(application_id.to_string()))
        .order((
            eligibility_reports::evaluated_at.desc(),
            eligibility_reports::id.desc(),
        ))
        .select((
            eligibility_reports::criteria_version,
            eligibility_reports::eligible,
            eligibility_reports::score,
            eligibility_reports::checks,
            eligibility_reports::evaluated_at,
        ))
        .first(conn)
        .optional()?;
    row.map(
        |(criteria_version, eligible, score, checks, evaluated_at)| {
            Ok(EligibilityReport {
                eligible,
                score,
                criteria_version,
                evaluated_at: evaluated_at.and_utc(),
                checks: serde_json::from_str(&checks)
                    .map_err(|_| corrupt(&application_id.to_string(), "report"))?,
            })
        },
    )
    .transpose()
}
