use std::sync::Arc;

use socialpub_domain::{ConnectionStatus, Platform, SecretString, UserId};
use socialpub_ports::fakes::{
    FakePlatformClient, FakeTokenCipher, InMemoryConnectionRepository, InMemoryOAuthStateStore,
    ManualClock, SequentialSecrets, StaticPlatformRegistry,
};
use socialpub_ports::{AccountKind, ConnectionRepository, PageRequest, TokenCipher, TokenSlot};
use time::Duration;
use time::macros::datetime;
use url::Url;

use super::*;

struct World {
    service: ConnectionService,
    states: Arc<InMemoryOAuthStateStore>,
    clock: Arc<ManualClock>,
    repo: Arc<InMemoryConnectionRepository>,
    x: Arc<FakePlatformClient>,
}

fn world_with(x: FakePlatformClient, personal_linkedin: bool) -> World {
    let clock = Arc::new(ManualClock::new(datetime!(2026-04-01 08:00 UTC)));
    let repo = Arc::new(InMemoryConnectionRepository::default());
    let states = Arc::new(InMemoryOAuthStateStore::default());
    let x = Arc::new(x);
    let linkedin = FakePlatformClient::new(Platform::Linkedin)
        .with_accounts(&[
            ("urn:li:person:1", "Me", AccountKind::Personal),
            ("urn:li:organization:2", "Acme", AccountKind::Organization),
        ])
        .sharing_one_grant();
    let platforms = StaticPlatformRegistry::default()
        .with(x.clone())
        .with(Arc::new(linkedin));
    let mut policy = ConnectionPolicy::new(
        Url::parse("https://sp.example/api/v1/connect/").unwrap(),
        "proc-1",
    );
    policy.linkedin_personal_publishing = personal_linkedin;
    let service = ConnectionService::new(
        ConnectionPorts {
            connections: repo.clone(),
            oauth_states: states.clone(),
            platforms: Arc::new(platforms),
            cipher: Arc::new(FakeTokenCipher::default()),
            secrets: Arc::new(SequentialSecrets::default()),
            clock: clock.clone(),
        },
        policy,
    );
    World {
        service,
        states,
        clock,
        repo,
        x,
    }
}

fn world() -> World {
    world_with(FakePlatformClient::new(Platform::X), true)
}

fn alice() -> UserId {
    UserId::parse("alice").unwrap()
}

fn bob() -> UserId {
    UserId::parse("bob").unwrap()
}

/// Completing as alice, signed in: a `Completer` that outlives the statement.
fn as_alice() -> Completer<'static> {
    static ALICE: std::sync::LazyLock<UserId> = std::sync::LazyLock::new(alice);
    Completer::User(&ALICE)
}

fn callback(state: &str, code: &str) -> CallbackParams {
    CallbackParams {
        code: Some(SecretString::new(code)),
        state: Some(state.into()),
        ..Default::default()
    }
}

fn state_of(start: &AuthorizationStart) -> String {
    start
        .authorization_url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned()
}

#[tokio::test]
async fn the_authorization_url_carries_state_pkce_and_the_configured_redirect() {
    let w = world();
    let start = w
        .service
        .start_authorization(&alice(), Platform::X)
        .await
        .unwrap();
    let query: std::collections::HashMap<_, _> =
        start.authorization_url.query_pairs().into_owned().collect();
    assert_eq!(query["state"], "secret-1");
    assert_eq!(query["code_challenge"], "challenge-of-secret-2");
    assert_eq!(
        query["redirect_uri"],
        "https://sp.example/api/v1/connect/x/callback"
    );
    assert_eq!(start.expires_at, w.clock.now() + Duration::minutes(10));
}

#[tokio::test]
async fn a_disabled_platform_is_refused_clearly() {
    let w = world();
    let err = w
        .service
        .start_authorization(&alice(), Platform::Tiktok)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ConnectionError::PlatformNotEnabled(Platform::Tiktok)
    ));
}

