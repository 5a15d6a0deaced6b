//! Instagram connected through Facebook Login: the login chosen at the start is the one the
//! completion, refresh and revocation use.

use std::sync::Arc;

use socialpub_domain::{LoginPath, Platform, SecretString, UserId};
use socialpub_ports::fakes::{
    FakePlatformClient, FakeTokenCipher, InMemoryConnectionRepository, InMemoryOAuthStateStore,
    ManualClock, SequentialSecrets, StaticPlatformRegistry,
};
use socialpub_ports::{AccountKind, ConnectionRepository};
use time::macros::datetime;
use url::Url;

use super::*;

struct World {
    service: ConnectionService,
    repo: Arc<InMemoryConnectionRepository>,
    instagram: Arc<FakePlatformClient>,
    via_facebook: Arc<FakePlatformClient>,
}

fn world_with(via_facebook: Option<FakePlatformClient>) -> World {
    let instagram = Arc::new(
        FakePlatformClient::new(Platform::Instagram).with_accounts(&[(
            "ig-own",
            "own login",
            AccountKind::Business,
        )]),
    );
    let via_facebook = Arc::new(via_facebook.unwrap_or_else(|| {
        FakePlatformClient::new(Platform::Instagram)
            .with_accounts(&[("ig-linked", "linked to a Page", AccountKind::Business)])
            .sharing_one_grant()
    }));
    let facebook = FakePlatformClient::new(Platform::Facebook)
        .with_accounts(&[("page-1", "A Page", AccountKind::Page)])
        .sharing_one_grant();
    let platforms = StaticPlatformRegistry::default()
        .with(instagram.clone())
        .with(Arc::new(facebook))
        .with(Arc::new(FakePlatformClient::new(Platform::X)))
        .with_facebook_login(via_facebook.clone());
    let repo = Arc::new(InMemoryConnectionRepository::default());
    let service = ConnectionService::new(
        ConnectionPorts {
            connections: repo.clone(),
            oauth_states: Arc::new(InMemoryOAuthStateStore::default()),
            platforms: Arc::new(platforms),
            cipher: Arc::new(FakeTokenCipher::default()),
            secrets: Arc::new(SequentialSecrets::default()),
            clock: Arc::new(ManualClock::new(datetime!(2026-04-01 08:00 UTC))),
        },
        ConnectionPolicy::new(
            Url::parse("https://sp.example/api/v1/connect/").unwrap(),
            "proc-1",
        ),
    );
    World {
        service,
        repo,
        instagram,
        via_facebook,
    }
}

fn alice() -> UserId {
    UserId::parse("alice").unwrap()
}

async fn connect(
    w: &World,
    platform: Platform,
    login: LoginPath,
) -> Result<ConnectedAccounts, ConnectionError> {
    let start = w
        .service
        .start_authorization_with(&alice(), platform, login)
        .await?;
    let state = start
        .authorization_url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let user = alice();
    w.service
        .complete_authorization(
            platform,
            CallbackParams {
                code: Some(SecretString::new("good-code")),
                state: Some(state),
                ..Default::default()
            },
            Completer::User(&user),
        )
        .await
}

#[tokio::test]
async fn facebook_login_connects_the_linked_instagram_account_and_records_the_login() {
    let w = world_with(None);
    let done = connect(&w, Platform::Instagram, LoginPath::Facebook)
        .await
        .unwrap();
    assert_eq!(done.connections.len(), 1);
    let connection = &done.connections[0];
    assert_eq!(connection.platform, Platform::Instagram);
    assert_eq!(connection.external_user_id, "ig-linked");
    assert_eq!(connection.login, LoginPath::Facebook);
    let stored = w.repo.get(&alice(), connection.id).await.unwrap().unwrap();
    assert_eq!(stored.login, LoginPath::Facebook);
}

#[tokio::test]
async fn without_a_login_instagram_connects_through_its_own() {
    let w = world_with(None);
    let done = connect(&w, Platform::Instagram, LoginPath::Native)
        .await
        .unwrap();
    assert_eq!(done.connections[0].external_user_id, "ig-own");
    assert_eq!(done.connections[0].login, LoginPath::Native);
}

#[tokio::test]
async fn refresh_and_disconnect_go_to_the_login_the_account_was_connected_through() {
    let w = world_with(None);
    let id = connect(&w, Platform::Instagram, LoginPath::Facebook)
        .await
        .unwrap()
        .connections[0]
        .id;
    w.service.refresh(&alice(), id).await.unwrap();
    assert_eq!(w.via_facebook.refresh_count(), 1);
    assert_eq!(w.instagram.refresh_count(), 0);

    let gone = w.service.disconnect(&alice(), id).await.unwrap();
    assert!(gone.revoked, "{gone:?}");
    assert_eq!(w.via_facebook.revoked_tokens().len(), 1);
    assert!(w.instagram.revoked_tokens().is_empty());
}

#[tokio::test]
async fn the_facebook_grant_is_kept_while_a_facebook_page_connection_still_uses_it() {
    let w = world_with(None);
    let page = connect(&w, Platform::Facebook, LoginPath::Native)
        .await
        .unwrap()
        .connections[0]
        .id;
    let ig = connect(&w, Platform::Instagram, LoginPath::Facebook)
        .await
        .unwrap()
        .connections[0]
        .id;
    let gone = w.service.disconnect(&alice(), ig).await.unwrap();
    assert!(!gone.revoked, "revoking would cut off the Page too");
    assert!(w.via_facebook.revoked_tokens().is_empty());
    let gone = w.service.disconnect(&alice(), page).await.unwrap();
    assert!(gone.revoked, "the last connection on the grant revokes it");
}

#[tokio::test]
async fn no_linked_instagram_account_is_a_clear_error_and_stores_nothing() {
    let w = world_with(Some(
        FakePlatformClient::new(Platform::Instagram)
            .with_accounts(&[])
            .sharing_one_grant(),
    ));
    let error = connect(&w, Platform::Instagram, LoginPath::Facebook)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ConnectionError::NoInstagramBusinessAccount),
        "{error:?}"
    );
    let all = w
        .repo
        .list(
            &alice(),
            &Default::default(),
            socialpub_ports::PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(all.total, 0);
}

#[tokio::test]
async fn facebook_login_is_refused_for_other_platforms() {
    let w = world_with(None);
    let error = connect(&w, Platform::X, LoginPath::Facebook)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ConnectionError::LoginNotOffered(Platform::X, LoginPath::Facebook)
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn facebook_login_without_a_facebook_app_is_not_enabled() {
    let mut w = world_with(None);
    w.service.ports.platforms =
        Arc::new(StaticPlatformRegistry::default().with(w.instagram.clone()));
    let error = connect(&w, Platform::Instagram, LoginPath::Facebook)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ConnectionError::LoginNotEnabled(Platform::Instagram, LoginPath::Facebook)
        ),
        "{error:?}"
    );
}
