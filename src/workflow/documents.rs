//! The documents of an application: attaching an uploaded file and removing one. The bytes live
//! in the `DocumentStore` under their SHA-256, the rows in `db::documents`; only the group's
//! members change them, and only while the application is editable.

use uuid::Uuid;

use super::access::Access;
use super::unit::Work;
use crate::config::DocumentLimits;
use crate::db::DbConnection;
use crate::db::applications::Application;
use crate::db::documents::{self, Document, NewDocument};
use crate::db::events::NewEvent;
use crate::domain::document::DocumentKind;
use crate::domain::event::EventAction;
use crate::domain::workflow::{Actor, EventType, MEMBERS};
use crate::error::{AppError, ProblemCode};
use crate::storage::{DocumentStore, Staged};
use crate::webhooks::payload::DocumentChange;

/// An uploaded file, checked and staged on disk, with what the uploader said of it.
pub struct Upload {
    pub id: Uuid,
    pub kind: DocumentKind,
    pub filename: String,
    pub content_type: &'static str,
    pub size_bytes: i64,
    pub sha256: String,
    pub staged: Staged,
}

/// The application, if the caller may change its documents now, and as whom: 404 when the
/// caller cannot see it, 403 when it is not a member of the group, 409 `not_editable` outside
/// `draft` and `info_requested`.
pub fn editable_by_member(
    conn: &mut DbConnection,
    access: &Access,
    id: Uuid,
) -> Result<(Application, Actor), AppError> {
    let application = access.load(conn, id)?;
    let actor = access.require(&application, MEMBERS)?;
    if !application.status.is_editable() {
        return Err(AppError::Conflict(ProblemCode::NotEditable));
    }
    Ok((application, actor))
}

/// The bytes application `id` may still take in documents, if the caller may add one now: the
/// refusals of `editable_by_owner`, then 409 `too_many_documents` when it has as many as
/// `limits` allow and 413 `documents_too_large` when their total leaves no room. Before an
/// upload is read; `attach` checks again, with the file's size, under the application's lock.
pub fn room_for_upload(
    conn: &mut DbConnection,
    access: &Access,
    id: Uuid,
    limits: DocumentLimits,
) -> Result<u64, AppError> {
    editable_by_member(conn, access, id)?;
    room(conn, id, limits, 1)
}

/// The bytes left for documents of application `id` once one of `incoming` bytes is added, or
/// why it may not be added.
fn room(
    conn: &mut DbConnection,
    id: Uuid,
    limits: DocumentLimits,
    incoming: u64,
) -> Result<u64, AppError> {
    let (count, total) = documents::holdings(conn, id)?;
    if count >= u64::from(limits.per_application) {
        return Err(AppError::Conflict(ProblemCode::TooManyDocuments));
    }
    let left = limits.bytes_per_application.saturating_sub(total);
    if incoming > left {
        return Err(AppError::TooLarge(ProblemCode::DocumentsTooLarge));
    }
    Ok(left)
}

/// Attaches `upload` to application `id`, if it still has room for it (409
/// `too_many_documents`, 413 `documents_too_large`): the file goes into the store before the
/// row that names it, under the lock that removal takes too. If the unit fails afterwards, the caller
/// removes the unreferenced file (`DocumentStore::remove_if_unreferenced`).
pub fn attach(
    work: &mut Work<'_>,
    access: &Access,
    id: Uuid,
    store: &DocumentStore,
    limits: DocumentLimits,
    upload: Upload,
) -> Result<Document, AppError> {
    // The application's row first: a submission waits for this unit or this one for it, so the
    // check below sees the status that holds at the commit. Again, then: the application may
    // have been submitted, or filled, since the upload began.
    documents::lock_application(work, id)?;
    let (application, actor) = editable_by_member(work, access, id)?;
    let uploaded_by = access.user_id.ok_or(AppError::Forbidden)?;
    room(
        work,
        id,
        limits,
        u64::try_from(upload.size_bytes).unwrap_or(u64::MAX),
    )?;
    documents::lock_content(work, &upload.sha256)?;
    upload
        .staged
        .persist(store)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("storing a document")))?;
    let created_at = work.now();
    let document = documents::insert(
        work,
        &NewDocument {
            id: upload.id,
            application_id: id,
            kind: upload.kind,
            filename: &upload.filename,
            content_type: upload.content_type,
            size_bytes: upload.size_bytes,
            sha256: &upload.sha256,
            uploaded_by,
            created_at,
        },
    )?;
    work.record(document_event(
        &application,
        (uploaded_by, actor),
        EventAction::UploadDocument,
        &document,
    ));
    work.announce(EventType::DocumentUploaded, &DocumentChange::of(&document))?;
    Ok(document)
}

/// The audit event of adding or removing `document`: which file it was, by id, kind, name,
/// size and content hash.
fn document_event(
    application: &Application,
    (actor_id, actor_role): (Uuid, Actor),
    action: EventAction,
    document: &Document,
) -> NewEvent {
    NewEvent {
        application_id: application.id,
        actor_id: Some(actor_id),
        actor_role,
        action,
        from_status: Some(application.status),
        to_status: application.status,
        reason_code: None,
        reason: Some(format!(
            "{} {} \"{}\" ({} bytes, sha256 {})",
            document.id,
            document.kind.as_str(),
            document.filename,
            document.size_bytes,
            document.sha256
        )),
    }
}

/// Removes document `doc_id` of application `id`, and its file when no other document names
/// the same bytes.
pub fn remove(
    work: &mut Work<'_>,
    access: &Access,
    id: Uuid,
    doc_id: Uuid,
    store: &DocumentStore,
) -> Result<(), AppError> {
    // As in `attach`: a submission and a removal do not overlap.
    documents::lock_application(work, id)?;
    let (application, actor) = editable_by_member(work, access, id)?;
    let actor_id = access.user_id.ok_or(AppError::Forbidden)?;
    let document = documents::find(work, id, doc_id)?.ok_or(AppError::NotFound)?;
    // Under the content lock, so that an upload of the same bytes waits and then finds the file
    // gone and puts it back. Should the commit fail after the file was removed, the row would
    // name a missing file: a rare 500 on download, never another document's bytes.
    documents::lock_content(work, &document.sha256)?;
    documents::delete(work, doc_id)?;
    work.record(document_event(
        &application,
        (actor_id, actor),
        EventAction::DeleteDocument,
        &document,
    ));
    work.announce(EventType::DocumentDeleted, &DocumentChange::of(&document))?;
    store
        .remove_if_unreferenced(work, &document.sha256)
        .map(drop)
}
