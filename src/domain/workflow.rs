//! The application workflow as data: states, actions, and the one table of transitions that the
//! transitions endpoint, `allowed_actions` and the documentation all read.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::account::{Role, UnknownValue};
use super::member::MemberRole;
use super::scope::Scope;
use crate::i18n::Locale;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    UnderReview,
    InfoRequested,
    Shortlisted,
    LoiOffered,
    LoiSigned,
    Onboarding,
    Active,
    Rejected,
    Withdrawn,
    LoiDeclined,
    LoiExpired,
    /// An admin took the offered letter back.
    LoiRescinded,
    /// An admin ended the partnership (signed, onboarding or active).
    Terminated,
}

impl Status {
    pub const ALL: [Status; 15] = [
        Self::Draft,
        Self::Submitted,
        Self::UnderReview,
        Self::InfoRequested,
        Self::Shortlisted,
        Self::LoiOffered,
        Self::LoiSigned,
        Self::Onboarding,
        Self::Active,
        Self::Rejected,
        Self::Withdrawn,
        Self::LoiDeclined,
        Self::LoiExpired,
        Self::LoiRescinded,
        Self::Terminated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::UnderReview => "under_review",
            Self::InfoRequested => "info_requested",
            Self::Shortlisted => "shortlisted",
            Self::LoiOffered => "loi_offered",
            Self::LoiSigned => "loi_signed",
            Self::Onboarding => "onboarding",
            Self::Active => "active",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
            Self::LoiDeclined => "loi_declined",
            Self::LoiExpired => "loi_expired",
            Self::LoiRescinded => "loi_rescinded",
            Self::Terminated => "terminated",
        }
    }

    /// The recruitment is over: no action leads out of a terminal state but, by an admin,
    /// `reopen` of a rejection and `terminate` of an active partner.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Active
                | Self::Rejected
                | Self::Withdrawn
                | Self::LoiDeclined
                | Self::LoiExpired
                | Self::LoiRescinded
                | Self::Terminated
        )
    }

    /// Staff are reviewing: reviewers may be assigned and scorecards filed.
    pub fn is_in_review(self) -> bool {
        matches!(
            self,
            Self::Submitted | Self::UnderReview | Self::InfoRequested | Self::Shortlisted
        )
    }

    /// The next step is staff's: the application waits in their queue (`GET /me/queue`), under
    /// the state's SLA (`domain::sla`), and is counted in the daily digest.
    pub fn waits_on_staff(self) -> bool {
        self.waits_on(Actor::Reviewer) || self.waits_on(Actor::Admin)
    }

    /// Whether `actor` may take the application further from here, read from the workflow
    /// table: some move out of this status that does not end the recruitment (`to` is not
    /// terminal) is `actor`'s. The exits (reject, withdraw, terminate, ...) do not count, and
    /// nothing waits in a terminal status (an admin's `reopen` of a rejection is not a queue).
    /// So `shortlisted` and `loi_signed` wait on admins alone, `submitted` and `under_review` on
    /// reviewers and admins.
    pub fn waits_on(self, actor: Actor) -> bool {
        !self.is_terminal()
            && TRANSITIONS.iter().any(|row| {
                row.from.contains(&self) && !row.to.is_terminal() && row.actors.contains(&actor)
            })
    }

    /// Every status that waits on staff, for the SLA.
    pub fn waiting_on_staff() -> impl Iterator<Item = Status> {
        Self::ALL
            .into_iter()
            .filter(|status| status.waits_on_staff())
    }

    /// Every status that waits on `actor`, for its queue and digest.
    pub fn waiting_on(actor: Actor) -> impl Iterator<Item = Status> {
        Self::ALL
            .into_iter()
            .filter(move |status| status.waits_on(actor))
    }

    /// The applicant may edit the application in these states.
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Draft | Self::InfoRequested)
    }

    /// Still in play (an active partner included): a group has at most one live application
    /// per city. The migrations' partial unique index lists the other statuses; a test keeps
    /// the two equal.
    pub fn is_live(self) -> bool {
        !matches!(
            self,
            Self::Rejected
                | Self::Withdrawn
                | Self::LoiDeclined
                | Self::LoiExpired
                | Self::LoiRescinded
                | Self::Terminated
        )
    }

    /// The application uses its city's places, counted against the quota in store points (its
    /// letter's `stores`): a letter of intent offered or signed, onboarding, or an active
    /// partner. A rescinded letter and a terminated partner release theirs.
    pub fn holds_place(self) -> bool {
        matches!(
            self,
            Self::LoiOffered | Self::LoiSigned | Self::Onboarding | Self::Active
        )
    }

    /// Every status that holds a place, for the queries that count places.
    pub fn holding_place() -> impl Iterator<Item = Status> {
        Self::ALL.into_iter().filter(|status| status.holds_place())
    }

    /// The status as applicants are told it: review's internal steps (`submitted`,
    /// `under_review`, `shortlisted`) are one public `under_review`; the others are themselves.
    pub fn public(self) -> Status {
        match self {
            Self::Submitted | Self::UnderReview | Self::Shortlisted => Self::UnderReview,
            other => other,
        }
    }

    /// Every status an applicant is told as `self.public()`, for an applicant's filter.
    pub fn publicly_alike(self) -> Vec<Status> {
        Self::ALL
            .into_iter()
            .filter(|status| status.public() == self.public())
            .collect()
    }

    /// The status in words (give applicants `Status::public`'s).
    pub fn label(self, locale: Locale) -> &'static str {
        let (en, zh) = match self {
            Self::Draft => ("Draft", "草稿"),
            Self::Submitted => ("Submitted", "已提交"),
            Self::UnderReview => ("In review", "审核中"),
            Self::InfoRequested => ("Information requested", "待补充材料"),
            Self::Shortlisted => ("Shortlisted", "已入围"),
            Self::LoiOffered => ("Letter of intent offered", "已发出合作意向书"),
            Self::LoiSigned => ("Letter of intent signed", "已签署合作意向书"),
            Self::Onboarding => ("Onboarding", "入驻筹备中"),
            Self::Active => ("Active partner", "已开业"),
            Self::Rejected => ("Not selected", "未通过"),
            Self::Withdrawn => ("Withdrawn", "已撤回"),
            Self::LoiDeclined => ("Letter of intent declined", "已拒绝合作意向书"),
            Self::LoiExpired => ("Letter of intent expired", "合作意向书已过期"),
            Self::LoiRescinded => ("Letter of intent rescinded", "合作意向书已撤销"),
            Self::Terminated => ("Partnership terminated", "合作已终止"),
        };
        locale.pick(en, zh)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

