//! Service levels: how many days staff have for an application in each status that waits on
//! them (`Status::waits_on_staff`), and when a person's daily digest of what waits is due.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::workflow::Status;

/// Days staff have for an application in each status that waits on them, counted from when it
/// entered the status (`waiting_since`). Every status that waits on staff has a field here and
/// no other does (a test keeps the two equal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"submitted": 2, "under_review": 10, "shortlisted": 7, "loi_signed": 5}))]
pub struct SlaDays {
    /// From submission (or resubmission) to the start of the review.
    #[validate(range(min = 1, max = 365))]
    #[schema(minimum = 1, maximum = 365)]
    pub submitted: i32,
    /// For the review itself, until a shortlist, a request for information or a rejection.
    #[validate(range(min = 1, max = 365))]
    #[schema(minimum = 1, maximum = 365)]
    pub under_review: i32,
    /// From the shortlist to the letter of intent (or a rejection).
    #[validate(range(min = 1, max = 365))]
    #[schema(minimum = 1, maximum = 365)]
    pub shortlisted: i32,
    /// From the applicant's signature to the start of onboarding.
    #[validate(range(min = 1, max = 365))]
    #[schema(minimum = 1, maximum = 365)]
    pub loi_signed: i32,
}

impl Default for SlaDays {
    /// The days the portal starts with.
    fn default() -> Self {
        Self {
            submitted: 2,
            under_review: 10,
            shortlisted: 7,
            loi_signed: 5,
        }
    }
}

impl SlaDays {
    /// The days of `status`; none for a status that does not wait on staff.
    pub fn of(&self, status: Status) -> Option<i32> {
        match status {
            Status::Submitted => Some(self.submitted),
            Status::UnderReview => Some(self.under_review),
            Status::Shortlisted => Some(self.shortlisted),
            Status::LoiSigned => Some(self.loi_signed),
            _ => None,
        }
    }

    /// Sets the days of `status` (read from storage); false for a status without days.
    pub fn set(&mut self, status: Status, days: i32) -> bool {
        let field = match status {
            Status::Submitted => &mut self.submitted,
            Status::UnderReview => &mut self.under_review,
            Status::Shortlisted => &mut self.shortlisted,
            Status::LoiSigned => &mut self.loi_signed,
            _ => return false,
        };
        *field = days;
        true
    }

    /// Each status that waits on staff with its days.
    pub fn entries(&self) -> Vec<(Status, i32)> {
        Status::waiting_on_staff()
            .filter_map(|status| self.of(status).map(|days| (status, days)))
            .collect()
    }

    /// When staff are due to have moved an application that entered `status` at `since`; none
    /// when the status does not wait on staff.
    pub fn due_at(&self, status: Status, since: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.of(status)
            .map(|days| since + Duration::days(i64::from(days)))
    }

    /// For each status that waits on staff, the `status_since` before which an application in
    /// it is overdue at `now`: overdue ⇔ `status_since < cutoff`, a comparison SQL can make.
    pub fn overdue_cutoffs(&self, now: DateTime<Utc>) -> Vec<(Status, DateTime<Utc>)> {
        self.entries()
            .into_iter()
            .map(|(status, days)| (status, now - Duration::days(i64::from(days))))
            .collect()
    }
}

/// China Standard Time (UTC+8, no daylight saving), the recruitment team's clock.
pub const CHINA_TIME: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// The hour (China time) from which a day's digest goes out.
pub const DIGEST_HOUR: u32 = 8;

/// The China date whose digest is due at `now`: today's from 08:00 China time, none before (a
/// day missed, say while the server was down, is not sent late the next morning).
pub fn digest_day(now: DateTime<Utc>) -> Option<NaiveDate> {
    let local = now.with_timezone(&CHINA_TIME);
    (local.hour() >= DIGEST_HOUR).then(|| local.date_naive())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn every_status_that_waits_on_staff_has_days_and_no_other() {
        let days = SlaDays::default();
        for status in Status::ALL {
            assert_eq!(
                status.waits_on_staff(),
                days.of(status).is_some(),
                "{status}"
            );
            let mut changed = days;
            assert_eq!(changed.set(status, 30), status.waits_on_staff(), "{status}");
            if status.waits_on_staff() {
                assert_eq!(changed.of(status), Some(30));
            }
        }
        assert_eq!(days.entries().len(), 4);
    }

    #[test]
    fn an_application_is_overdue_once_its_days_have_passed() {
        let days = SlaDays::default();
        let since = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let due = days.due_at(Status::Submitted, since).unwrap();
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 3, 4, 9, 0, 0).unwrap());
        assert_eq!(days.due_at(Status::InfoRequested, since), None);
        let cutoffs = days.overdue_cutoffs(due + Duration::seconds(1));
        let (_, cutoff) = cutoffs
            .iter()
            .find(|(status, _)| *status == Status::Submitted)
            .unwrap();
        assert!(since < *cutoff);
    }

    #[test]
    fn the_digest_day_starts_at_eight_in_china() {
        // 23:59 UTC is 07:59 the next day in China: not yet.
        let before = Utc.with_ymd_and_hms(2026, 3, 1, 23, 59, 0).unwrap();
        assert_eq!(digest_day(before), None);
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
        assert_eq!(digest_day(at), NaiveDate::from_ymd_opt(2026, 3, 2));
        let evening = Utc.with_ymd_and_hms(2026, 3, 2, 15, 59, 0).unwrap();
        assert_eq!(digest_day(evening), NaiveDate::from_ymd_opt(2026, 3, 2));
        let night = Utc.with_ymd_and_hms(2026, 3, 2, 16, 0, 0).unwrap();
        assert_eq!(digest_day(night), None);
    }
}
