//! Where mail goes: an SMTP server when `SMTP_URL` is set, else `.eml` files under `MAIL_DIR`.

use std::time::Duration;

use anyhow::Context;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;

use super::templates::{ComposedMail, UNRENDERABLE};
use crate::config::MailTransport;

const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

pub struct Sender {
    transport: Transport,
    from: Mailbox,
}

impl Sender {
    pub fn new(settings: &MailTransport, from: &str) -> anyhow::Result<Self> {
        let from: Mailbox = from.parse().context("MAIL_FROM is not a mailbox")?;
        let transport = match settings {
            MailTransport::Smtp(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .context("SMTP_URL is not a valid SMTP URL")?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
            ),
            MailTransport::Directory(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the mail folder {}", dir.display()))?;
                Transport::Files(AsyncFileTransport::new(dir))
            }
        };
        Ok(Self { transport, from })
    }

    /// Sends one message; the error text is kept on the outbox row for operators.
    pub async fn send(&self, recipient: &str, mail: &ComposedMail) -> Result<(), String> {
        let to: Mailbox = recipient
            .parse()
            .map_err(|e| format!("bad recipient: {e}"))?;
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| format!("building the message: {e}"))?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            Transport::Files(files) => files
                .send(message)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
        }
    }

    /// Whether a failure can never succeed (a malformed recipient), so retrying is pointless.
    pub fn is_permanent(error: &str) -> bool {
        error.starts_with("bad recipient")
            || error.starts_with("building the message")
            || error.starts_with(UNRENDERABLE)
    }
}
