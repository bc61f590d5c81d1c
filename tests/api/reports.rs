//! Reports and the CSV export: the funnel per city and status, a city's ranking of live
//! candidates, the streamed export, and who may see which.

use chrono::Duration;
use dealer_portal::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::applications::application;
use crate::db_test;
use crate::dealer_groups::{profile, uscc};
use crate::helpers::*;

const SUZHOU: &str = "320500";
const NINGBO: &str = "330200";

/// `Status::ALL`, in its order.
const STATUSES: [&str; 15] = [
    "draft",
    "submitted",
    "under_review",
    "info_requested",
    "shortlisted",
    "loi_offered",
    "loi_signed",
    "onboarding",
    "active",
    "rejected",
    "withdrawn",
    "loi_declined",
    "loi_expired",
    "loi_rescinded",
    "terminated",
];

/// The export's header row, in English and in Chinese: the same columns in the same order.
const CSV_HEADER_EN: [&str; 19] = [
    "Application ID",
    "Dealer group ID",
    "Dealer group",
    "USCC",
    "City code",
    "City",
    "Status code",
    "Status",
    "Score",
    "Eligible",
    "Planned investment (CNY)",
    "Planned opening date",
    "Proposed sites",
    "Contact name",
    "Contact mobile",
    "Contact e-mail",
    "Submitted (China time, UTC+8)",
    "Created (China time, UTC+8)",
    "Updated (China time, UTC+8)",
];
pub const CSV_HEADER_ZH: [&str; 19] = [
    "申请编号",
    "经销商集团编号",
    "经销商集团",
    "统一社会信用代码",
    "城市代码",
    "城市",
    "状态代码",
    "状态",
    "评分",
    "符合必要条件",
    "计划投资（元）",
    "计划开业日期",
    "拟选店址数",
    "联系人姓名",
    "联系人手机号",
    "联系人邮箱",
    "提交时间（北京时间）",
    "创建时间（北京时间）",
    "更新时间（北京时间）",
];

/// The full `by_status` array: every status, the given counts, zeros elsewhere.
fn by_status(counts: &[(&str, i64)]) -> Value {
    for (status, _) in counts {
        assert!(STATUSES.contains(status), "{status}");
    }
    STATUSES
        .iter()
        .map(|status| {
            let count = counts
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| *n);
            json!({"status": status, "count": count})
        })
        .collect()
}

/// A verified applicant owning a group named `legal_name`: (token, group id, USCC).
async fn group_named(
    app: &TestApp,
    email: &str,
    uscc_body: &str,
    legal_name: &str,
) -> (String, String, String) {
    let (owner, group) = app
        .applicant_with_named_group(email, "en", legal_name, uscc_body)
        .await;
    (owner.token, group, uscc(uscc_body))
}

/// A draft for `city`; `active_customers` sets the score (the test profile scores 45 before
/// customers: 0 below 5,000, 10 from 5,000, 20 from 20,000, 30 from 50,000). Returns its id.
async fn draft(app: &TestApp, token: &str, city: &str, active_customers: i64) -> String {
    let mut body = application(city);
    body["customer_base"]["active_customers"] = json!(active_customers);
    app.draft_from(token, &body).await
}