/// What a caller asks the workflow to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// An owner of the group hands the draft in.
    Submit,
    /// Staff take a submitted application into review.
    StartReview,
    /// Staff ask the applicant for more information (`message`).
    RequestInfo,
    /// A member answers a request for information.
    Resubmit,
    /// Staff put the application on the shortlist.
    Shortlist,
    /// Staff turn the application down (`reason_code`).
    Reject,
    /// An admin takes a rejected application back into review (`reason`).
    Reopen,
    /// An owner of the group withdraws the application.
    Withdraw,
    /// An admin offers a letter of intent (`loi` terms).
    OfferLoi,
    /// An owner or a signatory signs the letter of intent (only through
    /// `POST .../loi/signature`).
    SignLoi,
    /// An owner of the group declines the letter of intent.
    DeclineLoi,
    /// The letter of intent ran out (the system, when `expires_at` passes).
    ExpireLoi,
    /// An admin starts onboarding: the checklist is made.
    StartOnboarding,
    /// An admin opens the store once every onboarding task is done.
    Activate,
    /// An admin takes an unsigned letter of intent back (`reason`).
    RescindLoi,
    /// An admin ends a signed, onboarding or active partnership (`reason_code`, `reason`).
    Terminate,
}

impl Action {
    pub const ALL: [Action; 16] = [
        Self::Submit,
        Self::StartReview,
        Self::RequestInfo,
        Self::Resubmit,
        Self::Shortlist,
        Self::Reject,
        Self::Reopen,
        Self::Withdraw,
        Self::OfferLoi,
        Self::SignLoi,
        Self::DeclineLoi,
        Self::ExpireLoi,
        Self::StartOnboarding,
        Self::Activate,
        Self::RescindLoi,
        Self::Terminate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::StartReview => "start_review",
            Self::RequestInfo => "request_info",
            Self::Resubmit => "resubmit",
            Self::Shortlist => "shortlist",
            Self::Reject => "reject",
            Self::Reopen => "reopen",
            Self::Withdraw => "withdraw",
            Self::OfferLoi => "offer_loi",
            Self::SignLoi => "sign_loi",
            Self::DeclineLoi => "decline_loi",
            Self::ExpireLoi => "expire_loi",
            Self::StartOnboarding => "start_onboarding",
            Self::Activate => "activate",
            Self::RescindLoi => "rescind_loi",
            Self::Terminate => "terminate",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who acts, as far as the workflow cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A member of the applying group, in its role there.
    Applicant(MemberRole),
    /// A reviewer of the application's city.
    Reviewer,
    Admin,
    /// The background work (LOI expiry).
    System,
}

impl Actor {
    pub const ALL: [Actor; 6] = [
        Self::Applicant(MemberRole::Owner),
        Self::Applicant(MemberRole::Editor),
        Self::Applicant(MemberRole::Signatory),
        Self::Reviewer,
        Self::Admin,
        Self::System,
    ];

