//! The post metrics contract: a published job's reads at +1 h, +24 h and +7 d are parked one
//! at a time (each that ends parks the next), claimed once each when due, and their readings
//! shown newest checkpoint first.

use socialpub_domain::insights::{MetricsCheckpoint, PostMetrics};
use socialpub_domain::{ConnectionId, Platform, PublishJob};
use socialpub_ports::MetricsReadOutcome;
use time::Duration;

use super::fixtures::{T0, job, minutes, user, worker};
use crate::harness::Repos;

/// A job of `user` on `connection`, stored, claimed and published at `at`.
async fn published(
    repos: &Repos,
    owner: &str,
    connection: ConnectionId,
    at: time::OffsetDateTime,
    external: &str,
) -> PublishJob {
    let holder = worker("w");
    let created = job(&user(owner), connection, Platform::X, at - minutes(1), None);
    repos
        .jobs
        .create(None, std::slice::from_ref(&created))
        .await
        .unwrap();
    let mut claimed = repos
        .jobs
        .claim_due(&holder, at, 1, minutes(5))
        .await
        .unwrap()
        .remove(0);
    claimed
        .mark_published(&holder, external.to_owned(), None, at)
        .unwrap();
    repos.jobs.save_leased(&claimed, &holder).await.unwrap();
    claimed
}

fn metrics(likes: u64) -> PostMetrics {
    PostMetrics {
        likes: Some(likes),
        comments: Some(2),
        shares: None,
        saves: Some(0),
        views: Some(u64::from(u32::MAX) * 4),
    }
}

