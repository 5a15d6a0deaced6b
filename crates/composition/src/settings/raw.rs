use serde::{Deserialize, Deserializer, Serialize};

/// Reads a scalar as text, whatever type the provider guessed. figment's environment
/// provider turns `PORT=8080` into a number and `X=true` into a bool; every value here is
/// text until [`super::Settings::parse`] parses it, so leading zeros and odd secrets survive.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        Text(String),
        Int(i64),
        Uint(u64),
        Float(f64),
        Bool(bool),
    }
    Ok(
        Option::<Scalar>::deserialize(deserializer)?.map(|s| match s {
            Scalar::Text(t) => t,
            Scalar::Int(i) => i.to_string(),
            Scalar::Uint(u) => u.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }),
    )
}

macro_rules! raw_settings {
    ($($field:ident),* $(,)?) => {
        /// Every setting as the layers left it: text, or absent. Field names are the
        /// lowercase environment variable names.
        #[derive(Debug, Default, Clone, Serialize, Deserialize)]
        pub struct RawSettings {
            $(
                #[serde(default, deserialize_with = "text", skip_serializing_if = "Option::is_none")]
                pub $field: Option<String>,
            )*
        }

        impl RawSettings {
            /// The environment variable names this service reads through the settings
            /// layers (lowercase). A setting belongs here only together with the code that
            /// reads it: `.env.example` may document nothing else (a test checks).
            pub const VARIABLES: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Variables read outside the settings layers, each by the code named beside it;
            /// `.env.example` may document these too. Add one here with the code that reads it.
            pub const READ_ELSEWHERE: &'static [(&'static str, &'static str)] = &[
                ("rust_log", "the log filter (crates/server/src/telemetry.rs)"),
            ];
        }
    };
}

raw_settings!(
    host,
    port,
    public_base_url,
    web_app_connections_url,
    data_dir,
    log_format,
    database_url,
    database_pool_size,
    database_pool_timeout_seconds,
    run_migrations,
    aes_encryption_key,
    aes_encryption_keys,
    auth_mode,
    auth_jwt_secret,
    auth_jwks_url,
    auth_issuer,
    auth_audience,
    auth_service_url,
    auth_client_id,
    auth_client_secret,
    auth_dev_token_ttl_seconds,
    enable_tiktok_publishing,
    tiktok_app_audited,
    enable_linkedin_personal_publishing,
    allow_private_asset_urls,
    asset_url_deny_cidrs,
    allow_private_webhook_urls,
    webhook_timeout_seconds,
    banned_hashtags_file,
    insights_cache_ttl_seconds,
    redis_url,
    enable_advanced_insights_fetching,
    platform_simulator,
    platform_simulator_port,
    socialpub_sim_auto_approve,
    worker_poll_interval_seconds,
    job_lease_seconds,
    job_max_attempts,
    worker_concurrency,
    retry_base_seconds,
    retry_max_seconds,
    max_lateness_seconds,
    reconcile_window_seconds,
    shutdown_grace_seconds,
    schedule_horizon_days,
    instagram_app_id,
    instagram_app_secret,
    instagram_api_base_url,
    instagram_oauth_base_url,
    instagram_token_base_url,
    facebook_app_id,
    facebook_app_secret,
    facebook_api_base_url,
    facebook_oauth_base_url,
    facebook_upload_base_url,
    meta_graph_api_version,
    linkedin_app_id,
    linkedin_app_secret,
    linkedin_api_base_url,
    linkedin_oauth_base_url,
    linkedin_api_version,
    x_app_id,
    x_app_secret,
    x_api_base_url,
    x_oauth_base_url,
    pinterest_app_id,
    pinterest_app_secret,
    pinterest_api_base_url,
    pinterest_oauth_base_url,
    tiktok_app_id,
    tiktok_app_secret,
    tiktok_api_base_url,
    tiktok_oauth_base_url,
);
