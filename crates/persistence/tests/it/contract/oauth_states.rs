//! The [`socialpub_ports::OAuthStateStore`] contract.

use socialpub_domain::{Platform, SecretString};
use socialpub_ports::{OAuthState, RepositoryError};
use time::OffsetDateTime;

use super::fixtures::{T0, minutes, user};
use crate::harness::Repos;

fn state(value: &str, expires_at: OffsetDateTime) -> OAuthState {
    OAuthState {
        state: SecretString::new(value),
        user_id: user("alice"),
        platform: Platform::X,
        code_verifier: Some(SecretString::new(format!("verifier-{value}"))),
        created_at: T0,
        expires_at,
    }
}

pub async fn a_state_can_be_taken_once(repos: Repos) {
    let store = repos.oauth_states;
    let pending = state("s1", T0 + minutes(10));
    store.put(&pending).await.unwrap();
    let mut bare = state("s2", T0 + minutes(10));
    bare.code_verifier = None;
    store.put(&bare).await.unwrap();

    assert_eq!(store.take("s1").await.unwrap(), Some(pending));
    assert_eq!(store.take("s1").await.unwrap(), None);
    assert_eq!(store.take("s2").await.unwrap(), Some(bare));
    assert_eq!(store.take("unknown").await.unwrap(), None);
}

pub async fn putting_the_same_state_twice_is_a_conflict(repos: Repos) {
    let store = repos.oauth_states;
    store.put(&state("s1", T0 + minutes(10))).await.unwrap();
    let error = store.put(&state("s1", T0 + minutes(20))).await.unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
}

pub async fn expired_states_are_taken_and_purged(repos: Repos) {
    let store = repos.oauth_states;
    let expired = state("expired", T0 - minutes(1));
    for s in [
        &expired,
        &state("expiring-now", T0),
        &state("fresh", T0 + minutes(10)),
    ] {
        store.put(s).await.unwrap();
    }
    store
        .put(&state("also-expired", T0 - minutes(5)))
        .await
        .unwrap();

    // The caller, not the store, decides that an expired state is refused.
    assert_eq!(store.take("expired").await.unwrap(), Some(expired));

    assert_eq!(store.purge_expired(T0).await.unwrap(), 1);
    assert_eq!(store.take("also-expired").await.unwrap(), None);
    assert!(store.take("expiring-now").await.unwrap().is_some());
    assert!(store.take("fresh").await.unwrap().is_some());
    assert_eq!(store.purge_expired(T0).await.unwrap(), 0);
}