#[tokio::test]
async fn a_completed_authorization_stores_an_encrypted_connection() {
    let w = world();
    let done = connect(&w, Platform::X).await;
    assert_eq!(done.user_id, alice());
    assert_eq!(done.connections.len(), 1);
    let stored = w
        .repo
        .get(&alice(), done.connections[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.external_user_id, "acct-1");
    assert_eq!(stored.expires_at, Some(w.clock.now() + Duration::hours(2)));
    assert!(
        !String::from_utf8_lossy(stored.access_token_encrypted.as_bytes()).contains("access-0")
    );
}

#[tokio::test]
async fn a_state_is_single_use() {
    let w = world();
    let start = w
        .service
        .start_authorization(&alice(), Platform::X)
        .await
        .unwrap();
    let state = state_of(&start);
    w.service
        .complete_authorization(Platform::X, callback(&state, "good-code"), as_alice())
        .await
        .unwrap();
    let replay = w
        .service
        .complete_authorization(Platform::X, callback(&state, "good-code"), as_alice())
        .await
        .unwrap_err();
    assert!(matches!(replay, ConnectionError::UnknownState));
}

#[tokio::test]
async fn missing_expired_and_foreign_states_are_refused() {
    let w = world();
    let missing = w
        .service
        .complete_authorization(Platform::X, CallbackParams::default(), as_alice())
        .await
        .unwrap_err();
    assert!(matches!(missing, ConnectionError::MissingState));

    let start = w
        .service
        .start_authorization(&alice(), Platform::X)
        .await
        .unwrap();
    let foreign = w
        .service
        .complete_authorization(
            Platform::Linkedin,
            callback(&state_of(&start), "c"),
            as_alice(),
        )
        .await
        .unwrap_err();
    assert!(matches!(foreign, ConnectionError::StateMismatch));

    let start = w
        .service
        .start_authorization(&alice(), Platform::X)
        .await
        .unwrap();
    w.clock.advance(Duration::minutes(11));
    let expired = w
        .service
        .complete_authorization(
            Platform::X,
            callback(&state_of(&start), "good-code"),
            as_alice(),
        )
        .await
        .unwrap_err();
    assert!(matches!(expired, ConnectionError::StateExpired));
}

#[tokio::test]
async fn access_denied_is_reported_and_consumes_the_state() {
    let w = world();
    let start = w
        .service
        .start_authorization(&alice(), Platform::X)
        .await
        .unwrap();
    let params = CallbackParams {
        state: Some(state_of(&start)),
        error: Some("access_denied".into()),
        error_description: Some("The user denied the request".into()),
        ..Default::default()
    };
    let err = w
        .service
        .complete_authorization(Platform::X, params, as_alice())
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ConnectionError::AuthorizationDenied(Platform::X)
    ));
    assert!(
        !err.to_string().contains("The user denied"),
        "our words, not the platform's: {err}"
    );
    assert_eq!(
        w.repo
            .list(&alice(), &Default::default(), PageRequest::default())
            .await
            .unwrap()
            .total,
        0
    );
}

/// Starts connecting X for `user`; the state that went out.
async fn start_x(w: &World, user: &UserId) -> String {
    let start = w
        .service
        .start_authorization(user, Platform::X)
        .await
        .unwrap();
    state_of(&start)
}

#[tokio::test]
async fn another_user_cannot_complete_and_the_state_stays_for_its_owner() {
    let w = world();
    let state = start_x(&w, &alice()).await;
    let bob = bob();
    let by_bob = w
        .service
        .complete_authorization(
            Platform::X,
            callback(&state, "good-code"),
            Completer::User(&bob),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(by_bob, ConnectionError::UnknownState),
        "{by_bob:?}"
    );
    assert_eq!(
        w.repo
            .list(&bob, &Default::default(), PageRequest::default())
            .await
            .unwrap()
            .total,
        0
    );

    let done = w
        .service
        .complete_authorization(Platform::X, callback(&state, "good-code"), as_alice())
        .await
        .unwrap();
    assert_eq!(done.user_id, alice());
    let replay = w
        .service
        .complete_authorization(Platform::X, callback(&state, "good-code"), as_alice())
        .await
        .unwrap_err();
    assert!(matches!(replay, ConnectionError::UnknownState));
}

#[tokio::test]
async fn the_state_holder_completion_connects_the_user_who_started() {
    let w = world();
    let state = start_x(&w, &alice()).await;
    let done = w
        .service
        .complete_authorization(
            Platform::X,
            callback(&state, "good-code"),
            Completer::StateHolder,
        )
        .await
        .unwrap();
    assert_eq!(done.user_id, alice());
}

#[tokio::test]
async fn the_store_holds_the_digest_of_the_state_not_the_state() {
    let w = world();
    let state = start_x(&w, &alice()).await;
    assert_eq!(state, "secret-1");
    let raw = socialpub_ports::StateDigest::new("secret-1");
    assert_eq!(w.states.take(&raw, None).await.unwrap(), None);
    let digest = socialpub_ports::StateDigest::new("digest-of-secret-1");
    assert!(w.states.take(&digest, None).await.unwrap().is_some());
}

#[tokio::test]
async fn starting_beyond_the_cap_drops_the_users_oldest_pending_authorization() {
    let w = world();
    let cap = w.service.policy().max_pending_states;
    let mut states = Vec::new();
    for _ in 0..=cap {
        states.push(start_x(&w, &alice()).await);
        w.clock.advance(Duration::seconds(1));
    }
    start_x(&w, &bob()).await;
    assert_eq!(w.states.len(), cap + 1, "alice's cap, and bob's one");

    let oldest = w
        .service
        .complete_authorization(Platform::X, callback(&states[0], "good-code"), as_alice())
        .await
        .unwrap_err();
    assert!(
        matches!(oldest, ConnectionError::UnknownState),
        "{oldest:?}"
    );
    for state in [&states[1], &states[cap]] {
        w.service
            .complete_authorization(Platform::X, callback(state, "good-code"), as_alice())
            .await
            .unwrap();
    }
}

