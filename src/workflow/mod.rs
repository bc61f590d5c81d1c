//! Carrying out changes: the layer between the HTTP handlers and the database.
//!
//! Every write takes one path:
//!
//! ```text
//! request ─► handler: input, Access::of(caller) ─► AppState::write(|work| ...) ─► commit ─► effects
//!                                                   │  one unit of work:          │
//!                                                   │  guards, rows, and what it  │  forget cached callers,
//!                                                   │  causes as data: mail,      │  wake the mail and
//!                                                   │  webhook and audit events   │  webhook workers
//! ```
//!
//! - `writer`: `Writer::write`, the entry point (handlers: `AppState::write`).
//! - `unit`: the unit of work (`Work`): one transaction, its effects collected as data, the
//!   rows among them written before the commit, the rest carried out after it.
//! - `access`: who sees and acts on which application, from the confirmed caller alone.
//! - `moves`: one move of the workflow table (`domain::workflow`), its guards and effects.
//! - `guards`: the guards that read the application's standing, decided alike for a move and
//!   for the actions a caller is offered (`allowed_actions`, `blocked_actions`).
//! - `drafts`, `documents`, `assignment`, `scorecards`, `onboarding`, `letters`: the changes
//!   to an application that are not moves.
//! - `accounts`, `groups`, `identity`, `integrators`: registration, e-mailed links, staff;
//!   dealer groups' profiles and the changes of their legal identity; deleting integrator
//!   clients and redelivering webhooks.
//! - `messages`: messages between a group and the maker's staff (who is mailed, the webhook),
//!   and the unread counts.
//! - `members`, `invitations`: the people of a dealer group and their roles; inviting someone
//!   in, accepting, changing a role, leaving.
//! - `recipients`: who hears about an application, in which language.
//! - `deadlines`: how long an application has waited on staff, and when they are due (SLA).
//! - `digest`: the daily digest of what waits on each member of staff (a job).

pub mod access;
pub mod accounts;
pub mod assignment;
pub mod deadlines;
pub mod digest;
pub mod documents;
pub mod drafts;
pub mod eligibility;
pub mod groups;
pub mod guards;
pub mod identity;
pub mod integrators;
pub mod invitations;
pub mod letters;
pub mod members;
pub mod messages;
pub mod moves;
pub mod onboarding;
pub mod recipients;
pub mod scorecards;
pub mod unit;
pub mod writer;

pub use access::Access;
pub use moves::{MoveRequest, Mover, perform};
pub use unit::{AfterCommit, Work};
pub use writer::Writer;
