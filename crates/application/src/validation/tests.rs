use std::sync::Arc;

use socialpub_domain::policy::PlatformPolicyValidator;
use socialpub_domain::{
    Asset, AssetMetadata, AssetUrl, ConnectionId, EncryptedToken, NewConnection, Platform,
    SocialConnection, UserId,
};
use socialpub_ports::fakes::{InMemoryConnectionRepository, ManualClock, StaticAssetProbe};
use socialpub_ports::{AssetFetchError, ConnectionRepository};
use time::macros::datetime;

use super::*;

fn alice() -> UserId {
    UserId::parse("alice").unwrap()
}

fn image(url: &str, metadata: AssetMetadata) -> Asset {
    Asset {
        url: AssetUrl::parse(url).unwrap(),
        kind: AssetKind::Image,
        metadata,
    }
}

fn service() -> (
    ValidationService,
    Arc<InMemoryConnectionRepository>,
    Arc<StaticAssetProbe>,
) {
    let repo = Arc::new(InMemoryConnectionRepository::default());
    let probe = Arc::new(StaticAssetProbe::default());
    let service = ValidationService::new(
        repo.clone(),
        probe.clone(),
        Arc::new(PlatformPolicyValidator::default()),
        Arc::new(ManualClock::new(datetime!(2026-04-01 08:00 UTC))),
    );
    (service, repo, probe)
}

fn content(
    platform: Option<Platform>,
    connection_id: Option<ConnectionId>,
    text: &str,
    assets: Vec<Asset>,
) -> ContentToCheck {
    ContentToCheck {
        connection_id,
        platform,
        text: text.into(),
        assets,
        options: Default::default(),
    }
}

#[tokio::test]
async fn the_connections_platform_decides_the_rules_and_foreign_connections_are_not_found() {
    let (service, repo, _) = service();
    let connection = SocialConnection::new(
        NewConnection {
            id: ConnectionId::new(),
            user_id: alice(),
            platform: Platform::X,
            external_user_id: "1".into(),
            external_display_name: "@a".into(),
            access_token_encrypted: EncryptedToken::from_bytes(vec![1]),
            refresh_token_encrypted: None,
            expires_at: None,
            refresh_expires_at: None,
            scopes: vec![],
        },
        datetime!(2026-01-01 00:00 UTC),
    );
    repo.save(&connection).await.unwrap();
    let report = service
        .validate(
            &alice(),
            content(None, Some(connection.id), &"a".repeat(281), vec![]),
        )
        .await
        .unwrap();
    assert_eq!(report.platform, Platform::X);
    assert_eq!(report.violations[0].code, "text_too_long");

    let bob = UserId::parse("bob").unwrap();
    let err = service
        .validate(&bob, content(None, Some(connection.id), "hi", vec![]))
        .await
        .unwrap_err();
    assert!(matches!(err, ValidationError::ConnectionNotFound(_)));
}

#[tokio::test]
async fn neither_connection_nor_platform_is_an_error() {
    let (service, _, _) = service();
    let err = service
        .validate(&alice(), content(None, None, "hi", vec![]))
        .await
        .unwrap_err();
    assert!(matches!(err, ValidationError::PlatformRequired));
}

#[tokio::test]
async fn missing_metadata_is_probed_and_then_checked() {
    let (service, _, probe) = service();
    probe.insert(
        "https://cdn.example/huge.png",
        AssetMetadata {
            width: Some(20_000),
            height: Some(100),
            size_bytes: Some(1_000),
            mime_type: Some("image/png".into()),
            ..Default::default()
        },
    );
    let report = service
        .validate(
            &alice(),
            content(
                Some(Platform::Instagram),
                None,
                "hello",
                vec![image(
                    "https://cdn.example/huge.png",
                    AssetMetadata::default(),
                )],
            ),
        )
        .await
        .unwrap();
    assert_eq!(probe.probes(), 1);
    assert_eq!(report.assets[0].metadata.width, Some(20_000));
    assert!(
        !report.is_valid(),
        "a 200:1 image breaks Instagram's aspect ratio rule"
    );
    assert!(
        report
            .violations
            .iter()
            .all(|v| v.field.starts_with("assets[0]")),
        "{:?}",
        report.violations
    );
}

#[tokio::test]
async fn complete_metadata_is_not_probed_and_an_unreachable_asset_is_a_violation() {
    let (service, _, probe) = service();
    let complete = AssetMetadata {
        width: Some(1080),
        height: Some(1080),
        size_bytes: Some(100_000),
        mime_type: Some("image/jpeg".into()),
        ..Default::default()
    };
    let assets = vec![
        image("https://cdn.example/ok.jpg", complete),
        image("https://cdn.example/missing.jpg", AssetMetadata::default()),
    ];
    let report = service
        .validate(
            &alice(),
            content(Some(Platform::Instagram), None, "two", assets),
        )
        .await
        .unwrap();
    assert_eq!(probe.probes(), 1);
    let unreachable: Vec<_> = report
        .violations
        .iter()
        .filter(|v| v.code == "asset_unreachable")
        .collect();
    assert_eq!(unreachable.len(), 1);
    assert_eq!(unreachable[0].field, "assets[1].url");
}

