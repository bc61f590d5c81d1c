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
        subject -> Text,
        body_text -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::joinable!(user_cities -> users (user_id));
diesel::joinable!(user_cities -> cities (city_code));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(one_time_tokens -> users (user_id));
diesel::joinable!(api_clients -> users (created_by));

diesel::allow_tables_to_appear_in_same_query!(
    cities,
    users,
    user_cities,
    refresh_tokens,
    one_time_tokens,
    api_clients,
    mail_outbox,
);
