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
                        &mut db.conn().unwrap(),
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
