// One schema for both backends: ids are text, times are naive UTC timestamps.
// Keep in step with migrations/sqlite and migrations/postgres.

diesel::table! {
    cities (code) {
        code -> Text,
        name_en -> Text,
        name_zh -> Text,
        province -> Text,
        quota -> Integer,
        status -> Text,
        window_opens_at -> Nullable<Timestamp>,
        window_closes_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Nullable<Text>,
        display_name -> Text,
        role -> Text,
        locale -> Text,
        email_verified_at -> Nullable<Timestamp>,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        dealer_group_id -> Nullable<Text>,
        sessions_valid_after -> Nullable<Timestamp>,
        daily_digest -> Bool,
        digest_sent_on -> Nullable<Date>,
        group_role -> Nullable<Text>,
        group_title -> Nullable<Text>,
        group_joined_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    group_events (id) {
        id -> Text,
        dealer_group_id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_group_role -> Nullable<Text>,
        action -> Text,
        subject -> Text,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    group_invitations (id) {
        id -> Text,
        dealer_group_id -> Text,
        email -> Text,
        role -> Text,
        title -> Nullable<Text>,
        token_hash -> Text,
        invited_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    user_cities (user_id, city_code) {
        user_id -> Text,
        city_code -> Text,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    one_time_tokens (id) {
        id -> Text,
        user_id -> Text,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_clients (id) {
        id -> Text,
        name -> Text,
        client_id -> Text,
        secret_hash -> Text,
        scopes -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Text,
        recipient -> Text,
        subject -> Nullable<Text>,
        body_text -> Nullable<Text>,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        locale -> Nullable<Text>,
        message -> Nullable<Text>,
    }
}

diesel::table! {
    dealer_groups (id) {
        id -> Text,
        legal_name -> Text,
        name_key -> Text,
        uscc -> Text,
        hq_city -> Text,
        hq_province -> Text,
        founded_year -> Integer,
        registered_capital_cny -> BigInt,
        annual_revenue_cny -> BigInt,
        stores_total -> Integer,
        rank_claim_year -> Nullable<Integer>,
        rank_claim_rank -> Nullable<Integer>,
        provinces -> Text,
        brands -> Text,
        after_sales -> Text,
        contact -> Text,
        rank_verified -> Bool,
        warnings -> Text,
        owner_id -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        parent_legal_name -> Nullable<Text>,
        parent_uscc -> Nullable<Text>,
        rank_verified_via -> Nullable<Text>,
        affiliation_verified_at -> Nullable<Timestamp>,
        affiliation_verified_by -> Nullable<Text>,
        affiliation_note -> Nullable<Text>,
        contact_phone -> Text,
        contact_email -> Text,
    }
}

diesel::table! {
    ranking_entries (year, rank) {
        year -> Integer,
        rank -> Integer,
        name -> Text,
        name_key -> Text,
        uscc -> Nullable<Text>,
    }
}

diesel::table! {
    eligibility_criteria (version) {
        version -> Integer,
        rules -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    applications (id) {
        id -> Text,
        dealer_group_id -> Text,
        city_code -> Text,
        status -> Text,
        store_format -> Text,
        proposed_sites -> Text,
        investment_cny -> Nullable<BigInt>,
        planned_opening -> Nullable<Date>,
        customer_base -> Nullable<Text>,
        notes -> Nullable<Text>,
        acknowledgements -> Text,
        score -> Nullable<Integer>,
        eligible -> Nullable<Bool>,
        version -> Integer,
        submitted_at -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        status_since -> Timestamp,
    }
}

diesel::table! {
    eligibility_reports (id) {
        id -> Text,
        application_id -> Text,
        criteria_version -> Integer,
        eligible -> Bool,
        score -> Integer,
        checks -> Text,
        evaluated_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (principal_id, idempotency_key) {
        principal_id -> Text,
        idempotency_key -> Text,
        request_method -> Text,
        request_path -> Text,
        request_hash -> Text,
        response_status -> Integer,
        response_headers -> Text,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    application_events (id) {
        id -> Text,
        seq -> BigInt,
        application_id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_role -> Text,
        action -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        reason_code -> Nullable<Text>,
        reason -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
        app_seq -> BigInt,
    }
}

diesel::table! {
    audit_heads (application_id) {
        application_id -> Text,
        last_app_seq -> BigInt,
        last_hash -> Text,
        last_event_id -> Text,
    }
}

diesel::table! {
    audit_checkpoints (seq) {
        seq -> BigInt,
        at -> Timestamp,
        through_seq -> BigInt,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_checkpoint_heads (checkpoint_seq, application_id) {
        checkpoint_seq -> BigInt,
        application_id -> Text,
        app_seq -> BigInt,
        event_id -> Text,
        event_hash -> Text,
    }
}

diesel::table! {
    audit_chain_head (id) {
        id -> Integer,
        last_seq -> BigInt,
        last_hash -> Text,
        last_event_id -> Nullable<Text>,
    }
}

diesel::table! {
    application_assignees (application_id, user_id) {
        application_id -> Text,
        user_id -> Text,
        assigned_by -> Nullable<Text>,
        assigned_at -> Timestamp,
    }
}

diesel::table! {
    scorecards (application_id, reviewer_id) {
        application_id -> Text,
        reviewer_id -> Text,
        district_resources -> Integer,
        customer_resources -> Integer,
        nev_experience -> Integer,
        after_sales -> Integer,
        financial_strength -> Integer,
        recommendation -> Text,
        comment -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        locked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    scorecard_versions (application_id, reviewer_id, version) {
        application_id -> Text,
        reviewer_id -> Text,
        version -> Integer,
        district_resources -> Integer,
        customer_resources -> Integer,
        nev_experience -> Integer,
        after_sales -> Integer,
        financial_strength -> Integer,
        recommendation -> Text,
        comment -> Nullable<Text>,
        filed_at -> Timestamp,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> Text,
        event_type -> Text,
        payload -> Text,
        created_at -> Timestamp,
        dispatched_at -> Nullable<Timestamp>,
        feed_seq -> Nullable<BigInt>,
    }
}

diesel::table! {
    change_feed (id) {
        id -> Integer,
        last_seq -> BigInt,
        pruned_through -> BigInt,
    }
}

diesel::table! {
    documents (id) {
        id -> Text,
        application_id -> Text,
        kind -> Text,
        filename -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        uploaded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    lois (application_id) {
        application_id -> Text,
        status -> Text,
        valid_days -> Integer,
        stores -> Integer,
        terms_note -> Nullable<Text>,
        issued_by -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        document_html -> Text,
        document_sha256 -> Text,
        reminder_sent_at -> Nullable<Timestamp>,
        signed_at -> Nullable<Timestamp>,
        signer_user_id -> Nullable<Text>,
        signer_name -> Nullable<Text>,
        signer_title -> Nullable<Text>,
        signer_address -> Nullable<Text>,
        signer_user_agent -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        signature_page_html -> Nullable<Text>,
        signature_page_sha256 -> Nullable<Text>,
        parties -> Nullable<Text>,
    }
}

diesel::table! {
    onboarding_tasks (application_id, code) {
        application_id -> Text,
        code -> Text,
        position -> Integer,
        owner -> Text,
        due_on -> Date,
        done_at -> Nullable<Timestamp>,
        done_by -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        url -> Text,
        events -> Text,
        secret -> Text,
        client_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        event_id -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        last_attempt_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    identity_changes (id) {
        id -> Text,
        dealer_group_id -> Text,
        from_legal_name -> Text,
        from_uscc -> Text,
        legal_name -> Text,
        uscc -> Text,
        reason -> Text,
        status -> Text,
        requested_by -> Text,
        requested_at -> Timestamp,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_reason -> Nullable<Text>,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        application_id -> Text,
        seq -> BigInt,
        author_id -> Text,
        author_side -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    message_documents (message_id, document_id) {
        message_id -> Text,
        document_id -> Text,
        position -> Integer,
    }
}

diesel::table! {
    message_reads (application_id, user_id) {
        application_id -> Text,
        user_id -> Text,
        last_seq -> BigInt,
        read_at -> Timestamp,
    }
}

diesel::table! {
    internal_notes (id) {
        id -> Text,
        application_id -> Text,
        author_id -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sla_days (status) {
        status -> Text,
        days -> Integer,
        version -> Integer,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(applications -> dealer_groups (dealer_group_id));
diesel::joinable!(applications -> cities (city_code));
diesel::joinable!(eligibility_reports -> applications (application_id));
diesel::joinable!(user_cities -> users (user_id));
diesel::joinable!(user_cities -> cities (city_code));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(one_time_tokens -> users (user_id));
diesel::joinable!(api_clients -> users (created_by));
diesel::joinable!(application_events -> applications (application_id));
diesel::joinable!(application_assignees -> applications (application_id));
diesel::joinable!(application_assignees -> users (user_id));
diesel::joinable!(scorecards -> applications (application_id));
diesel::joinable!(scorecards -> users (reviewer_id));
diesel::joinable!(documents -> applications (application_id));
diesel::joinable!(lois -> applications (application_id));
diesel::joinable!(onboarding_tasks -> applications (application_id));
diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(webhook_deliveries -> webhook_events (event_id));
diesel::joinable!(messages -> applications (application_id));
diesel::joinable!(messages -> users (author_id));
diesel::joinable!(message_documents -> messages (message_id));
diesel::joinable!(internal_notes -> applications (application_id));
diesel::joinable!(internal_notes -> users (author_id));

diesel::allow_tables_to_appear_in_same_query!(
    cities,
    users,
    group_events,
    group_invitations,
    user_cities,
    refresh_tokens,
    one_time_tokens,
    api_clients,
    mail_outbox,
    dealer_groups,
    ranking_entries,
    eligibility_criteria,
    applications,
    eligibility_reports,
    idempotency_keys,
    application_events,
    audit_chain_head,
    audit_checkpoint_heads,
    audit_checkpoints,
    audit_heads,
    application_assignees,
    scorecards,
    scorecard_versions,
    webhook_events,
    change_feed,
    documents,
    lois,
    onboarding_tasks,
    webhook_subscriptions,
    webhook_deliveries,
    identity_changes,
    messages,
    message_documents,
    message_reads,
    internal_notes,
    sla_days,
);