#[test]
fn the_hand_off_checks_the_callback_without_the_store() {
    let approved = callback("s", "c").approved(Platform::X).unwrap();
    assert_eq!(
        (approved.state.as_str(), approved.code.expose()),
        ("s", "c")
    );
    let refused = CallbackParams {
        state: Some("s".into()),
        error: Some("access_denied".into()),
        error_description: Some("<script>".into()),
        ..Default::default()
    }
    .approved(Platform::X)
    .unwrap_err();
    assert!(matches!(
        refused,
        ConnectionError::AuthorizationDenied(Platform::X)
    ));
    assert!(!refused.to_string().contains("<script>"));
    let no_state = CallbackParams {
        code: Some(SecretString::new("c")),
        ..Default::default()
    };
    assert!(matches!(
        no_state.approved(Platform::X),
        Err(ConnectionError::MissingState)
    ));
    let no_code = CallbackParams {
        state: Some("s".into()),
        ..Default::default()
    };
    assert!(matches!(
        no_code.approved(Platform::X),
        Err(ConnectionError::MissingCode)
    ));
}

#[tokio::test]
async fn one_grant_can_connect_several_accounts_and_reconnecting_updates_in_place() {
    let w = world();
    for _ in 0..2 {
        let done = connect(&w, Platform::Linkedin).await;
        assert_eq!(done.connections.len(), 2);
    }
    let all = w
        .repo
        .list(&alice(), &Default::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        all.total, 2,
        "the second grant updated the two connections instead of adding more"
    );
}

#[tokio::test]
async fn linkedin_personal_publishing_can_be_switched_off() {
    let w = world_with(FakePlatformClient::new(Platform::X), false);
    let done = connect(&w, Platform::Linkedin).await;
    let ids: Vec<_> = done
        .connections
        .iter()
        .map(|c| c.external_user_id.as_str())
        .collect();
    assert_eq!(ids, ["urn:li:organization:2"]);
}

/// The browser's part of the flow: start an authorization and come back with a good code.
async fn connect(w: &World, platform: Platform) -> ConnectedAccounts {
    let start = w
        .service
        .start_authorization(&alice(), platform)
        .await
        .unwrap();
    w.service
        .complete_authorization(
            platform,
            callback(&state_of(&start), "good-code"),
            as_alice(),
        )
        .await
        .unwrap()
}

async fn connected(w: &World) -> socialpub_domain::ConnectionId {
    connect(w, Platform::X).await.connections[0].id
}

#[tokio::test]
async fn refresh_rotates_tokens_and_a_second_refresh_uses_the_new_one() {
    let w = world();
    let id = connected(&w).await;
    w.service.refresh(&alice(), id).await.unwrap();
    w.service.refresh(&alice(), id).await.unwrap();
    assert_eq!(w.x.refresh_count(), 2);
    let (_, token) = w.service.fresh_access_token(&alice(), id).await.unwrap();
    assert_eq!(token.expose(), "access-2");
}

#[tokio::test]
async fn a_token_near_expiry_is_refreshed_before_use_and_a_fresh_one_is_not() {
    let w = world();
    let id = connected(&w).await;
    let (_, token) = w.service.fresh_access_token(&alice(), id).await.unwrap();
    assert_eq!((token.expose(), w.x.refresh_count()), ("access-0", 0));
    w.clock.advance(Duration::minutes(116));
    let (_, token) = w.service.fresh_access_token(&alice(), id).await.unwrap();
    assert_eq!((token.expose(), w.x.refresh_count()), ("access-1", 1));
}

#[tokio::test]
async fn a_refresh_held_by_another_process_is_not_run_twice() {
    let w = world();
    let id = connected(&w).await;
    let now = w.clock.now();
    assert!(
        w.repo
            .try_lock_refresh(id, "other-process", now, now + Duration::seconds(30))
            .await
            .unwrap()
    );
    let err = w.service.refresh(&alice(), id).await.unwrap_err();
    assert!(matches!(err, ConnectionError::RefreshInProgress(_)));
    assert_eq!(w.x.refresh_count(), 0);
}

