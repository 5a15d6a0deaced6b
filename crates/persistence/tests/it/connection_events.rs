//! Connection changes and the webhook events they emit are one write: `connection.needs_reauth`
//! and `connection.disconnected` are stored with the change or not at all, and
//! `connection.expiring` is stored once per connection and end, however many workers sweep at
//! once. On PostgreSQL and SQLite, each test written once.

use std::sync::Arc;

use socialpub_domain::webhook::{
    DeliveryStatus, EventSelection, EventType, WebhookEndpoint, WebhookEvent, WebhookSecret,
};
use socialpub_domain::{
    ConnectionStatus, Platform, SecretString, SocialConnection, UserId, WebhookEndpointId,
};
use socialpub_persistence::Database;
use socialpub_ports::{ConnectionRepository, PageRequest, RepositoryError, WebhookRepository};
use time::Duration;

use crate::contract::fixtures::{T0, connection, minutes, user};
use crate::harness::TestBackend as _;
use crate::harness::postgres::PostgresBackend;
use crate::harness::sqlite::SqliteBackend;

/// A secret that shows in the stored bytes if it is ever stored as text.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn webhooks(database: &Database) -> Arc<dyn WebhookRepository> {
    // The cipher's own tests hold it to AES-GCM; here it only has to turn the secret into
    // other bytes, which is what the repository must store.
    database.webhooks(Arc::new(socialpub_ports::fakes::FakeTokenCipher::default()))
}

/// An endpoint of `user` that wants every event.
async fn subscribe(webhooks: &dyn WebhookRepository, user: &UserId) -> WebhookEndpoint {
    let endpoint = WebhookEndpoint {
        id: WebhookEndpointId::new(),
        user_id: user.clone(),
        url: "https://hooks.example.com/in".parse().unwrap(),
        description: None,
        events: EventSelection::All,
        secret: WebhookSecret::new(SecretString::new(SECRET)),
        previous_secret: None,
        previous_secret_until: None,
        enabled: true,
        failing_since: None,
        disabled_note: None,
        created_at: T0,
        updated_at: T0,
    };
    webhooks.create_endpoint(&endpoint).await.unwrap();
    endpoint
}

/// The event types delivered (or to be delivered) to `endpoint`, oldest first.
async fn delivered(webhooks: &dyn WebhookRepository, endpoint: &WebhookEndpoint) -> Vec<EventType> {
    let page = webhooks
        .list_deliveries(&endpoint.user_id, endpoint.id, PageRequest::new(100, 0))
        .await
        .unwrap();
    assert!(
        page.items
            .iter()
            .all(|d| d.status == DeliveryStatus::Pending)
    );
    let mut items = page.items;
    items.sort_by_key(|d| d.created_at);
    items.into_iter().map(|d| d.event_type).collect()
}

fn event(kind: EventType, connection: &SocialConnection) -> WebhookEvent {
    WebhookEvent::for_connection(kind, connection, T0, serde_json::Map::new())
}

async fn needs_reauth_is_stored_with_its_event_or_not_at_all(database: &Database) {
    let (connections, webhooks) = (database.connections(), webhooks(database));
    let alice = user("alice");
    let endpoint = subscribe(webhooks.as_ref(), &alice).await;
    let stored = connection(&alice, Platform::X, "42", T0);
    connections.save(&stored).await.unwrap();

    // The outbox insert fails (an event with this id is stored already): the status change
    // is rolled back with it.
    let mut broken = stored.clone();
    broken.mark_needs_reauth(T0 + minutes(1));
    let clash = event(EventType::ConnectionNeedsReauth, &broken);
    webhooks
        .insert_events(std::slice::from_ref(&clash))
        .await
        .unwrap();
    let error = connections
        .save_with_events(&broken, std::slice::from_ref(&clash))
        .await
        .unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
    let now = connections.get(&alice, stored.id).await.unwrap().unwrap();
    assert_eq!(now.status, ConnectionStatus::Active);

    // With a fresh event both are stored.
    connections
        .save_with_events(&broken, &[event(EventType::ConnectionNeedsReauth, &broken)])
        .await
        .unwrap();
    let now = connections.get(&alice, stored.id).await.unwrap().unwrap();
    assert_eq!(now.status, ConnectionStatus::NeedsReauth);
    assert_eq!(
        delivered(webhooks.as_ref(), &endpoint).await,
        [
            EventType::ConnectionNeedsReauth,
            EventType::ConnectionNeedsReauth
        ]
    );
}

