use std::sync::Arc;

use socialpub_domain::policy::PlatformPolicyValidator;
use socialpub_domain::{
    Asset, AssetMetadata, AssetUrl, ConnectionId, EncryptedToken, NewConnection, Platform,
    SocialConnection, UserId,
};
use socialpub_ports::ConnectionRepository;
use socialpub_ports::fakes::{InMemoryConnectionRepository, StaticAssetProbe};
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
