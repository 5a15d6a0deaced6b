//! The [`socialpub_ports::OAuthStateStore`] contract.

use socialpub_domain::{LoginPath, Platform, SecretString};
use socialpub_ports::{OAuthState, RepositoryError};
use time::OffsetDateTime;

use super::fixtures::{T0, digest, minutes, user};
use crate::harness::Repos;

/// A cap that none of the tests but the cap's own reaches.
const ROOMY: usize = 20;

fn state(value: &str, expires_at: OffsetDateTime) -> OAuthState {
    OAuthState {
        digest: digest(value),
        user_id: user("alice"),
        platform: Platform::X,
        login: LoginPath::Native,
        code_verifier: Some(SecretString::new(format!("verifier-{value}"))),
        created_at: T0,
        expires_at,
    }
}

pub async fn a_state_can_be_taken_once(repos: Repos) {
    let store = repos.oauth_states;
    let pending = state("s1", T0 + minutes(10));
    store.put(&pending, ROOMY).await.unwrap();
    let mut bare = state("s2", T0 + minutes(10));
    bare.code_verifier = None;
    bare.platform = Platform::Instagram;
    bare.login = LoginPath::Facebook;
    store.put(&bare, ROOMY).await.unwrap();

    assert_eq!(
        store.take(&digest("s1"), None).await.unwrap(),
        Some(pending)
    );
    assert_eq!(store.take(&digest("s1"), None).await.unwrap(), None);
    assert_eq!(store.take(&digest("s2"), None).await.unwrap(), Some(bare));
    assert_eq!(store.take(&digest("unknown"), None).await.unwrap(), None);
}

pub async fn only_the_user_who_started_can_take_the_state(repos: Repos) {
    let store = repos.oauth_states;
    let alices = state("s1", T0 + minutes(10));
    store.put(&alices, ROOMY).await.unwrap();

    let bob = user("bob");
    assert_eq!(store.take(&digest("s1"), Some(&bob)).await.unwrap(), None);
    assert_eq!(
        store
            .take(&digest("s1"), Some(&user("alice")))
            .await
            .unwrap(),
        Some(alices),
        "bob's attempt left alice's state in place"
    );
    assert_eq!(
        store
            .take(&digest("s1"), Some(&user("alice")))
            .await
            .unwrap(),
        None
    );
}

pub async fn putting_the_same_state_twice_is_a_conflict(repos: Repos) {
    let store = repos.oauth_states;
    store
        .put(&state("s1", T0 + minutes(10)), ROOMY)
        .await
        .unwrap();
    let error = store
        .put(&state("s1", T0 + minutes(20)), ROOMY)
        .await
        .unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
}

pub async fn a_user_keeps_only_the_newest_states_up_to_the_cap(repos: Repos) {
    let store = repos.oauth_states;
    let mut bobs = state("bob", T0 + minutes(10));
    bobs.user_id = user("bob");
    bobs.created_at = T0 - minutes(5);
    store.put(&bobs, 2).await.unwrap();
    for (i, name) in ["a1", "a2", "a3"].into_iter().enumerate() {
        let mut s = state(name, T0 + minutes(10));
        s.created_at = T0 + minutes(i64::try_from(i).unwrap());
        store.put(&s, 2).await.unwrap();
    }

    assert_eq!(
        store.take(&digest("a1"), None).await.unwrap(),
        None,
        "the oldest of alice's three went"
    );
    assert!(store.take(&digest("a2"), None).await.unwrap().is_some());
    assert!(store.take(&digest("a3"), None).await.unwrap().is_some());
    assert_eq!(
        store.take(&digest("bob"), None).await.unwrap(),
        Some(bobs),
        "another user's states are not counted against alice"
    );
}

pub async fn expired_states_are_taken_and_purged(repos: Repos) {
    let store = repos.oauth_states;
    let expired = state("expired", T0 - minutes(1));
    for s in [
        &expired,
        &state("expiring-now", T0),
        &state("fresh", T0 + minutes(10)),
    ] {
        store.put(s, ROOMY).await.unwrap();
    }
    store
        .put(&state("also-expired", T0 - minutes(5)), ROOMY)
        .await
        .unwrap();

    // The caller, not the store, decides that an expired state is refused.
    assert_eq!(
        store.take(&digest("expired"), None).await.unwrap(),
        Some(expired)
    );

    assert_eq!(store.purge_expired(T0).await.unwrap(), 1);
    assert_eq!(
        store.take(&digest("also-expired"), None).await.unwrap(),
        None
    );
    assert!(
        store
            .take(&digest("expiring-now"), None)
            .await
            .unwrap()
            .is_some()
    );
    assert!(store.take(&digest("fresh"), None).await.unwrap().is_some());
    assert_eq!(store.purge_expired(T0).await.unwrap(), 0);
}
