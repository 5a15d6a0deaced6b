//! The [`socialpub_ports::ConnectionRepository`] contract.

use socialpub_domain::{
    ConnectionId, ConnectionStatus, EncryptedToken, LoginPath, Platform, TokenUpdate,
};
use socialpub_ports::{ConnectionFilter, PageRequest, RepositoryError};

use super::fixtures::{T0, connection, minutes, user};
use crate::harness::Repos;

pub async fn save_then_get_returns_what_was_saved(repos: Repos) {
    let repo = repos.connections;
    let alice = user("alice");
    let mut saved = connection(&alice, Platform::X, "42", T0);
    saved.refresh_token_encrypted = None;
    saved.refresh_expires_at = None;
    repo.save(&saved).await.unwrap();
    assert_eq!(
        repo.get(&alice, saved.id).await.unwrap(),
        Some(saved.clone())
    );

    let full = connection(&alice, Platform::Linkedin, "urn:li:person:1", T0);
    repo.save(&full).await.unwrap();
    assert_eq!(repo.get(&alice, full.id).await.unwrap(), Some(full));

    let mut through_facebook = connection(&alice, Platform::Instagram, "17841400000000001", T0);
    through_facebook.login = LoginPath::Facebook;
    repo.save(&through_facebook).await.unwrap();
    assert_eq!(
        repo.get(&alice, through_facebook.id).await.unwrap(),
        Some(through_facebook),
        "the login a connection was made through is kept"
    );
}

pub async fn saving_again_replaces_the_stored_connection(repos: Repos) {
    let repo = repos.connections;
    let alice = user("alice");
    let mut stored = connection(&alice, Platform::X, "42", T0);
    repo.save(&stored).await.unwrap();

    stored.update_tokens(
        TokenUpdate {
            access_token_encrypted: EncryptedToken::from_bytes(vec![42; 64]),
            refresh_token_encrypted: None,
            expires_at: None,
            refresh_expires_at: None,
        },
        T0 + minutes(5),
    );
    stored.mark_needs_reauth(T0 + minutes(6));
    stored.scopes = vec![];
    repo.save(&stored).await.unwrap();

    assert_eq!(
        repo.get(&alice, stored.id).await.unwrap(),
        Some(stored.clone())
    );
    let page = repo
        .list(&alice, &ConnectionFilter::default(), PageRequest::default())
        .await;
    assert_eq!(page.unwrap().total, 1);
}

pub async fn reads_and_deletes_are_scoped_by_user(repos: Repos) {
    let repo = repos.connections;
    let (alice, mallory) = (user("alice"), user("mallory"));
    let stored = connection(&alice, Platform::Facebook, "page-1", T0);
    repo.save(&stored).await.unwrap();

    assert_eq!(repo.get(&mallory, stored.id).await.unwrap(), None);
    assert_eq!(
        repo.find_by_account(&mallory, Platform::Facebook, "page-1")
            .await
            .unwrap(),
        None
    );
    assert!(!repo.delete(&mallory, stored.id).await.unwrap());
    let listed = repo
        .list(
            &mallory,
            &ConnectionFilter::default(),
            PageRequest::default(),
        )
        .await;
    assert_eq!(listed.unwrap().total, 0);
    assert_eq!(repo.get(&alice, stored.id).await.unwrap(), Some(stored));
}

pub async fn find_by_account_matches_platform_and_external_id(repos: Repos) {
    let repo = repos.connections;
    let alice = user("alice");
    let page = connection(&alice, Platform::Facebook, "shared-id", T0);
    let instagram = connection(&alice, Platform::Instagram, "shared-id", T0);
    repo.save(&page).await.unwrap();
    repo.save(&instagram).await.unwrap();

    let found = repo
        .find_by_account(&alice, Platform::Instagram, "shared-id")
        .await
        .unwrap();
    assert_eq!(found, Some(instagram));
    assert_eq!(
        repo.find_by_account(&alice, Platform::X, "shared-id")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        repo.find_by_account(&alice, Platform::Facebook, "other")
            .await
            .unwrap(),
        None
    );
}

