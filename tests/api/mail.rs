//! The outbox: a request never waits for the mail server, and mail is not lost while it is down.

use std::net::TcpListener;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::smtp::SmtpServer;

async fn mail_survives_an_smtp_outage(backend: Backend) {
    // Reserve a port, then free it: the app's SMTP server is "down" there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let setup = Setup {
        smtp_down_on: Some(port),
        ..Setup::default()
    };
    let Some(app) = TestApp::spawn_with(backend, setup).await else {
        return;
    };

    let started = std::time::Instant::now();
    let res = app
        .post("/api/v1/auth/register", None, &json!({"email": "patient@example.com", "password": PASSWORD, "display_name": "P", "locale": "en"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(
        started.elapsed().as_secs() < 5,
        "the request waited for the mail server"
    );

    // The worker tried and failed; the mail waits in the outbox.
    let db = app.state.db.clone();
    let pending = || {
        let db = db.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                dealer_portal::db::outbox::pending_count(&mut db.conn().unwrap()).unwrap()
            })
            .await
            .unwrap()
        }
    };
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(pending().await, 1);

    // The server comes back; once the back-off has passed, the mail goes out exactly once.
    let smtp = SmtpServer::start_on(TcpListener::bind(("127.0.0.1", port)).unwrap());
    app.clock.advance(chrono::Duration::minutes(5));
    let mail = smtp
        .wait_for("patient@example.com", "Confirm your e-mail address")
        .await;
    assert!(mail.body.contains("token="));
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(smtp.received().len(), 1);
    assert_eq!(pending().await, 0);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_survives_an_smtp_outage_on_sqlite() {
    mail_survives_an_smtp_outage(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_survives_an_smtp_outage_on_postgres() {
    mail_survives_an_smtp_outage(Backend::Postgres).await;
}

// A mail waits in the outbox with its link (it must be sent); once sent, only its subject is
// kept, so a copy of the database hands out no live link.
crate::db_test!(
    async fn a_sent_mail_keeps_only_its_subject(app: TestApp) {
        app.registered("kept@example.com").await;
        let db = app.state.db.clone();
        // The worker records the sending just after the server took the mail.
        let mut rows = Vec::new();
        for _ in 0..50 {
            let db = db.clone();
            rows = tokio::task::spawn_blocking(move || {
                use dealer_portal::db::schema::mail_outbox as m;
                use diesel::prelude::*;
                m::table
                    .filter(m::recipient.eq("kept@example.com"))
                    .select((
                        m::sent_at.is_not_null(),
                        m::subject,
                        m::body_text,
                        m::message,
                    ))
                    .load::<(bool, Option<String>, Option<String>, Option<String>)>(
                        &mut *db.conn().unwrap(),
                    )
                    .unwrap()
            })
            .await
            .unwrap();
            if rows.iter().all(|(sent, ..)| *sent) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(
            rows,
            [(
                true,
                Some("Confirm your e-mail address".to_owned()),
                Some(String::new()),
                None
            )]
        );
    }
);

/// The ids of the outbox rows queued for `recipient`, oldest first.
pub async fn outbox_rows_to(app: &TestApp, recipient: &str) -> Vec<String> {
    let db = app.state.db.clone();
    let recipient = recipient.to_owned();
    tokio::task::spawn_blocking(move || {
        use dealer_portal::db::schema::mail_outbox as m;
        use diesel::prelude::*;
        m::table
            .filter(m::recipient.eq(recipient))
            .order(m::id)
            .select(m::id)
            .load::<String>(&mut *db.conn().unwrap())
            .unwrap()
    })
    .await
    .unwrap()
}

/// `html` as a browser reads its attribute values and text (minijinja escapes `/` as well).
fn unescaped(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

// Every mail is multipart/alternative: a plain-text and an HTML part, each in both languages with
// the recipient's first; it carries a Message-ID made from its outbox row and a Date.
crate::db_test!(
    async fn a_mail_is_text_and_html_in_both_languages_the_recipients_first(app: TestApp) {
        let started = chrono::Utc::now();
        app.register_in("zh@example.com", "zh-CN").await;
        app.register_in("en@example.com", "en").await;
        let zh = app.smtp.wait_for("zh@example.com", "请验证").await;
        let en = app
            .smtp
            .wait_for("en@example.com", "Confirm your e-mail")
            .await;
        // The subject speaks the recipient's language alone.
        assert_eq!(zh.subject, "请验证您的电子邮件地址");
        assert_eq!(en.subject, "Confirm your e-mail address");

        let cases = [
            (&zh, "zh-CN", "Li Wei，您好：", "en", "Hello Li Wei,"),
            (&en, "en", "Hello Li Wei,", "zh-CN", "Li Wei，您好："),
        ];
        for (mail, first, own_greeting, second, other_greeting) in cases {
            assert_eq!(mail.mime_type, "multipart/alternative");
            assert_eq!(mail.part_types, ["text/plain", "text/html"]);

            // Plain text: the recipient's language, a separator, the other.
            let sections = mail.text_sections();
            assert_eq!(sections.len(), 2, "{}", mail.text);
            assert!(sections[0].contains(own_greeting), "{}", mail.text);
            assert!(sections[1].contains(other_greeting), "{}", mail.text);
            assert!(!sections[0].contains(other_greeting), "{}", mail.text);
            assert_eq!(mail.body, sections[0].trim());
            let link = format!("http://portal.test/verify-email?token={}", mail.token());
            assert!(sections.iter().all(|s| s.contains(&link)), "{}", mail.text);

            // HTML: the same order, each part marked with its language, the link a button.
            let html = unescaped(&mail.html);
            let position = |needle: &str| {
                html.find(needle)
                    .unwrap_or_else(|| panic!("{needle:?} in {html}"))
            };
            assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
            assert!(html.contains(&format!("<html lang=\"{first}\">")), "{html}");
            let boundary = position(&format!("<div lang=\"{second}\""));
            assert!(position(&format!("<div lang=\"{first}\"")) < boundary);
            assert!(position(own_greeting) < boundary && position(other_greeting) > boundary);
            assert_eq!(
                html.matches(&format!("href=\"{link}\"")).count(),
                4,
                "{html}"
            );
        }
        assert!(en.html.contains(">Confirm my address</a>"), "{}", en.html);
        assert!(zh.html.contains(">验证电子邮件地址</a>"), "{}", zh.html);

        // Message-ID: the outbox row's id at MAIL_FROM's domain, so every attempt at one mail
        // carries the same one; Date: when it was sent.
        for (mail, to) in [(&zh, "zh@example.com"), (&en, "en@example.com")] {
            let rows = outbox_rows_to(app, to).await;
            assert_eq!(rows.len(), 1);
            assert_eq!(
                mail.message_id.as_deref(),
                Some(format!("<{}@portal.test>", rows[0]).as_str())
            );
            let date = mail.date.as_deref().expect("a Date header");
            let sent = mailparse::dateparse(date).expect("an RFC 5322 date");
            let now = chrono::Utc::now().timestamp();
            assert!(
                (started.timestamp() - 1..=now + 1).contains(&sent),
                "{date}"
            );
        }
        assert_ne!(zh.message_id, en.message_id);
    }
);

// With FRONTEND_BASE_URL set, every link goes to the front end: verification, password reset,
// staff invitation, and the application mails; the tokens in them work as they are.
crate::db_test!(
    setup: Setup {
        frontend_base_url: Some("https://front.example/portal".into()),
        ..Setup::default()
    };
    async fn links_in_mails_go_to_the_front_end(app: TestApp) {
        const FRONT: &str = "https://front.example/portal";
        let link_in = |mail: &crate::smtp::ReceivedMail, path: &str| {
            let link = format!("{FRONT}{path}");
            assert!(mail.body.contains(&link), "{link} in {}", mail.body);
            assert!(
                unescaped(&mail.html).contains(&format!("href=\"{link}")),
                "{link} in {}",
                mail.html
            );
            assert!(!mail.text.contains("portal.test"), "{}", mail.text);
        };

        // Verification: the token from the front end's link verifies.
        app.register("front@example.com").await;
        let mail = app.smtp.wait_for("front@example.com", "Confirm").await;
        link_in(&mail, "/verify-email?token=");
        let res = app
            .post("/api/v1/auth/verify-email", None, &json!({"token": mail.token()}))
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);

        // Password reset.
        app.ask_password_reset("front@example.com").await;
        let mail = app.smtp.wait_for("front@example.com", "Reset your password").await;
        link_in(&mail, "/reset-password?token=");
        let res = app.confirm_password_reset(&mail.token(), "another long password").await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);

        // A staff invitation sets the password on the same page.
        let admin = app.admin("lead@maker.example").await;
        let res = app
            .post(
                "/api/v1/staff",
                Some(&admin),
                &json!({"email": "new.reviewer@maker.example", "display_name": "New", "role": "reviewer", "city_codes": ["320500"], "locale": "en"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let mail = app.smtp.wait_for("new.reviewer@maker.example", "invited").await;
        link_in(&mail, "/reset-password?token=");

        // A mail about an application opens it.
        let owner = app.verified_applicant("owner@dealer.example").await;
        let res = app
            .post(
                "/api/v1/dealer-groups",
                Some(&owner),
                &crate::dealer_groups::profile("Front Motors", &crate::dealer_groups::uscc("91320500123456788")),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
        let id = app.draft_application(&owner, crate::stories::SUZHOU).await;
        crate::review::moved(
            crate::review::act(app, &owner, &id, json!({"action": "submit"})).await,
            "under_review",
        )
        .await;
        let mail = app
            .smtp
            .wait_for("owner@dealer.example", "We have received your application")
            .await;
        link_in(&mail, &format!("/applications/{id}"));
        // The reviewers of the city hear of the submission too.
        app.ignore_mail();
    }
);

// What people type goes into the HTML part escaped: a display name cannot add markup.
crate::db_test!(
    async fn the_html_part_escapes_a_hostile_display_name(app: TestApp) {
        let name = "<script>alert('hi')</script> & <b>Co</b>";
        let res = app
            .post("/api/v1/auth/register", None, &json!({"email": "evil@example.com", "password": PASSWORD, "display_name": name, "locale": "en"}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let mail = app.smtp.wait_for("evil@example.com", "Confirm").await;
        assert!(
            !mail.html.contains("<script") && !mail.html.contains("<b>"),
            "{}",
            mail.html
        );
        assert!(
            mail.html
                .contains("&lt;script&gt;alert(&#x27;hi&#x27;)&lt;&#x2f;script&gt; &amp; &lt;b&gt;Co&lt;&#x2f;b&gt;"),
            "{}",
            mail.html
        );
        // The plain text carries the name as it was typed.
        assert!(
            mail.body.contains(&format!("Hello {name},")),
            "{}",
            mail.body
        );
    }
);

// Every mail signs off as the operator's maker (MAKER_*), its recruitment team in each language,
// with the maker's legal name and address in the footer of both parts; in HTML as text.
crate::db_test!(
    setup: Setup {
        maker: Some(dealer_portal::domain::maker::MakerIdentity {
            legal_name_zh: "东海<电动>汽车&有限公司".into(),
            legal_name_en: "Donghai <Electric> Motors & Co.".into(),
            address_zh: "宁波市北仑区 <9> 号".into(),
            address_en: "9 Harbour <Road> & Quay, Ningbo".into(),
            ..Default::default()
        }),
        ..Setup::default()
    };
    async fn mails_sign_off_as_the_operators_maker(app: TestApp) {
        app.register_in("signed@example.com", "zh-CN").await;
        let mail = app.smtp.wait_for("signed@example.com", "请验证").await;
        let sections = mail.text_sections();
        assert_eq!(sections.len(), 2, "{}", mail.text);
        assert!(
            sections[0].contains("\n\n东海<电动>汽车&有限公司\n合作伙伴招募团队\n\n东海<电动>汽车&有限公司\n宁波市北仑区 <9> 号\n您收到本邮件"),
            "{}",
            mail.text
        );
        assert!(
            sections[1].contains("\n\nPartner Recruitment\nDonghai <Electric> Motors & Co.\n\nDonghai <Electric> Motors & Co.\n9 Harbour <Road> & Quay, Ningbo\nYou receive this e-mail"),
            "{}",
            mail.text
        );
        assert!(!mail.text.contains("Jiangnan") && !mail.text.contains("江南"), "{}", mail.text);

        let html = &mail.html;
        for tag in ["<电动>", "<9>", "<Electric>", "<Road>"] {
            assert!(!html.contains(tag), "{tag} in {html}");
        }
        assert_eq!(html.matches("Donghai &lt;Electric&gt; Motors &amp; Co.").count(), 2, "{html}");
        assert_eq!(html.matches("东海&lt;电动&gt;汽车&amp;有限公司").count(), 2, "{html}");
        assert!(unescaped(html).contains("9 Harbour <Road> & Quay, Ningbo"), "{html}");
        assert!(unescaped(html).contains("宁波市北仑区 <9> 号"), "{html}");
    }
);
