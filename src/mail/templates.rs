//! Mail templates, one per message and language, compiled into the binary. The first line of a
//! template is the subject; the rest is the plain-text body.

use minijinja::{Environment, context};
use serde::{Deserialize, Serialize};

use uuid::Uuid;

use crate::db::outbox::OutboxMail;
use crate::domain::account::Role;
use crate::domain::review::RejectReason;
use crate::domain::workflow::Action;
use crate::error::AppError;
use crate::i18n::Locale;

/// How long the links in mails work, in hours; the token lifetimes use the same figures.
pub const VERIFY_EMAIL_HOURS: i64 = 48;
pub const PASSWORD_RESET_HOURS: i64 = 2;
pub const INVITATION_HOURS: i64 = 7 * 24;

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

/// What every mail about an application names: the recipient, the city (in the recipient's
/// language) and the application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationMail {
    pub name: String,
    pub city: String,
    pub application_id: Uuid,
}

impl Message {
    fn template(&self) -> &'static str {
        match self {
            Self::VerifyEmail { .. } => "verify_email",
            Self::PasswordReset { .. } => "password_reset",
            Self::StaffInvitation { .. } => "staff_invitation",
            Self::ApplicationSubmitted { .. } => "application_submitted",
            Self::InfoRequested { .. } => "info_requested",
            Self::ApplicationRejected { .. } => "application_rejected",
            Self::ApplicationReopened { .. } => "application_reopened",
            Self::ApplicationWithdrawn { .. } => "application_withdrawn",
            Self::AssigneeUpdate { .. } => "assignee_update",
            Self::ReviewerAssigned { .. } => "reviewer_assigned",
            Self::Partnership { .. } => "partnership_update",
        }
    }
}

pub struct ComposedMail {
    pub subject: String,
    pub body: String,
}

pub struct MailComposer {
    env: Environment<'static>,
    public_base_url: String,
}

macro_rules! template {
    ($env:ident, $name:literal) => {
        $env.add_template($name, include_str!(concat!("templates/", $name, ".txt")))
            .map_err(|e| anyhow::anyhow!("mail template {}: {e}", $name))?;
    };
}

impl MailComposer {
    pub fn new(public_base_url: &str) -> anyhow::Result<Self> {
        let mut env = Environment::new();
        template!(env, "verify_email.en");
        template!(env, "verify_email.zh-CN");
        template!(env, "password_reset.en");
        template!(env, "password_reset.zh-CN");
        template!(env, "staff_invitation.en");
        template!(env, "staff_invitation.zh-CN");
        template!(env, "application_submitted.en");
        template!(env, "application_submitted.zh-CN");
        template!(env, "info_requested.en");
        template!(env, "info_requested.zh-CN");
        template!(env, "application_rejected.en");
        template!(env, "application_rejected.zh-CN");
        template!(env, "application_reopened.en");
        template!(env, "application_reopened.zh-CN");
        template!(env, "application_withdrawn.en");
        template!(env, "application_withdrawn.zh-CN");
        template!(env, "assignee_update.en");
        template!(env, "assignee_update.zh-CN");
        template!(env, "reviewer_assigned.en");
        template!(env, "reviewer_assigned.zh-CN");
        template!(env, "partnership_update.en");
        template!(env, "partnership_update.zh-CN");
        Ok(Self {
            env,
            public_base_url: public_base_url.to_owned(),
        })
    }

