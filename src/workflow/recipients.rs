//! Who hears about an application, and the words they need (their name, the city in their
//! language).

use uuid::Uuid;

use crate::db::applications::Application;
use crate::db::{DbConnection, cities, dealer_groups, users};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::mail::templates::ApplicationMail;

/// The city's name in `locale`.
pub fn city_name(conn: &mut DbConnection, code: &str, locale: Locale) -> Result<String, AppError> {
    let (city, _) = cities::find(conn, code)?.ok_or(AppError::NotFound)?;
    Ok(match locale {
        Locale::En => city.name_en,
        Locale::ZhCn => city.name_zh,
    })
}

/// Whom mails about an application go to: the group's owner, in the owner's language.
pub struct Recipient {
    pub email: String,
    pub locale: Locale,
    pub name: String,
    /// The application's city in the recipient's language.
    pub city: String,
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
        city: city_name(conn, &application.city_code, owner.locale)?,
        email: owner.email,
        locale: owner.locale,
        name: owner.display_name,
    }))
}

/// What a mail about `application` says to `name`: the city in `locale`.
pub fn application_mail(
    conn: &mut DbConnection,
    application: &Application,
    name: String,
    locale: Locale,
) -> Result<ApplicationMail, AppError> {
    Ok(ApplicationMail {
        city: city_name(conn, &application.city_code, locale)?,
        name,
        application_id: application.id,
    })
}