/// Moves application `id` (at `version`) by `action`, which must succeed.
async fn act(app: &TestApp, token: &str, id: &str, version: i64, action: &str) -> Value {
    let res = app
        .request(
            Method::POST,
            &format!("/api/v1/applications/{id}/transitions"),
            Some(token),
        )
        .header("If-Match", version.to_string())
        .json(&json!({"action": action}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    res.json().await.unwrap()
}

/// An integrator client with `scopes`: its access token.
async fn integrator(app: &TestApp, admin: &str, scopes: Value) -> String {
    let client: Value = app
        .post(
            "/api/v1/api-clients",
            Some(admin),
            &json!({"name": "BI tool", "scopes": scopes}),
        )
        .await
        .json()
        .await
        .unwrap();
    let token: Value = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"grant_type": "client_credentials", "client_id": client["client_id"], "client_secret": client["client_secret"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    access_token(&token)
}

async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

/// The CSV export: checks the framing (BOM, CRLF) and returns the header and the records.
async fn export(
    app: &TestApp,
    query: &str,
    token: &str,
    language: &str,
) -> (Vec<String>, Vec<Vec<String>>) {
    let res = app
        .request(
            Method::GET,
            &format!("/api/v1/applications/export.csv{query}"),
            Some(token),
        )
        .header("Accept-Language", language)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    // Named after China's calendar day, as the front end names the file it saves.
    let china = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let filename = format!(
        "applications-{}.csv",
        app.clock.now().with_timezone(&china).format("%Y%m%d")
    );
    assert_eq!(
        res.headers()["content-disposition"],
        format!("attachment; filename=\"{filename}\"").as_str()
    );
    let body = res.bytes().await.unwrap();
    let csv = body
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("the export starts with a UTF-8 byte-order mark");
    assert!(csv.ends_with(b"\r\n"), "every record ends in CRLF");
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(csv);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    // No line feed but the terminators: one CRLF per record and the header.
    let lines = csv.windows(2).filter(|w| w == b"\r\n").count();
    let bare = csv.iter().filter(|b| **b == b'\n').count();
    assert_eq!((lines, bare), (records.len() + 1, records.len() + 1));
    (header, records)
}

/// The cells of the column with the English header `name`, in a file of either language.
fn column(records: &[Vec<String>], name: &str) -> Vec<String> {
    let index = CSV_HEADER_EN.iter().position(|c| *c == name).unwrap();
    records.iter().map(|r| r[index].clone()).collect()
}

db_test!(
    async fn the_funnel_counts_every_status_and_the_ranking_orders_candidates(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let suzhou_reviewer = app
            .reviewer(&admin, "suzhou@maker.example", &[SUZHOU])
            .await;
        let ningbo_reviewer = app
            .reviewer(&admin, "ningbo@maker.example", &[NINGBO])
            .await;
        let (east, east_group, east_uscc) = group_named(
            app,
            "east@dealer.example",
            "91320500123456701",
            "Suzhou East Motors",
        )
        .await;
        let (west, west_group, _) = group_named(
            app,
            "west@dealer.example",
            "91320500123456702",
            "West Lake Auto",
        )
        .await;
        let (lake, lake_group, _) = group_named(
            app,
            "lake@dealer.example",
            "91320500123456703",
            "Taihu Auto",
        )
        .await;
        let (small, small_group, _) = group_named(
            app,
            "small@dealer.example",
            "91320500123456704",
            "Small Cars",
        )
        .await;
        let (quitter, _, _) = group_named(
            app,
            "quitter@dealer.example",
            "91320500123456705",
            "Quitter Motors",
        )
        .await;

        // Suzhou: four submitted (75, 65, 65 and an ineligible 45), one withdrawn, one draft.
        let east_sz = draft(app, &east, SUZHOU, 60_000).await;
        let west_sz = draft(app, &west, SUZHOU, 25_000).await;
        let lake_sz = draft(app, &lake, SUZHOU, 25_000).await;
        let mut tiny_site = application(SUZHOU);
        tiny_site["proposed_sites"][0]["site_area_sqm"] = json!(100.0);
        tiny_site["customer_base"]["active_customers"] = json!(1_000);
        let small_sz = app.draft_from(&small, &tiny_site).await;
        let quit_sz = draft(app, &quitter, SUZHOU, 25_000).await;
        act(app, &quitter, &quit_sz, 1, "withdraw").await;
        draft(app, &quitter, SUZHOU, 25_000).await;
        // Ningbo: one submitted, one draft.
        let east_nb = draft(app, &east, NINGBO, 25_000).await;
        draft(app, &small, NINGBO, 25_000).await;

        // West and Lake tie on 65: Lake, created later, submits first and so ranks first.
        let minute = chrono::Duration::minutes(1);
        for (token, id) in [
            (&east, &east_sz),
            (&lake, &lake_sz),
            (&west, &west_sz),
            (&small, &small_sz),
            (&east, &east_nb),
        ] {
            act(app, token, id, 1, "submit").await;
            app.clock.advance(minute);
        }
        // Each city's reviewer hears of each submission.
        for (reviewer, group) in [
            ("suzhou@maker.example", "Suzhou East Motors"),
            ("suzhou@maker.example", "Taihu Auto"),
            ("suzhou@maker.example", "West Lake Auto"),
            ("suzhou@maker.example", "Small Cars"),
            ("ningbo@maker.example", "Suzhou East Motors"),
        ] {
            let subject = format!("New application to review: {group}");
            app.smtp.wait_for(reviewer, &subject).await;
        }
        // Every submission is acknowledged; the quitter is told of its withdrawal.
        for (email, city) in [
            ("east@dealer.example", "Suzhou"),
            ("lake@dealer.example", "Suzhou"),
            ("west@dealer.example", "Suzhou"),
            ("small@dealer.example", "Suzhou"),
            ("east@dealer.example", "Ningbo"),
        ] {
            let subject = format!("We have received your application for {city}");
            app.smtp.wait_for(email, &subject).await;
        }
        app.smtp
            .wait_for("quitter@dealer.example", "has been withdrawn")
            .await;
        // East's top-100 claim (2025, rank 42) is verified by the list.
        let res = app
            .request(Method::PUT, "/api/v1/rankings/2025", Some(&admin))
            .json(&json!([{"rank": 42, "name": "Suzhou East Motors", "uscc": east_uscc}]))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);

        let suzhou = json!({
            "city_code": SUZHOU, "name_en": "Suzhou", "name_zh": "苏州", "quota": 2,
            "committed": 0, "total": 6,
            "by_status": by_status(&[("draft", 1), ("submitted", 4), ("withdrawn", 1)]),
        });
        let ningbo = json!({
            "city_code": NINGBO, "name_en": "Ningbo", "name_zh": "宁波", "quota": 2,
            "committed": 0, "total": 2,
            "by_status": by_status(&[("draft", 1), ("submitted", 1)]),
        });

        // Admins: every city of the plan, by code, zeros included.
        let report = get_json(app, "/api/v1/reports/funnel", &admin).await;
        let cities = report["cities"].as_array().unwrap();
        let codes: Vec<&str> = cities
            .iter()
            .map(|c| c["city_code"].as_str().unwrap())
            .collect();
        let mut plan: Vec<&str> = dealer_portal::db::cities::FIRST_PLAN
            .iter()
            .map(|c| c.0)
            .collect();
        plan.sort_unstable();
        assert_eq!(codes, plan);
        let city = |code: &str| cities.iter().find(|c| c["city_code"] == code).unwrap();
        assert_eq!(city(SUZHOU), &suzhou);
        assert_eq!(city(NINGBO), &ningbo);
        assert_eq!(
            city("120000"),
            &json!({
                "city_code": "120000", "name_en": "Tianjin", "name_zh": "天津", "quota": 2,
                "committed": 0, "total": 0, "by_status": by_status(&[]),
            })
        );
        assert_eq!(
            report["totals"],
            json!({
                "quota": 34, "committed": 0, "total": 8,
                "by_status": by_status(&[("draft", 2), ("submitted", 5), ("withdrawn", 1)]),
            })
        );
        let only_ningbo = get_json(app, "/api/v1/reports/funnel?city=330200", &admin).await;
        assert_eq!(only_ningbo["cities"], json!([ningbo]));

        // Reviewers: their cities only; another city is 403, an unknown one 404.
        let expected = json!({
            "cities": [suzhou],
            "totals": {"quota": 2, "committed": 0, "total": 6, "by_status": suzhou["by_status"]},
        });
        assert_eq!(
            get_json(app, "/api/v1/reports/funnel", &suzhou_reviewer).await,
            expected
        );
        assert_eq!(
            get_json(app, "/api/v1/reports/funnel?city=320500", &suzhou_reviewer).await,
            expected
        );
        assert_problem(
            app.get("/api/v1/reports/funnel?city=330200", Some(&suzhou_reviewer))
                .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        for token in [&admin, &suzhou_reviewer] {
            assert_problem(
                app.get("/api/v1/reports/funnel?city=999999", Some(token))
                    .await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
        }

        // The ranking: score, then earliest submission; drafts and withdrawals are not in it.
        let ranking = get_json(app, "/api/v1/reports/cities/320500/ranking", &admin).await;
        assert_eq!(
            (
                &ranking["city_code"],
                &ranking["name_en"],
                &ranking["quota"],
                &ranking["committed"]
            ),
            (&json!(SUZHOU), &json!("Suzhou"), &json!(2), &json!(0))
        );
        let candidates = ranking["candidates"].as_array().unwrap();
        let summary: Vec<Value> = candidates
            .iter()
            .map(|c| {
                json!([
                    c["rank"],
                    c["application_id"],
                    c["dealer_group_id"],
                    c["dealer_group_name"],
                    c["status"],
                    c["score"],
                    c["eligible"],
                    c["rank_verified"]
                ])
            })
            .collect();
        assert_eq!(
            summary,
            [
                json!([
                    1,
                    east_sz,
                    east_group,
                    "Suzhou East Motors",
                    "submitted",
                    75,
                    true,
                    true
                ]),
                json!([
                    2,
                    lake_sz,
                    lake_group,
                    "Taihu Auto",
                    "submitted",
                    65,
                    true,
                    false
                ]),
                json!([
                    3,
                    west_sz,
                    west_group,
                    "West Lake Auto",
                    "submitted",
                    65,
                    true,
                    false
                ]),
                json!([
                    4,
                    small_sz,
                    small_group,
                    "Small Cars",
                    "submitted",
                    45,
                    false,
                    false
                ]),
            ]
        );
        let submitted = get_json(app, &format!("/api/v1/applications/{lake_sz}"), &admin).await;
        assert_eq!(candidates[1]["submitted_at"], submitted["submitted_at"]);
        assert_eq!(
            get_json(
                app,
                "/api/v1/reports/cities/320500/ranking",
                &suzhou_reviewer
            )
            .await,
            ranking
        );
        let ningbo_ranking = get_json(
            app,
            "/api/v1/reports/cities/330200/ranking",
            &ningbo_reviewer,
        )
        .await;
        let ids: Vec<&Value> = ningbo_ranking["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["application_id"])
            .collect();
        assert_eq!(ids, [&json!(east_nb)]);
        // A city nobody applied to ranks nobody.
        let empty = get_json(app, "/api/v1/reports/cities/120000/ranking", &admin).await;
        assert_eq!(empty["candidates"], json!([]));

        assert_problem(
            app.get(
                "/api/v1/reports/cities/320500/ranking",
                Some(&ningbo_reviewer),
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        for token in [&admin, &ningbo_reviewer] {
            assert_problem(
                app.get("/api/v1/reports/cities/999999/ranking", Some(token))
                    .await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
        }

        // Not for applicants, integrators or strangers.
        let client = integrator(app, &admin, json!(["applications:read"])).await;
        for path in [
            "/api/v1/reports/funnel",
            "/api/v1/reports/cities/320500/ranking",
        ] {
            for token in [&east, &client] {
                assert_problem(
                    app.get(path, Some(token)).await,
                    StatusCode::FORBIDDEN,
                    "forbidden",
                )
                .await;
            }
            assert_problem(
                app.get(path, None).await,
                StatusCode::UNAUTHORIZED,
                "unauthorized",
            )
            .await;
        }
    }
);

db_test!(
    async fn staff_export_what_they_see_as_csv_safe_for_spreadsheets(app: TestApp) {
        // A known instant with a fraction of a second: the next 18:41:07.123456789 UTC, which is
        // 02:41:07 the next day in China. (Near now: tokens are checked against the real time.)
        let now = app.clock.now();
        let mut created = now
            .date_naive()
            .and_hms_nano_opt(18, 41, 7, 123_456_789)
            .unwrap()
            .and_utc();
        if created < now {
            created += Duration::days(1);
        }
        let china_day = (created.date_naive() + Duration::days(1)).to_string();
        app.clock.set(created);

        let admin = app.admin("lead@maker.example").await;
        let ningbo_reviewer = app
            .reviewer(&admin, "ningbo@maker.example", &[NINGBO])
            .await;
        let tricky_name = "苏州东方汽车集团, \"东方\" 有限公司";
        let formula_name = "=HYPERLINK(\"http://evil.example\",\"x\")";
        let (east, east_group, east_uscc) =
            group_named(app, "east@dealer.example", "91320500123456701", tricky_name).await;
        let (evil, evil_group, evil_uscc) = group_named(
            app,
            "evil@dealer.example",
            "91320500123456702",
            formula_name,
        )
        .await;
        // A contact whose name a spreadsheet would compute, and who writes no +86.
        let mut evil_profile = profile(formula_name, &evil_uscc);
        evil_profile["contact"] =
            json!({"name": "-2+3", "phone": "13800001111", "email": "ops@evil.example"});
        let res = app
            .patch(
                &format!("/api/v1/dealer-groups/{evil_group}"),
                Some(&evil),
                Some("1"),
                &evil_profile,
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        let east_sz = draft(app, &east, SUZHOU, 25_000).await;
        // Submitted an hour, two minutes and three seconds after the draft was created.
        app.clock.advance(Duration::seconds(3723));
        act(app, &east, &east_sz, 1, "submit").await;
        app.smtp
            .wait_for("east@dealer.example", "We have received your application")
            .await;
        let mut two_sites = application(NINGBO);
        let site = two_sites["proposed_sites"][0].clone();
        two_sites["proposed_sites"] = json!([site.clone(), site]);
        two_sites["investment_cny"] = json!(12_345_678);
        let evil_nb = app.draft_from(&evil, &two_sites).await;
        let at = |time: &str| format!("{china_day} {time}");

        let (header, records) = export(app, "", &admin, "en").await;
        assert_eq!(header, CSV_HEADER_EN);
        let east_record = |city: &str, status: &str| {
            vec![
                east_sz.clone(),
                east_group.clone(),
                tricky_name.to_owned(),
                east_uscc.clone(),
                SUZHOU.to_owned(),
                city.to_owned(),
                "submitted".to_owned(),
                status.to_owned(),
                "65".to_owned(),
                "true".to_owned(),
                "30000000".to_owned(),
                "2027-06-01".to_owned(),
                "1".to_owned(),
                "Wang Fang".to_owned(),
                "13912345678".to_owned(),
                "wang.fang@dealer.example".to_owned(),
                at("03:43:10"),
                at("02:41:07"),
                at("03:43:10"),
            ]
        };
        let evil_record = |city: &str, status: &str| {
            vec![
                evil_nb.clone(),
                evil_group.clone(),
                format!("'{formula_name}"),
                evil_uscc.clone(),
                NINGBO.to_owned(),
                city.to_owned(),
                "draft".to_owned(),
                status.to_owned(),
                String::new(),
                String::new(),
                "12345678".to_owned(),
                "2027-06-01".to_owned(),
                "2".to_owned(),
                "'-2+3".to_owned(),
                "13800001111".to_owned(),
                "ops@evil.example".to_owned(),
                String::new(),
                at("03:43:10"),
                at("03:43:10"),
            ]
        };
        assert_eq!(
            records,
            [
                east_record("Suzhou", "Submitted"),
                evil_record("Ningbo", "Draft")
            ]
        );

        // In Chinese: the headers, the cities' and statuses' names; the rest as in English.
        // Paging is ignored.
        let (header, zh) = export(app, "?limit=1", &admin, "zh-CN").await;
        assert_eq!(header, CSV_HEADER_ZH);
        assert_eq!(
            zh,
            [east_record("苏州", "已提交"), evil_record("宁波", "草稿")]
        );

        // Filters and sorts as in the list.
        let (_, filtered) = export(app, "?city=320500&status=submitted", &admin, "en").await;
        assert_eq!(
            column(&filtered, "Application ID"),
            std::slice::from_ref(&east_sz)
        );
        let (_, scored) = export(app, "?sort=-score", &admin, "en").await;
        assert_eq!(
            column(&scored, "Application ID"),
            std::slice::from_ref(&east_sz)
        );
        let (_, found) = export(app, "?q=hyperlink", &admin, "en").await;
        assert_eq!(
            column(&found, "Application ID"),
            std::slice::from_ref(&evil_nb)
        );

        // Reviewers export their cities only; outside them, a header and nothing else.
        let (_, ningbo) = export(app, "", &ningbo_reviewer, "en").await;
        assert_eq!(
            column(&ningbo, "Application ID"),
            std::slice::from_ref(&evil_nb)
        );
        let (header, none) = export(app, "?city=320500", &ningbo_reviewer, "zh-CN").await;
        assert_eq!(
            (header, none.len()),
            (CSV_HEADER_ZH.map(String::from).to_vec(), 0)
        );

        // Refusals are problems, before any CSV.
        let client = integrator(app, &admin, json!(["applications:read"])).await;
        for token in [&east, &client] {
            assert_problem(
                app.get("/api/v1/applications/export.csv", Some(token))
                    .await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        assert_problem(
            app.get("/api/v1/applications/export.csv", None).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
        let problem = assert_problem(
            app.get(
                "/api/v1/applications/export.csv?min_score=101",
                Some(&admin),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["min_score"]);
        let problem = assert_problem(
            app.get("/api/v1/applications/export.csv?status=bogus", Some(&admin))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["status"]);
    }
);

db_test!(
    async fn a_large_export_streams_every_row_once_across_chunks(app: TestApp) {
        // 3 groups x 17 cities x 10 applications (9 withdrawn, 1 draft): 510, past one chunk
        // of 500, all created at the same (manual) clock time so the id breaks every tie.
        // The 459 withdrawals each queue a mail this test does not read nor wait for.
        app.expect_mail_left_queued();
        let admin = app.admin("lead@maker.example").await;
        let mut owners = Vec::new();
        for n in 1..=3 {
            let (token, _, _) = group_named(
                app,
                &format!("g{n}@dealer.example"),
                &format!("9132050012345670{n}"),
                &format!("Group {n}"),
            )
            .await;
            owners.push(token);
        }
        for (code, ..) in dealer_portal::db::cities::FIRST_PLAN {
            for owner in &owners {
                for _ in 0..9 {
                    let id = draft(app, owner, code, 25_000).await;
                    act(app, owner, &id, 1, "withdraw").await;
                }
                draft(app, owner, code, 25_000).await;
            }
        }

        let mut listed = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/applications?limit=100&cursor={c}"),
                None => "/api/v1/applications?limit=100".to_owned(),
            };
            let page = get_json(app, &path, &admin).await;
            for item in page["items"].as_array().unwrap() {
                listed.push(item["id"].as_str().unwrap().to_owned());
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(listed.len(), 510);

        let (_, records) = export(app, "", &admin, "en").await;
        let exported = column(&records, "Application ID");
        assert_eq!(exported.len(), listed.len());
        assert!(
            exported == listed,
            "the export has the list's rows in the list's order"
        );
        let (_, withdrawn) = export(app, "?status=withdrawn", &admin, "en").await;
        assert_eq!(withdrawn.len(), 459);
        let (_, drafts) = export(app, "?status=draft", &admin, "en").await;
        assert_eq!(drafts.len(), 51);
    }
);