    pub fn compose(&self, message: &Message, locale: Locale) -> Result<ComposedMail, AppError> {
        let base = &self.public_base_url;
        let values = match message {
            Message::VerifyEmail { name, token } => context! {
                name, hours => VERIFY_EMAIL_HOURS,
                link => format!("{base}/verify-email?token={token}"),
            },
            Message::PasswordReset { name, token } => context! {
                name, hours => PASSWORD_RESET_HOURS,
                link => format!("{base}/reset-password?token={token}"),
            },
            Message::StaffInvitation {
                name,
                token,
                inviter,
                role,
            } => context! {
                name, inviter, hours => INVITATION_HOURS,
                role => role_name(*role, locale),
                link => format!("{base}/reset-password?token={token}&invited=1"),
            },
            Message::ApplicationSubmitted { mail }
            | Message::ApplicationReopened { mail }
            | Message::ApplicationWithdrawn { mail } => mail.context(base),
            Message::InfoRequested { mail, message } => {
                context! { message, ..mail.context(base) }
            }
            Message::ApplicationRejected {
                mail,
                reason_code,
                reason,
            } => context! {
                reason_code => reason_code.as_str(), reason,
                ..mail.context(base)
            },
            Message::AssigneeUpdate {
                mail,
                group,
                action,
            } => context! { group, action => action.as_str(), ..mail.context(base) },
            Message::ReviewerAssigned { mail, group } => context! { group, ..mail.context(base) },
            Message::Partnership {
                mail,
                step,
                expires_at,
                stores,
            } => context! {
                event => step.as_str(), expires_at, stores,
                ..mail.context(base)
            },
        };
        let name = format!("{}.{}", message.template(), locale.as_str());
        let text = self
            .env
            .get_template(&name)
            .and_then(|t| t.render(values))
            .map_err(|e| AppError::Internal(anyhow::anyhow!("rendering mail {name}: {e}")))?;
        let (subject, body) = text.split_once('\n').unwrap_or((text.as_str(), ""));
        Ok(ComposedMail {
            subject: subject.trim().to_owned(),
            body: body.trim_start().to_owned(),
        })
    }
}

/// How a failure to render a queued message starts, so the worker gives up on it at once.
pub const UNRENDERABLE: &str = "cannot render the message";

impl MailComposer {
    /// The subject and body of an outbox row: rendered now from its message in the recipient's
    /// language, or the text that rows queued before mail was data carry. An error here can
    /// never heal by retrying.
    pub fn compose_queued(&self, mail: &OutboxMail) -> Result<ComposedMail, String> {
        let Some(message) = &mail.message else {
            return Ok(ComposedMail {
                subject: mail.subject.clone().unwrap_or_default(),
                body: mail.body_text.clone().unwrap_or_default(),
            });
        };
        let message: Message =
            serde_json::from_str(message).map_err(|e| format!("{UNRENDERABLE}: {e}"))?;
        let locale = mail
            .locale
            .as_deref()
            .and_then(Locale::parse)
            .unwrap_or(Locale::En);
        self.compose(&message, locale)
            .map_err(|e| format!("{UNRENDERABLE}: {e}"))
    }
}

impl ApplicationMail {
    fn context(&self, base: &str) -> minijinja::Value {
        context! {
            name => &self.name,
            city => &self.city,
            link => format!("{base}/applications/{}", self.application_id),
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
    use super::*;

    #[test]
    fn every_message_renders_in_both_languages_with_its_link() {
        let composer = MailComposer::new("https://portal.example").expect("templates compile");
        let mail = ApplicationMail {
            name: "Li".into(),
            city: "Suzhou".into(),
            application_id: Uuid::nil(),
        };
        let messages = [
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
            Message::Partnership {
                mail: mail.clone(),
                step: PartnershipStep::LoiOffered,
                expires_at: Some("2027-01-01T00:00:00Z".into()),
                stores: Some(2),
            },
            Message::Partnership {
                mail: mail.clone(),
                step: PartnershipStep::PartnerActivated,
                expires_at: None,
                stores: None,
            },
        ];
        for message in &messages {
            let stored = serde_json::to_string(message).expect("serialises");
            let read: Message = serde_json::from_str(&stored).expect("reads back");
            assert_eq!(&read, message, "{stored}");
            let en = composer.compose(message, Locale::En).expect("renders");
            let zh = composer.compose(message, Locale::ZhCn).expect("renders");
            assert_ne!(en.subject, zh.subject);
            for mail in [&en, &zh] {
                assert!(!mail.subject.is_empty());
                assert!(
                    mail.body.contains("https://portal.example/"),
                    "{}",
                    mail.body
                );
                assert!(mail.body.contains("Li"));
            }
        }
        let zh = composer
            .compose(&messages[2], Locale::ZhCn)
            .expect("renders");
        assert!(zh.body.contains("评审员") && zh.body.contains("token=tok3"));
        let rejected = composer.compose(&messages[5], Locale::En).expect("renders");
        assert!(
            rejected
                .body
                .contains("All partner places planned for this city have been filled.")
        );
        assert!(
            rejected
                .body
                .contains("Note from the recruitment team: See you next round.")
        );
        let asked = composer
            .compose(&messages[4], Locale::ZhCn)
            .expect("renders");
        assert!(asked.body.contains("Please send the lease.") && asked.subject.contains("Suzhou"));
    }
}