    /// The actor a member of staff of `role` is on the applications of its cities (none for an
    /// applicant): what its queue and digest hold (`Status::waits_on`).
    pub fn staff(role: Role) -> Option<Actor> {
        match role {
            Role::Reviewer => Some(Self::Reviewer),
            Role::Admin => Some(Self::Admin),
            Role::Applicant => None,
        }
    }

    /// The actor as an audit event stores it (`actor_role`): a member of the group is
    /// `applicant`, whatever its role.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applicant(_) => "applicant",
            Self::Reviewer => "reviewer",
            Self::Admin => "admin",
            Self::System => "system",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Applicant(MemberRole::Owner) => "the group's owners",
            Self::Applicant(MemberRole::Editor) => "editors",
            Self::Applicant(MemberRole::Signatory) => "signatories",
            Self::Reviewer => "reviewer of the city",
            Self::Admin => "admin",
            Self::System => "the system",
        }
    }
}

/// A condition an action must meet beyond state and actor; checked when the action is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// The caller's e-mail address is verified (409 `email_not_verified`).
    EmailVerified,
    /// The city is open and inside its window (409 `city_not_accepting`).
    CityAccepting,
    /// Nothing the submission needs is missing (422 `incomplete`, naming every missing field).
    Complete,
    /// The request carries a `message` (422).
    MessageGiven,
    /// The request carries a rejection's `reason_code` (422).
    ReasonCodeGiven,
    /// The request carries a termination's `reason_code` (422).
    TerminationCodeGiven,
    /// The request carries a `reason` (422).
    ReasonGiven,
    /// Somebody has filed a scorecard (409 `scorecard_required`).
    ScorecardFiled,
    /// The request carries valid `loi` terms (422).
    LoiTermsGiven,
    /// The city's quota has room for the letter: standing, some store point is free
    /// (`committed` < `quota`); with the request, `committed` + the letter's `stores` ≤ `quota`
    /// (409 `quota_full`).
    QuotaAvailable,
    /// The move comes with the applicant's signature of the document's hash (only the signature
    /// operation supplies it; 409 `document_hash_mismatch` when the hash is not the document's).
    SignatureMatches,
    /// The signature names the signing member: its display name and, when one is on record,
    /// its title (422 on `signer_name` / `signer_title`; only the signature operation supplies
    /// them).
    SignerIsMember,
    /// The letter of intent has not run out (409 `loi_expired`).
    LoiOpen,
    /// The letter of intent has run out (the system's check).
    LoiPastExpiry,
    /// Every onboarding task is done (409 `onboarding_incomplete`).
    OnboardingDone,
}

impl Guard {
    /// Whether the guard reads what the request carries (a `message`, a `reason`, the letter's
    /// terms, the signature) rather than the application's standing: such a guard never blocks
    /// an action in advance, it is checked when the action is asked for.
    pub fn reads_request(self) -> bool {
        match self {
            Self::MessageGiven
            | Self::ReasonCodeGiven
            | Self::TerminationCodeGiven
            | Self::ReasonGiven
            | Self::LoiTermsGiven
            | Self::SignerIsMember
            | Self::SignatureMatches => true,
            Self::EmailVerified
            | Self::CityAccepting
            | Self::Complete
            | Self::ScorecardFiled
            | Self::QuotaAvailable
            | Self::LoiOpen
            | Self::LoiPastExpiry
            | Self::OnboardingDone => false,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::EmailVerified => "e-mail verified (`email_not_verified`)",
            Self::CityAccepting => "city open and in its window (`city_not_accepting`)",
            Self::Complete => "nothing missing (`incomplete`, listing every missing field)",
            Self::MessageGiven => "`message` required",
            Self::ReasonCodeGiven => {
                "`reason_code` required (`not_eligible`, `weaker_than_competitors`, `quota_filled`, `incomplete`, `duplicate`, `other`)"
            }
            Self::TerminationCodeGiven => {
                "`reason_code` required (`build_out_failed`, `breach`, `mutual`, `other`)"
            }
            Self::ReasonGiven => "`reason` required",
            Self::ScorecardFiled => "at least one scorecard filed (`scorecard_required`)",
            Self::LoiTermsGiven => "`loi` terms required",
            Self::QuotaAvailable => {
                "the city's quota has room for the letter's `stores` (`quota_full`)"
            }
            Self::SignatureMatches => {
                "only via `POST .../loi/signature`, with the document's SHA-256 (`document_hash_mismatch`)"
            }
            Self::SignerIsMember => {
                "`signer_name` is the signing member's display name and `signer_title` its title when one is on record (422)"
            }
            Self::LoiOpen => "the letter has not expired (`loi_expired`)",
            Self::LoiPastExpiry => "`expires_at` has passed",
            Self::OnboardingDone => "every onboarding task done (`onboarding_incomplete`)",
        }
    }
}

