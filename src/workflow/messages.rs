//! Messages about an application between its group's members and the maker's staff: posting
//! one (checked, written, mailed to the other side, announced to integrators), and how many
//! each person has not read.

use std::collections::HashSet;

use uuid::Uuid;

use super::access::Access;
use super::recipients::{self, city_name};
use super::unit::Work;
use crate::db::applications::Application;
use crate::db::messages::{self, Message, NewMessage};
use crate::db::users::User;
use crate::db::{DbConnection, documents, members};
use crate::domain::message::{Side, document_problems};
use crate::domain::workflow::{EventType, Status};
use crate::error::{AppError, FieldError};
use crate::mail;
use crate::mail::templates::ApplicationMail;
use crate::webhooks::payload::{MessageCreated, PostedMessage};

/// What a message says.
pub struct Draft {
    /// Trimmed, 1 to `BODY_MAX_CHARS` characters (the request checked).
    pub body: String,
    /// Documents of the application, each at most once; checked here.
    pub document_ids: Vec<Uuid>,
}

/// Posts message `id` on `application` for the caller (a person who sees it). Each document id
/// that is not one of the application's documents, or repeats, is a 422 naming
/// `document_ids[i]`. The other side is mailed (`recipients`), the author never; integrators
/// get `message.created`. Not an audit event.
pub fn post(
    work: &mut Work<'_>,
    access: &Access,
    application: &Application,
    id: Uuid,
    draft: &Draft,
) -> Result<Message, AppError> {
    let (Some(author_id), Some(role)) = (access.user_id, access.role) else {
        return Err(AppError::Forbidden);
    };
    if !draft.document_ids.is_empty() {
        let held: HashSet<Uuid> = documents::list(work, application.id)?
            .into_iter()
            .map(|document| document.id)
            .collect();
        let problems = document_problems(&draft.document_ids, &held);
        if !problems.is_empty() {
            let errors = problems
                .into_iter()
                .map(|(field, code)| FieldError::new(field, code))
                .collect();
            return Err(AppError::Validation(errors));
        }
    }
    let side = Side::of(role);
    let now = work.now();
    let message = messages::insert(
        work,
        &NewMessage {
            id,
            application_id: application.id,
            author_id,
            side,
            body: &draft.body,
            document_ids: &draft.document_ids,
            created_at: now,
        },
    )?;
    let city = city_name(work, &application.city_code)?;
    for recipient in recipients(work, application, side)? {
        if recipient.id == author_id {
            continue;
        }
        let mail = ApplicationMail {
            name: recipient.display_name,
            city: city.clone(),
            application_id: application.id,
        };
        let news = mail::Message::NewMessage {
            mail,
            group: application.dealer_group_name.clone(),
            from: side,
            body: message.body.clone(),
        };
        work.mail(recipient.email, recipient.locale, news);
    }
    let data = MessageCreated {
        application_id: application.id,
        message: PostedMessage {
            id: message.id,
            author_side: side,
            body: message.body.clone(),
            document_ids: draft.document_ids.clone(),
            created_at: message.created_at,
        },
    };
    work.announce(EventType::MessageCreated, &data)?;
    Ok(message)
}

/// Who hears of a message written for `from`: a member's goes to the staff a submission is
/// announced to (`recipients::reviewers_of`), except on a draft, which staff do not review yet
/// (they read it once it is submitted); the maker's goes to every active member of the group.
pub fn recipients(
    conn: &mut DbConnection,
    application: &Application,
    from: Side,
) -> Result<Vec<User>, AppError> {
    match from {
        Side::Maker => Ok(members::of_group(conn, application.dealer_group_id)?
            .into_iter()
            .filter(|m| m.active)
            .collect()),
        Side::Applicant if application.status == Status::Draft => Ok(Vec::new()),
        Side::Applicant => recipients::reviewers_of(conn, application),
    }
}

/// How many messages on each of `applications` someone else wrote after the caller last read
/// them (`POST .../messages/read`), in their order; none for an integrator. One query for all.
pub fn unread(
    conn: &mut DbConnection,
    access: &Access,
    applications: &[Application],
) -> Result<Vec<Option<i64>>, AppError> {
    let Some(user_id) = access.user_id else {
        return Ok(vec![None; applications.len()]);
    };
    let ids: Vec<Uuid> = applications.iter().map(|a| a.id).collect();
    let counts = messages::unread_counts(conn, user_id, &ids)?;
    Ok(ids
        .iter()
        .map(|id| Some(counts.get(id).copied().unwrap_or(0)))
        .collect())
}
