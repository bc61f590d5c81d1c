use actix_web::{get, web};

use super::StaffMember;
use crate::auth::{Admin, Authorized};
use crate::db::users;
use crate::error::AppError;
use crate::http::extract::ValidatedQuery;
use crate::http::pagination::{CreatedKey, Page, PageParams};
use crate::state::AppState;

/// List staff accounts (reviewers and admins), oldest first.
#[utoipa::path(
    tag = "staff",
    params(PageParams),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of staff accounts", body = Page<StaffMember>))
)]
#[get("/staff")]
pub async fn list_staff(
    _admin: Authorized<Admin>,
    state: web::Data<AppState>,
    ValidatedQuery(page): ValidatedQuery<PageParams>,
) -> Result<web::Json<Page<StaffMember>>, AppError> {
    let after = page.after::<CreatedKey>()?;
    let limit = page.limit();
    let rows = state
        .db
        .run(move |conn| {
            users::list_staff(conn, after, limit + 1)?
                .into_iter()
                .map(|user| Ok((users::city_codes(conn, user.id)?, user)))
                .collect::<Result<Vec<_>, AppError>>()
        })
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |(_, user)| (user.created_at, user.id),
        |(codes, user)| StaffMember::new(user, codes),
    )))
}