/// What integrators are told about, by webhook and in the change feed (`GET /api/v1/changes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum EventType {
    #[serde(rename = "application.submitted")]
    ApplicationSubmitted,
    /// Fired by every transition.
    #[serde(rename = "application.status_changed")]
    ApplicationStatusChanged,
    #[serde(rename = "loi.offered")]
    LoiOffered,
    #[serde(rename = "loi.signed")]
    LoiSigned,
    #[serde(rename = "partner.activated")]
    PartnerActivated,
    #[serde(rename = "partner.terminated")]
    PartnerTerminated,
    /// A message was posted on an application (not a move: fired by no transition).
    #[serde(rename = "message.created")]
    MessageCreated,
    /// A document was added to an application.
    #[serde(rename = "document.uploaded")]
    DocumentUploaded,
    /// A document was removed from an application.
    #[serde(rename = "document.deleted")]
    DocumentDeleted,
    /// An onboarding task was marked done, or not done again.
    #[serde(rename = "onboarding.task_updated")]
    OnboardingTaskUpdated,
    /// A dealer group registered.
    #[serde(rename = "dealer_group.created")]
    DealerGroupCreated,
    /// A dealer group's profile changed (its owners' edits, an approved identity change, an
    /// admin's confirmation of its parent).
    #[serde(rename = "dealer_group.updated")]
    DealerGroupUpdated,
}

impl EventType {
    pub const ALL: [EventType; 12] = [
        Self::ApplicationSubmitted,
        Self::ApplicationStatusChanged,
        Self::LoiOffered,
        Self::LoiSigned,
        Self::PartnerActivated,
        Self::PartnerTerminated,
        Self::MessageCreated,
        Self::DocumentUploaded,
        Self::DocumentDeleted,
        Self::OnboardingTaskUpdated,
        Self::DealerGroupCreated,
        Self::DealerGroupUpdated,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|event| event.as_str() == text)
    }

    /// The scope an integrator client needs to receive this event, by webhook or in the feed:
    /// the one that reading what it tells needs, so that an event carries nothing the client
    /// could not read.
    pub fn required_scope(self) -> Scope {
        match self {
            Self::ApplicationSubmitted
            | Self::ApplicationStatusChanged
            | Self::LoiOffered
            | Self::LoiSigned
            | Self::PartnerActivated
            | Self::PartnerTerminated => Scope::ApplicationsRead,
            Self::MessageCreated => Scope::MessagesRead,
            Self::DocumentUploaded | Self::DocumentDeleted => Scope::DocumentsRead,
            Self::OnboardingTaskUpdated => Scope::OnboardingRead,
            Self::DealerGroupCreated | Self::DealerGroupUpdated => Scope::DealerGroupsRead,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApplicationSubmitted => "application.submitted",
            Self::ApplicationStatusChanged => "application.status_changed",
            Self::LoiOffered => "loi.offered",
            Self::LoiSigned => "loi.signed",
            Self::PartnerActivated => "partner.activated",
            Self::PartnerTerminated => "partner.terminated",
            Self::MessageCreated => "message.created",
            Self::DocumentUploaded => "document.uploaded",
            Self::DocumentDeleted => "document.deleted",
            Self::OnboardingTaskUpdated => "onboarding.task_updated",
            Self::DealerGroupCreated => "dealer_group.created",
            Self::DealerGroupUpdated => "dealer_group.updated",
        }
    }
}

/// What happens besides the status change, the event and the `application.status_changed`
/// webhook, which every transition has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Makes and stores a new eligibility report with the current criteria.
    EvaluateEligibility,
    /// Assigns the caller when nobody is assigned yet.
    AssignCaller,
    /// E-mails every active member of the group, each in its own language.
    EmailApplicant,
    /// E-mails the assigned reviewers.
    EmailAssignees,
    /// E-mails the city's reviewers that the application waits on them: its assignees where
    /// it has any, else every active reviewer of the city.
    EmailReviewers,
    /// Renders the letter of intent, fixes its bytes and their hash.
    IssueLoi,
    /// Keeps the signature's evidence with the letter.
    RecordSignature,
    /// Closes an open letter of intent (declined, expired, withdrawn or rescinded).
    CloseLoi,
    /// Creates the onboarding checklist.
    CreateChecklist,
    /// Also fires this webhook.
    Announce(EventType),
}

