//! The daily digest: once a day, from 08:00 China time, each member of staff who works in some
//! city (reviewers, and admins given cities) and has not turned it off is mailed what waits on
//! them there (`Status::waits_on`: a reviewer's is what reviewers can move on, an admin's also
//! the shortlisted and the signed letters): how many, how many overdue, and the first `ITEMS`
//! (overdue first, then the longest waiting). Nothing is sent to someone whose queue is empty. Admins without cities get
//! none: they see every city's queue at `GET /me/queue`.
//!
//! Safe with several replicas: a person's day is claimed (`users.digest_sent_on`) in the
//! transaction that queues the mail, by an update guarded on the day, so of two processes only
//! one sends it; a day whose queue was empty is claimed too, so it is decided once.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::deadlines::Deadlines;
use super::recipients::city_name;
use super::unit::Work;
use super::writer::Writer;
use crate::db::applications::{self, ListQuery, Visibility};
use crate::db::users;
use crate::domain::sla::{CHINA_TIME, digest_day};
use crate::domain::workflow::Actor;
use crate::error::AppError;
use crate::jobs::{Job, JobKind, Progress};
use crate::mail::Message;
use crate::mail::templates::{CityName, DigestItem};

/// Applications listed in one digest; the rest are counted.
pub const ITEMS: i64 = 20;
/// People looked at per query.
const BATCH: i64 = 50;

/// Sends every digest due at the writer's clock; returns how many were queued. Tests call it
/// directly, at a time they set.
pub async fn run(writer: &Writer) -> Result<usize, AppError> {
    let now = writer.clock().now();
    let Some(day) = digest_day(now) else {
        return Ok(0);
    };
    let mut sent = 0;
    loop {
        let due = writer
            .db()
            .run(move |conn| users::digest_due(conn, day, BATCH))
            .await?;
        let mut decided = 0;
        for id in due {
            match writer.write(move |work| send(work, id, day)).await? {
                Decided::Sent => {
                    sent += 1;
                    decided += 1;
                }
                Decided::NothingWaits => decided += 1,
                Decided::NotMine => {}
            }
        }
        // Every person listed is decided here or by another process: a batch that decides none
        // means the rest are someone else's now.
        if decided == 0 {
            return Ok(sent);
        }
    }
}

enum Decided {
    Sent,
    NothingWaits,
    /// Another process claimed the day first, or the person no longer wants the digest.
    NotMine,
}

/// Claims `day` for the person `id` and queues the digest if anything waits on them.
fn send(work: &mut Work<'_>, id: Uuid, day: NaiveDate) -> Result<Decided, AppError> {
    if !users::claim_digest(work, id, day)? {
        return Ok(Decided::NotMine);
    }
    let Some(person) = users::find(work, id)? else {
        return Ok(Decided::NotMine);
    };
    let cities = users::city_codes(work, id)?;
    let now = work.now();
    let deadlines = Deadlines::read(work, now)?;
    let Some(actor) = Actor::staff(person.role) else {
        return Ok(Decided::NothingWaits);
    };
    let queue = |overdue: Option<bool>| ListQuery {
        overdue: overdue.map(|overdue| deadlines.staff_filter(overdue)),
        ..ListQuery::waiting(Visibility::Cities(cities.clone()), actor)
    };
    let waiting = applications::count(work, &queue(None))?;
    if waiting == 0 {
        return Ok(Decided::NothingWaits);
    }
    let overdue = applications::count(work, &queue(Some(true)))?;
    let mut listed = applications::list(work, &queue(Some(true)), None, ITEMS)?;
    let room = ITEMS - i64::try_from(listed.len()).unwrap_or(ITEMS);
    if room > 0 {
        listed.extend(applications::list(work, &queue(Some(false)), None, room)?);
    }
    let mut names: BTreeMap<String, CityName> = BTreeMap::new();
    let mut items = Vec::with_capacity(listed.len());
    for application in listed {
        if !names.contains_key(&application.city_code) {
            let name = city_name(work, &application.city_code)?;
            names.insert(application.city_code.clone(), name);
        }
        let wait = deadlines.staff_wait(&application);
        items.push(DigestItem {
            application_id: application.id,
            city: names
                .get(&application.city_code)
                .cloned()
                .unwrap_or_else(|| CityName::One(application.city_code.clone())),
            group: application.dealer_group_name,
            status: application.status,
            waiting_since: china_time(application.status_since),
            due_at: wait.due_at.map(china_time),
            overdue: wait.overdue,
        });
    }
    let message = Message::DailyDigest {
        name: person.display_name,
        day: day.format("%Y-%m-%d").to_string(),
        waiting,
        overdue,
        items,
    };
    work.mail(person.email, person.locale, message);
    Ok(Decided::Sent)
}

/// `at` as the recruitment team reads it: China time, to the minute.
fn china_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&CHINA_TIME)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The job that sends the digests, every `Config::digest_interval`: outside 08:00–24:00 China time, or
/// once everyone's day is done, a round is one cheap query.
pub struct Digest {
    pub writer: Writer,
}

impl Job for Digest {
    const KIND: JobKind = JobKind::Digest;

    async fn round(&self, progress: &Progress) -> Result<usize, AppError> {
        let _in_flight = progress.start();
        run(&self.writer).await
    }
}
