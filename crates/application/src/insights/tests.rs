use std::sync::Arc;

use socialpub_domain::insights::{
    AccountPost, BestTimeBasis, Confidence, HashtagSource, MetricsCheckpoint, PlatformTag,
    PostMetrics,
};
use socialpub_domain::{ConnectionId, Platform, UserId};
use socialpub_ports::fakes::{
    FakeInsightsReader, InMemoryInsightsCache, InMemoryPostMetricsRepository,
    StaticInsightsReaderRegistry,
};
use socialpub_ports::{AudienceHour, PostMetricsRepository};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::*;
use crate::test_support::{NOW, World, alice};

fn post(id: usize, at: OffsetDateTime, text: &str, likes: u64) -> AccountPost {
    AccountPost {
        external_id: format!("p{id}"),
        published_at: at,
        text: text.to_owned(),
        metrics: PostMetrics {
            likes: Some(likes),
            comments: Some(0),
            ..PostMetrics::default()
        },
    }
}

/// Ten weeks of an X account posting on weekdays at 08:00 and 12:00 UTC, whose Thursday
/// 19:00 UTC posts (tagged #nightowl) do four times better.
fn history() -> Vec<AccountPost> {
    let monday = datetime!(2026-03-02 00:00 UTC);
    let mut posts = Vec::new();
    for week in 0..10 {
        for day in 0..5 {
            let date = monday + Duration::weeks(week) + Duration::days(day);
            posts.push(post(
                posts.len(),
                date + Duration::hours(8),
                "morning #coffee",
                50,
            ));
            posts.push(post(
                posts.len(),
                date + Duration::hours(12),
                "lunch #food",
                55,
            ));
        }
        let thursday = monday + Duration::weeks(week) + Duration::days(3);
        posts.push(post(
            posts.len(),
            thursday + Duration::hours(19),
            "late #nightowl",
            220,
        ));
    }
    posts
}

struct Setup {
    world: World,
    reader: Arc<FakeInsightsReader>,
    post_metrics: Arc<InMemoryPostMetricsRepository>,
    service: InsightsService,
}

async fn setup(reader: FakeInsightsReader, settings: InsightsSettings) -> Setup {
    let world = World::new().await;
    let reader = Arc::new(reader);
    let post_metrics = Arc::new(InMemoryPostMetricsRepository::default());
    let service = InsightsService::new(
        InsightsPorts {
            connections: world.connection_service.clone(),
            readers: Arc::new(StaticInsightsReaderRegistry::default().with(reader.clone())),
            cache: Arc::new(InMemoryInsightsCache::default()),
            post_metrics: post_metrics.clone(),
            clock: world.clock.clone(),
        },
        settings,
    );
    Setup {
        world,
        reader,
        post_metrics,
        service,
    }
}

#[tokio::test]
async fn best_times_find_the_accounts_peak_in_its_zone() {
    let s = setup(
        FakeInsightsReader::new(Platform::X).with_posts(history()),
        InsightsSettings::default(),
    )
    .await;
    let answer = s
        .service
        .best_times(
            &alice(),
            Platform::X,
            s.world.connection.id,
            "America/New_York",
        )
        .await
        .unwrap();
    let best = &answer.times.suggested_times[0];
    // 19:00 UTC is 15:00 in New York in March after its DST change (March 8), 14:00 before.
    assert_eq!(best.weekday, "thursday");
    assert!([14, 15].contains(&best.hour), "{best:?}");
    assert_eq!(answer.times.basis, BestTimeBasis::Engagement);
    assert_eq!(answer.times.sample_size, 110);
    assert!(answer.sources_failed.is_empty());
    assert!(answer.times.next_slots.iter().all(|slot| *slot > NOW));
}

#[tokio::test]
async fn audience_data_is_preferred_when_the_platform_has_it() {
    let audience: Vec<AudienceHour> = (0..30)
        .flat_map(|day| {
            (0..24).map(move |hour| AudienceHour {
                at: datetime!(2026-05-01 00:00 UTC) + Duration::days(day) + Duration::hours(hour),
                online: if hour == 6 { 900 } else { 100 },
            })
        })
        .collect();
    let s = setup(
        FakeInsightsReader::new(Platform::X)
            .with_posts(history())
            .with_audience(audience),
        InsightsSettings::default(),
    )
    .await;
    let answer = s
        .service
        .best_times(&alice(), Platform::X, s.world.connection.id, "UTC")
        .await
        .unwrap();
    assert_eq!(answer.times.basis, BestTimeBasis::Audience);
    assert_eq!(answer.times.suggested_times[0].hour, 6);
}

