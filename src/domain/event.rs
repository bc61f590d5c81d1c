//! What an application's audit event records. The stored strings are hashed into the audit
//! chain and shown in the timeline, so they never change.

use std::fmt;

use super::workflow::Action;

/// The action of an audit event: a move of the workflow, or a change beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventAction {
    /// A workflow move, stored by the action's own name (`submit`, `offer_loi`, ...).
    Move(Action),
    /// The applicant made the draft.
    Create,
    /// An admin assigned a reviewer.
    Assign,
    /// An onboarding task was marked done.
    CompleteTask,
    /// A done onboarding task was opened again.
    ReopenTask,
    /// The group's owner changed the group's profile (recorded on each of its applications).
    UpdateGroup,
    /// The group's owner added a document.
    UploadDocument,
    /// The group's owner removed a document.
    DeleteDocument,
}

impl EventAction {
    /// Whether the event's reason is for staff alone: an assignment's names the reviewer.
    pub fn reason_is_internal(action: &str) -> bool {
        action == Self::Assign.as_str()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Move(action) => action.as_str(),
            Self::Create => "create",
            Self::Assign => "assign",
            Self::CompleteTask => "complete_task",
            Self::ReopenTask => "reopen_task",
            Self::UpdateGroup => "update_group",
            Self::UploadDocument => "upload_document",
            Self::DeleteDocument => "delete_document",
        }
    }
}

impl From<Action> for EventAction {
    fn from(action: Action) -> Self {
        Self::Move(action)
    }
}

impl fmt::Display for EventAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// A timeline reader tells events apart by these strings alone.
    #[test]
    fn every_event_action_is_stored_under_its_own_name() {
        let beside = [
            EventAction::Create,
            EventAction::Assign,
            EventAction::CompleteTask,
            EventAction::ReopenTask,
            EventAction::UpdateGroup,
            EventAction::UploadDocument,
            EventAction::DeleteDocument,
        ];
        let all: Vec<&str> = Action::ALL
            .into_iter()
            .map(EventAction::Move)
            .chain(beside)
            .map(EventAction::as_str)
            .collect();
        assert_eq!(all.iter().collect::<HashSet<_>>().len(), all.len());
        assert_eq!(EventAction::Move(Action::OfferLoi).as_str(), "offer_loi");
        assert_eq!(
            beside.map(EventAction::as_str),
            [
                "create",
                "assign",
                "complete_task",
                "reopen_task",
                "update_group",
                "upload_document",
                "delete_document"
            ]
        );
    }
}
