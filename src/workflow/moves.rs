//! Carrying out one move of the workflow table (`domain::workflow::TRANSITIONS`): its row's
//! guards, the status change guarded by the version the caller read, the row's effects, the
//! audit event, the e-mails and the webhook events. Everything happens in the caller's unit of
//! work, so a move is written whole or not at all.

use chrono::{DateTime, Duration, SecondsFormat, SubsecRound, Utc};
use strum::VariantArray;
use uuid::Uuid;

use super::eligibility;
use super::guards::{self, Facts};
use super::recipients::{application_mail, members_of, reviewers_of};
use super::unit::Work;
use crate::db::applications::{self, Application};
use crate::db::events::NewEvent;
use crate::db::lois::{self, NewLoi, Signature};
use crate::db::users::User;
use crate::db::{DbConnection, assignees, cities, dealer_groups, onboarding, users};
use crate::domain::exit::{ReasonCode, TerminationReason};
use crate::domain::loi::{LoiStatus, LoiTerms};
use crate::domain::maker::MakerIdentity;
use crate::domain::member::{MemberRole, same_words};
use crate::domain::review::RejectReason;
use crate::domain::workflow::{
    self, Action, Actor, Effect, EventType, Guard, Refusal, Status, Transition,
};
use crate::error::{AppError, FieldError, ProblemCode};
use crate::loi::{LetterFacts, Parties, SignatureFacts};
use crate::mail::Message;
use crate::mail::templates::{ApplicationMail, PartnershipStep};
use crate::webhooks::payload::StatusChange;

/// What the caller asks for, with the words some actions require.
#[derive(Default)]
pub struct MoveRequest<'a> {
    /// A rejection's or a termination's code, read by the action's guard.
    pub reason_code: Option<ReasonCode>,
    pub reason: Option<&'a str>,
    pub message: Option<&'a str>,
    /// The terms of `offer_loi`.
    pub loi: Option<&'a LoiTerms>,
    /// The applicant's signature, from `POST .../loi/signature` only.
    pub signature: Option<&'a Signature<'a>>,
    /// Who the maker is, for the documents a move makes (the letter, its signature page).
    pub maker: Option<&'a MakerIdentity>,
}

/// Who moves the application: their part in the workflow, and their account (none for the
/// system).
#[derive(Clone, Copy, Debug)]
pub struct Mover {
    pub actor: Actor,
    pub user_id: Option<Uuid>,
}

/// Moves `application` by `action`. `application` is what the caller read, and its `version`
/// must still be current; otherwise nothing changes and the answer is 412.
pub fn perform(
    work: &mut Work<'_>,
    application: &Application,
    action: Action,
    mover: Mover,
    request: &MoveRequest<'_>,
) -> Result<Status, AppError> {
    let now = work.now();
    let row = match workflow::rule(application.status, action, mover.actor) {
        Ok(row) => row,
        Err(Refusal::NotYours) => return Err(AppError::Forbidden),
        Err(Refusal::NotNow) => {
            let item = (application, Some(mover.actor));
            let offered = guards::offered(work, mover.user_id, &[item], now)?;
            return Err(offered
                .into_iter()
                .next()
                .unwrap_or_default()
                .into_refusal());
        }
    };
    if row.guards.contains(&Guard::QuotaAvailable) {
        // One decision about the city's places at a time: two offers racing for its last
        // place queue on the city's row, and the second reads the first's offer.
        cities::lock(work, &application.city_code)?;
    }
    let needs: Vec<_> = row
        .guards
        .iter()
        .map(|guard| (application, *guard))
        .collect();
    let facts = Facts::read(work, mover.user_id, &needs, now)?;
    for guard in row.guards {
        check_request(work, *guard, application, request, &facts)?;
        if let Some(code) = facts.refusal(*guard, application) {
            return Err(AppError::Conflict(code));
        }
    }
    // First the guarded write: of two racing moves, the second waits here for the first to
    // commit and then finds the version gone.
    if !applications::set_status(work, application.id, application.version, row.to, now)? {
        return Err(AppError::VersionMismatch);
    }
    if row.has(Effect::EvaluateEligibility) {
        evaluate_eligibility(work, application, now)?;
    }
    apply_letter_effects(work, row, application, mover, request, now)?;
    if row.has(Effect::CreateChecklist) {
        onboarding::create(work, application.id, now.date_naive())?;
    }
    if row.has(Effect::AssignCaller)
        && let Some(user_id) = mover.user_id
        && assignees::is_empty(work, application.id)?
    {
        assignees::add(work, application.id, user_id, Some(user_id), now)?;
    }
    work.record(NewEvent {
        application_id: application.id,
        actor_id: mover.user_id,
        actor_role: mover.actor,
        action: action.into(),
        from_status: Some(application.status),
        to_status: row.to,
        reason_code: request.reason_code.map(ReasonCode::as_str),
        reason: request.message.or(request.reason).map(str::to_owned),
    });
    notify(work, row, application, mover, request)?;
    announce(work, row, application)?;
    Ok(row.to)
}

