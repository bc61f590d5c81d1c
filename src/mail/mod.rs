//! E-mail: messages are composed from templates in the recipient's language, written to the
//! outbox in the caller's transaction, and sent by the background worker.

pub mod templates;
pub mod transport;
pub mod worker;

use chrono::{DateTime, Utc};

pub use templates::{MailComposer, Message};

use crate::db::{DbConnection, outbox};
use crate::error::AppError;
use crate::i18n::Locale;

/// Composes `message` for `recipient` in `locale` and queues it. Call inside the transaction of
/// the change that causes the mail.
pub fn enqueue(
    conn: &mut DbConnection,
    composer: &MailComposer,
    recipient: &str,
    locale: Locale,
    message: &Message<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mail = composer.compose(message, locale)?;
    outbox::enqueue(conn, recipient, &mail.subject, &mail.body, now)
}