#[tokio::test]
async fn a_refused_refresh_marks_the_connection_needs_reauth() {
    let w = world();
    let id = connected(&w).await;
    w.service.refresh(&alice(), id).await.unwrap();
    // Put back the first, now spent, refresh token: the platform refuses it as invalid_grant.
    let mut stale = w.repo.get(&alice(), id).await.unwrap().unwrap();
    stale.refresh_token_encrypted = Some(
        w.service
            .seal(TokenSlot::refresh(id), &SecretString::new("refresh-0"))
            .unwrap(),
    );
    w.repo.save(&stale).await.unwrap();
    let err = w.service.refresh(&alice(), id).await.unwrap_err();
    assert!(matches!(err, ConnectionError::NeedsReauth(_)));
    assert_eq!(
        w.repo.get(&alice(), id).await.unwrap().unwrap().status,
        ConnectionStatus::NeedsReauth
    );
    assert!(matches!(
        w.service.fresh_access_token(&alice(), id).await,
        Err(ConnectionError::NeedsReauth(_))
    ));
}

#[tokio::test]
async fn the_sweep_refreshes_only_connections_about_to_expire() {
    let w = world();
    let id = connected(&w).await;
    assert_eq!(
        w.service
            .refresh_expiring(Duration::minutes(10), 50)
            .await
            .unwrap()
            .refreshed,
        0
    );
    w.clock.advance(Duration::minutes(115));
    let report = w
        .service
        .refresh_expiring(Duration::minutes(10), 50)
        .await
        .unwrap();
    assert_eq!(report.refreshed, 1);
    let after = w.repo.get(&alice(), id).await.unwrap().unwrap();
    assert_eq!(after.expires_at, Some(w.clock.now() + Duration::hours(2)));
}

#[tokio::test]
async fn disconnect_revokes_then_deletes_and_others_get_not_found() {
    let w = world();
    let id = connected(&w).await;
    let bob = UserId::parse("bob").unwrap();
    assert!(matches!(
        w.service.disconnect(&bob, id).await,
        Err(ConnectionError::NotFound(_))
    ));
    let done = w.service.disconnect(&alice(), id).await.unwrap();
    assert!(done.revoked);
    assert_eq!(w.x.revoked_tokens(), ["access-0"]);
    assert!(matches!(
        w.service.get(&alice(), id).await,
        Err(ConnectionError::NotFound(_))
    ));
}

#[tokio::test]
async fn accounts_sharing_a_grant_are_revoked_with_the_last_one() {
    let w = world();
    let done = connect(&w, Platform::Linkedin).await;
    let first = w
        .service
        .disconnect(&alice(), done.connections[0].id)
        .await
        .unwrap();
    assert!(!first.revoked);
    assert!(first.revoke_note.is_some());
    let last = w
        .service
        .disconnect(&alice(), done.connections[1].id)
        .await
        .unwrap();
    assert!(last.revoked);
}

#[tokio::test]
async fn rotating_keys_reseals_every_token_under_the_newest_key() {
    let mut w = world();
    let first = connected(&w).await;
    connect(&w, Platform::Linkedin).await;
    // The operator adds key 2: the cipher now seals under it and flags key-0 tokens.
    let rotated = FakeTokenCipher::with_key_id(2);
    w.service.ports.cipher = Arc::new(rotated.clone());
    let report = w.service.reseal_all(2).await.unwrap();
    assert_eq!((report.examined, report.resealed, report.busy), (3, 3, 0));
    let stored = w.repo.get(&alice(), first).await.unwrap().unwrap();
    assert!(!rotated.needs_reseal(&stored.access_token_encrypted));
    let (_, token) = w.service.fresh_access_token(&alice(), first).await.unwrap();
    assert_eq!(token.expose(), "access-0", "the token itself is unchanged");
    assert_eq!(
        w.service.reseal_all(2).await.unwrap().resealed,
        0,
        "a second pass has nothing to do"
    );
}

#[tokio::test]
async fn rotation_skips_a_connection_being_refreshed() {
    let w = world();
    let id = connected(&w).await;
    let mut w = w;
    w.service.ports.cipher = Arc::new(FakeTokenCipher::with_key_id(2));
    let now = w.clock.now();
    w.repo
        .try_lock_refresh(id, "other", now, now + Duration::seconds(30))
        .await
        .unwrap();
    let report = w.service.reseal_all(10).await.unwrap();
    assert_eq!((report.resealed, report.busy), (0, 1));
}

#[tokio::test]
async fn accounts_with_grants_of_their_own_are_each_revoked() {
    let w = world_with(
        FakePlatformClient::new(Platform::X).with_accounts(&[
            ("1", "@one", AccountKind::Personal),
            ("2", "@two", AccountKind::Personal),
        ]),
        true,
    );
    let done = connect(&w, Platform::X).await;
    assert_eq!(done.connections.len(), 2);
    let first = w
        .service
        .disconnect(&alice(), done.connections[0].id)
        .await
        .unwrap();
    assert!(first.revoked, "{:?}", first.revoke_note);
    assert_eq!(w.x.revoked_tokens().len(), 1);
}
