//! Values the contract tests build on. Instants are whole seconds so that every backend
//! (PostgreSQL keeps microseconds) hands back exactly what it was given.

use socialpub_domain::{
    Asset, AssetKind, AssetMetadata, AssetUrl, ConnectionId, EncryptedToken, IdempotencyKey, JobId,
    NewConnection, NewPublishJob, Platform, Post, PostId, PublishJob, SocialConnection, UserId,
    WorkerId,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// "Now" in every contract test.
pub const T0: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);

pub fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

pub fn user(name: &str) -> UserId {
    UserId::parse(name).expect("valid user id")
}

pub fn worker(name: &str) -> WorkerId {
    WorkerId::new(name)
}

/// An active connection with every optional field set.
pub fn connection(
    user: &UserId,
    platform: Platform,
    external_user_id: &str,
    created_at: OffsetDateTime,
) -> SocialConnection {
    SocialConnection::new(
        NewConnection {
            id: ConnectionId::new(),
            user_id: user.clone(),
            platform,
            external_user_id: external_user_id.to_owned(),
            external_display_name: format!("@{external_user_id}"),
            access_token_encrypted: EncryptedToken::from_bytes(vec![1, 2, 3, 0, 255]),
            refresh_token_encrypted: Some(EncryptedToken::from_bytes(vec![9, 8, 7])),
            expires_at: Some(created_at + Duration::hours(2)),
            refresh_expires_at: Some(created_at + Duration::days(60)),
            scopes: vec!["tweet.write".to_owned(), "offline.access".to_owned()],
        },
        created_at,
    )
}

/// A job created at `created_at` for `scheduled_at` (`None`: as soon as possible), with an
/// asset, options, a time zone and metadata, and no post.
pub fn job(
    user: &UserId,
    connection_id: ConnectionId,
    platform: Platform,
    created_at: OffsetDateTime,
    scheduled_at: Option<OffsetDateTime>,
) -> PublishJob {
    let mut options = serde_json::Map::new();
    options.insert("privacy".to_owned(), serde_json::json!("public"));
    options.insert(
        "nested".to_owned(),
        serde_json::json!({"a": [1, 2.5, null, true]}),
    );
    PublishJob::new(
        NewPublishJob {
            id: JobId::new(),
            user_id: user.clone(),
            social_connection_id: connection_id,
            platform,
            content_text: "Hello, world! #launch ✨".to_owned(),
            assets: vec![Asset {
                url: AssetUrl::parse("https://cdn.example.com/a.mp4").expect("valid url"),
                kind: AssetKind::Video,
                metadata: AssetMetadata {
                    width: Some(1080),
                    height: Some(1920),
                    duration_seconds: Some(12.5),
                    size_bytes: Some(10_000_000),
                    mime_type: Some("video/mp4".to_owned()),
                    frame_rate: None,
                },
            }],
            platform_specific_options: options,
            scheduled_at,
            time_zone: Some("Europe/Paris".to_owned()),
            metadata: metadata("campaign-7"),
            max_attempts: 3,
            post_id: None,
        },
        created_at,
    )
}

/// A job that is due now (pending since `created_at`).
pub fn due_job(user: &UserId, created_at: OffsetDateTime) -> PublishJob {
    job(user, ConnectionId::new(), Platform::X, created_at, None)
}

pub fn key(raw: &str) -> IdempotencyKey {
    IdempotencyKey::parse(raw).expect("valid idempotency key")
}

/// Caller data to store and hand back untouched.
pub fn metadata(campaign: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut metadata = serde_json::Map::new();
    metadata.insert("campaign".to_owned(), serde_json::json!(campaign));
    metadata.insert("tags".to_owned(), serde_json::json!(["a", "b"]));
    metadata
}

/// A post created at `created_at` for `scheduled_at`, and one job per platform as its targets.
pub fn post_with_targets(
    user: &UserId,
    created_at: OffsetDateTime,
    scheduled_at: Option<OffsetDateTime>,
    platforms: &[Platform],
) -> (Post, Vec<PublishJob>) {
    let post = Post {
        id: PostId::new(),
        user_id: user.clone(),
        scheduled_at,
        time_zone: Some("America/New_York".to_owned()),
        metadata: metadata("launch"),
        created_at,
    };
    let jobs = platforms
        .iter()
        .map(|platform| {
            let mut target = job(
                user,
                ConnectionId::new(),
                *platform,
                created_at,
                scheduled_at,
            );
            target.post_id = Some(post.id);
            target
        })
        .collect();
    (post, jobs)
}
