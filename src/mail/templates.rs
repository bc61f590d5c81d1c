//! Mail templates, one per message, compiled into the binary: a block per language (`en`,
//! `zh_cn`) whose first line is the subject and the rest the body, paragraphs parted by blank
//! lines, the link alone in its paragraph. `layout` makes the plain-text and HTML parts of both,
//! each signed (`signature.txt`) and with a footer (`footer.txt`); the maker's identity is the
//! global `maker` of every template.

use minijinja::{Environment, context};
use serde::{Deserialize, Serialize};

use uuid::Uuid;

use super::layout::{self, Button, Link, Section, languages};
use crate::db::outbox::OutboxMail;
use crate::domain::account::Role;
use crate::domain::exit::TerminationReason;
use crate::domain::maker::MakerIdentity;
use crate::domain::member::MemberRole;
use crate::domain::message::Side;
use crate::domain::review::RejectReason;
use crate::domain::workflow::{Action, Status};
use crate::error::AppError;
use crate::i18n::Locale;

/// How long the links in mails work, in hours; the token lifetimes use the same figures.
pub const VERIFY_EMAIL_HOURS: i64 = 48;
pub const PASSWORD_RESET_HOURS: i64 = 2;
pub const INVITATION_HOURS: i64 = 7 * 24;
/// How long an invitation into a dealer group works.
pub const GROUP_INVITATION_DAYS: i64 = 7;

/// A mail as data: which template, with which parameters. It is queued in the transaction of the
/// change that causes it and rendered by the mail worker when it is sent, outside any
/// transaction (`MailComposer::compose`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum Message {
    VerifyEmail {
        name: String,
        token: String,
    },
    PasswordReset {
        name: String,
        token: String,
    },
    StaffInvitation {
        name: String,
        token: String,
        inviter: String,
        role: Role,
    },
    /// To someone an owner invites into a dealer group (an account's holder or not).
    GroupInvitation {
        /// The account's display name, or the address when it has none.
        name: String,
        token: String,
        /// The inviting owner's display name.
        inviter: String,
        /// The group's legal name.
        group: String,
        role: MemberRole,
        title: Option<String>,
    },
    /// To the applicant: the application is in.
    ApplicationSubmitted {
        mail: ApplicationMail,
    },
    /// To the applicant: staff need more, and say what.
    InfoRequested {
        mail: ApplicationMail,
        message: String,
    },
    /// To the applicant: turned down, and why, in the applicant's language.
    ApplicationRejected {
        mail: ApplicationMail,
        reason_code: RejectReason,
        reason: Option<String>,
    },
    /// To the applicant: an admin reopened a rejected application.
    ApplicationReopened {
        mail: ApplicationMail,
    },
    /// To the applicant: confirmation of a withdrawal.
    ApplicationWithdrawn {
        mail: ApplicationMail,
    },
    /// To an assigned reviewer: the applicant resubmitted or withdrew.
    AssigneeUpdate {
        mail: ApplicationMail,
        group: String,
        action: Action,
    },
    /// To the city's reviewers (the assignees where there are any): an application was
    /// submitted or resubmitted and waits on them.
    ReviewRequested {
        mail: ApplicationMail,
        group: String,
        action: Action,
    },
    /// To a member of staff, once a day: what waits on them in their cities.
    DailyDigest {
        name: String,
        /// The China date of the digest (`YYYY-MM-DD`).
        day: String,
        /// Applications waiting on staff in the person's cities, and how many are overdue.
        waiting: i64,
        overdue: i64,
        /// The first of them: overdue first, then the longest waiting.
        items: Vec<DigestItem>,
    },
    /// To a reviewer: an admin assigned them an application.
    ReviewerAssigned {
        mail: ApplicationMail,
        group: String,
    },
    /// To the applicant: a step from the letter of intent to the open store.
    Partnership {
        mail: ApplicationMail,
        step: PartnershipStep,
        /// When the letter of intent runs out (RFC 3339), for the letter's steps.
        expires_at: Option<String>,
        stores: Option<i32>,
    },
    /// To a group's owner: an admin decided the owner's request to change the group's legal
    /// identity.
    IdentityChangeDecided {
        name: String,
        group_id: Uuid,
        legal_name: String,
        uscc: String,
        approved: bool,
        /// The admin's reasons, for a rejection.
        reason: Option<String>,
    },
    /// To the applicant: the maker took back the unsigned letter of intent, and why.
    LoiRescinded {
        mail: ApplicationMail,
        reason: String,
    },
    /// To the partner: the maker ended the partnership, and why, in the partner's language.
    PartnershipTerminated {
        mail: ApplicationMail,
        reason_code: TerminationReason,
        reason: String,
    },
    /// To the other side of an application's conversation: a message, as its author wrote it.
    /// The maker's side is "the recruitment team", never one of its staff by name.
    NewMessage {
        mail: ApplicationMail,
        /// The dealer group's name, which staff are told.
        group: String,
        /// Who wrote: the group, or the maker.
        from: Side,
        body: String,
    },
}

