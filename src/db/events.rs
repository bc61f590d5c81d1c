//! The audit trail: application events, appended to one hash chain and never changed.
//! This module has no update or delete on purpose.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::{application_events, audit_chain_head};
use crate::domain::audit::{ChainWalk, ChainedFields};
use crate::domain::event::EventAction;
use crate::domain::workflow::{Actor, Status};
use crate::error::AppError;

/// What happened, by whom; the chain adds the time, the sequence number and the hashes.
#[derive(Debug)]
pub struct NewEvent {
    pub application_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub actor_role: Actor,
    pub action: EventAction,
    pub from_status: Option<Status>,
    pub to_status: Status,
    pub reason_code: Option<&'static str>,
    pub reason: Option<String>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = application_events)]
pub struct Event {
    pub id: String,
    pub seq: i64,
    pub application_id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason_code: Option<String>,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl Event {
    /// The fields the chain covers, as stored. A row whose ids do not parse cannot be intact,
    /// so they map to the nil id and fail verification instead of aborting it.
    fn chained(&self) -> ChainedFields<'_> {
        let uuid = |text: &str| text.parse().unwrap_or(Uuid::nil());
        ChainedFields {
            id: uuid(&self.id),
            seq: self.seq,
            application_id: uuid(&self.application_id),
            at: self.at.and_utc(),
            actor_id: self.actor_id.as_deref().map(uuid),
            actor_role: &self.actor_role,
            action: &self.action,
            from_status: self.from_status.as_deref(),
            to_status: &self.to_status,
            reason_code: self.reason_code.as_deref(),
            reason: self.reason.as_deref(),
        }
    }
}

/// Appends `event` to the chain. Call inside the transaction of the change it records.
pub fn append(
    conn: &mut DbConnection,
    event: &NewEvent,
    at: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    // Take the head's row lock before reading it: concurrent appends on PostgreSQL queue here
    // and each reads the head its predecessor committed (SQLite writers are serial anyway).
    diesel::update(audit_chain_head::table.find(1))
        .set(audit_chain_head::last_seq.eq(audit_chain_head::last_seq))
        .execute(conn)?;
    let (last_seq, last_hash): (i64, String) = audit_chain_head::table
        .find(1)
        .select((audit_chain_head::last_seq, audit_chain_head::last_hash))
        .first(conn)?;
    let id = Uuid::now_v7();
    let seq = last_seq + 1;
    // Both databases keep microseconds; hash exactly what will be read back.
    let at = at.trunc_subsecs(6);
    let fields = ChainedFields {
        id,
        seq,
        application_id: event.application_id,
        at,
        actor_id: event.actor_id,
        actor_role: event.actor_role.as_str(),
        action: event.action.as_str(),
        from_status: event.from_status.map(Status::as_str),
        to_status: event.to_status.as_str(),
        reason_code: event.reason_code,
        reason: event.reason.as_deref(),
    };
    let hash = fields.hash(&last_hash);
    diesel::insert_into(application_events::table)
        .values((
            application_events::id.eq(id.to_string()),
            application_events::seq.eq(seq),
            application_events::application_id.eq(event.application_id.to_string()),
            application_events::at.eq(at.naive_utc()),
            application_events::actor_id.eq(event.actor_id.map(|id| id.to_string())),
            application_events::actor_role.eq(fields.actor_role),
            application_events::action.eq(fields.action),
            application_events::from_status.eq(fields.from_status),
            application_events::to_status.eq(fields.to_status),
            application_events::reason_code.eq(event.reason_code),
            application_events::reason.eq(&event.reason),
            application_events::prev_hash.eq(&last_hash),
            application_events::hash.eq(&hash),
        ))
        .execute(conn)?;
    diesel::update(audit_chain_head::table.find(1))
        .set((
            audit_chain_head::last_seq.eq(seq),
            audit_chain_head::last_hash.eq(&hash),
            audit_chain_head::last_event_id.eq(id.to_string()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// An application's events in order, after `after_seq`, but those whose action is `unseen`.
pub fn list_for(
    conn: &mut DbConnection,
    application_id: Uuid,
    unseen: &[&str],
    since: Option<DateTime<Utc>>,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<Event>, AppError> {
    let mut query = application_events::table
        .filter(application_events::application_id.eq(application_id.to_string()))
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(application_events::at.ge(since.naive_utc()));
    }
    Ok(query
        .filter(application_events::action.ne_all(unseen))
        .filter(application_events::seq.gt(after_seq.unwrap_or(0)))
        .order(application_events::seq.asc())
        .limit(limit)
        .select(Event::as_select())
        .load(conn)?)
}

/// How many events one verification batch reads; the walk never holds more.
const VERIFY_BATCH: i64 = 1000;

/// Walks the whole chain in `seq` order and checks every link and the head.
pub fn verify(conn: &mut DbConnection) -> Result<ChainWalk, AppError> {
    // Read the head first and walk only up to it, so events appended meanwhile don't count as
    // a mismatch.
    let (head_seq, head_hash, head_event): (i64, String, Option<String>) = audit_chain_head::table
        .find(1)
        .select((
            audit_chain_head::last_seq,
            audit_chain_head::last_hash,
            audit_chain_head::last_event_id,
        ))
        .first(conn)?;
    let mut walk = ChainWalk::default();
    let mut after = 0;
    loop {
        let batch: Vec<Event> = application_events::table
            .filter(application_events::seq.gt(after))
            .filter(application_events::seq.le(head_seq))
            .order(application_events::seq.asc())
            .limit(VERIFY_BATCH)
            .select(Event::as_select())
            .load(conn)?;
        for event in &batch {
            walk.check(&event.chained(), &event.prev_hash, &event.hash);
        }
        match batch.last() {
            Some(last) if batch.len() as i64 == VERIFY_BATCH => after = last.seq,
            _ => break,
        }
    }
    walk.finish(
        head_seq,
        &head_hash,
        head_event.and_then(|id| id.parse().ok()),
    );
    Ok(walk)
}
