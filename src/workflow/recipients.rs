//! Who hears about an application, and the words they need (their name, the city's name).

use uuid::Uuid;

use crate::db::applications::Application;
use crate::db::users::User;
use crate::db::{DbConnection, assignees, cities, members, users};
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

/// Whom mails about an application go to: each member of the group, in its own language.
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

/// Every active member of the application's group, in the order they joined.
pub fn members_of(
    conn: &mut DbConnection,
    application: &Application,
) -> Result<Vec<Recipient>, AppError> {
    let members = members::of_group(conn, application.dealer_group_id)?;
    if !members.iter().any(|m| m.active) {
        return Ok(Vec::new());
    }
    let city = city_name(conn, &application.city_code)?;
    Ok(members
        .into_iter()
        .filter(|m| m.active)
        .map(|m| Recipient {
            city: city.clone(),
            email: m.email,
            locale: m.locale,
            name: m.display_name,
        })
        .collect())
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
    let assignees = assignees::active(conn, application.id, &application.city_code)?;
    if !assignees.is_empty() {
        return Ok(assignees);
    }
    users::city_reviewers(conn, &application.city_code)
}