fn given(text: Option<&str>) -> bool {
    text.is_some_and(|t| !t.trim().is_empty())
}

/// 422 naming `field` unless `present`.
fn required(present: bool, field: &str) -> Result<(), AppError> {
    if present {
        Ok(())
    } else {
        Err(AppError::field(field, "required"))
    }
}

/// A `reason_code` of the action's list (`allowed`): 422 `required` without one,
/// `not_for_action` with another list's.
fn code_of<T>(
    request: &MoveRequest<'_>,
    read: fn(ReasonCode) -> Option<T>,
    allowed: impl Iterator<Item = &'static str>,
) -> Result<(), AppError> {
    let code = request
        .reason_code
        .ok_or_else(|| AppError::field("reason_code", "required"))?;
    if read(code).is_some() {
        return Ok(());
    }
    let allowed: Vec<&str> = allowed.collect();
    Err(AppError::Validation(vec![
        FieldError::new("reason_code", "not_for_action").with_param("allowed", allowed.join(", ")),
    ]))
}

/// The guards that read the request: 422 without the words an action needs, or the signature
/// that is not of the letter's document (409), or a letter for more stores than the city's
/// quota has left (409). `Facts::refusal` decides the others.
fn check_request(
    conn: &mut DbConnection,
    guard: Guard,
    application: &Application,
    request: &MoveRequest<'_>,
    facts: &Facts,
) -> Result<(), AppError> {
    match guard {
        Guard::MessageGiven => required(given(request.message), "message"),
        Guard::ReasonGiven => required(given(request.reason), "reason"),
        Guard::ReasonCodeGiven => code_of(
            request,
            ReasonCode::rejection,
            RejectReason::ALL.into_iter().map(RejectReason::as_str),
        ),
        Guard::TerminationCodeGiven => code_of(
            request,
            ReasonCode::termination,
            TerminationReason::VARIANTS.iter().map(|r| r.as_str()),
        ),
        // Some store point is free (`Facts::refusal`), but maybe not as many as the letter's.
        Guard::QuotaAvailable => match request.loi {
            Some(terms) if i64::from(terms.stores) > facts.points_free(application) => {
                Err(AppError::Conflict(ProblemCode::QuotaFull))
            }
            _ => Ok(()),
        },
        // A standing guard, but refused with every missing field, which `Facts` does not keep.
        Guard::Complete => eligibility::proposal(application).map(|_| ()),
        Guard::LoiTermsGiven => required(request.loi.is_some(), "loi"),
        Guard::SignerIsMember => {
            let Some(signature) = request.signature else {
                return Err(AppError::field("action", "use_signature_operation"));
            };
            signer_is_member(conn, application, signature)
        }
        Guard::SignatureMatches => {
            let Some(signature) = request.signature else {
                return Err(AppError::field("action", "use_signature_operation"));
            };
            let letter = lois::find(conn, application.id)?.ok_or(AppError::NotFound)?;
            if letter
                .document_sha256
                .eq_ignore_ascii_case(signature.document_sha256.trim())
            {
                Ok(())
            } else {
                Err(AppError::Conflict(ProblemCode::DocumentHashMismatch))
            }
        }
        Guard::EmailVerified
        | Guard::CityAccepting
        | Guard::ScorecardFiled
        | Guard::LoiOpen
        | Guard::LoiPastExpiry
        | Guard::OnboardingDone => Ok(()),
    }
}

