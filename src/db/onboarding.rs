//! The onboarding checklist of an application.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::onboarding_tasks;
use crate::domain::loi::{CHECKLIST, TaskOwner};
use crate::error::AppError;

#[derive(Debug, Clone)]
pub struct Task {
    pub code: String,
    pub owner: TaskOwner,
    pub due_on: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

/// Makes the checklist, due dates counted from `started`.
pub fn create(
    conn: &mut DbConnection,
    application_id: Uuid,
    started: NaiveDate,
) -> Result<(), AppError> {
    // One row at a time: the multi-backend connection cannot insert a batch in one statement.
    for (position, item) in (0..).zip(CHECKLIST.iter()) {
        diesel::insert_into(onboarding_tasks::table)
            .values((
                onboarding_tasks::application_id.eq(application_id.to_string()),
                onboarding_tasks::code.eq(item.code),
                onboarding_tasks::position.eq(position),
                onboarding_tasks::owner.eq(item.owner.as_str()),
                onboarding_tasks::due_on.eq(item.due_on(started)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

type TaskRow = (
    String,
    String,
    NaiveDate,
    Option<NaiveDateTime>,
    Option<String>,
);

pub fn list(conn: &mut DbConnection, application_id: Uuid) -> Result<Vec<Task>, AppError> {
    let rows: Vec<TaskRow> = onboarding_tasks::table
        .filter(onboarding_tasks::application_id.eq(application_id.to_string()))
        .order(onboarding_tasks::position.asc())
        .select((
            onboarding_tasks::code,
            onboarding_tasks::owner,
            onboarding_tasks::due_on,
            onboarding_tasks::done_at,
            onboarding_tasks::note,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(code, owner, due_on, done_at, note)| {
            Ok(Task {
                owner: owner.parse().map_err(|_| {
                    AppError::Internal(anyhow::anyhow!("onboarding task {code}: bad owner"))
                })?,
                code,
                due_on,
                done_at: done_at.map(|t| t.and_utc()),
                note,
            })
        })
        .collect()
}

/// Marks a task done (or not done again), with the note of whoever did it.
pub fn set_done(
    conn: &mut DbConnection,
    application_id: Uuid,
    code: &str,
    done_by: Option<Uuid>,
    note: Option<&str>,
    now: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    diesel::update(onboarding_tasks::table.find((application_id.to_string(), code)))
        .set((
            onboarding_tasks::done_at.eq(now.map(|t| t.naive_utc())),
            onboarding_tasks::done_by.eq(done_by.map(|id| id.to_string())),
            onboarding_tasks::note.eq(note),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which of `application_ids` have a checklist with every task on it done, in one query.
pub fn finished_among(
    conn: &mut DbConnection,
    application_ids: &[Uuid],
) -> Result<HashSet<Uuid>, AppError> {
    let ids: Vec<String> = application_ids.iter().map(Uuid::to_string).collect();
    let tasks: Vec<(String, Option<NaiveDateTime>)> = onboarding_tasks::table
        .filter(onboarding_tasks::application_id.eq_any(&ids))
        .select((onboarding_tasks::application_id, onboarding_tasks::done_at))
        .load(conn)?;
    let open: HashSet<&str> = tasks
        .iter()
        .filter(|(_, done_at)| done_at.is_none())
        .map(|(id, _)| id.as_str())
        .collect();
    Ok(tasks
        .iter()
        .filter(|(id, _)| !open.contains(id.as_str()))
        // Every id among them is one of ours, and so parses.
        .filter_map(|(id, _)| id.parse().ok())
        .collect())
}
