//! Dealer-group profiles and their members.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::{applications, dealer_groups};
use crate::domain::dealer_group::{
    MatchKeys, Parent, Profile, ProvincePresence, RankClaim, RankVerifiedVia, place, stored_place,
};
use crate::domain::member::MemberRole;
use crate::error::{AppError, ProblemCode};

diesel::define_sql_function!(
    /// SQL `lower()`: case-insensitive matching on both backends (diesel has no portable `ilike`).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = dealer_groups)]
struct Row {
    id: String,
    legal_name: String,
    uscc: String,
    hq_city: String,
    hq_province: String,
    founded_year: i32,
    registered_capital_cny: i64,
    annual_revenue_cny: i64,
    stores_total: i32,
    rank_claim_year: Option<i32>,
    rank_claim_rank: Option<i32>,
    provinces: String,
    brands: String,
    after_sales: String,
    contact: String,
    rank_verified: bool,
    warnings: String,
    owner_id: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    parent_legal_name: Option<String>,
    parent_uscc: Option<String>,
    rank_verified_via: Option<String>,
    affiliation_verified_at: Option<NaiveDateTime>,
    affiliation_verified_by: Option<String>,
    affiliation_note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DealerGroup {
    pub id: Uuid,
    pub profile: Profile,
    pub rank_verified: bool,
    /// How `rank_verified` was reached; None when it is false.
    pub rank_verified_via: Option<RankVerifiedVia>,
    /// An admin's confirmation that the group belongs to its `parent`.
    pub affiliation: Option<Affiliation>,
    pub warnings: Vec<String>,
    pub owner_id: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An admin's confirmation of a group's relation to its parent.
#[derive(Debug, Clone)]
pub struct Affiliation {
    pub verified_at: DateTime<Utc>,
    pub verified_by: Uuid,
    pub note: String,
}

fn corrupt(id: &str, what: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!("dealer group {id}: bad {what}"))
}

impl TryFrom<Row> for DealerGroup {
    type Error = AppError;
    fn try_from(row: Row) -> Result<Self, AppError> {
        let national_rank_claim = match (row.rank_claim_year, row.rank_claim_rank) {
            (Some(year), Some(rank)) => Some(RankClaim { year, rank }),
            _ => None,
        };
        let (hq_province, hq_province_code) = place(&row.hq_province);
        let provinces: Vec<StoredPresence> = from_json(&row.id, &row.provinces, "provinces")?;
        let parent = match (row.parent_legal_name, row.parent_uscc) {
            (Some(legal_name), Some(uscc)) => Some(Parent { legal_name, uscc }),
            _ => None,
        };
        let affiliation = match (row.affiliation_verified_at, row.affiliation_verified_by) {
            (Some(at), Some(by)) => Some(Affiliation {
                verified_at: at.and_utc(),
                verified_by: by.parse().map_err(|_| corrupt(&row.id, "verifier"))?,
                note: row.affiliation_note.unwrap_or_default(),
            }),
            _ => None,
        };
        let rank_verified_via = match row.rank_verified_via.as_deref() {
            Some(via) => Some(RankVerifiedVia::parse(via).ok_or_else(|| corrupt(&row.id, "via"))?),
            None => None,
        };
        Ok(Self {
            profile: Profile {
                legal_name: row.legal_name.clone(),
                uscc: row.uscc.clone(),
                hq_city: row.hq_city.clone(),
                hq_province,
                hq_province_code,
                founded_year: row.founded_year,
                registered_capital_cny: row.registered_capital_cny,
                annual_revenue_cny: row.annual_revenue_cny,
                stores_total: row.stores_total,
                national_rank_claim,
                provinces: provinces
                    .iter()
                    .map(|p| ProvincePresence::new(&p.province, p.stores))
                    .collect(),
                brands: from_json(&row.id, &row.brands, "brands")?,
                after_sales: from_json(&row.id, &row.after_sales, "after_sales")?,
                contact: from_json(&row.id, &row.contact, "contact")?,
                parent,
            },
            rank_verified_via,
            affiliation,
            warnings: from_json(&row.id, &row.warnings, "warnings")?,
            id: row.id.parse().map_err(|_| corrupt(&row.id, "id"))?,
            owner_id: row
                .owner_id
                .parse()
                .map_err(|_| corrupt(&row.id, "owner"))?,
            rank_verified: row.rank_verified,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        })
    }
}

fn from_json<T: serde::de::DeserializeOwned>(
    id: &str,
    text: &str,
    what: &str,
) -> Result<T, AppError> {
    serde_json::from_str(text).map_err(|_| corrupt(id, what))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.into()))
}