/// One application in a daily digest; times in China time (`YYYY-MM-DD HH:MM`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestItem {
    pub application_id: Uuid,
    pub city: CityName,
    pub group: String,
    pub status: Status,
    pub waiting_since: String,
    pub due_at: Option<String>,
    pub overdue: bool,
}

/// The steps from a letter of intent to an open store that the applicant hears about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnershipStep {
    LoiOffered,
    LoiExpiring,
    LoiExpired,
    LoiSigned,
    LoiDeclined,
    OnboardingStarted,
    PartnerActivated,
}

impl PartnershipStep {
    fn as_str(self) -> &'static str {
        match self {
            Self::LoiOffered => "loi_offered",
            Self::LoiExpiring => "loi_expiring",
            Self::LoiExpired => "loi_expired",
            Self::LoiSigned => "loi_signed",
            Self::LoiDeclined => "loi_declined",
            Self::OnboardingStarted => "onboarding_started",
            Self::PartnerActivated => "partner_activated",
        }
    }
}

/// What every mail about an application names: the recipient, the city and the application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationMail {
    pub name: String,
    pub city: CityName,
    pub application_id: Uuid,
}

/// A city's name in both languages, so that each language's part of a mail uses its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CityName {
    Both {
        en: String,
        zh_cn: String,
    },
    /// What mails queued before they spoke both languages carry: the name in the recipient's
    /// language, used in both parts.
    One(String),
}

impl CityName {
    fn in_language(&self, locale: Locale) -> &str {
        match (self, locale) {
            (Self::Both { en, .. }, Locale::En) => en,
            (Self::Both { zh_cn, .. }, Locale::ZhCn) => zh_cn,
            (Self::One(name), _) => name,
        }
    }
}

/// Who a mail's recipient is to the portal, which its footer gives as the reason it came.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Recipient {
    /// Someone registering with this address.
    Registrant,
    AccountHolder,
    /// Someone invited to the portal or into a dealer group, maybe without an account.
    Invitee,
    /// A member of a dealer group: the applicant's side.
    GroupMember,
    /// The maker's recruitment team.
    Staff,
}

impl Message {
    fn recipient(&self) -> Recipient {
        match self {
            Self::VerifyEmail { .. } => Recipient::Registrant,
            Self::PasswordReset { .. } => Recipient::AccountHolder,
            Self::StaffInvitation { .. } | Self::GroupInvitation { .. } => Recipient::Invitee,
            Self::ApplicationSubmitted { .. }
            | Self::InfoRequested { .. }
            | Self::ApplicationRejected { .. }
            | Self::ApplicationReopened { .. }
            | Self::ApplicationWithdrawn { .. }
            | Self::Partnership { .. }
            | Self::IdentityChangeDecided { .. }
            | Self::LoiRescinded { .. }
            | Self::PartnershipTerminated { .. }
            | Self::NewMessage {
                from: Side::Maker, ..
            } => Recipient::GroupMember,
            Self::AssigneeUpdate { .. }
            | Self::ReviewRequested { .. }
            | Self::DailyDigest { .. }
            | Self::ReviewerAssigned { .. }
            | Self::NewMessage {
                from: Side::Applicant,
                ..
            } => Recipient::Staff,
        }
    }

