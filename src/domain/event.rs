//! What an application's audit event records. The stored strings are hashed into the audit
//! chain and shown in the timeline, so they never change.

use std::fmt;

use serde::Serialize;
use utoipa::ToSchema;

use super::scope::Scope;
use super::workflow::{self, Action, Actor};
use crate::i18n::Locale;

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
    /// An owner of the group changed the group's profile (recorded on each of its applications).
    UpdateGroup,
    /// A member of the group added a document.
    UploadDocument,
    /// A member of the group removed a document.
    DeleteDocument,
    /// An owner of the group asked to change the group's legal name or USCC (recorded on each of
    /// its applications, like `UpdateGroup`).
    RequestIdentityChange,
    /// An admin approved a change of the group's legal identity, which now holds.
    ApproveIdentityChange,
    /// An admin rejected a change of the group's legal identity.
    RejectIdentityChange,
    /// An admin confirmed that the group belongs to its parent (recorded on each of its
    /// applications).
    VerifyAffiliation,
    /// An owner invited someone into the group (recorded on each of its applications, like
    /// every change of the members).
    InviteMember,
    /// An owner took an invitation back.
    RevokeInvitation,
    /// Someone accepted an invitation and joined the group.
    JoinGroup,
    /// An owner changed a member's role or title.
    ChangeMember,
    /// An owner took a member out of the group.
    RemoveMember,
    /// A member left the group.
    LeaveGroup,
}

impl EventAction {
    /// The changes beside the workflow's moves.
    const BESIDE: [EventAction; 17] = [
        Self::Create,
        Self::Assign,
        Self::CompleteTask,
        Self::ReopenTask,
        Self::UpdateGroup,
        Self::UploadDocument,
        Self::DeleteDocument,
        Self::RequestIdentityChange,
        Self::ApproveIdentityChange,
        Self::RejectIdentityChange,
        Self::VerifyAffiliation,
        Self::InviteMember,
        Self::RevokeInvitation,
        Self::JoinGroup,
        Self::ChangeMember,
        Self::RemoveMember,
        Self::LeaveGroup,
    ];

    /// Every action an event may record: the moves, then the changes beside them.
    pub fn all() -> impl Iterator<Item = EventAction> {
        Action::ALL.into_iter().map(Self::Move).chain(Self::BESIDE)
    }

