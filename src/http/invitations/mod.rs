//! `/api/v1/invitations`: what an invitee does with an invitation into a dealer group.

pub mod accept;