    fn template(&self) -> &'static str {
        match self {
            Self::VerifyEmail { .. } => "verify_email.txt",
            Self::PasswordReset { .. } => "password_reset.txt",
            Self::StaffInvitation { .. } => "staff_invitation.txt",
            Self::GroupInvitation { .. } => "group_invitation.txt",
            Self::ApplicationSubmitted { .. } => "application_submitted.txt",
            Self::InfoRequested { .. } => "info_requested.txt",
            Self::ApplicationRejected { .. } => "application_rejected.txt",
            Self::ApplicationReopened { .. } => "application_reopened.txt",
            Self::ApplicationWithdrawn { .. } => "application_withdrawn.txt",
            Self::AssigneeUpdate { .. } => "assignee_update.txt",
            Self::ReviewRequested { .. } => "review_requested.txt",
            Self::DailyDigest { .. } => "daily_digest.txt",
            Self::ReviewerAssigned { .. } => "reviewer_assigned.txt",
            Self::Partnership { .. } => "partnership_update.txt",
            Self::IdentityChangeDecided { .. } => "identity_change_decided.txt",
            Self::LoiRescinded { .. } => "loi_rescinded.txt",
            Self::PartnershipTerminated { .. } => "partnership_terminated.txt",
            Self::NewMessage { .. } => "new_message.txt",
        }
    }

    /// Where the mail's link goes, under the front end's base address.
    fn link(&self, base: &str) -> Link {
        let (url, button) = match self {
            Self::VerifyEmail { token, .. } => (
                format!("{base}/verify-email?token={token}"),
                Button::ConfirmAddress,
            ),
            Self::PasswordReset { token, .. } => (
                format!("{base}/reset-password?token={token}"),
                Button::ChoosePassword,
            ),
            // The front end's reset page, told to greet a newcomer rather than a forgetter.
            Self::StaffInvitation { token, .. } => (
                format!("{base}/reset-password?token={token}&invited=1"),
                Button::SetPassword,
            ),
            Self::GroupInvitation { token, .. } => (
                format!("{base}/accept-invitation?token={token}"),
                Button::JoinGroup,
            ),
            Self::ApplicationSubmitted { mail }
            | Self::InfoRequested { mail, .. }
            | Self::ApplicationRejected { mail, .. }
            | Self::ApplicationReopened { mail }
            | Self::ApplicationWithdrawn { mail }
            | Self::AssigneeUpdate { mail, .. }
            | Self::ReviewRequested { mail, .. }
            | Self::ReviewerAssigned { mail, .. }
            | Self::Partnership { mail, .. }
            | Self::LoiRescinded { mail, .. }
            | Self::PartnershipTerminated { mail, .. }
            | Self::NewMessage { mail, .. } => (
                format!("{base}/applications/{}", mail.application_id),
                Button::OpenApplication,
            ),
            Self::IdentityChangeDecided { group_id, .. } => (
                format!("{base}/dealer-groups/{group_id}"),
                Button::OpenGroup,
            ),
            Self::DailyDigest { .. } => (format!("{base}/queue"), Button::OpenQueue),
        };
        Link { url, button }
    }

    /// The template's values for the part in `locale`; `base` is the front end's address.
    fn values(&self, base: &str, link: &str, locale: Locale) -> minijinja::Value {
        match self {
            Self::VerifyEmail { name, .. } => {
                context! { name, link, hours => VERIFY_EMAIL_HOURS }
            }
            Self::PasswordReset { name, .. } => {
                context! { name, link, hours => PASSWORD_RESET_HOURS }
            }
            Self::StaffInvitation {
                name,
                inviter,
                role,
                ..
            } => context! {
                name, inviter, link, hours => INVITATION_HOURS,
                role => role_name(*role, locale),
            },
            Self::GroupInvitation {
                name,
                inviter,
                group,
                role,
                title,
                ..
            } => context! {
                name, inviter, group, title, link, days => GROUP_INVITATION_DAYS,
                role => role.label(locale),
                duties => member_duties(*role, locale),
            },
            Self::ApplicationSubmitted { mail }
            | Self::ApplicationReopened { mail }
            | Self::ApplicationWithdrawn { mail } => mail.values(link, locale),
            Self::InfoRequested { mail, message } => {
                context! { message, ..mail.values(link, locale) }
            }
            Self::ApplicationRejected {
                mail,
                reason_code,
                reason,
            } => context! {
                reason_code => reason_code.as_str(), reason,
                ..mail.values(link, locale)
            },
            Self::AssigneeUpdate {
                mail,
                group,
                action,
            } => context! { group, action => action.as_str(), ..mail.values(link, locale) },
            Self::ReviewRequested {
                mail,
                group,
                action,
            } => context! { group, action => action.as_str(), ..mail.values(link, locale) },
            Self::DailyDigest {
                name,
                day,
                waiting,
                overdue,
                items,
            } => {
                let listed: Vec<minijinja::Value> = items
                    .iter()
                    .map(|item| {
                        context! {
                            city => item.city.in_language(locale),
                            group => &item.group,
                            status => item.status.label(locale),
                            waiting_since => &item.waiting_since,
                            due_at => &item.due_at,
                            overdue => item.overdue,
                            link => format!("{base}/applications/{}", item.application_id),
                        }
                    })
                    .collect();
                let more = *waiting - i64::try_from(items.len()).unwrap_or(i64::MAX);
                context! { name, day, waiting, overdue, items => listed, more, link }
            }
            Self::ReviewerAssigned { mail, group } => {
                context! { group, ..mail.values(link, locale) }
            }
            Self::Partnership {
                mail,
                step,
                expires_at,
                stores,
            } => context! {
                event => step.as_str(),
                // Queued as RFC 3339 (UTC); told in China time with the zone named, as the
                // letter tells it.
                expires_at => expires_at.as_deref().map(|at| {
                    chrono::DateTime::parse_from_rfc3339(at).map_or_else(
                        |_| at.to_owned(),
                        |at| crate::loi::china_time(at.to_utc(), locale),
                    )
                }),
                stores,
                ..mail.values(link, locale)
            },
            Self::IdentityChangeDecided {
                name,
                legal_name,
                uscc,
                approved,
                reason,
                ..
            } => context! { name, legal_name, uscc, approved, reason, link },
            Self::LoiRescinded { mail, reason } => {
                context! { reason, ..mail.values(link, locale) }
            }
            Self::PartnershipTerminated {
                mail,
                reason_code,
                reason,
            } => context! {
                reason_code => reason_code.as_str(), reason,
                ..mail.values(link, locale)
            },
            Self::NewMessage {
                mail,
                group,
                from,
                body,
            } => context! { group, from => from.as_str(), body, ..mail.values(link, locale) },
        }
    }
}

impl ApplicationMail {
    fn values(&self, link: &str, locale: Locale) -> minijinja::Value {
        context! {
            name => &self.name,
            city => self.city.in_language(locale),
            link,
        }
    }
}