async fn a_disconnect_is_stored_with_its_event_or_not_at_all(database: &Database) {
    let (connections, webhooks) = (database.connections(), webhooks(database));
    let alice = user("alice");
    let endpoint = subscribe(webhooks.as_ref(), &alice).await;
    let stored = connection(&alice, Platform::Linkedin, "urn:li:person:1", T0);
    connections.save(&stored).await.unwrap();
    let gone = event(EventType::ConnectionDisconnected, &stored);
    webhooks
        .insert_events(std::slice::from_ref(&gone))
        .await
        .unwrap();

    // A failing outbox insert keeps the connection.
    connections
        .delete_with_events(&alice, stored.id, std::slice::from_ref(&gone))
        .await
        .unwrap_err();
    assert!(connections.get(&alice, stored.id).await.unwrap().is_some());

    // Another user's delete stores nothing; the owner's deletes and stores the event.
    let mallory = user("mallory");
    let mallorys = event(EventType::ConnectionDisconnected, &stored);
    assert!(
        !connections
            .delete_with_events(&mallory, stored.id, &[mallorys])
            .await
            .unwrap()
    );
    assert!(
        connections
            .delete_with_events(
                &alice,
                stored.id,
                &[event(EventType::ConnectionDisconnected, &stored)]
            )
            .await
            .unwrap()
    );
    assert!(connections.get(&alice, stored.id).await.unwrap().is_none());
    assert_eq!(
        delivered(webhooks.as_ref(), &endpoint).await,
        [
            EventType::ConnectionDisconnected,
            EventType::ConnectionDisconnected
        ]
    );
}

/// A connection of `user` whose refresh token ends at `T0 + days`.
async fn dying_in(
    connections: &dyn ConnectionRepository,
    user: &UserId,
    account: &str,
    days: i64,
) -> SocialConnection {
    let mut stored = connection(user, Platform::X, account, T0);
    stored.refresh_expires_at = Some(T0 + Duration::days(days));
    connections.save(&stored).await.unwrap();
    stored
}