pub async fn a_published_job_is_read_at_each_checkpoint_once(repos: Repos) {
    let store = &repos.post_metrics;
    let job = published(&repos, "alice", ConnectionId::new(), T0, "p-1").await;
    store.schedule(&job).await.unwrap();
    // Scheduling again parks nothing more.
    store.schedule(&job).await.unwrap();

    let lease = minutes(5);
    assert!(
        store
            .claim_due(T0 + minutes(59), 10, lease)
            .await
            .unwrap()
            .is_empty(),
        "nothing is due before an hour"
    );
    let first = store.claim_due(T0 + minutes(60), 10, lease).await.unwrap();
    assert_eq!(first.len(), 1);
    let read = &first[0];
    assert_eq!(read.job_id, job.id);
    assert_eq!(read.checkpoint, MetricsCheckpoint::OneHour);
    assert_eq!(read.user_id, user("alice"));
    assert_eq!(read.connection_id, job.social_connection_id);
    assert_eq!(read.platform, Platform::X);
    assert_eq!(read.external_post_id, "p-1");
    assert_eq!(read.attempts, 1);
    // Claimed: not due again within the lease.
    assert!(
        store
            .claim_due(T0 + minutes(61), 10, lease)
            .await
            .unwrap()
            .is_empty()
    );

    // Only the first read waits: the next is parked when it ends. The 1 h read's lease ran
    // out unanswered, so it is due again, with one more attempt.
    let later = store
        .claim_due(T0 + Duration::days(8), 10, lease)
        .await
        .unwrap();
    let checkpoints: Vec<_> = later.iter().map(|r| (r.checkpoint, r.attempts)).collect();
    assert_eq!(checkpoints, [(MetricsCheckpoint::OneHour, 2)]);

    // Each read that ends parks the next, due at its own time after publication.
    for (ended, next) in [
        (MetricsCheckpoint::OneHour, MetricsCheckpoint::OneDay),
        (MetricsCheckpoint::OneDay, MetricsCheckpoint::OneWeek),
    ] {
        store
            .finish(
                job.id,
                ended,
                &MetricsReadOutcome::Read {
                    at: T0 + next.after() - minutes(1),
                    metrics: metrics(1),
                },
            )
            .await
            .unwrap();
        assert!(
            store
                .claim_due(T0 + next.after() - minutes(1), 10, lease)
                .await
                .unwrap()
                .is_empty(),
            "{next} is not due early"
        );
        let parked = store.claim_due(T0 + next.after(), 10, lease).await.unwrap();
        let parked: Vec<_> = parked.iter().map(|r| (r.checkpoint, r.attempts)).collect();
        assert_eq!(parked, [(next, 1)]);
    }
    // The last read parks nothing more, even when it ends without a reading.
    store
        .finish(
            job.id,
            MetricsCheckpoint::OneWeek,
            &MetricsReadOutcome::Unavailable {
                reason: "post deleted".to_owned(),
            },
        )
        .await
        .unwrap();
    assert!(
        store
            .claim_due(T0 + Duration::days(60), 10, lease)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn readings_are_stored_and_the_newest_is_shown_to_the_owner(repos: Repos) {
    let store = &repos.post_metrics;
    let job = published(&repos, "alice", ConnectionId::new(), T0, "p-1").await;
    store.schedule(&job).await.unwrap();
    assert_eq!(store.latest(&user("alice"), job.id).await.unwrap(), None);

    let claimed = store
        .claim_due(T0 + Duration::days(8), 10, minutes(5))
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1, "one read waits at a time");
    let hour_read = T0 + minutes(61);
    store
        .finish(
            job.id,
            MetricsCheckpoint::OneHour,
            &MetricsReadOutcome::Read {
                at: hour_read,
                metrics: metrics(5),
            },
        )
        .await
        .unwrap();
    let shown = store.latest(&user("alice"), job.id).await.unwrap().unwrap();
    assert_eq!(shown.checkpoint, MetricsCheckpoint::OneHour);
    assert_eq!(shown.read_at, hour_read);
    assert_eq!(shown.metrics, metrics(5));
    assert_eq!(store.latest(&user("bob"), job.id).await.unwrap(), None);

    let day_read = T0 + Duration::hours(25);
    store
        .finish(
            job.id,
            MetricsCheckpoint::OneDay,
            &MetricsReadOutcome::Read {
                at: day_read,
                metrics: metrics(40),
            },
        )
        .await
        .unwrap();
    // A late duplicate of the 1 h read does not overwrite it.
    store
        .finish(
            job.id,
            MetricsCheckpoint::OneHour,
            &MetricsReadOutcome::Unavailable {
                reason: "late".to_owned(),
            },
        )
        .await
        .unwrap();
    let shown = store.latest(&user("alice"), job.id).await.unwrap().unwrap();
    assert_eq!(shown.checkpoint, MetricsCheckpoint::OneDay);
    assert_eq!(shown.metrics.likes, Some(40));

    // The 7 d read is unavailable: it is not claimed again, and the 24 h reading stays.
    store
        .finish(
            job.id,
            MetricsCheckpoint::OneWeek,
            &MetricsReadOutcome::Unavailable {
                reason: "post deleted".to_owned(),
            },
        )
        .await
        .unwrap();
    assert!(
        store
            .claim_due(T0 + Duration::days(30), 10, minutes(5))
            .await
            .unwrap()
            .is_empty()
    );
    let shown = store.latest(&user("alice"), job.id).await.unwrap().unwrap();
    assert_eq!(shown.checkpoint, MetricsCheckpoint::OneDay);
}

pub async fn a_failed_read_is_retried_when_asked(repos: Repos) {
    let store = &repos.post_metrics;
    let job = published(&repos, "alice", ConnectionId::new(), T0, "p-1").await;
    store.schedule(&job).await.unwrap();
    let at = T0 + minutes(60);
    assert_eq!(store.claim_due(at, 1, minutes(5)).await.unwrap().len(), 1);
    store
        .finish(
            job.id,
            MetricsCheckpoint::OneHour,
            &MetricsReadOutcome::Retry {
                at: at + minutes(30),
                reason: "rate limited".to_owned(),
            },
        )
        .await
        .unwrap();
    assert!(
        store
            .claim_due(at + minutes(29), 1, minutes(5))
            .await
            .unwrap()
            .is_empty()
    );
    let again = store
        .claim_due(at + minutes(30), 1, minutes(5))
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
}

pub async fn unpublished_jobs_park_no_reads(repos: Repos) {
    let store = &repos.post_metrics;
    let pending = job(&user("alice"), ConnectionId::new(), Platform::X, T0, None);
    repos
        .jobs
        .create(None, std::slice::from_ref(&pending))
        .await
        .unwrap();
    store.schedule(&pending).await.unwrap();
    assert!(
        store
            .claim_due(T0 + Duration::days(30), 10, minutes(5))
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn a_connections_readings_come_newest_post_first(repos: Repos) {
    let store = &repos.post_metrics;
    let connection = ConnectionId::new();
    let older = published(&repos, "alice", connection, T0, "p-old").await;
    let newer = published(
        &repos,
        "alice",
        connection,
        T0 + Duration::hours(3),
        "p-new",
    )
    .await;
    let unread = published(
        &repos,
        "alice",
        connection,
        T0 + Duration::hours(4),
        "p-unread",
    )
    .await;
    let elsewhere = published(&repos, "alice", ConnectionId::new(), T0, "p-else").await;
    for job in [&older, &newer, &unread, &elsewhere] {
        store.schedule(job).await.unwrap();
    }
    store
        .claim_due(T0 + Duration::days(9), 20, minutes(5))
        .await
        .unwrap();
    for (job, checkpoint, likes) in [
        (&older, MetricsCheckpoint::OneHour, 1),
        (&older, MetricsCheckpoint::OneDay, 3),
        (&older, MetricsCheckpoint::OneWeek, 7),
        (&newer, MetricsCheckpoint::OneHour, 2),
        (&newer, MetricsCheckpoint::OneDay, 24),
        (&elsewhere, MetricsCheckpoint::OneHour, 99),
    ] {
        store
            .finish(
                job.id,
                checkpoint,
                &MetricsReadOutcome::Read {
                    at: T0 + Duration::days(9),
                    metrics: metrics(likes),
                },
            )
            .await
            .unwrap();
    }

    let posts = store
        .of_connection(&user("alice"), connection, 10)
        .await
        .unwrap();
    let seen: Vec<(&str, Option<u64>)> = posts
        .iter()
        .map(|p| (p.external_post_id.as_str(), p.reading.metrics.likes))
        .collect();
    assert_eq!(seen, [("p-new", Some(24)), ("p-old", Some(7))]);
    assert_eq!(posts[0].published_at, newer.published_at.unwrap());
    assert_eq!(posts[0].job_id, newer.id);
    assert_eq!(
        store
            .of_connection(&user("alice"), connection, 1)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .of_connection(&user("bob"), connection, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn a_job_is_read_with_its_newest_reading_in_one_go(repos: Repos) {
    let store = &repos.post_metrics;
    let job = published(&repos, "alice", ConnectionId::new(), T0, "p-1").await;
    store.schedule(&job).await.unwrap();
    let (shown, reading) = repos
        .jobs
        .get_with_metrics(&user("alice"), job.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shown.id, job.id);
    assert_eq!(reading, None, "a parked read is no reading");

    for (checkpoint, likes) in [
        (MetricsCheckpoint::OneHour, 5),
        (MetricsCheckpoint::OneDay, 40),
    ] {
        store
            .finish(
                job.id,
                checkpoint,
                &MetricsReadOutcome::Read {
                    at: T0 + checkpoint.after(),
                    metrics: metrics(likes),
                },
            )
            .await
            .unwrap();
    }
    let (shown, reading) = repos
        .jobs
        .get_with_metrics(&user("alice"), job.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        shown,
        repos
            .jobs
            .get(&user("alice"), job.id)
            .await
            .unwrap()
            .unwrap()
    );
    let reading = reading.unwrap();
    assert_eq!(reading.checkpoint, MetricsCheckpoint::OneDay);
    assert_eq!(reading.metrics, metrics(40));
    assert_eq!(
        reading,
        store.latest(&user("alice"), job.id).await.unwrap().unwrap()
    );
    assert!(
        repos
            .jobs
            .get_with_metrics(&user("bob"), job.id)
            .await
            .unwrap()
            .is_none(),
        "another user's job is not found"
    );
}