/// Stores in one province as the `provinces` column keeps them: the province's GB/T 2260 code.
/// Profiles written before v1.1 kept the name as sent; reading takes either, and
/// `code_stored_places` rewrites the names.
#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct StoredPresence {
    province: String,
    stores: i32,
}

fn stored_provinces(provinces: &[ProvincePresence]) -> Vec<StoredPresence> {
    provinces
        .iter()
        .map(|p| StoredPresence {
            province: p
                .province_code
                .clone()
                .unwrap_or_else(|| stored_place(&p.province)),
            stores: p.stores,
        })
        .collect()
}

/// The columns a profile (with what is derived from it) writes, on insert and on update alike.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = dealer_groups, treat_none_as_null = true)]
struct ProfileColumns {
    legal_name: String,
    name_key: String,
    uscc: String,
    hq_city: String,
    hq_province: String,
    founded_year: i32,
    registered_capital_cny: i64,
    annual_revenue_cny: i64,
    stores_total: i32,
    rank_claim_year: Option<i32>,
    rank_claim_rank: Option<i32>,
    provinces: String,
    brands: String,
    after_sales: String,
    contact: String,
    contact_phone: String,
    contact_email: String,
    parent_legal_name: Option<String>,
    parent_uscc: Option<String>,
    rank_verified: bool,
    rank_verified_via: Option<&'static str>,
    warnings: String,
}

impl ProfileColumns {
    fn new(
        profile: &Profile,
        warnings: &[String],
        via: Option<RankVerifiedVia>,
    ) -> Result<Self, AppError> {
        let keys = MatchKeys::of(profile);
        Ok(Self {
            legal_name: profile.legal_name.clone(),
            name_key: keys.name_key,
            uscc: profile.uscc.clone(),
            hq_city: profile.hq_city.clone(),
            hq_province: profile
                .hq_province_code
                .clone()
                .unwrap_or_else(|| stored_place(&profile.hq_province)),
            founded_year: profile.founded_year,
            registered_capital_cny: profile.registered_capital_cny,
            annual_revenue_cny: profile.annual_revenue_cny,
            stores_total: profile.stores_total,
            rank_claim_year: profile.national_rank_claim.as_ref().map(|c| c.year),
            rank_claim_rank: profile.national_rank_claim.as_ref().map(|c| c.rank),
            provinces: to_json(&stored_provinces(&profile.provinces))?,
            brands: to_json(&profile.brands)?,
            after_sales: to_json(&profile.after_sales)?,
            contact: to_json(&profile.contact)?,
            contact_phone: keys.phone,
            contact_email: keys.email,
            parent_legal_name: profile.parent.as_ref().map(|p| p.legal_name.clone()),
            parent_uscc: keys.parent_uscc,
            rank_verified: via.is_some(),
            rank_verified_via: via.map(RankVerifiedVia::as_str),
            warnings: to_json(&warnings)?,
        })
    }
}