#[tokio::test]
async fn without_advanced_fetching_no_audience_call_is_made() {
    let s = setup(
        FakeInsightsReader::new(Platform::X).with_posts(history()),
        InsightsSettings {
            advanced_fetching: false,
            ..InsightsSettings::default()
        },
    )
    .await;
    s.service
        .best_times(&alice(), Platform::X, s.world.connection.id, "UTC")
        .await
        .unwrap();
    assert_eq!(s.reader.calls(), 1, "only the recent posts are read");
}

#[tokio::test]
async fn a_second_answer_comes_from_the_cache() {
    let s = setup(
        FakeInsightsReader::new(Platform::X).with_posts(history()),
        InsightsSettings::default(),
    )
    .await;
    let first = s
        .service
        .best_times(&alice(), Platform::X, s.world.connection.id, "UTC")
        .await
        .unwrap();
    let calls = s.reader.calls();
    let second = s
        .service
        .best_times(&alice(), Platform::X, s.world.connection.id, "Asia/Tokyo")
        .await
        .unwrap();
    assert_eq!(s.reader.calls(), calls);
    assert_eq!(first.times.sample_size, second.times.sample_size);
}

#[tokio::test]
async fn a_failing_platform_degrades_to_the_priors_and_says_so() {
    let s = setup(
        FakeInsightsReader::new(Platform::X).with_posts(history()),
        InsightsSettings::default(),
    )
    .await;
    s.reader.fail();
    let answer = s
        .service
        .best_times(&alice(), Platform::X, s.world.connection.id, "UTC")
        .await
        .unwrap();
    assert_eq!(answer.times.basis, BestTimeBasis::Priors);
    assert_eq!(answer.times.confidence, Confidence::Low);
    let sources: Vec<&str> = answer.sources_failed.iter().map(|f| f.source).collect();
    assert_eq!(sources, ["audience_online", "recent_posts"]);
}

#[tokio::test]
async fn bad_requests_name_what_is_wrong() {
    let s = setup(
        FakeInsightsReader::new(Platform::X),
        InsightsSettings::default(),
    )
    .await;
    let id = s.world.connection.id;
    assert!(matches!(
        s.service
            .best_times(&alice(), Platform::X, id, "Mars/Olympus")
            .await,
        Err(InsightsError::UnknownTimeZone(_))
    ));
    assert!(matches!(
        s.service
            .best_times(&alice(), Platform::Linkedin, id, "UTC")
            .await,
        Err(InsightsError::PlatformMismatch { .. })
    ));
    let bob = UserId::parse("bob").unwrap();
    assert!(matches!(
        s.service.best_times(&bob, Platform::X, id, "UTC").await,
        Err(InsightsError::ConnectionNotFound(_))
    ));
    assert!(matches!(
        s.service
            .best_times(&alice(), Platform::X, ConnectionId::new(), "UTC")
            .await,
        Err(InsightsError::ConnectionNotFound(_))
    ));
    let field = |request: HashtagRequest| {
        let service = s.service.clone();
        async move {
            match service.hashtags(&alice(), Platform::X, &request).await {
                Err(InsightsError::InvalidInput { field, .. }) => field,
                other => panic!("{other:?}"),
            }
        }
    };
    assert_eq!(field(HashtagRequest::default()).await, "keywords");
    assert_eq!(
        field(HashtagRequest {
            keywords: vec!["a".into(); MAX_KEYWORDS + 1],
            ..HashtagRequest::default()
        })
        .await,
        "keywords"
    );
    assert_eq!(
        field(HashtagRequest {
            keywords: vec!["   ".into()],
            ..HashtagRequest::default()
        })
        .await,
        "keywords"
    );
    assert_eq!(
        field(HashtagRequest {
            keywords: vec!["food".into()],
            limit: Some(10_000),
            ..HashtagRequest::default()
        })
        .await,
        "limit"
    );
    assert_eq!(
        field(HashtagRequest {
            keywords: vec!["food".into()],
            industry: Some("alchemy".into()),
            ..HashtagRequest::default()
        })
        .await,
        "industry"
    );
}

