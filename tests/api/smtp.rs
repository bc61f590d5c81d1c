//! A real SMTP server (mailin-embedded) on a free loopback port, keeping what it receives.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin_embedded::{Handler, Server, SslConfig};

/// Where the plain-text part passes from the recipient's language to the other.
const LANGUAGE_SEPARATOR: &str = "\n----------------------------------------\n";

#[derive(Clone, Debug)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    pub subject: String,
    /// The plain-text part in the recipient's language: its first section.
    pub body: String,
    /// The whole plain-text part (both languages).
    pub text: String,
    /// The HTML part, as sent (HTML-escaped).
    pub html: String,
    /// The message's own MIME type, e.g. `multipart/alternative`.
    pub mime_type: String,
    /// The MIME types of its parts, in order.
    pub part_types: Vec<String>,
    pub message_id: Option<String>,
    pub date: Option<String>,
}

impl ReceivedMail {
    /// The `token=` query parameter of the first link in the body.
    pub fn token(&self) -> String {
        let start = self
            .body
            .find("token=")
            .expect("the mail carries a token link")
            + "token=".len();
        self.body[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }

    /// The plain-text part's sections: the recipient's language, then the other.
    pub fn text_sections(&self) -> Vec<&str> {
        self.text.split(LANGUAGE_SEPARATOR).collect()
    }

    /// Reads a message as the server received it.
    fn parse(to: &[String], data: &[u8]) -> Self {
        let parsed = mailparse::parse_mail(data).expect("the server sent a parseable message");
        let header = |name: &str| {
            use mailparse::MailHeaderMap;
            parsed.headers.get_first_value(name)
        };
        let part = |mime_type: &str| {
            parsed
                .subparts
                .iter()
                .find(|p| p.ctype.mimetype == mime_type)
                .map(|p| p.get_body().expect("the part decodes"))
                .unwrap_or_default()
        };
        // SMTP carries lines ended by CRLF; tests read them as LF.
        let text = if parsed.subparts.is_empty() {
            parsed.get_body().expect("the body decodes")
        } else {
            part("text/plain")
        }
        .replace("\r\n", "\n");
        let body = text
            .split(LANGUAGE_SEPARATOR)
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        Self {
            to: to.to_vec(),
            subject: header("Subject").unwrap_or_default(),
            body,
            html: part("text/html").replace("\r\n", "\n"),
            text,
            mime_type: parsed.ctype.mimetype.clone(),
            part_types: parsed
                .subparts
                .iter()
                .map(|p| p.ctype.mimetype.clone())
                .collect(),
            message_id: header("Message-ID"),
            date: header("Date"),
        }
    }
}

#[derive(Clone, Default)]
struct Collector {
    inbox: Arc<Mutex<Vec<ReceivedMail>>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Collector {
    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        to: &[String],
    ) -> mailin_embedded::Response {
        self.to = to.to_vec();
        self.data.clear();
        mailin_embedded::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        let mail = ReceivedMail::parse(&self.to, &self.data);
        self.inbox.lock().unwrap().push(mail);
        mailin_embedded::response::OK
    }
}

/// Clones share the inbox: several apps can send to one server.
#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<ReceivedMail>>>,
    /// How many of the inbox's mails (by position) a test has taken; the rest are left over.
    taken: Arc<Mutex<Vec<bool>>>,
}

impl SmtpServer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        Self::start_on(listener)
    }

    /// Starts on a given listener (to bring a "down" server up on the port the app already uses).
    pub fn start_on(listener: TcpListener) -> Self {
        let port = listener.local_addr().unwrap().port();
        let handler = Collector::default();
        let inbox = handler.inbox.clone();
        let mut server = Server::new(handler);
        server
            .with_name("smtp.test")
            .with_ssl(SslConfig::None)
            .unwrap()
            .with_num_threads(2)
            .with_tcp_listener(listener);
        // The server thread ends with the test process.
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Self {
            port,
            inbox,
            taken: Arc::default(),
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Everything received so far, taken or not.
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.inbox.lock().unwrap().clone()
    }

    /// Takes the first mail not taken yet that `matches`, if one has arrived.
    fn take_first(&self, matches: impl Fn(&ReceivedMail) -> bool) -> Option<ReceivedMail> {
        let inbox = self.inbox.lock().unwrap();
        let mut taken = self.taken.lock().unwrap();
        taken.resize(inbox.len(), false);
        let index = (0..inbox.len()).find(|&i| !taken[i] && matches(&inbox[i]))?;
        taken[index] = true;
        Some(inbox[index].clone())
    }

    /// Waits (up to 15 s) for a mail to `to` whose subject contains `subject`, and takes it: the
    /// next call finds the next such mail, and the test app's end-of-test check no longer counts
    /// it as left over.
    pub async fn wait_for(&self, to: &str, subject: &str) -> ReceivedMail {
        for _ in 0..150 {
            let found =
                self.take_first(|m| m.to.iter().any(|t| t == to) && m.subject.contains(subject));
            if let Some(mail) = found {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "no mail to {to} about {subject:?} (that the test has not taken already); got {:#?}",
            self.received()
        );
    }

    /// Takes every mail to `to` that has arrived so far.
    pub fn take_all_to(&self, to: &str) -> Vec<ReceivedMail> {
        std::iter::from_fn(|| self.take_first(|m| m.to.iter().any(|t| t == to))).collect()
    }

    /// The mails that have arrived and that no test has taken.
    pub fn not_taken(&self) -> Vec<ReceivedMail> {
        let inbox = self.inbox.lock().unwrap();
        let taken = self.taken.lock().unwrap();
        inbox
            .iter()
            .enumerate()
            .filter(|(i, _)| !taken.get(*i).copied().unwrap_or(false))
            .map(|(_, m)| m.clone())
            .collect()
    }
}