/// Stores a new group founded by `owner_id` and makes the founder its first owner (409
/// `already_in_group` if the account joined a group meanwhile).
/// A USCC already registered is `409 uscc_taken`.
pub fn insert(
    conn: &mut DbConnection,
    id: Uuid,
    profile: &Profile,
    warnings: &[String],
    via: Option<RankVerifiedVia>,
    owner_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let now = now.naive_utc();
    diesel::insert_into(dealer_groups::table)
        .values((
            ProfileColumns::new(profile, warnings, via)?,
            dealer_groups::id.eq(id.to_string()),
            dealer_groups::owner_id.eq(owner_id.to_string()),
            dealer_groups::version.eq(1),
            dealer_groups::created_at.eq(now),
            dealer_groups::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(uscc_conflict)?;
    if !super::members::join(conn, owner_id, id, MemberRole::Owner, None, now.and_utc())? {
        return Err(AppError::Conflict(ProblemCode::AlreadyInGroup));
    }
    Ok(())
}

fn uscc_conflict(error: diesel::result::Error) -> AppError {
    match AppError::from(error) {
        AppError::Conflict(_) => AppError::Conflict(ProblemCode::UsccTaken),
        other => other,
    }
}

/// Replaces the profile if the group is still at `expected_version`; false when another write
/// got there first.
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: i32,
    profile: &Profile,
    warnings: &[String],
    via: Option<RankVerifiedVia>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let updated = diesel::update(
        dealer_groups::table
            .find(id.to_string())
            .filter(dealer_groups::version.eq(expected_version)),
    )
    .set((
        ProfileColumns::new(profile, warnings, via)?,
        dealer_groups::version.eq(expected_version + 1),
        dealer_groups::updated_at.eq(now.naive_utc()),
    ))
    .execute(conn)
    .map_err(uscc_conflict)?;
    Ok(updated == 1)
}

pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<DealerGroup>, AppError> {
    dealer_groups::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(DealerGroup::try_from)
        .transpose()
}

pub struct ListFilter {
    /// Part of the legal name (any case) or of the USCC.
    pub q: Option<String>,
    /// The GB/T 2260 code of the headquarters' province.
    pub province_code: Option<String>,
    /// Only groups with an application in one of these cities (a reviewer's).
    pub cities: Option<Vec<String>>,
    /// Only groups registered or changed at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
}

/// Groups in creation order after the keyset `after`.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<DealerGroup>, AppError> {
    let mut query = dealer_groups::table
        .select(Row::as_select())
        .order((dealer_groups::created_at.asc(), dealer_groups::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{}%", escaped.to_lowercase());
        let uscc_pattern = format!("%{}%", escaped.to_uppercase());
        query = query.filter(
            lower(dealer_groups::legal_name)
                .like(pattern)
                .escape('\\')
                .or(dealer_groups::uscc.like(uscc_pattern).escape('\\')),
        );
    }
    if let Some(cities) = &filter.cities {
        query = query.filter(
            dealer_groups::id.eq_any(
                applications::table
                    .filter(applications::city_code.eq_any(cities.clone()))
                    .select(applications::dealer_group_id),
            ),
        );
    }
    if let Some(code) = &filter.province_code {
        query = query.filter(dealer_groups::hq_province.eq(code.clone()));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(dealer_groups::updated_at.ge(since.naive_utc()));
    }
    if let Some((created_at, id)) = after {
        let created_at = created_at.naive_utc();
        query = query.filter(
            dealer_groups::created_at
                .gt(created_at)
                .or(dealer_groups::created_at
                    .eq(created_at)
                    .and(dealer_groups::id.gt(id.to_string()))),
        );
    }
    query
        .load(conn)?
        .into_iter()
        .map(DealerGroup::try_from)
        .collect()
}

/// What ranking verification needs to know of a group.
pub struct RankingFacts {
    pub id: String,
    pub uscc: String,
    pub name_key: String,
    pub claims_rank: bool,
    /// The parent's USCC and legal name, when an admin has confirmed the relation.
    pub confirmed_parent: Option<(String, String)>,
    pub rank_verified_via: Option<String>,
}

pub fn ranking_facts(conn: &mut DbConnection) -> Result<Vec<RankingFacts>, AppError> {
    type FactsRow = (
        String,
        String,
        String,
        Option<i32>,
        Option<String>,
        Option<String>,
        Option<NaiveDateTime>,
        Option<String>,
    );
    let rows: Vec<FactsRow> = dealer_groups::table
        .select((
            dealer_groups::id,
            dealer_groups::uscc,
            dealer_groups::name_key,
            dealer_groups::rank_claim_rank,
            dealer_groups::parent_uscc,
            dealer_groups::parent_legal_name,
            dealer_groups::affiliation_verified_at,
            dealer_groups::rank_verified_via,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, uscc, name_key, claim, parent_uscc, parent_name, confirmed_at, via)| {
                RankingFacts {
                    id,
                    uscc,
                    name_key,
                    claims_rank: claim.is_some(),
                    confirmed_parent: parent_uscc
                        .zip(parent_name)
                        .filter(|_| confirmed_at.is_some()),
                    rank_verified_via: via,
                }
            },
        )
        .collect())
}