    /// The action stored as `as_str`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::all().find(|action| action.as_str() == text)
    }

    /// Whether applicants see the event in their timeline. They are shown the steps of their
    /// application as they know it: not review's internal moves (`start_review`, `shortlist`,
    /// which keep the public status: `workflow::unseen_by_applicants`) nor assignments, which
    /// are staff's business and, publicly, change nothing either.
    pub fn seen_by_applicants(self) -> bool {
        match self {
            Self::Move(action) => !workflow::unseen_by_applicants().contains(&action),
            Self::Assign => false,
            Self::Create
            | Self::CompleteTask
            | Self::ReopenTask
            | Self::UpdateGroup
            | Self::UploadDocument
            | Self::DeleteDocument
            | Self::RequestIdentityChange
            | Self::ApproveIdentityChange
            | Self::RejectIdentityChange
            | Self::VerifyAffiliation
            | Self::InviteMember
            | Self::RevokeInvitation
            | Self::JoinGroup
            | Self::ChangeMember
            | Self::RemoveMember
            | Self::LeaveGroup => true,
        }
    }

    /// Whether applicants read the event's `reason` (and `reason_code`): the words are theirs
    /// (their own moves and changes), or the maker's words to them that the e-mails carry
    /// already (a rejection's reason, a request for information's message, why a letter was
    /// rescinded or a partnership terminated: decisions about them, explained to them), or a
    /// checklist note both sides read on the checklist. The maker's other words are staff's: a
    /// reopening's reason, what an admin notes with an offer or an activation, an assignment's
    /// reviewer.
    pub fn reason_seen_by_applicants(self) -> bool {
        match self {
            Self::Move(action) => match action {
                Action::Submit
                | Action::Resubmit
                | Action::Withdraw
                | Action::SignLoi
                | Action::DeclineLoi
                | Action::Reject
                | Action::RequestInfo
                | Action::RescindLoi
                | Action::Terminate => true,
                Action::StartReview
                | Action::Shortlist
                | Action::Reopen
                | Action::OfferLoi
                | Action::ExpireLoi
                | Action::StartOnboarding
                | Action::Activate => false,
            },
            // An identity change's words are the owner's, or the admin's reasons that the
            // decision's e-mail tells the owner anyway.
            Self::Create
            | Self::CompleteTask
            | Self::ReopenTask
            | Self::UpdateGroup
            | Self::UploadDocument
            | Self::DeleteDocument
            | Self::RequestIdentityChange
            | Self::ApproveIdentityChange
            | Self::RejectIdentityChange => true,
            // Who joined, left or does what in the group: the members' own business.
            Self::InviteMember
            | Self::RevokeInvitation
            | Self::JoinGroup
            | Self::ChangeMember
            | Self::RemoveMember
            | Self::LeaveGroup => true,
            // What the admin checked is staff's business; that it was confirmed is not.
            Self::Assign | Self::VerifyAffiliation => false,
        }
    }

    /// The scope an integrator needs, beside `events:read`, to read the reason of an event of
    /// this action: the one that covers what its words tell (a document's name and hash, a
    /// task's note, the group's changed fields); none for the words integrators never read (the
    /// members' comings and goings, an admin's note on a parent).
    pub fn reason_scope(self) -> Option<Scope> {
        match self {
            Self::Move(_) | Self::Create | Self::Assign => Some(Scope::EventsRead),
            Self::CompleteTask | Self::ReopenTask => Some(Scope::OnboardingRead),
            Self::UploadDocument | Self::DeleteDocument => Some(Scope::DocumentsRead),
            Self::UpdateGroup
            | Self::RequestIdentityChange
            | Self::ApproveIdentityChange
            | Self::RejectIdentityChange => Some(Scope::DealerGroupsRead),
            Self::VerifyAffiliation
            | Self::InviteMember
            | Self::RevokeInvitation
            | Self::JoinGroup
            | Self::ChangeMember
            | Self::RemoveMember
            | Self::LeaveGroup => None,
        }
    }

    /// What happened, in words for the timeline. One set of words for every reader: those of
    /// events applicants see are written for applicants.
    pub fn label(self, locale: Locale) -> &'static str {
        let (en, zh) = match self {
            Self::Move(action) => match action {
                Action::Submit => ("Application submitted", "提交申请"),
                Action::StartReview => ("Review started", "开始审核"),
                Action::RequestInfo => ("More information requested", "要求补充材料"),
                Action::Resubmit => ("Information provided", "已补充材料"),
                Action::Shortlist => ("Shortlisted", "列入入围名单"),
                Action::Reject => ("Application not selected", "申请未通过"),
                Action::Reopen => ("Back in review", "重新进入审核"),
                Action::Withdraw => ("Application withdrawn", "撤回申请"),
                Action::OfferLoi => ("Letter of intent offered", "发出合作意向书"),
                Action::SignLoi => ("Letter of intent signed", "签署合作意向书"),
                Action::DeclineLoi => ("Letter of intent declined", "拒绝合作意向书"),
                Action::ExpireLoi => ("Letter of intent expired", "合作意向书过期"),
                Action::StartOnboarding => ("Onboarding started", "开始入驻筹备"),
                Action::Activate => ("Store opened", "门店开业"),
                Action::RescindLoi => ("Letter of intent rescinded", "撤销合作意向书"),
                Action::Terminate => ("Partnership terminated", "终止合作"),
            },
            Self::Create => ("Draft created", "创建草稿"),
            Self::Assign => ("Reviewer assigned", "指派评审员"),
            Self::CompleteTask => ("Onboarding task done", "完成入驻任务"),
            Self::ReopenTask => ("Onboarding task reopened", "重新打开入驻任务"),
            Self::UpdateGroup => ("Group profile updated", "更新集团资料"),
            Self::UploadDocument => ("Document uploaded", "上传文件"),
            Self::DeleteDocument => ("Document removed", "删除文件"),
            Self::RequestIdentityChange => ("Identity change requested", "申请变更主体信息"),
            Self::ApproveIdentityChange => ("Identity change approved", "主体信息变更已批准"),
            Self::RejectIdentityChange => ("Identity change rejected", "主体信息变更被驳回"),
            Self::VerifyAffiliation => ("Parent company confirmed", "母公司关系已确认"),
            Self::InviteMember => ("Member invited", "邀请成员"),
            Self::RevokeInvitation => ("Invitation withdrawn", "撤回成员邀请"),
            Self::JoinGroup => ("Member joined", "成员加入"),
            Self::ChangeMember => ("Member's role changed", "变更成员角色"),
            Self::RemoveMember => ("Member removed", "移除成员"),
            Self::LeaveGroup => ("Member left", "成员退出"),
        };
        locale.pick(en, zh)
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
            Self::RequestIdentityChange => "request_identity_change",
            Self::ApproveIdentityChange => "approve_identity_change",
            Self::RejectIdentityChange => "reject_identity_change",
            Self::VerifyAffiliation => "verify_affiliation",
            Self::InviteMember => "invite_member",
            Self::RevokeInvitation => "revoke_invitation",
            Self::JoinGroup => "join_group",
            Self::ChangeMember => "change_member",
            Self::RemoveMember => "remove_member",
            Self::LeaveGroup => "leave_group",
        }
    }
}

