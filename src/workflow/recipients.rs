//! Who hears about an application, and the words they need (their name, the city's name).

use uuid::Uuid;

use crate::db::applications::Application;
use crate::db::users::User;
use crate::db::{DbConnection, cities, dealer_groups, users};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::mail::templates::{ApplicationMail, CityName};

/// The city's name in both languages: mails speak both.
pub fn city_name(conn: &mut DbConnection, code: &str) -> Result<CityName, AppError> {
    let (city, _) = cities::find(conn, code)?.ok_or(AppError::NotFound)?;
    Ok(CityName::Both {
        en: city.name_en,
        zh_cn: city.name_zh,
    })
}

/// Whom mails about an application go to: the group's owner, in the owner's language.
pub struct Recipient {
    pub email: String,
    pub locale: Locale,
    pub name: String,
    /// The application's city.
    pub city: CityName,
}

impl Recipient {
    pub fn mail(&self, application_id: Uuid) -> ApplicationMail {
        ApplicationMail {
            name: self.name.clone(),
            city: self.city.clone(),
            application_id,
        }
    }
}

/// The group's owner, unless the account is deactivated.
pub fn owner_of(
    conn: &mut DbConnection,
    application: &Application,
) -> Result<Option<Recipient>, AppError> {
    let group =
        dealer_groups::find(conn, application.dealer_group_id)?.ok_or(AppError::NotFound)?;
    let Some(owner) = users::find(conn, group.owner_id)?.filter(|u| u.active) else {
        return Ok(None);
    };
    Ok(Some(Recipient {
        city: city_name(conn, &application.city_code)?,
        email: owner.email,
        locale: owner.locale,
        name: owner.display_name,
    }))
}

/// What a mail about `application` says to `name`.
pub fn application_mail(
    conn: &mut DbConnection,
    application: &Application,
    name: String,
) -> Result<ApplicationMail, AppError> {
    Ok(ApplicationMail {
        city: city_name(conn, &application.city_code)?,
        name,
        application_id: application.id,
    })
}

/// Whom an application that waits on the review is announced to (a submission, a
/// resubmission, an applicant's message): its active assignees who still work on it (admins, and
/// reviewers of its city), else every active reviewer of its city.
pub fn reviewers_of(
    conn: &mut DbConnection,
    application: &Application,
) -> Result<Vec<User>, AppError> {
    let assignees = users::active_assignees(conn, application.id, &application.city_code)?;
    if !assignees.is_empty() {
        return Ok(assignees);
    }
    users::city_reviewers(conn, &application.city_code)
}