impl Effect {
    fn describe(self) -> String {
        let text = match self {
            Self::Announce(event) => return format!("webhook `{}`", event.as_str()),
            Self::EvaluateEligibility => "eligibility evaluated and stored",
            Self::AssignCaller => "assigns the caller if nobody is assigned",
            Self::EmailApplicant => "e-mails the group's members",
            Self::EmailAssignees => "e-mails the assigned reviewers",
            Self::EmailReviewers => {
                "e-mails the city's reviewers (the assignees where there are any)"
            }
            Self::IssueLoi => "renders the letter and fixes its SHA-256",
            Self::RecordSignature => "keeps the signature evidence",
            Self::CloseLoi => "closes an open letter of intent",
            Self::CreateChecklist => "creates the onboarding checklist",
        };
        text.to_owned()
    }
}

/// One row of the workflow table.
pub struct Transition {
    pub action: Action,
    pub from: &'static [Status],
    pub to: Status,
    pub actors: &'static [Actor],
    pub guards: &'static [Guard],
    pub effects: &'static [Effect],
}

const STAFF: &[Actor] = &[Actor::Reviewer, Actor::Admin];
const ADMIN: &[Actor] = &[Actor::Admin];
/// The group's owners: what commits the group (submitting, withdrawing, declining a letter).
pub const OWNER: &[Actor] = &[Actor::Applicant(MemberRole::Owner)];
/// Every member of the group: what prepares an application (drafts, documents, answers).
pub const MEMBERS: &[Actor] = &[
    Actor::Applicant(MemberRole::Owner),
    Actor::Applicant(MemberRole::Editor),
    Actor::Applicant(MemberRole::Signatory),
];
/// The members who may sign for the group: owners and signatories.
pub const SIGNERS: &[Actor] = &[
    Actor::Applicant(MemberRole::Owner),
    Actor::Applicant(MemberRole::Signatory),
];

/// The workflow. Nothing else decides which action may happen when, by whom, on what condition.
pub const TRANSITIONS: &[Transition] = &[
    Transition {
        action: Action::Submit,
        from: &[Status::Draft],
        to: Status::Submitted,
        actors: OWNER,
        guards: &[Guard::EmailVerified, Guard::CityAccepting, Guard::Complete],
        effects: &[
            Effect::EvaluateEligibility,
            Effect::EmailApplicant,
            Effect::EmailReviewers,
            Effect::Announce(EventType::ApplicationSubmitted),
        ],
    },
    Transition {
        action: Action::StartReview,
        from: &[Status::Submitted],
        to: Status::UnderReview,
        actors: STAFF,
        guards: &[],
        effects: &[Effect::AssignCaller],
    },
    Transition {
        action: Action::RequestInfo,
        from: &[Status::Submitted, Status::UnderReview],
        to: Status::InfoRequested,
        actors: STAFF,
        guards: &[Guard::MessageGiven],
        effects: &[Effect::EmailApplicant],
    },
    Transition {
        action: Action::Resubmit,
        from: &[Status::InfoRequested],
        to: Status::UnderReview,
        actors: MEMBERS,
        guards: &[Guard::Complete],
        effects: &[Effect::EvaluateEligibility, Effect::EmailReviewers],
    },
    Transition {
        action: Action::Shortlist,
        from: &[Status::UnderReview],
        to: Status::Shortlisted,
        actors: STAFF,
        guards: &[Guard::ScorecardFiled],
        effects: &[],
    },
    Transition {
        action: Action::Reject,
        from: &[
            Status::Submitted,
            Status::UnderReview,
            Status::InfoRequested,
            Status::Shortlisted,
        ],
        to: Status::Rejected,
        actors: STAFF,
        guards: &[Guard::ReasonCodeGiven],
        effects: &[Effect::EmailApplicant],
    },
    Transition {
        action: Action::Reopen,
        from: &[Status::Rejected],
        to: Status::UnderReview,
        actors: &[Actor::Admin],
        guards: &[Guard::ReasonGiven],
        effects: &[Effect::EmailApplicant],
    },
    Transition {
        action: Action::Withdraw,
        from: &[
            Status::Draft,
            Status::Submitted,
            Status::UnderReview,
            Status::InfoRequested,
            Status::Shortlisted,
            Status::LoiOffered,
        ],
        to: Status::Withdrawn,
        actors: OWNER,
        guards: &[],
        effects: &[
            Effect::CloseLoi,
            Effect::EmailApplicant,
            Effect::EmailAssignees,
        ],
    },
    Transition {
        action: Action::OfferLoi,
        from: &[Status::Shortlisted],
        to: Status::LoiOffered,
        actors: ADMIN,
        guards: &[Guard::LoiTermsGiven, Guard::QuotaAvailable],
        effects: &[
            Effect::IssueLoi,
            Effect::EmailApplicant,
            Effect::Announce(EventType::LoiOffered),
        ],
    },
    Transition {
        action: Action::SignLoi,
        from: &[Status::LoiOffered],
        to: Status::LoiSigned,
        actors: SIGNERS,
        guards: &[
            Guard::SignerIsMember,
            Guard::SignatureMatches,
            Guard::LoiOpen,
        ],
        effects: &[
            Effect::RecordSignature,
            Effect::EmailApplicant,
            Effect::Announce(EventType::LoiSigned),
        ],
    },
    Transition {
        action: Action::DeclineLoi,
        from: &[Status::LoiOffered],
        to: Status::LoiDeclined,
        actors: OWNER,
        guards: &[],
        effects: &[Effect::CloseLoi, Effect::EmailApplicant],
    },
    Transition {
        action: Action::ExpireLoi,
        from: &[Status::LoiOffered],
        to: Status::LoiExpired,
        actors: &[Actor::System],
        guards: &[Guard::LoiPastExpiry],
        effects: &[Effect::CloseLoi, Effect::EmailApplicant],
    },
    Transition {
        action: Action::StartOnboarding,
        from: &[Status::LoiSigned],
        to: Status::Onboarding,
        actors: ADMIN,
        guards: &[],
        effects: &[Effect::CreateChecklist, Effect::EmailApplicant],
    },
    Transition {
        action: Action::Activate,
        from: &[Status::Onboarding],
        to: Status::Active,
        actors: ADMIN,
        guards: &[Guard::OnboardingDone],
        effects: &[
            Effect::EmailApplicant,
            Effect::Announce(EventType::PartnerActivated),
        ],
    },
    // The exits: the place goes back to the city's quota (neither status holds one).
    Transition {
        action: Action::RescindLoi,
        from: &[Status::LoiOffered],
        to: Status::LoiRescinded,
        actors: ADMIN,
        guards: &[Guard::ReasonGiven],
        effects: &[Effect::CloseLoi, Effect::EmailApplicant],
    },
    Transition {
        action: Action::Terminate,
        from: &[Status::LoiSigned, Status::Onboarding, Status::Active],
        to: Status::Terminated,
        actors: ADMIN,
        guards: &[Guard::TerminationCodeGiven, Guard::ReasonGiven],
        effects: &[
            Effect::EmailApplicant,
            Effect::Announce(EventType::PartnerTerminated),
        ],
    },
];

