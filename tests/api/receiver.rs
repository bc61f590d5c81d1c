//! A webhook receiver for tests: a real HTTP server on a random port that records every POST
//! and can be told to fail.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

#[derive(Clone, Debug)]
pub struct Received {
    pub delivery_id: String,
    pub signature: String,
    pub body: String,
    /// The status the receiver answered with.
    pub status: u16,
}

#[derive(Default)]
struct Inbox {
    received: Mutex<Vec<Received>>,
    fail_next: AtomicUsize,
    down: AtomicBool,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    inbox: Arc<Inbox>,
}

async fn receive(req: HttpRequest, body: web::Bytes, inbox: web::Data<Inbox>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let failing = inbox.down.load(Ordering::SeqCst)
        || inbox
            .fail_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
    let status = if failing { 503 } else { 204 };
    inbox.received.lock().unwrap().push(Received {
        delivery_id: header("x-delivery-id"),
        signature: header("x-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
        status,
    });
    if failing {
        HttpResponse::ServiceUnavailable().finish()
    } else {
        HttpResponse::NoContent().finish()
    }
}

impl Receiver {
    pub fn start() -> Self {
        let inbox = Arc::new(Inbox::default());
        let data = web::Data::from(inbox.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/hook", web::post().to(receive))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap();
        let port = server.addrs()[0].port();
        tokio::spawn(server.run());
        Self {
            url: format!("http://127.0.0.1:{port}/hook"),
            inbox,
        }
    }

    /// The next `n` deliveries get 503.
    pub fn fail_next(&self, n: usize) {
        self.inbox.fail_next.store(n, Ordering::SeqCst);
    }

    /// Every delivery gets 503 until `up` again.
    pub fn set_down(&self, down: bool) {
        self.inbox.down.store(down, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.inbox.received.lock().unwrap().clone()
    }

    /// Accepted deliveries (2xx answers).
    pub fn accepted(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.status < 300)
            .collect()
    }

    /// Waits until `n` deliveries were accepted, calling `nudge` between looks (to move a clock).
    pub async fn wait_accepted(&self, n: usize, nudge: impl Fn()) -> Vec<Received> {
        for _ in 0..300 {
            let accepted = self.accepted();
            if accepted.len() >= n {
                return accepted;
            }
            nudge();
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{} of {n} deliveries accepted: {:#?}",
            self.accepted().len(),
            self.received()
        );
    }
}