#[tokio::test]
async fn hashtags_rank_the_accounts_best_tags_above_the_industry_file() {
    let s = setup(
        FakeInsightsReader::new(Platform::X)
            .with_posts(history())
            .with_tags(vec![PlatformTag {
                tag: "foodtwitter".into(),
                popularity: 0.5,
                reason: "in 40 of 100 recent posts about food".into(),
            }]),
        InsightsSettings::default(),
    )
    .await;
    let answer = s
        .service
        .hashtags(
            &alice(),
            Platform::X,
            &HashtagRequest {
                keywords: vec!["food".into()],
                connection_id: Some(s.world.connection.id),
                limit: Some(30),
                ..HashtagRequest::default()
            },
        )
        .await
        .unwrap();
    let position = |tag: &str| answer.suggestions.iter().position(|s| s.tag == tag);
    assert!(position("nightowl").unwrap() < position("foodie").unwrap());
    assert!(position("foodtwitter").is_some());
    assert_eq!(answer.cap, None);
    assert_eq!(
        answer.sources_used,
        [
            HashtagSource::Platform,
            HashtagSource::OwnPosts,
            HashtagSource::Industry
        ]
    );
    assert!(answer.sources_failed.is_empty());
}

#[tokio::test]
async fn hashtags_answer_from_the_industry_file_without_a_connection() {
    let s = setup(
        FakeInsightsReader::new(Platform::Instagram),
        InsightsSettings::default(),
    )
    .await;
    let answer = s
        .service
        .hashtags(
            &alice(),
            Platform::Instagram,
            &HashtagRequest {
                keywords: vec!["travel".into()],
                limit: Some(30),
                ..HashtagRequest::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(answer.cap, Some(5));
    assert_eq!(answer.suggestions.len(), 5);
    assert_eq!(answer.sources_used, [HashtagSource::Industry]);
    assert_eq!(s.reader.calls(), 0);
}

#[tokio::test]
async fn a_failing_platform_leaves_the_industry_suggestions() {
    let s = setup(
        FakeInsightsReader::new(Platform::X).with_posts(history()),
        InsightsSettings::default(),
    )
    .await;
    s.reader.fail();
    let answer = s
        .service
        .hashtags(
            &alice(),
            Platform::X,
            &HashtagRequest {
                keywords: vec!["food".into()],
                connection_id: Some(s.world.connection.id),
                ..HashtagRequest::default()
            },
        )
        .await
        .unwrap();
    assert!(!answer.suggestions.is_empty());
    let failed: Vec<&str> = answer.sources_failed.iter().map(|f| f.source).collect();
    assert_eq!(failed, ["own_posts", "platform"]);
}

#[tokio::test]
async fn next_best_picks_a_coming_slot_and_says_why() {
    let s = setup(
        FakeInsightsReader::new(Platform::X).with_posts(history()),
        InsightsSettings::default(),
    )
    .await;
    let next = s
        .service
        .next_best(&alice(), Platform::X, s.world.connection.id, "UTC")
        .await
        .unwrap()
        .unwrap();
    assert!(next.at > NOW + NEXT_BEST_LEAD);
    assert_eq!(next.slot.weekday, "thursday");
    assert_eq!(next.slot.hour, 19);
    // NOW is Monday 2026-06-01.
    assert_eq!(next.at, datetime!(2026-06-04 19:00 UTC));
    assert!(
        next.explanation().contains("thursday 19:00 UTC"),
        "{}",
        next.explanation()
    );
}

/// A job of the world's connection as published at `at` with the platform id `external`.
async fn published_job(
    s: &Setup,
    at: OffsetDateTime,
    external: &str,
) -> socialpub_domain::PublishJob {
    let mut job = s.world.job_at(None).await;
    let worker = socialpub_domain::WorkerId::new("w");
    job.claim(worker.clone(), at, Duration::minutes(5)).unwrap();
    job.mark_published(&worker, external.to_owned(), None, at)
        .unwrap();
    job
}

fn metrics_reads(s: &Setup) -> PostMetricsReads {
    metrics_reads_on(s, s.reader.clone())
}

fn metrics_reads_on(s: &Setup, reader: Arc<FakeInsightsReader>) -> PostMetricsReads {
    PostMetricsReads::new(
        s.world.connection_service.clone(),
        Arc::new(StaticInsightsReaderRegistry::default().with(reader)),
        s.post_metrics.clone(),
        s.world.clock.clone(),
    )
}

#[tokio::test]
async fn a_published_post_is_read_at_one_hour_one_day_and_one_week() {
    let s = setup(
        FakeInsightsReader::new(Platform::X).with_posts(vec![post(7, NOW, "launch", 12)]),
        InsightsSettings::default(),
    )
    .await;
    let job = published_job(&s, NOW, "p7").await;
    s.post_metrics.schedule(&job).await.unwrap();
    let reads = metrics_reads(&s);

    assert_eq!(reads.run_due().await.unwrap(), 0, "nothing is due yet");
    assert_eq!(s.post_metrics.latest(&alice(), job.id).await.unwrap(), None);

    s.world.clock.set(NOW + Duration::hours(1));
    assert_eq!(reads.run_due().await.unwrap(), 1);
    let shown = s
        .post_metrics
        .latest(&alice(), job.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shown.checkpoint, MetricsCheckpoint::OneHour);
    assert_eq!(shown.read_at, NOW + Duration::hours(1));
    assert_eq!(shown.metrics.likes, Some(12));

    // Each read parks the next when it ends.
    s.world.clock.set(NOW + Duration::days(1));
    assert_eq!(reads.run_due().await.unwrap(), 1);
    s.world.clock.set(NOW + Duration::days(7));
    assert_eq!(reads.run_due().await.unwrap(), 1);
    let shown = s
        .post_metrics
        .latest(&alice(), job.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shown.checkpoint, MetricsCheckpoint::OneWeek);
    assert_eq!(reads.run_due().await.unwrap(), 0, "each read is done once");
    assert_eq!(s.reader.calls(), 3);
}

#[tokio::test]
async fn a_failing_read_is_retried_later_then_given_up_never_estimated() {
    let s = setup(
        FakeInsightsReader::new(Platform::X).with_posts(vec![post(7, NOW, "launch", 12)]),
        InsightsSettings::default(),
    )
    .await;
    let job = published_job(&s, NOW, "p7").await;
    s.post_metrics.schedule(&job).await.unwrap();
    s.reader.fail();
    let reads = metrics_reads(&s);
    s.world.clock.set(NOW + Duration::hours(1));
    assert_eq!(reads.run_due().await.unwrap(), 1);
    // Retried after METRICS_RETRY_STEP, not before.
    s.world
        .clock
        .advance(METRICS_RETRY_STEP - Duration::seconds(1));
    assert_eq!(reads.run_due().await.unwrap(), 0);
    for _ in 1..METRICS_MAX_ATTEMPTS {
        s.world.clock.advance(Duration::hours(2));
        assert_eq!(reads.run_due().await.unwrap(), 1);
    }
    s.world.clock.advance(Duration::hours(2));
    assert_eq!(
        reads.run_due().await.unwrap(),
        0,
        "given up after the last try"
    );
    assert_eq!(s.post_metrics.latest(&alice(), job.id).await.unwrap(), None);
}

#[tokio::test]
async fn a_deleted_post_is_unavailable_at_once() {
    let s = setup(
        FakeInsightsReader::new(Platform::X),
        InsightsSettings::default(),
    )
    .await;
    let job = published_job(&s, NOW, "gone").await;
    s.post_metrics.schedule(&job).await.unwrap();
    let reads = metrics_reads(&s);
    s.world.clock.set(NOW + Duration::hours(1));
    assert_eq!(reads.run_due().await.unwrap(), 1);
    s.world.clock.advance(Duration::days(1));
    // The 24 h read is due now; the 1 h read is not tried again.
    let due = reads.run_due().await.unwrap();
    assert_eq!(due, 1);
    assert_eq!(s.reader.calls(), 2);
}

#[tokio::test]
async fn posts_published_here_feed_best_times_when_the_platform_lists_nothing() {
    // The platform lists no posts (as LinkedIn for members): best times come from the
    // metrics the workers read, Thursday 19:00 UTC doing best.
    let s = setup(
        FakeInsightsReader::new(Platform::X),
        InsightsSettings::default(),
    )
    .await;
    let monday = datetime!(2026-03-02 00:00 UTC);
    let mut posts = Vec::new();
    for week in 0..10 {
        for (day, hour, likes) in [(0, 8, 10), (1, 12, 10), (3, 19, 80)] {
            let at = monday + Duration::weeks(week) + Duration::days(day) + Duration::hours(hour);
            posts.push(post(posts.len(), at, "", likes));
        }
    }
    for listed in &posts {
        let job = published_job(&s, listed.published_at, &listed.external_id).await;
        s.post_metrics.schedule(&job).await.unwrap();
    }
    // The workers read them on a reader that finds each post by its id.
    let reads = metrics_reads_on(
        &s,
        Arc::new(FakeInsightsReader::new(Platform::X).with_posts(posts)),
    );
    s.world.clock.set(NOW + Duration::days(30));
    while reads.run_due().await.unwrap() > 0 {}
    s.world.clock.set(NOW);
    let answer = s
        .service
        .best_times(&alice(), Platform::X, s.world.connection.id, "UTC")
        .await
        .unwrap();
    assert_eq!(answer.times.basis, BestTimeBasis::Engagement);
    assert_eq!(answer.times.sample_size, 30);
    let best = &answer.times.suggested_times[0];
    assert_eq!((best.weekday, best.hour), ("thursday", 19));
}
