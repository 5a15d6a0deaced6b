//! The tables of `migrations/{postgres,sqlite}`, in diesel's terms.
//!
//! Written by hand rather than by `diesel print-schema`: the portable types of
//! [`crate::sql_types`] are what lets one schema (and one copy of every query) serve both
//! backends, and print-schema would emit backend-specific types. The migrations test and the
//! repository contract suite, which touch every column on both backends, catch drift.

diesel::table! {
    use diesel::sql_types::{Binary, Nullable, Text};
    use crate::sql_types::{Document, Id, Instant};

    social_connections (id) {
        id -> Id,
        user_id -> Text,
        platform -> Text,
        external_user_id -> Text,
        external_display_name -> Text,
        access_token_encrypted -> Binary,
        refresh_token_encrypted -> Nullable<Binary>,
        expires_at -> Nullable<Instant>,
        refresh_expires_at -> Nullable<Instant>,
        scopes -> Document,
        status -> Text,
        refresh_locked_by -> Nullable<Text>,
        refresh_locked_until -> Nullable<Instant>,
        created_at -> Instant,
        updated_at -> Instant,
        expiry_noticed_for -> Nullable<Instant>,
        login -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::{Nullable, Text};
    use crate::sql_types::Instant;

    oauth_states (state_hash) {
        state_hash -> Text,
        user_id -> Text,
        platform -> Text,
        code_verifier -> Nullable<Text>,
        created_at -> Instant,
        expires_at -> Instant,
        login -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::{Integer, Nullable, Text};
    use crate::sql_types::{Document, Id, Instant};

    publish_jobs (id) {
        id -> Id,
        user_id -> Text,
        social_connection_id -> Id,
        platform -> Text,
        content_text -> Text,
        assets -> Document,
        platform_specific_options -> Document,
        status -> Text,
        scheduled_at -> Nullable<Instant>,
        published_at -> Nullable<Instant>,
        error_code -> Nullable<Text>,
        error_message -> Nullable<Text>,
        attempts -> Integer,
        max_attempts -> Integer,
        next_attempt_at -> Nullable<Instant>,
        external_post_id -> Nullable<Text>,
        post_url -> Nullable<Text>,
        progress -> Document,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Instant>,
        created_at -> Instant,
        updated_at -> Instant,
        post_id -> Nullable<Id>,
        time_zone -> Nullable<Text>,
        metadata -> Document,
        user_action -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::{Integer, Nullable, Text};
    use crate::sql_types::{Id, Instant};

    job_attempts (id) {
        id -> Id,
        job_id -> Id,
        attempt_number -> Integer,
        worker -> Text,
        started_at -> Instant,
        finished_at -> Nullable<Instant>,
        outcome -> Text,
        http_status -> Nullable<Integer>,
        platform_error_code -> Nullable<Text>,
        message -> Nullable<Text>,
        step -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::{Nullable, Text};
    use crate::sql_types::{Document, Id, Instant};

    posts (id) {
        id -> Id,
        user_id -> Text,
        scheduled_at -> Nullable<Instant>,
        time_zone -> Nullable<Text>,
        metadata -> Document,
        created_at -> Instant,
    }
}

diesel::table! {
    use diesel::sql_types::{Integer, Nullable, Text};
    use crate::sql_types::Instant;

    idempotency_keys (user_id, key) {
        user_id -> Text,
        key -> Text,
        fingerprint -> Text,
        response_status -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        locked_until -> Nullable<Instant>,
        expires_at -> Instant,
        created_at -> Instant,
    }
}

diesel::table! {
    use diesel::sql_types::{Binary, Bool, Nullable, Text};
    use crate::sql_types::{Document, Id, Instant};

    webhook_endpoints (id) {
        id -> Id,
        user_id -> Text,
        url -> Text,
        description -> Nullable<Text>,
        events -> Document,
        secret_encrypted -> Binary,
        previous_secret_encrypted -> Nullable<Binary>,
        previous_secret_until -> Nullable<Instant>,
        enabled -> Bool,
        failing_since -> Nullable<Instant>,
        disabled_note -> Nullable<Text>,
        created_at -> Instant,
        updated_at -> Instant,
    }
}

diesel::table! {
    use diesel::sql_types::Text;
    use crate::sql_types::{Id, Instant};

    webhook_events (id) {
        id -> Id,
        user_id -> Text,
        event_type -> Text,
        occurred_at -> Instant,
        payload -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::{Integer, Nullable, Text};
    use crate::sql_types::{Id, Instant};

    webhook_deliveries (id) {
        id -> Id,
        event_id -> Id,
        endpoint_id -> Id,
        user_id -> Text,
        event_type -> Text,
        status -> Text,
        attempts -> Integer,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        last_response_ms -> Nullable<Integer>,
        next_attempt_at -> Nullable<Instant>,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Instant>,
        created_at -> Instant,
        delivered_at -> Nullable<Instant>,
    }
}

diesel::joinable!(job_attempts -> publish_jobs (job_id));
diesel::joinable!(webhook_deliveries -> webhook_events (event_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::allow_tables_to_appear_in_same_query!(
    webhook_deliveries,
    webhook_events,
    webhook_endpoints
);
diesel::joinable!(publish_jobs -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(job_attempts, publish_jobs, posts);
diesel::joinable!(post_metrics -> publish_jobs (job_id));
diesel::allow_tables_to_appear_in_same_query!(post_metrics, publish_jobs);

diesel::table! {
    use diesel::sql_types::{BigInt, Integer, Nullable, Text};
    use crate::sql_types::{Id, Instant};

    post_metrics (job_id, checkpoint) {
        job_id -> Id,
        checkpoint -> Text,
        user_id -> Text,
        connection_id -> Id,
        platform -> Text,
        external_post_id -> Text,
        published_at -> Instant,
        due_at -> Instant,
        attempts -> Integer,
        state -> Text,
        read_at -> Nullable<Instant>,
        likes -> Nullable<BigInt>,
        comments -> Nullable<BigInt>,
        shares -> Nullable<BigInt>,
        saves -> Nullable<BigInt>,
        views -> Nullable<BigInt>,
        note -> Nullable<Text>,
    }
}
