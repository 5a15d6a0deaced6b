//! The [`socialpub_ports::IdempotencyStore`] contract: one request per key runs, its retries get
//! its answer, and keys are forgotten once kept long enough.

use socialpub_ports::{IdempotencyClaim, RepositoryError, StoredResponse};
use time::Duration;

use super::fixtures::{T0, key, minutes, user};
use crate::harness::Repos;

const BODY: &str = "POST /api/v1/publish 5f2b";
const OTHER_BODY: &str = "POST /api/v1/publish 9a41";

fn accepted(job: &str) -> StoredResponse {
    StoredResponse {
        status: 202,
        body: format!(r#"{{"job_id":"{job}","status":"pending"}}"#),
    }
}

pub async fn a_key_runs_once_and_its_answer_is_replayed(repos: Repos) {
    let store = repos.idempotency;
    let (alice, bob) = (user("alice"), user("bob"));
    let k = key("req-1");
    let lock = minutes(1);

    assert_eq!(
        store.claim(&alice, &k, BODY, T0, lock).await.unwrap(),
        IdempotencyClaim::Proceed
    );
    assert_eq!(
        store.claim(&alice, &k, BODY, T0, lock).await.unwrap(),
        IdempotencyClaim::InProgress
    );
    assert_eq!(
        store.claim(&alice, &k, OTHER_BODY, T0, lock).await.unwrap(),
        IdempotencyClaim::Mismatch
    );
    // Keys are per user.
    assert_eq!(
        store.claim(&bob, &k, OTHER_BODY, T0, lock).await.unwrap(),
        IdempotencyClaim::Proceed
    );

    store
        .complete(&alice, &k, &accepted("j-1"), T0, Duration::hours(24))
        .await
        .unwrap();
    let later = T0 + minutes(5);
    assert_eq!(
        store.claim(&alice, &k, BODY, later, lock).await.unwrap(),
        IdempotencyClaim::Replay(accepted("j-1"))
    );
    assert_eq!(
        store
            .claim(&alice, &k, OTHER_BODY, later, lock)
            .await
            .unwrap(),
        IdempotencyClaim::Mismatch
    );
}

pub async fn a_released_claim_runs_again_but_an_answer_stays(repos: Repos) {
    let store = repos.idempotency;
    let alice = user("alice");
    let k = key("req-2");
    let lock = minutes(1);
    assert_eq!(
        store.claim(&alice, &k, BODY, T0, lock).await.unwrap(),
        IdempotencyClaim::Proceed
    );
    store.release(&alice, &k).await.unwrap();
    assert_eq!(
        store.claim(&alice, &k, BODY, T0, lock).await.unwrap(),
        IdempotencyClaim::Proceed
    );

    store
        .complete(&alice, &k, &accepted("j-2"), T0, Duration::hours(24))
        .await
        .unwrap();
    store.release(&alice, &k).await.unwrap();
    assert_eq!(
        store.claim(&alice, &k, BODY, T0, lock).await.unwrap(),
        IdempotencyClaim::Replay(accepted("j-2"))
    );
}

pub async fn a_claim_whose_holder_died_is_taken_over(repos: Repos) {
    let store = repos.idempotency;
    let alice = user("alice");
    let k = key("req-3");
    let lock = minutes(1);
    assert_eq!(
        store.claim(&alice, &k, BODY, T0, lock).await.unwrap(),
        IdempotencyClaim::Proceed
    );
    assert_eq!(
        store
            .claim(&alice, &k, BODY, T0 + Duration::seconds(59), lock)
            .await
            .unwrap(),
        IdempotencyClaim::InProgress
    );
    let taken_at = T0 + lock;
    assert_eq!(
        store.claim(&alice, &k, BODY, taken_at, lock).await.unwrap(),
        IdempotencyClaim::Proceed
    );
    // The new holder has a lock of its own.
    assert_eq!(
        store
            .claim(&alice, &k, BODY, taken_at + Duration::seconds(30), lock)
            .await
            .unwrap(),
        IdempotencyClaim::InProgress
    );
    store
        .complete(&alice, &k, &accepted("j-3"), taken_at, Duration::hours(24))
        .await
        .unwrap();
    assert_eq!(
        store.claim(&alice, &k, BODY, taken_at, lock).await.unwrap(),
        IdempotencyClaim::Replay(accepted("j-3"))
    );
}

pub async fn answers_are_kept_for_their_time_then_forgotten(repos: Repos) {
    let store = repos.idempotency;
    let alice = user("alice");
    let (kept, purged) = (key("req-4"), key("req-5"));
    let keep = Duration::hours(24);
    for k in [&kept, &purged] {
        assert_eq!(
            store.claim(&alice, k, BODY, T0, minutes(1)).await.unwrap(),
            IdempotencyClaim::Proceed
        );
        store
            .complete(&alice, k, &accepted("j"), T0, keep)
            .await
            .unwrap();
    }

    let almost = T0 + keep - minutes(1);
    assert_eq!(store.purge_expired(almost).await.unwrap(), 0);
    assert_eq!(
        store
            .claim(&alice, &kept, BODY, almost, minutes(1))
            .await
            .unwrap(),
        IdempotencyClaim::Replay(accepted("j"))
    );

    // Past its time an answer is as good as gone, purged or not.
    let expired = T0 + keep;
    assert_eq!(
        store
            .claim(&alice, &kept, OTHER_BODY, expired, minutes(1))
            .await
            .unwrap(),
        IdempotencyClaim::Proceed
    );
    assert_eq!(store.purge_expired(expired).await.unwrap(), 1);
    assert_eq!(
        store
            .claim(&alice, &purged, OTHER_BODY, expired, minutes(1))
            .await
            .unwrap(),
        IdempotencyClaim::Proceed
    );
}

pub async fn completing_a_key_nobody_claimed_is_a_conflict(repos: Repos) {
    let store = repos.idempotency;
    let error = store
        .complete(
            &user("alice"),
            &key("never-claimed"),
            &accepted("j"),
            T0,
            Duration::hours(24),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
}
