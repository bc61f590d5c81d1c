//! Marking an onboarding task done (or not done again) by the side it belongs to.

use uuid::Uuid;

use super::access::Access;
use super::unit::Work;
use crate::db::DbConnection;
use crate::db::applications::Application;
use crate::db::events::NewEvent;
use crate::db::onboarding::{self, Task};
use crate::domain::event::EventAction;
use crate::domain::workflow::{Actor, EventType, Status};
use crate::error::{AppError, ProblemCode};
use crate::webhooks::payload::OnboardingTaskChange;

/// A task the caller's side may change now, found by `changeable_task`.
pub struct ChangeableTask {
    pub task: Task,
    actor: Actor,
}

/// What the caller says of the task.
pub struct TaskChange<'a> {
    pub done: bool,
    pub note: Option<&'a str>,
}

/// The application's checklist; 404 before onboarding starts.
pub fn checklist(conn: &mut DbConnection, id: Uuid) -> Result<Vec<Task>, AppError> {
    let tasks = onboarding::list(conn, id)?;
    if tasks.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(tasks)
}

/// The task `code`, if the caller may change it: only its side may (403), only while onboarding
/// (409 `not_onboarding`).
pub fn changeable_task(
    conn: &mut DbConnection,
    access: &Access,
    application: &Application,
    code: &str,
) -> Result<ChangeableTask, AppError> {
    let task = checklist(conn, application.id)?
        .into_iter()
        .find(|t| t.code == code)
        .ok_or(AppError::NotFound)?;
    let actor = access.actor(application)?;
    if !task.owner.is_done_by(actor) {
        return Err(AppError::Forbidden);
    }
    if application.status != Status::Onboarding {
        return Err(AppError::Conflict(ProblemCode::NotOnboarding));
    }
    Ok(ChangeableTask { task, actor })
}

/// Sets the task as the caller says. Recorded as `complete_task` or `reopen_task`, with the note.
pub fn update_task(
    work: &mut Work<'_>,
    access: &Access,
    application: &Application,
    changeable: &ChangeableTask,
    change: &TaskChange<'_>,
) -> Result<(), AppError> {
    let ChangeableTask { task, actor } = changeable;
    let actor = *actor;
    let note = change.note.map(str::trim).filter(|n| !n.is_empty());
    let done_at = change.done.then_some(work.now());
    onboarding::set_done(
        work,
        application.id,
        &task.code,
        access.user_id,
        note,
        done_at,
    )?;
    work.record(NewEvent {
        application_id: application.id,
        actor_id: access.user_id,
        actor_role: actor,
        action: if change.done {
            EventAction::CompleteTask
        } else {
            EventAction::ReopenTask
        },
        from_status: Some(application.status),
        to_status: application.status,
        reason_code: None,
        reason: Some(match note {
            Some(note) => format!("{}: {note}", task.code),
            None => task.code.clone(),
        }),
    });
    let task = checklist(work, application.id)?
        .into_iter()
        .find(|t| t.code == task.code)
        .ok_or(AppError::NotFound)?;
    let data = OnboardingTaskChange {
        application_id: application.id,
        task: task.into(),
    };
    work.announce(EventType::OnboardingTaskUpdated, &data)
}
