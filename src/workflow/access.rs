//! Who sees and acts on which application, worked out once per request from the confirmed
//! caller (`auth::Principal`, which carries the role, the reviewer's cities and the group), so
//! that deciding costs no query.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::guards::{self, Offered};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::applications::{self, Application, ReadingExtras, Visibility};
use crate::domain::account::Role;
use crate::domain::event::{ActorRole, EventAction};
use crate::domain::member::MemberRole;
use crate::domain::scope::Scope;
use crate::domain::workflow::{Actor, Status};
use crate::error::AppError;
use crate::i18n::Locale;

/// The caller as the applications see it: what it may see and as whom it acts.
#[derive(Clone, Debug)]
pub struct Access {
    /// The caller's account; none for an integrator.
    pub user_id: Option<Uuid>,
    pub visibility: Visibility,
    pub applicant: bool,
    /// The caller's group and its role there, if it is a member of one.
    pub membership: Option<(Uuid, MemberRole)>,
    pub role: Option<Role>,
    pub cities: Vec<String>,
    pub locale: Locale,
    /// An integrator's scopes; none for people.
    pub scopes: Option<Vec<Scope>>,
}

impl Access {
    /// The caller's access to applications, in `locale` if asked for (else the account's
    /// language). An integrator without `applications:read` is refused (403).
    pub fn of(principal: &Principal, locale: Option<Locale>) -> Result<Self, AppError> {
        Self::reading(principal, Scope::ApplicationsRead, locale)
    }

    /// The caller's access to what `scope` covers of the applications (their documents,
    /// messages, timelines, letters, checklists): people as `of`; an integrator without the
    /// scope is refused (403).
    pub fn reading(
        principal: &Principal,
        scope: Scope,
        locale: Option<Locale>,
    ) -> Result<Self, AppError> {
        match principal {
            Principal::Client(client) => {
                if !client.scopes.contains(&scope) {
                    return Err(AppError::Forbidden);
                }
                Ok(Self {
                    user_id: None,
                    visibility: Visibility::All,
                    applicant: false,
                    membership: None,
                    role: None,
                    cities: Vec::new(),
                    locale: locale.unwrap_or(Locale::En),
                    scopes: Some(client.scopes.clone()),
                })
            }
            Principal::User(user) => {
                let visibility = match user.role {
                    Role::Admin => Visibility::All,
                    Role::Reviewer => Visibility::Cities(user.cities.clone()),
                    // No group: sees nothing (a group id nobody has).
                    Role::Applicant => {
                        Visibility::Group(user.dealer_group_id.unwrap_or(Uuid::nil()))
                    }
                };
                Ok(Self {
                    user_id: Some(user.id),
                    visibility,
                    applicant: user.role == Role::Applicant,
                    membership: user.membership(),
                    role: Some(user.role),
                    cities: user.cities.clone(),
                    locale: locale.unwrap_or(user.locale),
                    scopes: None,
                })
            }
        }
    }

    /// The status as this caller is told it: applicants see the public status
    /// (`Status::public`), everyone else the status itself.
    pub fn shown(&self, status: Status) -> Status {
        if self.applicant {
            status.public()
        } else {
            status
        }
    }

    /// The statuses a filter on `status` matches for this caller: for applicants, every status
    /// they are told as the same public status.
    pub fn filtered(&self, status: Status) -> Vec<Status> {
        if self.applicant {
            status.publicly_alike()
        } else {
            vec![status]
        }
    }

    /// The stored actions of the events this caller is not shown: for applicants, the steps
    /// that are not theirs to see (`EventAction::seen_by_applicants`).
    pub fn unseen_events(&self) -> Vec<&'static str> {
        EventAction::all()
            .filter(|action| self.applicant && !action.seen_by_applicants())
            .map(EventAction::as_str)
            .collect()
    }

    /// Who made an event, as this caller is told: applicants read `maker` for staff.
    pub fn shown_role(&self, role: ActorRole) -> ActorRole {
        if self.applicant { role.public() } else { role }
    }

    /// Whether this caller reads the account that made an event of `role`: applicants never
    /// read staff's.
    pub fn sees_actor(&self, role: ActorRole) -> bool {
        !self.applicant || role == ActorRole::Applicant
    }

    /// Whether this caller reads the reason of an event of `action` (unknown: an action this
    /// build does not know, read by staff alone): applicants read only the words meant for
    /// them (`EventAction::reason_seen_by_applicants`), integrators only those their scopes
    /// cover (`EventAction::reason_scope`).
    pub fn sees_reason(&self, action: Option<EventAction>) -> bool {
        if let Some(scopes) = &self.scopes {
            return action
                .and_then(EventAction::reason_scope)
                .is_some_and(|scope| scopes.contains(&scope));
        }
        !self.applicant || action.is_some_and(EventAction::reason_seen_by_applicants)
    }

    pub fn sees(&self, application: &Application) -> bool {
        match &self.visibility {
            Visibility::All => true,
            Visibility::Group(id) => application.dealer_group_id == *id,
            Visibility::Cities(codes) => codes.contains(&application.city_code),
        }
    }

    /// As whom the caller acts on `application`, if at all.
    pub fn actor_for(&self, application: &Application) -> Option<Actor> {
        match self.role? {
            Role::Admin => Some(Actor::Admin),
            Role::Reviewer => self
                .cities
                .contains(&application.city_code)
                .then_some(Actor::Reviewer),
            Role::Applicant => self
                .membership
                .filter(|(group, _)| *group == application.dealer_group_id)
                .map(|(_, role)| Actor::Applicant(role)),
        }
    }

    /// As whom the caller acts on `application`; 403 if it only reads it.
    pub fn actor(&self, application: &Application) -> Result<Actor, AppError> {
        self.actor_for(application).ok_or(AppError::Forbidden)
    }

    /// As whom the caller acts on `application`, if as one of `actors` (a row constant of the
    /// workflow table: `OWNER`, `MEMBERS`, `SIGNERS`); 403 otherwise.
    pub fn require(&self, application: &Application, actors: &[Actor]) -> Result<Actor, AppError> {
        self.actor_for(application)
            .filter(|actor| actors.contains(actor))
            .ok_or(AppError::Forbidden)
    }

    /// What the caller may do now with each of `applications`, and what a rule keeps it from,
    /// from one pass of reads for all of them (`guards::offered`).
    pub fn offered(
        &self,
        conn: &mut DbConnection,
        applications: &[Application],
        now: DateTime<Utc>,
    ) -> Result<Vec<Offered>, AppError> {
        let items: Vec<_> = applications
            .iter()
            .map(|application| (application, self.actor_for(application)))
            .collect();
        guards::offered(conn, self.user_id, &items, now)
    }

    /// The application if the caller may see it; 404 otherwise, as if it did not exist.
    pub fn load(&self, conn: &mut DbConnection, id: Uuid) -> Result<Application, AppError> {
        applications::find(conn, id)?
            .filter(|a| self.sees(a))
            .ok_or(AppError::NotFound)
    }

    /// As `load`, with what reading it shows beside it (`applications::find_for_reading`).
    pub fn load_for_reading(
        &self,
        conn: &mut DbConnection,
        id: Uuid,
    ) -> Result<(Application, ReadingExtras), AppError> {
        applications::find_for_reading(conn, id, self.user_id)?
            .filter(|(a, _)| self.sees(a))
            .ok_or(AppError::NotFound)
    }
}