/// 403 unless the signing account, as stored now (the cached caller may be a second old), is
/// active, still in the application's group and one of its owners or signatories; then 422 on
/// `signer_name` unless it is the member's display name, and on `signer_title` unless it is the
/// member's title where one is on record (`member::same_words`: case and spaces aside). Takes
/// the group's row first, which member changes take too: a removal or demotion either
/// committed before (and is seen here) or waits for the signature.
fn signer_is_member(
    conn: &mut DbConnection,
    application: &Application,
    signature: &Signature<'_>,
) -> Result<(), AppError> {
    dealer_groups::lock(conn, application.dealer_group_id)?;
    let member = users::find(conn, signature.user_id)?
        .filter(|m| m.active && m.dealer_group_id == Some(application.dealer_group_id))
        .filter(|m| {
            matches!(
                m.group_role,
                Some(MemberRole::Owner | MemberRole::Signatory)
            )
        })
        .ok_or(AppError::Forbidden)?;
    let mut errors = Vec::new();
    if !same_words(signature.name, &member.display_name) {
        errors.push(FieldError::new("signer_name", "not_the_signer"));
    }
    if let Some(title) = member.group_title.as_deref()
        && !same_words(signature.title, title)
    {
        errors.push(FieldError::new("signer_title", "not_the_signers_title"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// The maker's identity the move was given; a move that makes a document needs it.
fn maker<'a>(request: &MoveRequest<'a>) -> Result<&'a MakerIdentity, AppError> {
    request.maker.ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "a move that makes a document was not given the maker's identity"
        ))
    })
}

/// The letter of intent's part of a move: issuing it, keeping its signature, closing it.
fn apply_letter_effects(
    conn: &mut DbConnection,
    row: &Transition,
    application: &Application,
    mover: Mover,
    request: &MoveRequest<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if row.has(Effect::IssueLoi) {
        let terms = request.loi.ok_or(AppError::field("loi", "required"))?;
        let issued_by = mover.user_id.ok_or(AppError::Forbidden)?;
        let (city, _) = cities::find(conn, &application.city_code)?.ok_or(AppError::NotFound)?;
        let group =
            dealer_groups::find(conn, application.dealer_group_id)?.ok_or(AppError::NotFound)?;
        // Whole seconds: the letter shows the expiry to the second, and the stored time must
        // be the one shown.
        let issued_at = now.trunc_subsecs(0);
        let expires_at = issued_at + Duration::days(i64::from(terms.valid_days));
        let parties = Parties {
            maker: maker(request)?.clone(),
            group_name: group.profile.legal_name.clone(),
            uscc: group.profile.uscc.clone(),
        };
        let letter = crate::loi::render(&LetterFacts {
            maker: &parties.maker,
            reference: &application.id.to_string(),
            group_name: &parties.group_name,
            uscc: &parties.uscc,
            city_code: &city.code,
            city_zh: &city.name_zh,
            city_en: &city.name_en,
            terms,
            issued_at,
            expires_at,
        })?;
        lois::insert(
            conn,
            &NewLoi {
                application_id: application.id,
                terms,
                issued_by,
                issued_at,
                expires_at,
                document_html: &letter.html,
                document_sha256: &letter.sha256,
                parties: &serde_json::to_string(&parties).map_err(anyhow::Error::from)?,
            },
        )?;
    }
    if row.has(Effect::RecordSignature) {
        let signature = request
            .signature
            .ok_or(AppError::field("action", "use_signature_operation"))?;
        let letter = lois::find(conn, application.id)?.ok_or(AppError::NotFound)?;
        // The parties the letter names; for a letter offered before they were kept, as they
        // are now.
        let parties = match letter.parties.as_deref() {
            Some(kept) => serde_json::from_str(kept).map_err(anyhow::Error::from)?,
            None => {
                let group = dealer_groups::find(conn, application.dealer_group_id)?
                    .ok_or(AppError::NotFound)?;
                Parties {
                    maker: maker(request)?.clone(),
                    group_name: group.profile.legal_name,
                    uscc: group.profile.uscc,
                }
            }
        };
        let page = crate::loi::render_signature_page(&SignatureFacts {
            maker: &parties.maker,
            reference: &application.id.to_string(),
            group_name: &parties.group_name,
            uscc: &parties.uscc,
            signer_name: signature.name,
            signer_title: signature.title,
            // As stored: `signed_at` is kept to the microsecond, the page shows the second.
            signed_at: now,
            address: signature.address,
            user_agent: signature.user_agent,
            document_sha256: &letter.document_sha256,
        })?;
        lois::record_signature(
            conn,
            application.id,
            signature,
            (&page.html, &page.sha256),
            now,
        )?;
    }
    if row.has(Effect::CloseLoi) {
        let closed = match row.to {
            Status::LoiDeclined => LoiStatus::Declined,
            Status::LoiExpired => LoiStatus::Expired,
            Status::LoiRescinded => LoiStatus::Rescinded,
            _ => LoiStatus::Withdrawn,
        };
        lois::close(conn, application.id, closed, now)?;
    }
    Ok(())
}

