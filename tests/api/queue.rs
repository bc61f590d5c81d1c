//! The staff queue (`GET /me/queue`), the SLA days and what applications say of their wait,
//! the mails to reviewers when an application comes in, and the daily digest.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use dealer_portal::clock::Clock;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::*;
use crate::review::{act, moved};
use crate::stories::{Applicant, SUZHOU};
use crate::webhooks::integrator;

const NINGBO: &str = "330200";
const TO_REVIEW: &str = "New application to review";
const ANSWERED: &str = "has sent the requested information";

fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a time, not {value}"))
        .parse()
        .unwrap()
}

/// The ids of a page's items, in order.
fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn me(app: &TestApp, token: &str) -> Response {
    app.get("/api/v1/me", Some(token)).await
}

/// PATCHes the caller's own account with `If-Match: *`.
async fn patch_me(app: &TestApp, token: &str, body: Value) -> Response {
    app.patch("/api/v1/me", Some(token), Some("*"), &body).await
}

async fn put_sla(app: &TestApp, token: &str, if_match: Option<&str>, body: &Value) -> Response {
    let mut request = app
        .request(Method::PUT, "/api/v1/sla", Some(token))
        .json(body);
    if let Some(version) = if_match {
        request = request.header("If-Match", version);
    }
    request.send().await.unwrap()
}

impl TestApp {
    /// An applicant with a group (USCC from `uscc_body`) whose application for `city` is
    /// submitted; takes the receipt, and the mail of each of `reviewers` (addresses).
    async fn submitted_in(
        &self,
        email: &str,
        uscc_body: &str,
        city: &str,
        reviewers: &[&str],
    ) -> (Applicant, String) {
        let (token, _) = self.applicant_with_group(email, uscc_body).await;
        let owner = Applicant {
            email: email.to_owned(),
            token,
        };
        let id = self.submitted_application(&owner, city, "en").await;
        for reviewer in reviewers {
            self.smtp.wait_for(reviewer, TO_REVIEW).await;
        }
        (owner, id)
    }
}