pub async fn a_second_connection_to_the_same_account_is_a_conflict(repos: Repos) {
    let repo = repos.connections;
    let (alice, bob) = (user("alice"), user("bob"));
    let first = connection(&alice, Platform::X, "42", T0);
    repo.save(&first).await.unwrap();

    let duplicate = connection(&alice, Platform::X, "42", T0 + minutes(1));
    let error = repo.save(&duplicate).await.unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
    assert_eq!(repo.get(&alice, duplicate.id).await.unwrap(), None);
    assert_eq!(repo.get(&alice, first.id).await.unwrap(), Some(first));

    // Another user may connect the same platform account.
    repo.save(&connection(&bob, Platform::X, "42", T0))
        .await
        .unwrap();
}

pub async fn list_filters_orders_oldest_first_and_pages(repos: Repos) {
    let repo = repos.connections;
    let (alice, bob) = (user("alice"), user("bob"));
    let mut saved = Vec::new();
    for (i, platform) in [
        Platform::X,
        Platform::Linkedin,
        Platform::X,
        Platform::X,
        Platform::Linkedin,
    ]
    .into_iter()
    .enumerate()
    {
        // Saved out of order: the list orders by creation, not by insertion.
        let created_at = T0 - minutes(10 * (5 - i as i64));
        let mut c = connection(&alice, platform, &format!("acct-{i}"), created_at);
        if i == 3 {
            c.mark_needs_reauth(created_at);
        }
        saved.push(c);
    }
    for c in saved.iter().rev() {
        repo.save(c).await.unwrap();
    }
    repo.save(&connection(&bob, Platform::X, "bobs", T0))
        .await
        .unwrap();

    let all = repo
        .list(&alice, &ConnectionFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(all.total, 5);
    assert_eq!(all.items, saved);
    assert_eq!((all.limit, all.offset), (PageRequest::DEFAULT_LIMIT, 0));

    let page = repo
        .list(&alice, &ConnectionFilter::default(), PageRequest::new(2, 2))
        .await
        .unwrap();
    assert_eq!((page.total, page.limit, page.offset), (5, 2, 2));
    assert_eq!(page.items, saved[2..4].to_vec());

    let past_the_end = repo
        .list(
            &alice,
            &ConnectionFilter::default(),
            PageRequest::new(10, 50),
        )
        .await
        .unwrap();
    assert_eq!((past_the_end.total, past_the_end.items.len()), (5, 0));

    let on_x = ConnectionFilter {
        platform: Some(Platform::X),
        status: None,
    };
    let x = repo
        .list(&alice, &on_x, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(x.total, 3);
    assert_eq!(
        x.items,
        vec![saved[0].clone(), saved[2].clone(), saved[3].clone()]
    );

    let broken = ConnectionFilter {
        platform: None,
        status: Some(ConnectionStatus::NeedsReauth),
    };
    let needs_reauth = repo
        .list(&alice, &broken, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(needs_reauth.items, vec![saved[3].clone()]);

    let both = ConnectionFilter {
        platform: Some(Platform::Linkedin),
        status: Some(ConnectionStatus::Active),
    };
    let linkedin = repo
        .list(&alice, &both, PageRequest::new(1, 1))
        .await
        .unwrap();
    assert_eq!(
        (linkedin.total, linkedin.items.clone()),
        (2, vec![saved[4].clone()])
    );
}

pub async fn delete_removes_the_connection_once(repos: Repos) {
    let repo = repos.connections;
    let alice = user("alice");
    let stored = connection(&alice, Platform::Pinterest, "p", T0);
    repo.save(&stored).await.unwrap();

    assert!(repo.delete(&alice, stored.id).await.unwrap());
    assert_eq!(repo.get(&alice, stored.id).await.unwrap(), None);
    assert!(!repo.delete(&alice, stored.id).await.unwrap());
    assert!(!repo.delete(&alice, ConnectionId::new()).await.unwrap());
}

pub async fn list_expiring_returns_active_connections_soonest_first(repos: Repos) {
    let repo = repos.connections;
    let (alice, bob) = (user("alice"), user("bob"));
    let expiring_at = |c: &mut socialpub_domain::SocialConnection, at| c.expires_at = Some(at);

    let mut soon = connection(&alice, Platform::X, "soon", T0);
    expiring_at(&mut soon, T0 + minutes(5));
    let mut sooner = connection(&bob, Platform::X, "sooner", T0);
    expiring_at(&mut sooner, T0 - minutes(1));
    let mut later = connection(&alice, Platform::Linkedin, "later", T0);
    expiring_at(&mut later, T0 + minutes(60));
    let mut broken = connection(&alice, Platform::Tiktok, "broken", T0);
    expiring_at(&mut broken, T0);
    broken.mark_needs_reauth(T0);
    let mut never = connection(&alice, Platform::Facebook, "never", T0);
    never.expires_at = None;
    for c in [&soon, &sooner, &later, &broken, &never] {
        repo.save(c).await.unwrap();
    }

    let cutoff = T0 + minutes(30);
    let expiring = repo.list_expiring(cutoff, 10).await.unwrap();
    assert_eq!(expiring, vec![sooner.clone(), soon]);
    assert_eq!(repo.list_expiring(cutoff, 1).await.unwrap(), vec![sooner]);
    // The cutoff is exclusive.
    assert_eq!(
        repo.list_expiring(T0 - minutes(1), 10).await.unwrap(),
        vec![]
    );
}

pub async fn list_all_after_pages_every_users_connections_by_id(repos: Repos) {
    let repo = repos.connections;
    let mut all = Vec::new();
    for (i, name) in ["alice", "bob", "carol", "dave", "erin"]
        .into_iter()
        .enumerate()
    {
        let c = connection(&user(name), Platform::X, &format!("acct-{i}"), T0);
        repo.save(&c).await.unwrap();
        all.push(c);
    }
    all.sort_by_key(|c| c.id);

    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = repo.list_all_after(after, 2).await.unwrap();
        assert!(page.len() <= 2);
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        seen.extend(page);
    }
    assert_eq!(
        seen, all,
        "every connection once, in id order, across users"
    );
    assert_eq!(
        repo.list_all_after(Some(all[4].id), 10).await.unwrap(),
        vec![]
    );
}

pub async fn the_refresh_lock_has_one_holder_at_a_time(repos: Repos) {
    let repo = repos.connections;
    let alice = user("alice");
    let mut stored = connection(&alice, Platform::X, "42", T0);
    repo.save(&stored).await.unwrap();
    let id = stored.id;
    let until = T0 + minutes(1);

    assert!(
        repo.try_lock_refresh(id, "worker-a", T0, until)
            .await
            .unwrap()
    );
    assert!(
        !repo
            .try_lock_refresh(id, "worker-b", T0 + minutes(0), until)
            .await
            .unwrap()
    );
    // The holder may take it again (to extend it).
    assert!(
        repo.try_lock_refresh(id, "worker-a", T0, until)
            .await
            .unwrap()
    );

    // Saving the connection (say, with refreshed tokens) does not drop the lock.
    stored.external_display_name = "renamed".to_owned();
    repo.save(&stored).await.unwrap();
    assert!(
        !repo
            .try_lock_refresh(id, "worker-b", T0, until)
            .await
            .unwrap()
    );

    // Only the holder can unlock.
    repo.unlock_refresh(id, "worker-b").await.unwrap();
    assert!(
        !repo
            .try_lock_refresh(id, "worker-c", T0, until)
            .await
            .unwrap()
    );
    repo.unlock_refresh(id, "worker-a").await.unwrap();
    assert!(
        repo.try_lock_refresh(id, "worker-c", T0, until)
            .await
            .unwrap()
    );

    // An expired lock counts as free.
    let later = until + minutes(1);
    assert!(
        repo.try_lock_refresh(id, "worker-d", until, later)
            .await
            .unwrap()
    );
    assert!(
        !repo
            .try_lock_refresh(id, "worker-e", until, later)
            .await
            .unwrap()
    );

    assert!(
        !repo
            .try_lock_refresh(ConnectionId::new(), "worker-a", T0, until)
            .await
            .unwrap()
    );
}
