//! The tamper-evident audit chain. Every event's hash covers its own canonical form and the hash
//! of the event before it, across all applications, so that changing or removing any stored
//! event breaks every hash after it.

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event as the chain sees it: every stored field but the hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainedFields<'a> {
    pub id: Uuid,
    pub seq: i64,
    pub application_id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_role: &'a str,
    pub action: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: &'a str,
    pub reason_code: Option<&'a str>,
    pub reason: Option<&'a str>,
}

impl ChainedFields<'_> {
    /// One fixed text for the event: a JSON array in a fixed field order, times to the
    /// microsecond (what both databases store), so the same row always hashes the same.
    pub fn canonical(&self) -> String {
        serde_json::json!([
            self.id,
            self.seq,
            self.application_id,
            self.at.to_rfc3339_opts(SecondsFormat::Micros, true),
            self.actor_id,
            self.actor_role,
            self.action,
            self.from_status,
            self.to_status,
            self.reason_code,
            self.reason,
        ])
        .to_string()
    }

    /// The event's hash, chained to the hash of the event before it.
    pub fn hash(&self, prev_hash: &str) -> String {
        let mut digest = Sha256::new();
        digest.update(prev_hash.as_bytes());
        digest.update(b"\n");
        digest.update(self.canonical().as_bytes());
        hex(&digest.finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Walks the chain in `seq` order, one event at a time, remembering the first break.
#[derive(Debug)]
pub struct ChainWalk {
    expected_prev: String,
    last_seq: i64,
    pub events_checked: u64,
    pub first_broken: Option<Uuid>,
}

impl Default for ChainWalk {
    fn default() -> Self {
        Self {
            expected_prev: GENESIS_HASH.to_owned(),
            last_seq: 0,
            events_checked: 0,
            first_broken: None,
        }
    }
}

impl ChainWalk {
    /// Checks the next stored event: it must point at the previous event's hash, and its own
    /// stored hash must be what its fields hash to.
    pub fn check(&mut self, fields: &ChainedFields<'_>, prev_hash: &str, hash: &str) {
        self.events_checked += 1;
        let intact = prev_hash == self.expected_prev && fields.hash(prev_hash) == hash;
        if !intact && self.first_broken.is_none() {
            self.first_broken = Some(fields.id);
        }
        // Go on from what is stored, so that one altered row is reported once, at itself.
        self.expected_prev = hash.to_owned();
        self.last_seq = fields.seq;
    }

    /// Checks the end of the walk against the recorded head of the chain, which catches the
    /// removal of the newest events. `head_event` names the event the head says is last.
    pub fn finish(&mut self, head_seq: i64, head_hash: &str, head_event: Option<Uuid>) {
        let intact = head_seq == self.last_seq && head_hash == self.expected_prev;
        if !intact && self.first_broken.is_none() {
            self.first_broken = head_event;
        }
    }

    pub fn ok(&self) -> bool {
        self.first_broken.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64, reason: Option<&'static str>) -> ChainedFields<'static> {
        ChainedFields {
            id: Uuid::from_u128(seq as u128),
            seq,
            application_id: Uuid::from_u128(7),
            at: DateTime::from_timestamp(1_700_000_000 + seq, 123_456_000).unwrap_or_default(),
            actor_id: None,
            actor_role: "admin",
            action: "start_review",
            from_status: Some("submitted"),
            to_status: "under_review",
            reason_code: None,
            reason,
        }
    }

    /// Builds a chain of `n` events as stored rows: (fields, prev_hash, hash).
    fn chain(n: i64) -> Vec<(ChainedFields<'static>, String, String)> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let fields = event(seq, None);
                let hash = fields.hash(&prev);
                let row = (fields, prev.clone(), hash.clone());
                prev = hash;
                row
            })
            .collect()
    }

    fn walk(
        rows: &[(ChainedFields<'static>, String, String)],
        head: (i64, &str, Option<Uuid>),
    ) -> ChainWalk {
        let mut walk = ChainWalk::default();
        for (fields, prev, hash) in rows {
            walk.check(fields, prev, hash);
        }
        walk.finish(head.0, head.1, head.2);
        walk
    }

    #[test]
    fn an_intact_chain_verifies() {
        let rows = chain(5);
        let last = rows.last().map(|r| r.2.clone()).unwrap_or_default();
        let report = walk(&rows, (5, &last, Some(Uuid::from_u128(5))));
        assert!(report.ok());
        assert_eq!(report.events_checked, 5);
        let empty = walk(&[], (0, GENESIS_HASH, None));
        assert!(empty.ok());
    }

    #[test]
    fn an_edited_field_is_found_at_its_event() {
        let mut rows = chain(5);
        let last = rows.last().map(|r| r.2.clone()).unwrap_or_default();
        rows[2].0.reason = Some("edited");
        let report = walk(&rows, (5, &last, Some(Uuid::from_u128(5))));
        assert_eq!(report.first_broken, Some(Uuid::from_u128(3)));
    }

    #[test]
    fn a_recomputed_hash_breaks_the_next_link() {
        let mut rows = chain(5);
        let last = rows.last().map(|r| r.2.clone()).unwrap_or_default();
        rows[1].0.reason = Some("edited");
        rows[1].2 = rows[1].0.hash(&rows[1].1);
        let report = walk(&rows, (5, &last, Some(Uuid::from_u128(5))));
        assert_eq!(report.first_broken, Some(Uuid::from_u128(3)));
    }

    #[test]
    fn deleted_events_are_found() {
        let mut rows = chain(5);
        let last = rows.last().map(|r| r.2.clone()).unwrap_or_default();
        rows.remove(1);
        let report = walk(&rows, (5, &last, Some(Uuid::from_u128(5))));
        assert_eq!(report.first_broken, Some(Uuid::from_u128(3)));

        let mut rows = chain(5);
        rows.pop();
        let report = walk(&rows, (5, &last, Some(Uuid::from_u128(5))));
        assert_eq!(report.first_broken, Some(Uuid::from_u128(5)));
    }

    #[test]
    fn the_canonical_form_is_fixed() {
        assert_eq!(
            event(1, Some("a \"quoted\" 理由")).canonical(),
            r#"["00000000-0000-0000-0000-000000000001",1,"00000000-0000-0000-0000-000000000007","2023-11-14T22:13:21.123456Z",null,"admin","start_review","submitted","under_review",null,"a \"quoted\" 理由"]"#
        );
    }
}