async fn expiries_are_listed_once_per_end_soonest_first(database: &Database) {
    let connections = database.connections();
    let alice = user("alice");
    let later = dying_in(connections.as_ref(), &alice, "later", 5).await;
    let sooner = dying_in(connections.as_ref(), &alice, "sooner", 2).await;
    let _far = dying_in(connections.as_ref(), &alice, "far", 30).await;
    let _dead = dying_in(connections.as_ref(), &alice, "dead", -1).await;
    let mut broken = dying_in(connections.as_ref(), &alice, "broken", 3).await;
    broken.mark_needs_reauth(T0);
    connections.save(&broken).await.unwrap();
    // No refresh token: the access token's end counts.
    let mut access_only = connection(&alice, Platform::Linkedin, "access-only", T0);
    access_only.refresh_token_encrypted = None;
    access_only.refresh_expires_at = Some(T0 + Duration::days(1));
    access_only.expires_at = Some(T0 + Duration::days(4));
    connections.save(&access_only).await.unwrap();

    let listed = |limit| {
        let connections = connections.clone();
        async move {
            connections
                .list_unnoticed_expiries(T0, T0 + Duration::days(7), limit)
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed(10).await, [sooner.id, access_only.id, later.id]);
    assert_eq!(listed(2).await, [sooner.id, access_only.id]);

    let noticed = event(EventType::ConnectionExpiring, &sooner);
    assert!(
        connections
            .notice_expiry(sooner.id, T0 + Duration::days(2), &noticed)
            .await
            .unwrap()
    );
    assert_eq!(listed(10).await, [access_only.id, later.id]);
    // Saving the connection again (a token refresh) does not forget the notice...
    connections.save(&sooner).await.unwrap();
    assert_eq!(listed(10).await, [access_only.id, later.id]);
    // ...a new end (a reconnect) is noticed again.
    let mut reconnected = sooner.clone();
    reconnected.refresh_expires_at = Some(T0 + Duration::days(6));
    connections.save(&reconnected).await.unwrap();
    assert_eq!(listed(10).await, [access_only.id, later.id, sooner.id]);
}

async fn of_concurrent_notices_exactly_one_is_stored(database: &Database) {
    let (connections, webhooks) = (database.connections(), webhooks(database));
    let alice = user("alice");
    let endpoint = subscribe(webhooks.as_ref(), &alice).await;
    let dying = dying_in(connections.as_ref(), &alice, "42", 3).await;
    let dies_at = T0 + Duration::days(3);

    let workers: Vec<_> = (0..6)
        .map(|_| {
            let connections = connections.clone();
            let dying = dying.clone();
            tokio::spawn(async move {
                let event = event(EventType::ConnectionExpiring, &dying);
                connections
                    .notice_expiry(dying.id, dies_at, &event)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut stored = 0;
    for worker in workers {
        stored += usize::from(worker.await.unwrap());
    }

    assert_eq!(stored, 1);
    assert_eq!(
        delivered(webhooks.as_ref(), &endpoint).await,
        [EventType::ConnectionExpiring]
    );
    // An end that is not the connection's (it moved since the list was read) is not noticed.
    let stale = event(EventType::ConnectionExpiring, &dying);
    assert!(
        !connections
            .notice_expiry(dying.id, dies_at + minutes(1), &stale)
            .await
            .unwrap()
    );
    // After a reconnect, the new end is.
    let mut reconnected = dying.clone();
    reconnected.refresh_expires_at = Some(T0 + Duration::days(5));
    connections.save(&reconnected).await.unwrap();
    let again = event(EventType::ConnectionExpiring, &reconnected);
    assert!(
        connections
            .notice_expiry(dying.id, T0 + Duration::days(5), &again)
            .await
            .unwrap()
    );
    assert_eq!(delivered(webhooks.as_ref(), &endpoint).await.len(), 2);
}

/// Signing secrets are sealed at rest: neither the current nor the rotated-out secret is in
/// the stored bytes (`raw` reads them back past the repository), and both read back whole.
async fn webhook_secrets_are_stored_sealed<F, Fut>(database: &Database, raw: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Vec<u8>>,
{
    let webhooks = webhooks(database);
    let alice = user("alice");
    let endpoint = subscribe(webhooks.as_ref(), &alice).await;
    let next = WebhookSecret::new(SecretString::new(
        "whsec_Tm90VGhlU2FtZVNlY3JldEF0QWxsISEhISE=",
    ));
    webhooks
        .rotate_secret(&alice, endpoint.id, &next, Duration::hours(24), T0)
        .await
        .unwrap();

    let stored = raw().await;
    assert!(!stored.is_empty());
    assert!(
        !stored.windows(6).any(|w| w == b"whsec_"),
        "a secret is stored in clear"
    );
    let read = webhooks
        .get_endpoint(&alice, endpoint.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.secret.expose(), next.expose());
    assert_eq!(read.previous_secret.unwrap().expose(), SECRET);
}

#[derive(diesel::QueryableByName)]
struct Sealed {
    #[diesel(sql_type = diesel::sql_types::Binary)]
    secret_encrypted: Vec<u8>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Binary>)]
    previous_secret_encrypted: Option<Vec<u8>>,
}

const SEALED: &str = "SELECT secret_encrypted, previous_secret_encrypted FROM webhook_endpoints";

fn concatenated(rows: Vec<Sealed>) -> Vec<u8> {
    rows.into_iter()
        .flat_map(|row| {
            let mut bytes = row.secret_encrypted;
            bytes.extend(row.previous_secret_encrypted.unwrap_or_default());
            bytes
        })
        .collect()
}

#[tokio::test]
async fn postgres_webhook_secrets_are_stored_sealed() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    let env = PostgresBackend::start().await;
    let url = env.url().to_owned();
    webhook_secrets_are_stored_sealed(env.database(), || {
        let url = url.clone();
        async move {
            let mut conn = AsyncPgConnection::establish(&url).await.unwrap();
            concatenated(diesel::sql_query(SEALED).load(&mut conn).await.unwrap())
        }
    })
    .await;
}

#[tokio::test]
async fn sqlite_webhook_secrets_are_stored_sealed() {
    use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
    use diesel_async::{AsyncConnection, RunQueryDsl};
    let env = SqliteBackend::start().await;
    let file = env.file();
    webhook_secrets_are_stored_sealed(env.database(), || {
        let file = file.clone();
        async move {
            let mut conn = SyncConnectionWrapper::<diesel::SqliteConnection>::establish(
                &file.to_string_lossy(),
            )
            .await
            .unwrap();
            let mut bytes = concatenated(diesel::sql_query(SEALED).load(&mut conn).await.unwrap());
            // And nowhere in the database's files (the write-ahead log included).
            for path in [file.clone(), file.with_extension("db-wal")] {
                bytes.extend(std::fs::read(path).unwrap_or_default());
            }
            bytes
        }
    })
    .await;
}

macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test]
                async fn $test() {
                    use crate::harness::TestBackend as _;
                    let env = super::PostgresBackend::start().await;
                    super::$test(env.database()).await;
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test]
                async fn $test() {
                    use crate::harness::TestBackend as _;
                    let env = super::SqliteBackend::start().await;
                    super::$test(env.database()).await;
                }
            )*
        }
    };
}

on_both_backends!(
    needs_reauth_is_stored_with_its_event_or_not_at_all,
    a_disconnect_is_stored_with_its_event_or_not_at_all,
    expiries_are_listed_once_per_end_soonest_first,
    of_concurrent_notices_exactly_one_is_stored,
);