#[tokio::test]
async fn more_assets_than_any_platform_takes_are_refused_before_probing() {
    let (service, _, probe) = service();
    let assets = vec![
        image("https://cdn.example/a.png", AssetMetadata::default());
        ValidationService::MAX_ASSETS + 1
    ];
    let err = service
        .validate(&alice(), content(Some(Platform::X), None, "hi", assets))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ValidationError::TooManyAssets { actual: 36, .. }
    ));
    assert_eq!(probe.probes(), 0);
}

fn unknown_images(count: usize) -> Vec<Asset> {
    (0..count)
        .map(|i| {
            image(
                &format!("https://cdn.example/{i}.png"),
                AssetMetadata::default(),
            )
        })
        .collect()
}

fn quota(per_request: usize, per_user_per_minute: u32) -> ProbeQuota {
    ProbeQuota {
        per_request,
        concurrent_per_request: 4,
        concurrent_requests_per_user: 2,
        per_user_per_minute,
    }
}

#[tokio::test]
async fn the_same_file_named_twice_is_read_once() {
    let (service, _, probe) = service();
    probe.insert(
        "https://cdn.example/a.png",
        AssetMetadata {
            width: Some(1080),
            height: Some(1080),
            size_bytes: Some(1_000),
            mime_type: Some("image/png".into()),
            ..Default::default()
        },
    );
    let same = image("https://cdn.example/a.png", AssetMetadata::default());
    let report = service
        .validate(
            &alice(),
            content(
                Some(Platform::Instagram),
                None,
                "hi",
                vec![same.clone(), same],
            ),
        )
        .await
        .unwrap();
    assert_eq!(probe.probes(), 1);
    assert!(report.assets.iter().all(|a| a.metadata.width == Some(1080)));
}

#[tokio::test]
async fn more_files_to_read_than_one_request_may_is_refused_before_probing() {
    let (service, _, probe) = service();
    let service = service.with_probe_quota(quota(3, 100));
    let err = service
        .validate(
            &alice(),
            content(Some(Platform::Instagram), None, "hi", unknown_images(4)),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ValidationError::TooManyProbes {
            limit: 3,
            actual: 4
        }
    ));
    assert_eq!(probe.probes(), 0);
}

#[tokio::test]
async fn a_user_whose_probes_are_spent_waits_and_others_do_not() {
    let (service, _, probe) = service();
    let service = service.with_probe_quota(quota(10, 12));
    let ask = |user: &'static str, count: usize| {
        let service = service.clone();
        async move {
            service
                .validate(
                    &UserId::parse(user).unwrap(),
                    content(Some(Platform::Instagram), None, "hi", unknown_images(count)),
                )
                .await
        }
    };
    ask("alice", 10).await.unwrap();
    let err = ask("alice", 3).await.unwrap_err();
    assert!(
        matches!(
            err,
            ValidationError::ProbeBudget(BudgetExceeded::Spent {
                retry_after_seconds: 60
            })
        ),
        "{err:?}"
    );
    assert_eq!(probe.probes(), 10, "the refused request read nothing");
    ask("alice", 2).await.unwrap();
    ask("bob", 10).await.unwrap();
    assert!(
        ask("alice", 0).await.is_ok(),
        "content needing no probe costs nothing"
    );
}

/// Yields once inside every probe and records how many were running at the same time.
#[derive(Default)]
struct CountingProbe {
    running: std::sync::Mutex<(usize, usize)>,
}

#[async_trait::async_trait]
impl AssetMetadataProbe for CountingProbe {
    async fn probe(&self, _asset: &Asset) -> Result<AssetMetadata, AssetFetchError> {
        {
            let mut running = self.running.lock().unwrap();
            running.0 += 1;
            running.1 = running.1.max(running.0);
        }
        tokio::task::yield_now().await;
        self.running.lock().unwrap().0 -= 1;
        Err(AssetFetchError::Status(404))
    }
}

#[tokio::test]
async fn one_request_reads_only_a_few_files_at_a_time() {
    let probe = Arc::new(CountingProbe::default());
    let service = ValidationService::new(
        Arc::new(InMemoryConnectionRepository::default()),
        probe.clone(),
        Arc::new(PlatformPolicyValidator::default()),
        Arc::new(ManualClock::new(datetime!(2026-04-01 08:00 UTC))),
    )
    .with_probe_quota(ProbeQuota {
        concurrent_per_request: 2,
        ..quota(10, 100)
    });
    let report = service
        .validate(
            &alice(),
            content(Some(Platform::Instagram), None, "hi", unknown_images(6)),
        )
        .await
        .unwrap();
    let unreachable: Vec<_> = report
        .violations
        .iter()
        .filter(|v| v.code == "asset_unreachable")
        .map(|v| v.field.clone())
        .collect();
    assert_eq!(unreachable.len(), 6);
    assert_eq!(
        unreachable[0], "assets[0].url",
        "violations keep asset order"
    );
    assert_eq!(unreachable[5], "assets[5].url");
    assert_eq!(probe.running.lock().unwrap().1, 2);
}
