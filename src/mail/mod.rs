//! E-mail: a change queues its messages as data (`Message`: a template and its parameters) in
//! its own transaction (`workflow::Work::mail`); the worker renders each in both languages, the
//! recipient's first, as plain text and HTML (`layout`), and sends it.

pub mod layout;
pub mod templates;
pub mod transport;
pub mod worker;

pub use templates::{MailComposer, Message};