/// A mail ready to send: the subject in the recipient's language; a plain-text and an HTML
/// part, each in both languages, the recipient's first.
pub struct ComposedMail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub struct MailComposer {
    env: Environment<'static>,
    frontend_base_url: String,
}

/// The template block of each language's part.
fn block(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "en",
        Locale::ZhCn => "zh_cn",
    }
}

macro_rules! template {
    ($env:ident, $name:literal) => {
        $env.add_template($name, include_str!(concat!("templates/", $name)))
            .map_err(|e| anyhow::anyhow!("mail template {}: {e}", $name))?;
    };
}

impl MailComposer {
    /// Links in mails go to the front end at `frontend_base_url` (no trailing slash); every mail
    /// signs off as `maker`'s recruitment team and names it in its footer.
    pub fn new(frontend_base_url: &str, maker: &MakerIdentity) -> anyhow::Result<Self> {
        // By their names, `.txt` templates are not escaped and `.html` ones are.
        let mut env = Environment::new();
        template!(env, "verify_email.txt");
        template!(env, "password_reset.txt");
        template!(env, "staff_invitation.txt");
        template!(env, "group_invitation.txt");
        template!(env, "application_submitted.txt");
        template!(env, "info_requested.txt");
        template!(env, "application_rejected.txt");
        template!(env, "application_reopened.txt");
        template!(env, "application_withdrawn.txt");
        template!(env, "assignee_update.txt");
        template!(env, "reviewer_assigned.txt");
        template!(env, "review_requested.txt");
        template!(env, "daily_digest.txt");
        template!(env, "partnership_update.txt");
        template!(env, "identity_change_decided.txt");
        template!(env, "loi_rescinded.txt");
        template!(env, "partnership_terminated.txt");
        template!(env, "new_message.txt");
        template!(env, "signature.txt");
        template!(env, "footer.txt");
        template!(env, "layout.html");
        env.add_global("maker", minijinja::Value::from_serialize(maker));
        Ok(Self {
            env,
            frontend_base_url: frontend_base_url.to_owned(),
        })
    }

    /// `message` for someone who reads `locale`: in both languages, theirs first.
    pub fn compose(&self, message: &Message, locale: Locale) -> Result<ComposedMail, AppError> {
        let name = message.template();
        let failed = |e: minijinja::Error| {
            AppError::Internal(anyhow::anyhow!("rendering mail {name}: {e:#}"))
        };
        let link = message.link(&self.frontend_base_url);
        let template = self.env.get_template(name).map_err(failed)?;
        let recipient = Some(message.recipient());
        let sections = languages(locale)
            .into_iter()
            .map(|language| {
                let rendered = template
                    .render_captured(message.values(&self.frontend_base_url, &link.url, language))?
                    .with_state_mut(|state| state.render_block(block(language)))?;
                let section = Section::read(language, &rendered, Some(&link));
                Ok(section.signed(
                    &self.render("signature.txt", language, recipient)?,
                    &self.render("footer.txt", language, recipient)?,
                ))
            })
            .collect::<Result<Vec<_>, minijinja::Error>>()
            .map_err(failed)?;
        self.lay_out(sections).map_err(failed)
    }

    /// `language`'s block of a template every mail shares (its signature, its footer).
    fn render(
        &self,
        name: &str,
        language: Locale,
        recipient: Option<Recipient>,
    ) -> Result<String, minijinja::Error> {
        self.env
            .get_template(name)?
            .render_captured(context! { recipient })?
            .with_state_mut(|state| state.render_block(block(language)))
    }

    fn lay_out(&self, sections: Vec<Section>) -> Result<ComposedMail, minijinja::Error> {
        Ok(ComposedMail {
            html: layout::html(&self.env, &sections)?,
            text: layout::text(&sections),
            subject: sections
                .into_iter()
                .next()
                .map(|first| first.subject)
                .unwrap_or_default(),
        })
    }
}

/// How a failure to render a queued message starts, so the worker gives up on it at once.
pub const UNRENDERABLE: &str = "cannot render the message";

impl MailComposer {
    /// The mail of an outbox row: rendered now from its message for the recipient's language,
    /// or laid out from the text that rows queued before mail was data carry. An error here can
    /// never heal by retrying.
    pub fn compose_queued(&self, mail: &OutboxMail) -> Result<ComposedMail, String> {
        let locale = mail
            .locale
            .as_deref()
            .and_then(Locale::parse)
            .unwrap_or(Locale::En);
        let Some(message) = &mail.message else {
            // Its text was signed when it was queued: it gets the footer alone, without the
            // reason, which the row does not tell.
            let subject = mail.subject.as_deref().unwrap_or_default();
            let body = mail.body_text.as_deref().unwrap_or_default();
            return self
                .render("footer.txt", locale, None)
                .and_then(|footer| {
                    self.lay_out(vec![
                        Section::new(locale, subject, body, None).signed("", &footer),
                    ])
                })
                .map_err(|e| format!("{UNRENDERABLE}: {e}"));
        };
        let message: Message =
            serde_json::from_str(message).map_err(|e| format!("{UNRENDERABLE}: {e}"))?;
        self.compose(&message, locale)
            .map_err(|e| format!("{UNRENDERABLE}: {e}"))
    }
}