db_test!(
    async fn the_queue_is_the_callers_cities_longest_waiting_first(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let suzhou = app.reviewer(&admin, "sz@maker.example", &[SUZHOU]).await;
        let ningbo = app.reviewer(&admin, "nb@maker.example", &[NINGBO]).await;
        let mut suzhou_ids = Vec::new();
        for n in 1..=3 {
            let (_, id) = app
                .submitted_in(
                    &format!("o{n}@dealer.example"),
                    &format!("9132050012345670{n}"),
                    SUZHOU,
                    &["sz@maker.example"],
                )
                .await;
            suzhou_ids.push(id);
            app.clock.advance(Duration::minutes(5));
        }
        let (owner, ningbo_id) = app
            .submitted_in(
                "o4@dealer.example",
                "91330200123456704",
                NINGBO,
                &["nb@maker.example"],
            )
            .await;
        // A draft waits on nobody.
        app.draft_application(&owner.token, SUZHOU).await;

        // Oldest first, two at a time.
        let first = app
            .get_json("/api/v1/me/queue?limit=2", Some(&suzhou))
            .await;
        assert_eq!(ids(&first), suzhou_ids[..2]);
        let item = &first["items"][0];
        assert_eq!(item["status"], "submitted");
        assert_eq!(
            time(&item["due_at"]),
            time(&item["waiting_since"]) + Duration::days(2)
        );
        assert_eq!(item["overdue"], false);
        assert!(item["allowed_actions"].is_array());
        let cursor = first["next_cursor"].as_str().unwrap();
        let second = app
            .get_json(
                &format!("/api/v1/me/queue?limit=2&cursor={cursor}"),
                Some(&suzhou),
            )
            .await;
        assert_eq!(ids(&second), suzhou_ids[2..]);
        assert!(second["next_cursor"].is_null());

        // A reviewer sees its cities only; an admin every city, and may pick one.
        let theirs = app.get_json("/api/v1/me/queue", Some(&ningbo)).await;
        assert_eq!(ids(&theirs), [ningbo_id.as_str()]);
        let all = app.get_json("/api/v1/me/queue", Some(&admin)).await;
        assert_eq!(ids(&all).len(), 4);
        assert_eq!(ids(&all)[3], ningbo_id);
        let one_city = app
            .get_json(&format!("/api/v1/me/queue?city={NINGBO}"), Some(&admin))
            .await;
        assert_eq!(ids(&one_city), [ningbo_id.as_str()]);
        let not_mine = app
            .get_json(&format!("/api/v1/me/queue?city={NINGBO}"), Some(&suzhou))
            .await;
        assert_eq!(ids(&not_mine), Vec::<String>::new());

        // Starting the review assigns the reviewer: `assigned_to=me` finds it, and the
        // application waits again, now in review, at the end of the queue.
        moved(
            act(
                app,
                &suzhou,
                &suzhou_ids[0],
                json!({"action": "start_review"}),
            )
            .await,
            "under_review",
        )
        .await;
        let mine = app
            .get_json("/api/v1/me/queue?assigned_to=me", Some(&suzhou))
            .await;
        assert_eq!(ids(&mine), [suzhou_ids[0].as_str()]);
        let item = &mine["items"][0];
        assert_eq!(
            time(&item["due_at"]),
            time(&item["waiting_since"]) + Duration::days(10)
        );
        let again = app.get_json("/api/v1/me/queue", Some(&suzhou)).await;
        assert_eq!(
            ids(&again),
            [
                suzhou_ids[1].as_str(),
                suzhou_ids[2].as_str(),
                suzhou_ids[0].as_str()
            ]
        );

        // Not a queue for applicants or integrators.
        assert_problem(
            app.get("/api/v1/me/queue", Some(&owner.token)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        let (_, client) = integrator(app, &admin, json!(["applications:read"])).await;
        assert_problem(
            app.get("/api/v1/me/queue", Some(&client)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.get("/api/v1/me/queue?limit=0", Some(&suzhou)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
    }
);

db_test!(
    async fn waiting_since_follows_each_move_and_applicants_see_no_sla(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let staff_view = app.get_json(&r.path(""), Some(&r.reviewer)).await;
        let submitted_at = time(&staff_view["waiting_since"]);
        assert_eq!(time(&staff_view["submitted_at"]), submitted_at);
        // The applicant is told neither staff's SLA nor when review's inner steps began.
        let own = app.get_json(&r.path(""), Some(&r.owner)).await;
        assert_eq!(own["status"], "under_review");
        assert!(
            own["waiting_since"].is_null() && own["due_at"].is_null(),
            "{own}"
        );
        assert_eq!(own["overdue"], false);

        app.clock.advance(Duration::hours(3));
        app.info_requested(&r, "Please send the lease.").await;
        let asked = app.get_json(&r.path(""), Some(&r.reviewer)).await;
        let asked_at = time(&asked["waiting_since"]);
        assert_eq!(asked_at, submitted_at + Duration::hours(3));
        assert!(asked["due_at"].is_null(), "the applicant's turn: {asked}");
        let own = app.get_json(&r.path(""), Some(&r.owner)).await;
        assert_eq!(time(&own["waiting_since"]), asked_at);
        assert!(own["due_at"].is_null());

        app.clock.advance(Duration::days(1));
        moved(
            act(app, &r.owner, &r.id, json!({"action": "resubmit"})).await,
            "under_review",
        )
        .await;
        // Nobody was assigned: every reviewer of the city hears of it.
        app.smtp.wait_for("reviewer@maker.example", ANSWERED).await;
        let again = app.get_json(&r.path(""), Some(&r.admin)).await;
        let resubmitted_at = time(&again["waiting_since"]);
        assert_eq!(resubmitted_at, asked_at + Duration::days(1));
        assert_eq!(time(&again["due_at"]), resubmitted_at + Duration::days(10));
        let listed = app.get_json("/api/v1/applications", Some(&r.admin)).await;
        assert_eq!(time(&listed["items"][0]["waiting_since"]), resubmitted_at);
    }
);

db_test!(
    async fn admins_tune_the_sla_and_overdue_follows(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let res = app.get("/api/v1/sla", Some(&r.reviewer)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["etag"], "\"1\"");
        let sla: Value = res.json().await.unwrap();
        assert_eq!(
            sla["days"],
            json!({"submitted": 2, "under_review": 10, "shortlisted": 7, "loi_signed": 5})
        );
        assert_eq!(sla["version"], 1);
        assert_problem(
            app.get("/api/v1/sla", Some(&r.owner)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;

        // Three days on, the submission is past its two days.
        app.clock.advance(Duration::days(3));
        let late = app.get_json(&r.path(""), Some(&r.reviewer)).await;
        assert_eq!(late["overdue"], true);
        let overdue = app
            .get_json("/api/v1/applications?overdue=true", Some(&r.reviewer))
            .await;
        assert_eq!(ids(&overdue), [r.id.as_str()]);
        let on_time = app
            .get_json("/api/v1/applications?overdue=false", Some(&r.reviewer))
            .await;
        assert_eq!(ids(&on_time), Vec::<String>::new());
        // Applicants are never overdue.
        let own = app
            .get_json("/api/v1/applications?overdue=true", Some(&r.owner))
            .await;
        assert_eq!(ids(&own), Vec::<String>::new());
        let own = app
            .get_json("/api/v1/applications?overdue=false", Some(&r.owner))
            .await;
        assert_eq!(ids(&own), [r.id.as_str()]);
        assert_eq!(own["items"][0]["overdue"], false);

        let days = json!({"days": {"submitted": 5, "under_review": 10, "shortlisted": 7, "loi_signed": 5}});
        assert_problem(
            put_sla(app, &r.reviewer, Some("\"1\""), &days).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            put_sla(app, &r.admin, None, &days).await,
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
        )
        .await;
        assert_problem(
            put_sla(app, &r.admin, Some("\"7\""), &days).await,
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
        )
        .await;
        let bad = json!({"days": {"submitted": 0, "under_review": 366, "shortlisted": "a week", "onboarding": 3}});
        let problem = assert_problem(
            put_sla(app, &r.admin, Some("\"1\""), &bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let mut codes = error_codes(&problem);
        codes.sort();
        assert_eq!(
            codes,
            [
                ("days.loi_signed".to_owned(), "required".to_owned()),
                ("days.onboarding".to_owned(), "unknown_field".to_owned()),
                ("days.shortlisted".to_owned(), "invalid_type".to_owned()),
                ("days.submitted".to_owned(), "range".to_owned()),
                ("days.under_review".to_owned(), "range".to_owned()),
            ]
        );
        // Nothing was written.
        assert_eq!(
            app.get_json("/api/v1/sla", Some(&r.admin)).await["version"],
            1
        );

        let res = put_sla(app, &r.admin, Some("\"1\""), &days).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["etag"], "\"2\"");
        let now: Value = res.json().await.unwrap();
        assert_eq!(now["days"]["submitted"], 5);
        let relaxed = app.get_json(&r.path(""), Some(&r.reviewer)).await;
        assert_eq!(relaxed["overdue"], false);
        assert_eq!(
            time(&relaxed["due_at"]),
            time(&relaxed["waiting_since"]) + Duration::days(5)
        );
        let overdue = app
            .get_json("/api/v1/applications?overdue=true", Some(&r.reviewer))
            .await;
        assert_eq!(ids(&overdue), Vec::<String>::new());
        let queue = app.get_json("/api/v1/me/queue", Some(&r.reviewer)).await;
        assert_eq!(queue["items"][0]["overdue"], false);
        // The version read before is gone.
        assert_problem(
            put_sla(app, &r.admin, Some("\"1\""), &days).await,
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
        )
        .await;
    }
);

db_test!(
    async fn a_submission_mails_the_assignees_or_else_every_reviewer_of_the_city(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let english = app.reviewer(&admin, "en@maker.example", &[SUZHOU]).await;
        let chinese = app.reviewer(&admin, "zh@maker.example", &[SUZHOU]).await;
        let res = patch_me(app, &chinese, json!({"locale": "zh-CN"})).await;
        assert_eq!(res.status(), StatusCode::OK);
        app.reviewer(&admin, "nb@maker.example", &[NINGBO]).await;

        let (owner, id) = app
            .submitted_in("owner@dealer.example", "91320500123456788", SUZHOU, &[])
            .await;
        let link = format!("http://portal.test/applications/{id}");
        let mail = app.smtp.wait_for("en@maker.example", TO_REVIEW).await;
        let [first, second] = mail.text_sections()[..] else {
            panic!("{}", mail.text)
        };
        assert!(
            first.contains("has submitted an application for Suzhou") && first.contains(&link),
            "{first}"
        );
        assert!(
            second.contains("已提交在苏州的合作申请") && second.contains(&link),
            "{second}"
        );
        assert!(mail.html.contains(&id), "{}", mail.html);
        let mail = app
            .smtp
            .wait_for("zh@maker.example", "新的待审核申请")
            .await;
        let [first, second] = mail.text_sections()[..] else {
            panic!("{}", mail.text)
        };
        assert!(
            first.contains("苏州") && second.contains("Suzhou"),
            "{}",
            mail.text
        );
        // Ningbo's reviewer hears nothing (the end of the test checks that no mail is left).

        // Once someone is assigned, only the assignees hear of a resubmission.
        moved(
            act(app, &english, &id, json!({"action": "start_review"})).await,
            "under_review",
        )
        .await;
        moved(
            act(
                app,
                &english,
                &id,
                json!({"action": "request_info", "message": "The lease, please."}),
            )
            .await,
            "info_requested",
        )
        .await;
        app.smtp
            .wait_for(&owner.email, "More information needed")
            .await;
        moved(
            act(app, &owner.token, &id, json!({"action": "resubmit"})).await,
            "under_review",
        )
        .await;
        let mail = app.smtp.wait_for("en@maker.example", ANSWERED).await;
        assert!(mail.text.contains(&link));
    }
);

/// The next `hh:mm` China time after the app's clock, in UTC.
fn next_china(app: &TestApp, hour: u32, minute: u32) -> DateTime<Utc> {
    let china = app.clock.now() + Duration::hours(8);
    let day = china.date_naive() + Duration::days(1);
    day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap())
        .and_utc()
        - Duration::hours(8)
}

async fn run_digest(app: &TestApp) -> usize {
    dealer_portal::workflow::digest::run(&app.state.writer)
        .await
        .unwrap()
}

db_test!(
    async fn the_digest_goes_once_a_day_to_staff_with_work_waiting(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let wants = app.reviewer(&admin, "sz@maker.example", &[SUZHOU]).await;
        let declines = app.reviewer(&admin, "off@maker.example", &[SUZHOU]).await;
        app.reviewer(&admin, "nb@maker.example", &[NINGBO]).await;
        let reviewers = ["sz@maker.example", "off@maker.example"];

        // The setting: staff see it and change it; applicants have none.
        let res = me(app, &declines).await;
        assert!(res.headers().contains_key("etag"));
        let account: Value = res.json().await.unwrap();
        assert_eq!(account["daily_digest"], true);
        let version = account["version"].as_i64().unwrap();
        let off = json!({"daily_digest": false});
        assert_problem(
            app.patch("/api/v1/me", Some(&declines), None, &off).await,
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
        )
        .await;
        let stale = format!("\"{}\"", version + 5);
        assert_problem(
            app.patch("/api/v1/me", Some(&declines), Some(&stale), &off)
                .await,
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
        )
        .await;
        let res = app
            .patch(
                "/api/v1/me",
                Some(&declines),
                Some(&format!("\"{version}\"")),
                &off,
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let account: Value = res.json().await.unwrap();
        assert_eq!(account["daily_digest"], false);
        assert_eq!(account["version"], version + 1);
        let bad = json!({"display_name": "", "locale": "fr", "daily_digest": "no"});
        let problem = assert_problem(
            patch_me(app, &wants, bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let mut fields = error_fields(&problem);
        fields.sort();
        assert_eq!(fields, ["daily_digest", "display_name", "locale"]);

        let (first, _) = app
            .submitted_in("o1@dealer.example", "91320500123456701", SUZHOU, &reviewers)
            .await;
        app.clock.advance(Duration::minutes(10));
        app.submitted_in("o2@dealer.example", "91320500123456702", SUZHOU, &reviewers)
            .await;
        let applicant = app.get_json("/api/v1/me", Some(&first.token)).await;
        assert!(applicant.get("daily_digest").is_none(), "{applicant}");
        let problem = assert_problem(
            patch_me(app, &first.token, json!({"daily_digest": true})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error_codes(&problem),
            [("daily_digest".to_owned(), "unknown_field".to_owned())]
        );
        let renamed: Value = patch_me(app, &first.token, json!({"display_name": "Zhao Lei"}))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(renamed["display_name"], "Zhao Lei");

        // Before 08:00 in China nothing goes out.
        app.clock.set(next_china(app, 7, 59));
        assert_eq!(run_digest(app).await, 0);
        // From 08:00: once, to the Suzhou reviewer who wants it; not to the one who turned it
        // off, nor to Ningbo's, whose queue is empty, nor to the admin, who has no cities.
        app.clock.set(next_china(app, 8, 0) - Duration::days(1));
        assert_eq!(run_digest(app).await, 1);
        let mail = app
            .smtp
            .wait_for("sz@maker.example", "2 waiting, 0 overdue")
            .await;
        let [first_part, second_part] = mail.text_sections()[..] else {
            panic!("{}", mail.text)
        };
        assert!(
            first_part.contains("o1@dealer.example 集团 · Submitted"),
            "{first_part}"
        );
        assert!(
            first_part.find("o1@dealer.example").unwrap()
                < first_part.find("o2@dealer.example").unwrap()
        );
        assert!(
            first_part.contains("http://portal.test/queue"),
            "{first_part}"
        );
        assert!(
            second_part.contains("2 份待处理") && second_part.contains("已提交"),
            "{second_part}"
        );
        assert_eq!(run_digest(app).await, 0);
        app.clock.advance(Duration::hours(12));
        assert_eq!(run_digest(app).await, 0);

        // Two mornings later, both submissions are past their two days.
        app.clock.advance(Duration::hours(24 + 12));
        assert_eq!(run_digest(app).await, 1);
        app.smtp
            .wait_for("sz@maker.example", "2 waiting, 2 overdue")
            .await;
        let again = app.get_json("/api/v1/me", Some(&wants)).await;
        assert_eq!(again["daily_digest"], true);
    }
);

db_test!(
    setup: Setup { digest_interval: Some(std::time::Duration::from_millis(200)), ..Setup::default() };
    async fn the_digest_job_runs_by_itself(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        app.reviewer(&admin, "sz@maker.example", &[SUZHOU]).await;
        app.clock.set(next_china(app, 6, 0));
        app.submitted_in("o1@dealer.example", "91320500123456701", SUZHOU, &["sz@maker.example"])
            .await;
        app.clock.advance(Duration::hours(3));
        app.smtp.wait_for("sz@maker.example", "1 waiting, 0 overdue").await;
    }
);

db_test!(
    async fn each_role_queues_what_it_can_move_on(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        app.shortlisted(&r).await;
        // Only an admin offers the letter: the shortlisted application leaves reviewers' queue.
        let theirs = app.get_json("/api/v1/me/queue", Some(&r.reviewer)).await;
        assert_eq!(ids(&theirs), Vec::<String>::new());
        let admins = app.get_json("/api/v1/me/queue", Some(&r.admin)).await;
        assert_eq!(ids(&admins), [r.id.as_str()]);
        assert_eq!(admins["items"][0]["status"], "shortlisted");
        // The applicant reads it as in review, without when that step began.
        let own = app.get_json(&r.path(""), Some(&r.owner)).await;
        assert_eq!(own["status"], "under_review");
        assert!(own["waiting_since"].is_null(), "{own}");

        // An admin given a city gets its digest; the reviewer, with nothing to move, none.
        let admin_id = app.get_json("/api/v1/me", Some(&r.admin)).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let res = app
            .patch(
                &format!("/api/v1/staff/{admin_id}"),
                Some(&r.admin),
                Some("*"),
                &json!({"city_codes": [SUZHOU]}),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        app.clock.set(next_china(app, 8, 0));
        assert_eq!(run_digest(app).await, 1);
        // In the admin's language first (`create-admin` makes Chinese accounts).
        let mail = app
            .smtp
            .wait_for("lead@maker.example", "待审队列：1 份待处理，0 份已超期")
            .await;
        let [first_part, second_part] = mail.text_sections()[..] else {
            panic!("{}", mail.text)
        };
        assert!(first_part.contains("已入围"), "{first_part}");
        assert!(second_part.contains("Shortlisted"), "{second_part}");
    }
);

db_test!(
    async fn the_digest_lists_the_overdue_first_and_skips_who_turned_it_off(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let wants = app.reviewer(&admin, "sz@maker.example", &[SUZHOU]).await;
        let declines = app.reviewer(&admin, "off@maker.example", &[SUZHOU]).await;
        let reviewers = ["sz@maker.example", "off@maker.example"];
        let (_, older) = app
            .submitted_in("o1@dealer.example", "91320500123456701", SUZHOU, &reviewers)
            .await;
        moved(
            act(app, &wants, &older, json!({"action": "start_review"})).await,
            "under_review",
        )
        .await;
        app.clock.advance(Duration::days(3));
        app.submitted_in("o2@dealer.example", "91320500123456702", SUZHOU, &reviewers)
            .await;
        // Two mornings on, the newer submission is past its two days; the older application,
        // in review for ten, is not.
        app.clock.set(next_china(app, 8, 0) + Duration::days(2));
        // Turned off once due: none for that reviewer.
        let res = patch_me(app, &declines, json!({"daily_digest": false})).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(run_digest(app).await, 1);
        let mail = app
            .smtp
            .wait_for("sz@maker.example", "2 waiting, 1 overdue")
            .await;
        let first_part = mail.text_sections()[0];
        assert!(
            first_part.find("o2@dealer.example").unwrap()
                < first_part.find("o1@dealer.example").unwrap(),
            "{first_part}"
        );
        assert_eq!(run_digest(app).await, 0);
    }
);

db_test!(
    async fn the_queue_and_the_sla_refuse_whom_they_are_not_for(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        for path in ["/api/v1/me/queue", "/api/v1/sla"] {
            assert_problem(
                app.get(path, None).await,
                StatusCode::UNAUTHORIZED,
                "unauthorized",
            )
            .await;
        }
        let days = json!({"days": {"submitted": 5, "under_review": 10, "shortlisted": 7, "loi_signed": 5}});
        assert_problem(
            put_sla(app, &r.owner, Some("\"1\""), &days).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        let (_, client) = integrator(app, &r.admin, json!(["applications:read"])).await;
        assert_problem(
            app.get("/api/v1/sla", Some(&client)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            patch_me(app, &client, json!({"display_name": "Robot"})).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        let problem = assert_problem(
            app.get("/api/v1/applications?overdue=maybe", Some(&r.reviewer))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["overdue"]);
    }
);