/// Makes the eligibility report with the current criteria and stores it with their version.
fn evaluate_eligibility(
    conn: &mut DbConnection,
    application: &Application,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // The group's row first: a profile change waits for this submission or this for it, so the
    // report is made from the profile that holds at the commit, and an identity change cannot
    // slip in beside a first submission (`groups::update`).
    dealer_groups::lock(conn, application.dealer_group_id)?;
    let report = eligibility::assess(conn, application, now)?;
    applications::store_report(conn, application.id, &report)
}

/// What the applicant is told of a move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum News {
    Submitted,
    InfoRequested,
    Rejected,
    Reopened,
    Withdrawn,
    Partnership(PartnershipStep),
    LoiRescinded,
    Terminated,
}

/// The applicant's news of `action`, for the rows that e-mail the applicant (a test holds the
/// table to it). Review steps inside the maker are not news: the applicant's label stays
/// "In review".
fn applicant_news(action: Action) -> Option<News> {
    Some(match action {
        Action::Submit => News::Submitted,
        Action::RequestInfo => News::InfoRequested,
        Action::Reject => News::Rejected,
        Action::Reopen => News::Reopened,
        Action::Withdraw => News::Withdrawn,
        Action::StartReview | Action::Resubmit | Action::Shortlist => return None,
        Action::OfferLoi => News::Partnership(PartnershipStep::LoiOffered),
        Action::SignLoi => News::Partnership(PartnershipStep::LoiSigned),
        Action::DeclineLoi => News::Partnership(PartnershipStep::LoiDeclined),
        Action::ExpireLoi => News::Partnership(PartnershipStep::LoiExpired),
        Action::StartOnboarding => News::Partnership(PartnershipStep::OnboardingStarted),
        Action::Activate => News::Partnership(PartnershipStep::PartnerActivated),
        Action::RescindLoi => News::LoiRescinded,
        Action::Terminate => News::Terminated,
    })
}

