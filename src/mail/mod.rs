//! E-mail: a change queues its messages as data (`Message`: a template and its parameters) in
//! its own transaction (`workflow::Work::mail`); the worker renders each in the recipient's
//! language from the templates and sends it.

pub mod templates;
pub mod transport;
pub mod worker;

pub use templates::{MailComposer, Message};