/// Who made an event, as the timeline names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActorRole {
    Applicant,
    Reviewer,
    Admin,
    /// The background work (a letter's expiry).
    System,
    /// The maker's staff, as applicants are told of them: which of them, and in which role, is
    /// staff's business.
    Maker,
}

impl ActorRole {
    pub const ALL: [ActorRole; 5] = [
        Self::Applicant,
        Self::Reviewer,
        Self::Admin,
        Self::System,
        Self::Maker,
    ];

    /// The role an audit event stores (`Actor::as_str`), read back.
    pub fn stored(text: &str) -> Option<Self> {
        Actor::ALL
            .into_iter()
            .find(|actor| actor.as_str() == text)
            .map(Self::of)
    }

    pub fn of(actor: Actor) -> Self {
        match actor {
            Actor::Applicant(_) => Self::Applicant,
            Actor::Reviewer => Self::Reviewer,
            Actor::Admin => Self::Admin,
            Actor::System => Self::System,
        }
    }

    /// The role as applicants are told it: staff are one side, the maker.
    pub fn public(self) -> Self {
        match self {
            Self::Reviewer | Self::Admin => Self::Maker,
            other => other,
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        let (en, zh) = match self {
            Self::Applicant => ("Applicant", "申请方"),
            Self::Reviewer => ("Reviewer", "评审员"),
            Self::Admin => ("Administrator", "管理员"),
            Self::System => ("System", "系统"),
            Self::Maker => ("Recruitment team", "招募团队"),
        };
        locale.pick(en, zh)
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
        let beside = EventAction::BESIDE;
        let all: Vec<&str> = EventAction::all().map(EventAction::as_str).collect();
        assert_eq!(all.iter().collect::<HashSet<_>>().len(), all.len());
        for action in EventAction::all() {
            assert_eq!(EventAction::parse(action.as_str()), Some(action));
        }
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
                "delete_document",
                "request_identity_change",
                "approve_identity_change",
                "reject_identity_change",
                "verify_affiliation",
                "invite_member",
                "revoke_invitation",
                "join_group",
                "change_member",
                "remove_member",
                "leave_group"
            ]
        );
    }

    #[test]
    fn every_event_action_and_role_has_words_in_both_languages() {
        let actions: Vec<EventAction> = EventAction::all().collect();
        crate::i18n::assert_own_words(&actions, EventAction::label);
        crate::i18n::assert_own_words(&ActorRole::ALL, ActorRole::label);
    }

    #[test]
    fn applicants_see_the_public_steps_and_the_words_meant_for_them() {
        let hidden: Vec<&str> = EventAction::all()
            .filter(|a| !a.seen_by_applicants())
            .map(EventAction::as_str)
            .collect();
        assert_eq!(hidden, ["start_review", "shortlist", "assign"]);
        assert!(EventAction::Move(Action::Reject).reason_seen_by_applicants());
        assert!(EventAction::Move(Action::RequestInfo).reason_seen_by_applicants());
        assert!(!EventAction::Move(Action::Reopen).reason_seen_by_applicants());
        assert!(EventAction::Move(Action::RescindLoi).reason_seen_by_applicants());
        assert!(EventAction::Move(Action::Terminate).reason_seen_by_applicants());
        assert_eq!(ActorRole::of(Actor::Reviewer).public(), ActorRole::Maker);
        assert_eq!(ActorRole::of(Actor::System).public(), ActorRole::System);
    }

    #[test]
    fn stored_roles_read_back() {
        for actor in Actor::ALL {
            assert_eq!(
                ActorRole::stored(actor.as_str()),
                Some(ActorRole::of(actor))
            );
        }
        assert_eq!(ActorRole::stored("maker"), None);
    }
}
