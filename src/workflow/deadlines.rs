//! How long an application has waited on staff and when they are due to move it, as each
//! caller is told: staff see the SLA (`domain::sla`), applicants do not.

use chrono::{DateTime, Utc};

use super::access::Access;
use crate::db::applications::{Application, OverdueFilter};
use crate::db::{DbConnection, sla};
use crate::domain::sla::SlaDays;
use crate::error::AppError;

/// The SLA days in force and the time they are read at, for a request or a digest.
pub struct Deadlines {
    pub days: SlaDays,
    pub now: DateTime<Utc>,
}

/// An application's wait as one caller reads it.
pub struct Wait {
    pub waiting_since: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
}

impl Deadlines {
    /// The stored days, at `now`.
    pub fn read(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(Self {
            days: sla::read(conn)?.days,
            now,
        })
    }

    /// `application`'s wait for `access`. Applicants are not told staff's SLA (no `due_at`,
    /// never overdue), nor when an application in review entered its internal step: their
    /// `under_review` stands for several (`Status::public`).
    pub fn wait(&self, access: &Access, application: &Application) -> Wait {
        if access.applicant {
            let hides_steps = application.status.publicly_alike().len() > 1;
            return Wait {
                waiting_since: (!hides_steps).then_some(application.status_since),
                due_at: None,
                overdue: false,
            };
        }
        self.staff_wait(application)
    }

    /// `application`'s wait as staff read it: since when, due when (its status's SLA days
    /// later), and whether that has passed at `now`.
    pub fn staff_wait(&self, application: &Application) -> Wait {
        let due_at = self
            .days
            .due_at(application.status, application.status_since);
        Wait {
            waiting_since: Some(application.status_since),
            due_at,
            overdue: due_at.is_some_and(|due| due < self.now),
        }
    }

    /// The `overdue=` list filter for `access`: for applicants nothing is overdue.
    pub fn filter(&self, access: &Access, overdue: bool) -> OverdueFilter {
        if access.applicant {
            OverdueFilter {
                overdue,
                cutoffs: Vec::new(),
            }
        } else {
            self.staff_filter(overdue)
        }
    }

    /// The `overdue=` filter as staff mean it: past (or not past) the SLA at `now`.
    pub fn staff_filter(&self, overdue: bool) -> OverdueFilter {
        OverdueFilter {
            overdue,
            cutoffs: self.days.overdue_cutoffs(self.now),
        }
    }
}
