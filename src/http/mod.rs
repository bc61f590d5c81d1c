//! The HTTP layer: one file per operation under a folder per feature, and the mechanisms every
//! operation shares (extractors, problem rendering, pagination, concurrency, metrics).
//!
//! Routes are registered once, in `configure`; the OpenAPI document is collected from the same
//! registration, so the two cannot drift.

pub mod api_clients;
pub mod applications;
pub mod audit;
pub mod auth;
pub mod changes;
pub mod cities;
pub mod concurrency;
pub mod cors;
pub mod dealer_groups;
pub mod eligibility_criteria;
pub mod extract;
pub mod idempotency;
pub mod invitations;
pub mod json_body;
pub mod me;
pub mod merge_patch;
pub mod metrics;
pub mod ops;
pub mod pages;
pub mod pagination;
pub mod problem;
pub mod rankings;
pub mod reports;
pub mod sla;
pub mod staff;
pub mod vary;
pub mod webhooks;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Every documented route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(ops::healthz)
        .service(ops::readyz)
        .service(ops::metrics)
        .service(scope("/api/v1").configure(api_v1));
}

fn api_v1(cfg: &mut ServiceConfig) {
    // The application routes first: actix tries routes in this order, each pattern with a
    // parameter by a regular expression, and these take most requests (and the metrics
    // middleware matches the route's pattern once more).
    cfg.service(applications::create::create_application)
        .service(applications::list::list_applications)
        // Before `/applications/{id}`, which would take `export.csv` for an id.
        .service(applications::export::export_applications)
        .service(applications::get::get_application)
        .service(applications::update::update_application)
        .service(applications::transitions::transition)
        .service(applications::eligibility::get_eligibility)
        .service(applications::eligibility::preview_eligibility)
        .service(applications::events::list_events)
        .service(applications::assignees::assign_reviewer)
        .service(applications::assignees::list_assignees)
        .service(applications::messages::post_message)
        .service(applications::messages::list_messages)
        .service(applications::messages::read_messages)
        .service(applications::messages::get_message)
        .service(applications::notes::post_note)
        .service(applications::notes::list_notes)
        .service(applications::notes::get_note)
        .service(applications::reviews::list_reviews)
        .service(applications::reviews::put_review)
        .service(applications::loi::get_loi)
        .service(applications::loi::get_loi_document)
        .service(applications::loi::get_loi_signature_page)
        .service(applications::loi::sign_loi)
        .service(applications::onboarding::get_onboarding)
        .service(applications::onboarding::update_task)
        .service(applications::documents::upload::upload_document)
        .service(applications::documents::list::list_documents)
        .service(applications::documents::get::get_document)
        .service(applications::documents::download::download_document)
        .service(applications::documents::delete::delete_document)
        .service(auth::register::register)
        .service(auth::verify_email::verify_email)
        .service(auth::resend_verification::resend_verification)
        .service(auth::login::login)
        .service(auth::refresh::refresh)
        .service(auth::logout::logout)
        .service(auth::password_reset::request_reset)
        .service(auth::password_reset::confirm_reset)
        .service(auth::token::client_token)
        .service(me::me)
        .service(me::update_me)
        .service(applications::queue::my_queue)
        .service(sla::get::get_sla)
        .service(sla::put::put_sla)
        .service(staff::create::create_staff)
        .service(staff::list::list_staff)
        .service(staff::update::update_staff)
        .service(api_clients::create::create_api_client)
        .service(api_clients::list::list_api_clients)
        .service(api_clients::delete::delete_api_client)
        .service(cities::list::list_cities)
        .service(cities::get::get_city)
        .service(cities::create::create_city)
        .service(cities::update::update_city)
        .service(dealer_groups::create::create_dealer_group)
        .service(dealer_groups::list::list_dealer_groups)
        .service(dealer_groups::get::get_dealer_group)
        .service(dealer_groups::update::update_dealer_group)
        .service(dealer_groups::identity_changes::request_identity_change)
        .service(dealer_groups::identity_changes::list_identity_changes)
        .service(dealer_groups::identity_changes::approve_identity_change)
        .service(dealer_groups::identity_changes::reject_identity_change)
        .service(dealer_groups::members::list_members)
        .service(dealer_groups::events::list_group_events)
        .service(dealer_groups::members::invite_member)
        .service(dealer_groups::members::update_member)
        .service(dealer_groups::members::remove_member)
        .service(dealer_groups::invitations::list_invitations)
        .service(dealer_groups::invitations::revoke_invitation)
        .service(dealer_groups::invitations::get_invitation)
        .service(invitations::accept::accept_invitation)
        .service(dealer_groups::affiliation::verify_affiliation)
        .service(dealer_groups::similar::similar_dealer_groups)
        .service(rankings::put::put_ranking)
        .service(rankings::get::get_ranking)
        .service(eligibility_criteria::get::get_criteria)
        .service(eligibility_criteria::put::put_criteria)
        .service(reports::funnel::funnel)
        .service(reports::city_ranking::city_ranking)
        .service(audit::verify::verify_chain)
        .service(webhooks::create::create_webhook)
        .service(webhooks::list::list_webhooks)
        .service(webhooks::list::delete_webhook)
        .service(webhooks::deliveries::list_deliveries)
        .service(webhooks::deliveries::redeliver)
        .service(changes::list_changes);
}