impl Transition {
    pub fn has(&self, effect: Effect) -> bool {
        self.effects.contains(&effect)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The action does not apply in this state (409).
    NotNow,
    /// The action applies, but not to this caller (403).
    NotYours,
}

/// The row that lets `actor` take `action` from `status`.
pub fn rule(status: Status, action: Action, actor: Actor) -> Result<&'static Transition, Refusal> {
    let row = TRANSITIONS
        .iter()
        .find(|t| t.action == action && t.from.contains(&status))
        .ok_or(Refusal::NotNow)?;
    if row.actors.contains(&actor) {
        Ok(row)
    } else {
        Err(Refusal::NotYours)
    }
}

/// The moves applicants are not told of: every row of theirs keeps the public status
/// (`start_review`, `shortlist`), so the event would only reveal an internal step.
pub fn unseen_by_applicants() -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|&action| {
            TRANSITIONS
                .iter()
                .filter(|t| t.action == action)
                .all(|t| t.from.iter().all(|from| from.public() == t.to.public()))
        })
        .collect()
}

/// The rows `actor` may take from `status`, whether or not their guards hold now
/// (`workflow::guards` decides that).
pub fn offered(status: Status, actor: Actor) -> impl Iterator<Item = &'static Transition> {
    TRANSITIONS
        .iter()
        .filter(move |t| t.from.contains(&status) && t.actors.contains(&actor))
}