/// What a member in `role` does for the group, to end "you read the group's applications and …".
fn member_duties(role: MemberRole, locale: Locale) -> &'static str {
    match (role, locale) {
        (MemberRole::Owner, Locale::En) => {
            "act for it in everything: its profile, submitting and withdrawing applications, signing letters of intent and managing its members"
        }
        (MemberRole::Editor, Locale::En) => {
            "prepare them: edit drafts, upload documents and answer requests for information"
        }
        (MemberRole::Signatory, Locale::En) => {
            "prepare them (edit drafts, upload documents, answer requests for information) and sign letters of intent for it"
        }
        (MemberRole::Owner, Locale::ZhCn) => {
            "全权代表集团：维护集团资料、提交和撤回申请、签署合作意向书并管理成员"
        }
        (MemberRole::Editor, Locale::ZhCn) => "准备申请：编辑草稿、上传文件并答复补充材料的要求",
        (MemberRole::Signatory, Locale::ZhCn) => {
            "准备申请（编辑草稿、上传文件、答复补充材料的要求），并代表集团签署合作意向书"
        }
    }
}

fn role_name(role: Role, locale: Locale) -> &'static str {
    match (role, locale) {
        (Role::Applicant, Locale::En) => "applicant",
        (Role::Reviewer, Locale::En) => "reviewer",
        (Role::Admin, Locale::En) => "administrator",
        (Role::Applicant, Locale::ZhCn) => "申请人",
        (Role::Reviewer, Locale::ZhCn) => "评审员",
        (Role::Admin, Locale::ZhCn) => "管理员",
    }
}

#[cfg(test)]
mod tests {
    use minijinja::HtmlEscape;

    use strum::VariantArray;

    use super::*;
    use crate::mail::layout::TEXT_SEPARATOR;

    const BASE: &str = "https://portal.example/app";

    fn composer() -> MailComposer {
        MailComposer::new(BASE, &MakerIdentity::default()).expect("templates compile")
    }

    fn application_mail() -> ApplicationMail {
        ApplicationMail {
            name: "Li".into(),
            city: CityName::Both {
                en: "Suzhou".into(),
                zh_cn: "苏州".into(),
            },
            application_id: Uuid::nil(),
        }
    }

    /// One of every message (and of every partnership step).
    fn every_message() -> Vec<Message> {
        let mail = application_mail();
        let mut messages = vec![
            Message::VerifyEmail {
                name: "Li".into(),
                token: "tok1".into(),
            },
            Message::PasswordReset {
                name: "Li".into(),
                token: "tok2".into(),
            },
            Message::StaffInvitation {
                name: "Li".into(),
                token: "tok3".into(),
                inviter: "Wang".into(),
                role: Role::Reviewer,
            },
            Message::ApplicationSubmitted { mail: mail.clone() },
            Message::InfoRequested {
                mail: mail.clone(),
                message: "Please send the lease.".into(),
            },
            Message::ApplicationRejected {
                mail: mail.clone(),
                reason_code: RejectReason::QuotaFilled,
                reason: Some("See you next round.".into()),
            },
            Message::ApplicationReopened { mail: mail.clone() },
            Message::ApplicationWithdrawn { mail: mail.clone() },
            Message::AssigneeUpdate {
                mail: mail.clone(),
                group: "Huadong Motors".into(),
                action: Action::Resubmit,
            },
            Message::ReviewerAssigned {
                mail: mail.clone(),
                group: "Huadong Motors".into(),
            },
        ];
        for action in [Action::Submit, Action::Resubmit] {
            messages.push(Message::ReviewRequested {
                mail: mail.clone(),
                group: "Huadong Motors".into(),
                action,
            });
        }
        messages.push(digest());
        for approved in [true, false] {
            messages.push(Message::IdentityChangeDecided {
                name: "Li".into(),
                group_id: Uuid::nil(),
                legal_name: "苏州东方新能源汽车集团有限公司".into(),
                uscc: "91320500123456788".into(),
                approved,
                reason: (!approved).then(|| "The licence names another company.".into()),
            });
        }
        for step in [
            PartnershipStep::LoiOffered,
            PartnershipStep::LoiExpiring,
            PartnershipStep::LoiExpired,
            PartnershipStep::LoiSigned,
            PartnershipStep::LoiDeclined,
            PartnershipStep::OnboardingStarted,
            PartnershipStep::PartnerActivated,
        ] {
            messages.push(Message::Partnership {
                mail: mail.clone(),
                step,
                expires_at: Some("2027-01-01T00:00:00Z".into()),
                stores: Some(2),
            });
        }
        messages.push(Message::LoiRescinded {
            mail: mail.clone(),
            reason: "The site lease fell through.".into(),
        });
        for (role, title) in [
            (MemberRole::Owner, None),
            (MemberRole::Editor, None),
            (MemberRole::Signatory, Some("总经理".to_owned())),
        ] {
            messages.push(Message::GroupInvitation {
                name: "Li".into(),
                token: "tok4".into(),
                inviter: "Wang Fang".into(),
                group: "江苏华东汽车销售服务集团有限公司".into(),
                role,
                title,
            });
        }
        for reason_code in TerminationReason::VARIANTS {
            messages.push(Message::PartnershipTerminated {
                mail: mail.clone(),
                reason_code: *reason_code,
                reason: "Construction stopped in March.".into(),
            });
        }
        for from in [Side::Applicant, Side::Maker] {
            messages.push(Message::NewMessage {
                mail: mail.clone(),
                group: "Huadong Motors".into(),
                from,
                body: "The lease is attached.\n\nThe landlord signs on Friday.".into(),
            });
        }
        messages
    }

