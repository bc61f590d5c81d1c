//! Letters of intent: the offer with its fixed document, the signature's evidence, the closing.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::lois;
use crate::domain::loi::{LoiStatus, LoiTerms};
use crate::error::AppError;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = lois)]
struct Row {
    application_id: String,
    status: String,
    valid_days: i32,
    stores: i32,
    terms_note: Option<String>,
    issued_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    document_html: String,
    document_sha256: String,
    signed_at: Option<NaiveDateTime>,
    signer_name: Option<String>,
    signer_title: Option<String>,
    signer_address: Option<String>,
    signer_user_agent: Option<String>,
    signature_page_html: Option<String>,
    signature_page_sha256: Option<String>,
    parties: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Loi {
    pub application_id: Uuid,
    pub status: LoiStatus,
    pub terms: LoiTerms,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub document_html: String,
    pub document_sha256: String,
    pub signed_at: Option<DateTime<Utc>>,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub signer_address: Option<String>,
    pub signer_user_agent: Option<String>,
    /// The signature page, fixed when the letter was signed (none for letters signed before
    /// signature pages existed).
    pub signature_page_html: Option<String>,
    pub signature_page_sha256: Option<String>,
    /// The parties as the letter names them (`loi::Parties`, JSON), kept when it was offered
    /// (none for letters offered before they were kept).
    pub parties: Option<String>,
}

fn from_row(row: Row) -> Result<Loi, AppError> {
    let corrupt =
        |what: &str| AppError::Internal(anyhow::anyhow!("loi {}: bad {what}", row.application_id));
    Ok(Loi {
        application_id: row.application_id.parse().map_err(|_| corrupt("id"))?,
        status: row.status.parse().map_err(|_| corrupt("status"))?,
        terms: LoiTerms {
            valid_days: row.valid_days,
            stores: row.stores,
            terms_note: row.terms_note,
        },
        issued_at: row.issued_at.and_utc(),
        expires_at: row.expires_at.and_utc(),
        document_html: row.document_html,
        document_sha256: row.document_sha256,
        signed_at: row.signed_at.map(|t| t.and_utc()),
        signer_name: row.signer_name,
        signer_title: row.signer_title,
        signer_address: row.signer_address,
        signer_user_agent: row.signer_user_agent,
        signature_page_html: row.signature_page_html,
        signature_page_sha256: row.signature_page_sha256,
        parties: row.parties,
    })
}

/// A letter as offered: the rendered document and its hash are fixed here for good.
pub struct NewLoi<'a> {
    pub application_id: Uuid,
    pub terms: &'a LoiTerms,
    pub issued_by: Uuid,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub document_html: &'a str,
    pub document_sha256: &'a str,
    pub parties: &'a str,
}

pub fn insert(conn: &mut DbConnection, loi: &NewLoi<'_>) -> Result<(), AppError> {
    diesel::insert_into(lois::table)
        .values((
            lois::application_id.eq(loi.application_id.to_string()),
            lois::status.eq(LoiStatus::Offered.as_str()),
            lois::valid_days.eq(loi.terms.valid_days),
            lois::stores.eq(loi.terms.stores),
            lois::terms_note.eq(loi.terms.terms_note.as_deref()),
            lois::issued_by.eq(loi.issued_by.to_string()),
            lois::issued_at.eq(loi.issued_at.naive_utc()),
            lois::expires_at.eq(loi.expires_at.naive_utc()),
            lois::document_html.eq(loi.document_html),
            lois::document_sha256.eq(loi.document_sha256),
            lois::parties.eq(loi.parties),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, application_id: Uuid) -> Result<Option<Loi>, AppError> {
    lois::table
        .find(application_id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(from_row)
        .transpose()
}

/// When the letters of `application_ids` expire, by application, in one query.
pub fn expiries(
    conn: &mut DbConnection,
    application_ids: &[Uuid],
) -> Result<HashMap<Uuid, DateTime<Utc>>, AppError> {
    let ids: Vec<String> = application_ids.iter().map(Uuid::to_string).collect();
    let letters: Vec<(String, NaiveDateTime)> = lois::table
        .filter(lois::application_id.eq_any(&ids))
        .select((lois::application_id, lois::expires_at))
        .load(conn)?;
    Ok(letters
        .into_iter()
        // Every id among them is one of ours, and so parses.
        .filter_map(|(id, expires_at)| Some((id.parse().ok()?, expires_at.and_utc())))
        .collect())
}

/// What is kept of a signature.
pub struct Signature<'a> {
    pub user_id: Uuid,
    pub name: &'a str,
    pub title: &'a str,
    pub document_sha256: &'a str,
    pub address: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

/// Keeps the signature's evidence and its signature page (`page`: its bytes and their SHA-256).
pub fn record_signature(
    conn: &mut DbConnection,
    application_id: Uuid,
    signature: &Signature<'_>,
    page: (&str, &str),
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    diesel::update(
        lois::table
            .find(application_id.to_string())
            .filter(lois::status.eq(LoiStatus::Offered.as_str())),
    )
    .set((
        lois::status.eq(LoiStatus::Signed.as_str()),
        lois::signed_at.eq(now.naive_utc()),
        lois::signer_user_id.eq(signature.user_id.to_string()),
        lois::signer_name.eq(signature.name),
        lois::signer_title.eq(signature.title),
        lois::signer_address.eq(signature.address),
        lois::signer_user_agent.eq(signature.user_agent),
        lois::closed_at.eq(now.naive_utc()),
        lois::signature_page_html.eq(page.0),
        lois::signature_page_sha256.eq(page.1),
    ))
    .execute(conn)?;
    Ok(())
}

/// Closes the application's open letter, if it has one.
pub fn close(
    conn: &mut DbConnection,
    application_id: Uuid,
    status: LoiStatus,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    diesel::update(
        lois::table
            .find(application_id.to_string())
            .filter(lois::status.eq(LoiStatus::Offered.as_str())),
    )
    .set((
        lois::status.eq(status.as_str()),
        lois::closed_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    Ok(())
}

/// Open letters whose time has run out, oldest first.
pub fn expired(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Uuid>, AppError> {
    let ids: Vec<String> = lois::table
        .filter(lois::status.eq(LoiStatus::Offered.as_str()))
        .filter(lois::expires_at.le(now.naive_utc()))
        .order(lois::expires_at.asc())
        .limit(limit)
        .select(lois::application_id)
        .load(conn)?;
    Ok(ids.into_iter().filter_map(|id| id.parse().ok()).collect())
}

/// Open letters expiring before `remind_before` whose applicant has not been reminded.
pub fn due_for_reminder(
    conn: &mut DbConnection,
    remind_before: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Uuid>, AppError> {
    let ids: Vec<String> = lois::table
        .filter(lois::status.eq(LoiStatus::Offered.as_str()))
        .filter(lois::expires_at.le(remind_before.naive_utc()))
        .filter(lois::reminder_sent_at.is_null())
        .order(lois::expires_at.asc())
        .limit(limit)
        .select(lois::application_id)
        .load(conn)?;
    Ok(ids.into_iter().filter_map(|id| id.parse().ok()).collect())
}

/// Marks the reminder as sent; false when another process did so first, so that one replica
/// sends it.
pub fn claim_reminder(
    conn: &mut DbConnection,
    application_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let updated = diesel::update(
        lois::table
            .find(application_id.to_string())
            .filter(lois::reminder_sent_at.is_null())
            .filter(lois::status.eq(LoiStatus::Offered.as_str())),
    )
    .set(lois::reminder_sent_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(updated == 1)
}