/// The table as Markdown, for the API documentation.
pub fn table_markdown() -> String {
    let mut text = String::from("| action | from | to | who | rules |\n|---|---|---|---|---|\n");
    for t in TRANSITIONS {
        let join = |items: Vec<&str>| items.join(", ");
        // Derived, not an effect: the city's quota counts the statuses that hold a place.
        let releases = t.from.iter().any(|s| s.holds_place()) && !t.to.holds_place();
        let rules: Vec<String> = t
            .guards
            .iter()
            .map(|g| g.describe().to_owned())
            .chain(t.effects.iter().map(|e| e.describe()))
            .chain(releases.then(|| "releases the letter's store points".to_owned()))
            .collect();
        text.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            t.action,
            join(t.from.iter().map(|s| s.as_str()).collect()),
            t.to,
            join(t.actors.iter().map(|a| a.describe()).collect()),
            rules.join(", "),
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER_MEMBER: Actor = Actor::Applicant(MemberRole::Owner);
    const EDITOR: Actor = Actor::Applicant(MemberRole::Editor);
    const SIGNATORY: Actor = Actor::Applicant(MemberRole::Signatory);

    /// What waits on whom, as the table says: reviewers keep what they can move on, admins
    /// also what only they can (the letter to offer, the onboarding to start).
    #[test]
    fn the_queue_of_each_role_is_what_it_can_move_on() {
        let of = |actor| Status::waiting_on(actor).collect::<Vec<_>>();
        assert_eq!(
            of(Actor::Reviewer),
            [Status::Submitted, Status::UnderReview]
        );
        assert_eq!(
            of(Actor::Admin),
            [
                Status::Submitted,
                Status::UnderReview,
                Status::Shortlisted,
                Status::LoiSigned
            ]
        );
        assert_eq!(
            Status::waiting_on_staff().collect::<Vec<_>>(),
            of(Actor::Admin)
        );
        assert!(!Status::Onboarding.waits_on_staff());
        assert!(!Status::Rejected.waits_on(Actor::Admin));
        assert!(Status::InfoRequested.waits_on(EDITOR));
    }

    fn allowed_actions(status: Status, actor: Actor) -> Vec<Action> {
        offered(status, actor).map(|t| t.action).collect()
    }

    /// The state `action` leads to from `status` when `actor` asks.
    fn next(status: Status, action: Action, actor: Actor) -> Result<Status, Refusal> {
        rule(status, action, actor).map(|row| row.to)
    }

    #[test]
    fn statuses_round_trip_through_text() {
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>().ok(), Some(status));
            assert_eq!(
                serde_json::to_value(status).ok(),
                Some(serde_json::json!(status.as_str()))
            );
        }
        assert!(Status::Active.is_terminal() && !Status::LoiSigned.is_terminal());
        assert!(Status::Draft.is_editable() && !Status::Submitted.is_editable());
    }

    /// The statuses in `WHERE status NOT IN (..)` of a migration's one-live-application index.
    fn not_live_in_index(migration: &str) -> Vec<&str> {
        let Some((_, list)) = migration.split_once("WHERE status NOT IN (") else {
            panic!("the migration has no NOT IN list")
        };
        let Some((list, _)) = list.split_once(')') else {
            panic!("the NOT IN list is not closed")
        };
        let mut statuses: Vec<&str> = list
            .split(',')
            .map(|s| s.trim().trim_matches('\''))
            .collect();
        statuses.sort_unstable();
        statuses
    }

    #[test]
    fn the_one_live_application_index_lists_exactly_the_statuses_not_live() {
        let mut not_live: Vec<&str> = Status::ALL
            .into_iter()
            .filter(|s| !s.is_live())
            .map(Status::as_str)
            .collect();
        not_live.sort_unstable();
        // The latest migration that makes the index.
        for (backend, migration) in [
            (
                "sqlite",
                include_str!("../../migrations/sqlite/2026-11-29-000011_exits/up.sql"),
            ),
            (
                "postgres",
                include_str!("../../migrations/postgres/2026-11-29-000011_exits/up.sql"),
            ),
        ] {
            assert_eq!(not_live_in_index(migration), not_live, "{backend}");
        }
    }

    #[test]
    fn a_place_is_held_only_by_a_live_application() {
        let holding: Vec<Status> = Status::holding_place().collect();
        assert_eq!(
            holding,
            [
                Status::LoiOffered,
                Status::LoiSigned,
                Status::Onboarding,
                Status::Active
            ]
        );
        for status in holding {
            assert!(status.is_live(), "{status}");
        }
    }

    #[test]
    fn the_table_decides_who_may_do_what_when() {
        assert_eq!(
            next(Status::Draft, Action::Submit, OWNER_MEMBER),
            Ok(Status::Submitted)
        );
        assert_eq!(
            next(Status::Draft, Action::Submit, Actor::Admin),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            next(Status::Submitted, Action::Submit, OWNER_MEMBER),
            Err(Refusal::NotNow)
        );
        assert_eq!(
            next(Status::LoiOffered, Action::Withdraw, OWNER_MEMBER),
            Ok(Status::Withdrawn)
        );
        assert_eq!(
            next(Status::LoiSigned, Action::Withdraw, OWNER_MEMBER),
            Err(Refusal::NotNow)
        );
        assert_eq!(
            allowed_actions(Status::Draft, OWNER_MEMBER),
            [Action::Submit, Action::Withdraw]
        );
        assert!(allowed_actions(Status::Draft, Actor::Reviewer).is_empty());
        assert_eq!(
            allowed_actions(Status::UnderReview, Actor::Reviewer),
            [Action::RequestInfo, Action::Shortlist, Action::Reject]
        );
        assert_eq!(
            next(Status::Rejected, Action::Reopen, Actor::Reviewer),
            Err(Refusal::NotYours)
        );
        for status in Status::ALL.into_iter().filter(|s| s.is_terminal()) {
            assert!(allowed_actions(status, OWNER_MEMBER).is_empty(), "{status}");
            let admin = allowed_actions(status, Actor::Admin);
            assert!(
                admin.is_empty() || admin == [Action::Reopen] || admin == [Action::Terminate],
                "{status}"
            );
        }
        // The exits are the admin's, and end the recruitment for good.
        assert_eq!(
            next(Status::LoiOffered, Action::RescindLoi, Actor::Admin),
            Ok(Status::LoiRescinded)
        );
        assert_eq!(
            next(Status::LoiOffered, Action::RescindLoi, OWNER_MEMBER),
            Err(Refusal::NotYours)
        );
        for from in [Status::LoiSigned, Status::Onboarding, Status::Active] {
            assert_eq!(
                next(from, Action::Terminate, Actor::Admin),
                Ok(Status::Terminated)
            );
            assert_eq!(
                next(from, Action::Terminate, Actor::Reviewer),
                Err(Refusal::NotYours)
            );
        }
        assert_eq!(
            next(Status::LoiOffered, Action::Terminate, Actor::Admin),
            Err(Refusal::NotNow)
        );
        assert_eq!(
            allowed_actions(Status::Active, Actor::Admin),
            [Action::Terminate]
        );
        for status in [Status::LoiRescinded, Status::Terminated] {
            assert!(status.is_terminal() && !status.is_live() && !status.holds_place());
            assert!(allowed_actions(status, Actor::Admin).is_empty(), "{status}");
        }
    }

    #[test]
    fn the_documentation_says_which_moves_release_places() {
        let table = table_markdown();
        let releasing: Vec<&str> = table
            .lines()
            .filter(|line| line.contains("releases the letter's store points"))
            .filter_map(|line| line.split('`').nth(1))
            .collect();
        assert_eq!(
            releasing,
            [
                "withdraw",
                "decline_loi",
                "expire_loi",
                "rescind_loi",
                "terminate"
            ]
        );
    }

    #[test]
    fn every_status_has_its_own_words_in_both_languages() {
        crate::i18n::assert_own_words(&Status::ALL, Status::label);
    }

    #[test]
    fn only_the_rules_about_the_request_wait_for_it() {
        let waiting: Vec<Guard> = TRANSITIONS
            .iter()
            .flat_map(|t| t.guards.iter().copied())
            .filter(|g| g.reads_request())
            .collect();
        assert!(!waiting.contains(&Guard::EmailVerified));
        assert!(waiting.contains(&Guard::ReasonCodeGiven));
        assert!(waiting.contains(&Guard::SignerIsMember));
    }

    /// The decided matrix: owners commit the group, editors prepare, signatories also sign.
    #[test]
    fn members_act_by_their_role() {
        assert_eq!(allowed_actions(Status::Draft, EDITOR), []);
        assert_eq!(allowed_actions(Status::Draft, SIGNATORY), []);
        assert_eq!(
            allowed_actions(Status::InfoRequested, EDITOR),
            [Action::Resubmit]
        );
        assert_eq!(
            allowed_actions(Status::InfoRequested, OWNER_MEMBER),
            [Action::Resubmit, Action::Withdraw]
        );
        assert_eq!(allowed_actions(Status::LoiOffered, EDITOR), []);
        assert_eq!(
            allowed_actions(Status::LoiOffered, SIGNATORY),
            [Action::SignLoi]
        );
        assert_eq!(
            allowed_actions(Status::LoiOffered, OWNER_MEMBER),
            [Action::Withdraw, Action::SignLoi, Action::DeclineLoi]
        );
        assert_eq!(
            next(Status::Draft, Action::Submit, EDITOR),
            Err(Refusal::NotYours)
        );
        for actor in [OWNER_MEMBER, EDITOR, SIGNATORY] {
            assert_eq!(actor.as_str(), "applicant");
        }
        assert!(table_markdown().contains(
            "| `sign_loi` | loi_offered | loi_signed | the group's owners, signatories |"
        ));
    }

    #[test]
    fn applicants_are_not_told_of_review_internal_moves() {
        assert_eq!(
            unseen_by_applicants(),
            [Action::StartReview, Action::Shortlist]
        );
    }

    #[test]
    fn every_action_has_a_row_and_appears_in_the_documentation() {
        let table = table_markdown();
        for action in Action::ALL {
            assert!(TRANSITIONS.iter().any(|t| t.action == action), "{action}");
            assert!(table.contains(&format!("`{action}`")), "{action}");
            assert_eq!(
                serde_json::to_value(action).ok(),
                Some(serde_json::json!(action.as_str()))
            );
        }
    }
}