pub fn set_rank_verified(
    conn: &mut DbConnection,
    id: &str,
    via: Option<RankVerifiedVia>,
) -> Result<(), AppError> {
    diesel::update(dealer_groups::table.find(id))
        .set((
            dealer_groups::rank_verified.eq(via.is_some()),
            dealer_groups::rank_verified_via.eq(via.map(RankVerifiedVia::as_str)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records that admin `by` confirmed the group's relation to its parent, with what that makes of
/// its top-100 verification, as a new version of the group.
pub fn confirm_affiliation(
    conn: &mut DbConnection,
    id: Uuid,
    by: Uuid,
    note: &str,
    via: Option<RankVerifiedVia>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let now = now.naive_utc();
    diesel::update(dealer_groups::table.find(id.to_string()))
        .set((
            dealer_groups::affiliation_verified_at.eq(now),
            dealer_groups::affiliation_verified_by.eq(by.to_string()),
            dealer_groups::affiliation_note.eq(note),
            dealer_groups::rank_verified.eq(via.is_some()),
            dealer_groups::rank_verified_via.eq(via.map(RankVerifiedVia::as_str)),
            dealer_groups::version.eq(dealer_groups::version + 1),
            dealer_groups::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets an admin's confirmation of the group's relation to its parent (the parent changed).
pub fn clear_affiliation(conn: &mut DbConnection, id: Uuid) -> Result<(), AppError> {
    diesel::update(dealer_groups::table.find(id.to_string()))
        .set((
            dealer_groups::affiliation_verified_at.eq(None::<NaiveDateTime>),
            dealer_groups::affiliation_verified_by.eq(None::<String>),
            dealer_groups::affiliation_note.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// A group that may be related to another, with what it is compared by.
pub struct Candidate {
    pub id: Uuid,
    pub legal_name: String,
    pub uscc: String,
    pub keys: MatchKeys,
}

/// Other groups than `id` that share a key of `keys` (each an indexed column), oldest first, at
/// most `limit`; only those applying in `cities` when given (a reviewer's).
pub fn sharing_keys(
    conn: &mut DbConnection,
    id: Uuid,
    keys: &MatchKeys,
    cities: Option<&[String]>,
    limit: i64,
) -> Result<Vec<Candidate>, AppError> {
    // Without a parent, `parent_uscc = NULL` is never true: the other keys decide.
    let mut query = dealer_groups::table
        .filter(dealer_groups::id.ne(id.to_string()))
        .filter(
            dealer_groups::parent_uscc
                .eq(keys.parent_uscc.clone())
                .or(dealer_groups::name_key.eq(keys.name_key.clone()).nullable())
                .or(dealer_groups::contact_phone
                    .eq(keys.phone.clone())
                    .nullable())
                .or(dealer_groups::contact_email
                    .eq(keys.email.clone())
                    .nullable()),
        )
        .select((
            dealer_groups::id,
            dealer_groups::legal_name,
            dealer_groups::uscc,
            dealer_groups::parent_uscc,
            dealer_groups::name_key,
            dealer_groups::contact_phone,
            dealer_groups::contact_email,
        ))
        .order((dealer_groups::created_at.asc(), dealer_groups::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(cities) = cities {
        query = query.filter(
            dealer_groups::id.eq_any(
                applications::table
                    .filter(applications::city_code.eq_any(cities.to_vec()))
                    .select(applications::dealer_group_id),
            ),
        );
    }
    type CandidateRow = (
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        String,
    );
    let rows: Vec<CandidateRow> = query.load(conn)?;
    rows.into_iter()
        .map(
            |(id, legal_name, uscc, parent_uscc, name_key, phone, email)| {
                Ok(Candidate {
                    id: id.parse().map_err(|_| corrupt(&id, "id"))?,
                    legal_name,
                    uscc,
                    keys: MatchKeys {
                        parent_uscc,
                        name_key,
                        phone,
                        email,
                    },
                })
            },
        )
        .collect()
}

/// Takes the group's row lock for the rest of the transaction (PostgreSQL; SQLite writers are
/// serial anyway): a profile change and a submission of one of its applications do not overlap.
pub fn lock(conn: &mut DbConnection, id: Uuid) -> Result<(), AppError> {
    diesel::update(dealer_groups::table.find(id.to_string()))
        .set(dealer_groups::version.eq(dealer_groups::version))
        .execute(conn)?;
    Ok(())
}

/// Rewrites the places of profiles stored before v1.1 (names as sent, in either language) as
/// GB/T 2260 codes, the way profiles are stored now. Runs at every start-up, after the
/// migrations (SQL cannot read the names as `division::find` does); idempotent, and a no-op once
/// every place is a code. Neither `version` nor `updated_at` changes: the profile as the API shows
/// it is the same. A name that names no province is left as it is (and counted), for its owner to
/// correct: the next write of the profile refuses it. Returns how many profiles it rewrote.
pub fn code_stored_places(conn: &mut DbConnection) -> Result<usize, AppError> {
    super::write_transaction(conn, |conn| {
        let rows: Vec<(String, String, String)> = dealer_groups::table
            .select((
                dealer_groups::id,
                dealer_groups::hq_province,
                dealer_groups::provinces,
            ))
            .load(conn)?;
        let mut rewritten = 0;
        let mut unknown = 0;
        for (id, hq_province, provinces) in rows {
            let stored: Vec<StoredPresence> = from_json(&id, &provinces, "provinces")?;
            let coded: Vec<StoredPresence> = stored
                .iter()
                .map(|p| StoredPresence {
                    province: stored_place(&p.province),
                    stores: p.stores,
                })
                .collect();
            let hq_coded = stored_place(&hq_province);
            if std::iter::once(&hq_coded)
                .chain(coded.iter().map(|p| &p.province))
                .any(|place| place_is_unknown(place))
            {
                unknown += 1;
            }
            if coded == stored && hq_coded == hq_province {
                continue;
            }
            // Only as read: a replica serving a profile change meanwhile has stored codes already.
            rewritten += diesel::update(
                dealer_groups::table
                    .find(&id)
                    .filter(dealer_groups::hq_province.eq(&hq_province))
                    .filter(dealer_groups::provinces.eq(&provinces)),
            )
            .set((
                dealer_groups::hq_province.eq(hq_coded),
                dealer_groups::provinces.eq(to_json(&coded)?),
            ))
            .execute(conn)?;
        }
        if unknown > 0 {
            tracing::warn!(
                profiles = unknown,
                "dealer-group profiles name a province no division matches; they keep the text"
            );
        }
        Ok(rewritten)
    })
}

fn place_is_unknown(stored: &str) -> bool {
    crate::domain::division::by_code(stored).is_none()
}
