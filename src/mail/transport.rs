//! Where mail goes: an SMTP server when `SMTP_URL` is set, else `.eml` files under `MAIL_DIR`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;

use super::templates::{ComposedMail, UNRENDERABLE};
use crate::config::MailTransport;

const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// The transport and its folder.
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
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
                crate::private_files::dedicated_folder(dir)
                    .with_context(|| format!("creating the mail folder {}", dir.display()))?;
                Transport::Files(AsyncFileTransport::new(dir), dir.clone())
            }
        };
        Ok(Self { transport, from })
    }

    /// Sends one message; the error text is kept on the outbox row for operators. `id` (the
    /// outbox row's) makes the `Message-ID`, so that every attempt at one mail carries the same
    /// one and a receiving server can tell a retry from a new mail. lettre adds `Date`.
    pub async fn send(&self, recipient: &str, id: &str, mail: &ComposedMail) -> Result<(), String> {
        let to: Mailbox = recipient
            .parse()
            .map_err(|e| format!("bad recipient: {e}"))?;
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .message_id(Some(format!("<{id}@{}>", self.from.email.domain())))
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| format!("building the message: {e}"))?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            Transport::Files(files, dir) => {
                let id = files.send(message).await.map_err(|e| e.to_string())?;
                // Its links sign people in: for the server's user only (the folder is already).
                crate::private_files::restrict_file(&dir.join(format!("{id}.eml")))
                    .map_err(|e| format!("restricting the mail file: {e}"))
            }
        }
    }

    /// Whether a failure can never succeed (a malformed recipient), so retrying is pointless.
    pub fn is_permanent(error: &str) -> bool {
        error.starts_with("bad recipient")
            || error.starts_with("building the message")
            || error.starts_with(UNRENDERABLE)
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use crate::private_files::tests::mode;

    #[tokio::test]
    async fn mail_files_and_their_folder_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("mail");
        let sender = Sender::new(
            &MailTransport::Directory(folder.clone()),
            "Portal <no-reply@portal.test>",
        )
        .unwrap();
        let mail = ComposedMail {
            subject: "Verify your address".into(),
            text: "https://portal.test/verify-email?token=secret".into(),
            html: "<p>https://portal.test/verify-email?token=secret</p>".into(),
        };
        let id = uuid::Uuid::now_v7().to_string();
        sender
            .send("owner@dealer.example", &id, &mail)
            .await
            .unwrap();
        assert_eq!(mode(&folder), 0o700);
        let files: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1);
        assert!(files[0].to_string_lossy().ends_with(".eml"));
        assert_eq!(mode(&files[0]), 0o600);
    }
}