/// Queues the row's e-mails: to each member of the group in its own language, and to the assigned
/// or the city's reviewers (but not to whoever made the move).
fn notify(
    work: &mut Work<'_>,
    row: &Transition,
    application: &Application,
    mover: Mover,
    request: &MoveRequest<'_>,
) -> Result<(), AppError> {
    let members = if row.has(Effect::EmailApplicant) {
        members_of(work, application)?
    } else {
        Vec::new()
    };
    let letter = match applicant_news(row.action) {
        Some(News::Partnership(_)) if !members.is_empty() => lois::find(work, application.id)?,
        _ => None,
    };
    for member in members {
        let mail = member.mail(application.id);
        let message = match applicant_news(row.action) {
            None => None,
            Some(News::Submitted) => Some(Message::ApplicationSubmitted { mail }),
            Some(News::InfoRequested) => Some(Message::InfoRequested {
                mail,
                message: request.message.unwrap_or_default().to_owned(),
            }),
            Some(News::Rejected) => Some(Message::ApplicationRejected {
                mail,
                reason_code: request
                    .reason_code
                    .and_then(ReasonCode::rejection)
                    .unwrap_or(RejectReason::Other),
                reason: request.reason.map(str::to_owned),
            }),
            Some(News::LoiRescinded) => Some(Message::LoiRescinded {
                mail,
                reason: request.reason.unwrap_or_default().to_owned(),
            }),
            Some(News::Terminated) => Some(Message::PartnershipTerminated {
                mail,
                reason_code: request
                    .reason_code
                    .and_then(ReasonCode::termination)
                    .unwrap_or(TerminationReason::Other),
                reason: request.reason.unwrap_or_default().to_owned(),
            }),
            Some(News::Reopened) => Some(Message::ApplicationReopened { mail }),
            Some(News::Withdrawn) => Some(Message::ApplicationWithdrawn { mail }),
            Some(News::Partnership(step)) => Some(Message::Partnership {
                mail,
                step,
                expires_at: letter
                    .as_ref()
                    .map(|l| l.expires_at.to_rfc3339_opts(SecondsFormat::Secs, true)),
                stores: letter.as_ref().map(|l| l.terms.stores),
            }),
        };
        if let Some(message) = message {
            work.mail(member.email, member.locale, message);
        }
    }
    // Staff hear of a withdrawal (the assignees) or of work waiting on them (the reviewers):
    // either way the active staff still on the application (`reviewers_of` falls back to the
    // city's reviewers), never the one who moved.
    type StaffNews = fn(ApplicationMail, String, Action) -> Message;
    let (staff, news): (Vec<User>, StaffNews) = if row.has(Effect::EmailAssignees) {
        let assigned = assignees::active(work, application.id, &application.city_code)?;
        (assigned, |mail, group, action| Message::AssigneeUpdate {
            mail,
            group,
            action,
        })
    } else if row.has(Effect::EmailReviewers) {
        (reviewers_of(work, application)?, |mail, group, action| {
            Message::ReviewRequested {
                mail,
                group,
                action,
            }
        })
    } else {
        return Ok(());
    };
    for person in staff.into_iter().filter(|p| Some(p.id) != mover.user_id) {
        let mail = application_mail(work, application, person.display_name)?;
        let message = news(mail, application.dealer_group_name.clone(), row.action);
        work.mail(person.email, person.locale, message);
    }
    Ok(())
}

/// Queues the webhook events of the move: `application.status_changed` always, and
/// `application.submitted` where the row says so.
fn announce(
    work: &mut Work<'_>,
    row: &Transition,
    application: &Application,
) -> Result<(), AppError> {
    let data = StatusChange {
        application_id: application.id,
        dealer_group_id: application.dealer_group_id,
        city_code: application.city_code.clone(),
        action: row.action,
        from_status: application.status,
        to_status: row.to,
        version: application.version + 1,
    };
    let announced = row.effects.iter().filter_map(|effect| match effect {
        Effect::Announce(event) => Some(*event),
        _ => None,
    });
    for event in std::iter::once(EventType::ApplicationStatusChanged).chain(announced) {
        work.announce(event, &data)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workflow::TRANSITIONS;

    /// A row that e-mails the applicant has something to say, and a move the applicant hears of
    /// is e-mailed: adding the effect to a row, or news to an action, cannot go unnoticed.
    #[test]
    fn the_rows_that_email_the_applicant_are_the_moves_with_news() {
        for row in TRANSITIONS {
            assert_eq!(
                row.has(Effect::EmailApplicant),
                applicant_news(row.action).is_some(),
                "{:?} from {:?}",
                row.action,
                row.from
            );
        }
    }
}