    /// A digest of two applications, one overdue, of three waiting.
    fn digest() -> Message {
        let item = |overdue: bool| DigestItem {
            application_id: Uuid::nil(),
            city: CityName::Both {
                en: "Suzhou".into(),
                zh_cn: "苏州".into(),
            },
            group: "Huadong Motors".into(),
            status: Status::Submitted,
            waiting_since: "2026-03-02 09:00".into(),
            due_at: Some("2026-03-04 09:00".into()),
            overdue,
        };
        Message::DailyDigest {
            name: "Li".into(),
            day: "2026-03-05".into(),
            waiting: 3,
            overdue: 1,
            items: vec![item(true), item(false)],
        }
    }

    #[test]
    fn the_digest_lists_its_items_in_each_language() {
        let mail = composer()
            .compose(&digest(), Locale::ZhCn)
            .expect("renders");
        assert_eq!(mail.subject, "2026-03-05 待审队列：3 份待处理，1 份已超期");
        let sections = text_sections(&mail);
        assert!(sections[0].contains("已超期 · 苏州 · Huadong Motors · 已提交"));
        assert!(sections[0].contains("队列中另有 1 份申请"));
        assert!(sections[1].contains("OVERDUE · Suzhou · Huadong Motors · Submitted"));
        assert!(sections[1].contains("Waiting since 2026-03-02 09:00, due 2026-03-04 09:00"));
        assert!(sections[1].contains("And 1 more in your queue."));
        assert!(sections[1].contains(
            "https://portal.example/app/applications/00000000-0000-0000-0000-000000000000"
        ));
    }

    /// The plain-text part's sections, in order.
    fn text_sections(mail: &ComposedMail) -> Vec<&str> {
        mail.text.split(TEXT_SEPARATOR).collect()
    }

    /// How each language greets Li: a mark that a part is in that language.
    fn greeting(locale: Locale) -> &'static str {
        match locale {
            Locale::En => "Hello Li,",
            Locale::ZhCn => "Li，您好：",
        }
    }

    #[test]
    fn every_message_renders_in_both_languages_in_both_parts() {
        let composer = composer();
        for message in &every_message() {
            let stored = serde_json::to_string(message).expect("serialises");
            let read: Message = serde_json::from_str(&stored).expect("reads back");
            assert_eq!(&read, message, "{stored}");
            let link = message.link(BASE).url;
            let en = composer.compose(message, Locale::En).expect("renders");
            let zh = composer.compose(message, Locale::ZhCn).expect("renders");
            assert_ne!(en.subject, zh.subject, "{stored}");
            for (mail, first) in [(&en, Locale::En), (&zh, Locale::ZhCn)] {
                let [first, second] = languages(first);
                // The subject is in the recipient's language alone.
                assert!(!mail.subject.is_empty() && !mail.subject.contains('\n'));
                let has_chinese = mail
                    .subject
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
                assert_eq!(has_chinese, first == Locale::ZhCn, "{}", mail.subject);

                // Plain text: the recipient's part (under its subject), then the other.
                let sections = text_sections(mail);
                assert_eq!(sections.len(), 2, "{}", mail.text);
                assert!(sections[0].starts_with(&mail.subject), "{}", mail.text);
                for (section, language) in sections.iter().zip([first, second]) {
                    assert!(section.contains(greeting(language)), "{section}");
                    // Signed by the maker's team, its name and address in the small print,
                    // with why the mail came.
                    let [signature, footer] = ending(language);
                    assert!(section.contains(signature), "{section}");
                    assert!(section.contains(footer), "{section}");
                    let why = match language {
                        Locale::En => "You receive this e-mail because",
                        Locale::ZhCn => "您收到本邮件，是因为",
                    };
                    let last = section.trim_end().lines().last().unwrap_or_default();
                    assert!(last.starts_with(why) && section.matches(why).count() == 1);
                    assert!(
                        !section.contains(greeting(languages(language)[1])),
                        "{section}"
                    );
                    assert!(section.contains(&link), "{section}");
                }

                // HTML: the same parts in the same order, each marked with its language and
                // with the link as a button.
                let html = &mail.html;
                assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
                let at = |needle: &str| {
                    html.find(needle)
                        .unwrap_or_else(|| panic!("{needle:?} in {html}"))
                };
                let first_part = at(&format!("<div lang=\"{}\"", first.as_str()));
                let second_part = at(&format!("<div lang=\"{}\"", second.as_str()));
                assert!(first_part < second_part);
                assert!(at(greeting(first)) < second_part && at(greeting(second)) > second_part);
                let href = format!("href=\"{}\"", HtmlEscape(&link));
                assert_eq!(html.matches(&href).count(), 4, "{html}");
                let button = message.link(BASE).button;
                assert!(at(button.label(first)) < second_part);
                assert!(at(button.label(second)) > second_part);
            }
        }
    }

    /// How the example maker signs a part in `locale`, and how its footer starts.
    fn ending(locale: Locale) -> [&'static str; 2] {
        match locale {
            Locale::En => [
                "\n\nPartner Recruitment\nJiangnan New Energy Vehicles Co., Ltd.\n\n",
                "Jiangnan New Energy Vehicles Co., Ltd.\n888 Moyu South Road, Anting, Jiading District, Shanghai\nYou receive this e-mail because",
            ],
            Locale::ZhCn => [
                "\n\n江南新能源汽车有限公司\n合作伙伴招募团队\n\n",
                "江南新能源汽车有限公司\n上海市嘉定区安亭镇墨玉南路 888 号\n您收到本邮件，是因为",
            ],
        }
    }

    /// The operator's maker, not the example, signs and is named in the footer of both parts,
    /// its values data in the HTML part (escaped), as they are in the text part.
    #[test]
    fn mails_name_the_operators_maker_in_both_languages() {
        let maker = MakerIdentity {
            legal_name_zh: "示例<汽车>&销售有限公司".into(),
            legal_name_en: "Example <Motors> & Sons Ltd.".into(),
            address_zh: "杭州市西湖区 <1> & 2 号".into(),
            address_en: "1 & 2 <Lake> Road, Hangzhou".into(),
            ..MakerIdentity::default()
        };
        let composer = MailComposer::new(BASE, &maker).expect("templates compile");
        let example = MakerIdentity::default();
        for message in &every_message() {
            for locale in [Locale::En, Locale::ZhCn] {
                let mail = composer.compose(message, locale).expect("renders");
                let sections = text_sections(&mail);
                let html = &mail.html;
                for (section, language) in sections.iter().zip(languages(locale)) {
                    let (team, name, address) = match language {
                        Locale::En => (
                            "Partner Recruitment",
                            &maker.legal_name_en,
                            &maker.address_en,
                        ),
                        Locale::ZhCn => {
                            ("合作伙伴招募团队", &maker.legal_name_zh, &maker.address_zh)
                        }
                    };
                    let signature = match language {
                        Locale::En => format!("\n\n{team}\n{name}\n\n"),
                        Locale::ZhCn => format!("\n\n{name}\n{team}\n\n"),
                    };
                    assert!(section.contains(&signature), "{section}");
                    assert!(
                        section.contains(&format!("\n{name}\n{address}\n")),
                        "{section}"
                    );
                    // Once signed, once in the footer; in HTML as text, never as markup.
                    let escaped = HtmlEscape(name).to_string();
                    assert_eq!(html.matches(&escaped).count(), 2, "{escaped} in {html}");
                    let escaped = HtmlEscape(address).to_string();
                    assert_eq!(html.matches(&escaped).count(), 1, "{escaped} in {html}");
                }
                assert!(
                    !html.contains("<Motors>") && !html.contains("<1>"),
                    "{html}"
                );
                assert!(
                    !html.contains("<Lake>") && !html.contains("<汽车>"),
                    "{html}"
                );
                assert!(
                    html.contains("Example &lt;Motors&gt; &amp; Sons Ltd."),
                    "{html}"
                );
                for leftover in [
                    &example.legal_name_en,
                    &example.legal_name_zh,
                    &example.address_en,
                ] {
                    assert!(!mail.text.contains(leftover.as_str()), "{}", mail.text);
                    assert!(!html.contains(leftover.as_str()), "{html}");
                }
            }
        }
    }

    #[test]
    fn links_go_to_the_front_end() {
        let composer = composer();
        let expected = [
            (0, "https://portal.example/app/verify-email?token=tok1"),
            (1, "https://portal.example/app/reset-password?token=tok2"),
            (
                2,
                "https://portal.example/app/reset-password?token=tok3&invited=1",
            ),
            (
                3,
                "https://portal.example/app/applications/00000000-0000-0000-0000-000000000000",
            ),
        ];
        let messages = every_message();
        for (index, link) in expected {
            let mail = composer
                .compose(&messages[index], Locale::En)
                .expect("renders");
            assert!(mail.text.contains(&format!("\n{link}\n")), "{}", mail.text);
        }
        // Every mail about an application links to it, and one about a group to the group.
        for message in &messages[3..] {
            if let Message::GroupInvitation { .. } = message {
                assert_eq!(
                    message.link(BASE).url,
                    "https://portal.example/app/accept-invitation?token=tok4"
                );
                continue;
            }
            if let Message::IdentityChangeDecided { .. } = message {
                assert_eq!(
                    message.link(BASE).url,
                    "https://portal.example/app/dealer-groups/00000000-0000-0000-0000-000000000000"
                );
                continue;
            }
            if let Message::DailyDigest { .. } = message {
                assert_eq!(message.link(BASE).url, "https://portal.example/app/queue");
                continue;
            }
            assert!(
                message
                    .link(BASE)
                    .url
                    .ends_with("/applications/00000000-0000-0000-0000-000000000000")
            );
        }
    }

    /// The tokens in links are used as they are: they must need no escaping in a URL.
    #[test]
    fn mailed_tokens_are_url_safe_as_they_are() {
        for _ in 0..200 {
            let token = crate::tokens::random_token();
            assert!(
                token
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                "{token}"
            );
        }
    }

    #[test]
    fn each_part_has_the_words_of_its_language() {
        let composer = composer();
        let messages = every_message();
        let invitation = composer
            .compose(&messages[2], Locale::ZhCn)
            .expect("renders");
        let sections = text_sections(&invitation);
        assert!(sections[0].contains("以评审员身份") && sections[1].contains("as reviewer"));

        let rejected = composer.compose(&messages[5], Locale::En).expect("renders");
        let sections = text_sections(&rejected);
        assert!(sections[0].contains("All partner places planned for this city have been filled."));
        assert!(sections[0].contains("Note from the recruitment team: See you next round."));
        assert!(sections[1].contains("该城市计划的合作名额已满。"));
        assert!(sections[1].contains("招募团队备注：See you next round."));

        let asked = composer
            .compose(&messages[4], Locale::ZhCn)
            .expect("renders");
        assert!(asked.subject.contains("苏州"));
        let sections = text_sections(&asked);
        assert!(sections[0].contains("在苏州的合作申请"));
        assert!(sections[1].contains("application for Suzhou"));
        assert!(
            sections
                .iter()
                .all(|s| s.contains("Please send the lease."))
        );
    }

    #[test]
    fn what_people_typed_is_escaped_in_the_html_part() {
        let composer = composer();
        let hostile = "<script>alert('x')</script>";
        let mut mail = application_mail();
        mail.name = hostile.into();
        let messages = [
            Message::VerifyEmail {
                name: hostile.into(),
                token: "tok".into(),
            },
            Message::StaffInvitation {
                name: hostile.into(),
                token: "tok".into(),
                inviter: hostile.into(),
                role: Role::Admin,
            },
            Message::InfoRequested {
                mail: mail.clone(),
                message: format!("Line one {hostile}\n\n<a href=\"https://evil.example\">two</a>"),
            },
            Message::NewMessage {
                mail: mail.clone(),
                group: hostile.into(),
                from: Side::Applicant,
                body: format!("See {hostile}\n\n<a href=\"https://evil.example\">the lease</a>"),
            },
            Message::ReviewerAssigned {
                mail,
                group: format!("{hostile} & \"Sons\""),
            },
        ];
        for message in &messages {
            for locale in [Locale::En, Locale::ZhCn] {
                let composed = composer.compose(message, locale).expect("renders");
                let html = &composed.html;
                assert!(
                    !html.contains("<script") && !html.contains("evil.example\">"),
                    "{html}"
                );
                assert!(html.contains("&lt;script&gt;"), "{html}");
                // The text part carries the words as they were typed.
                assert!(composed.text.contains(hostile));
            }
        }
    }

    /// Mails queued before they spoke both languages still go out: their city name (in the
    /// recipient's language) serves both parts, and rows that carry text are laid out as it is.
    #[test]
    fn mails_queued_before_still_render() {
        let composer = composer();
        let stored = r#"{"template":"application_submitted","mail":{"name":"Li","city":"Suzhou","application_id":"00000000-0000-0000-0000-000000000000"}}"#;
        let row = |message: Option<&str>| OutboxMail {
            id: "row".into(),
            recipient: "li@example.com".into(),
            subject: message.is_none().then(|| "Old subject".into()),
            body_text: message
                .is_none()
                .then(|| "Old <b>body</b>\n\nhttps://x.example/".into()),
            locale: Some("zh-CN".into()),
            message: message.map(str::to_owned),
            attempts: 0,
        };
        let mail = composer
            .compose_queued(&row(Some(stored)))
            .expect("renders");
        assert!(mail.subject.contains("Suzhou"));
        let sections = text_sections(&mail);
        assert!(sections[0].contains("Suzhou") && sections[1].contains("Suzhou"));

        let mail = composer.compose_queued(&row(None)).expect("renders");
        assert_eq!(mail.subject, "Old subject");
        assert!(mail.text.contains("Old <b>body</b>"));
        assert!(
            mail.text
                .ends_with("\n\n江南新能源汽车有限公司\n上海市嘉定区安亭镇墨玉南路 888 号"),
            "{}",
            mail.text
        );
        assert!(!mail.text.contains("合作伙伴招募团队"), "{}", mail.text);
        assert!(
            mail.html.contains("Old &lt;b&gt;body&lt;&#x2f;b&gt;"),
            "{}",
            mail.html
        );

        let broken = composer
            .compose_queued(&row(Some(r#"{"template":"no_such"}"#)))
            .err()
            .expect("refused");
        assert!(broken.starts_with(UNRENDERABLE));
    }
}
