//! The X, Facebook and Pinterest publisher adapters driven against the simulator: the two sides must
//! agree on paths and shapes, and a lost commit answer must be reconciled, not repeated. Here
//! rather than in the simulator's tests, which name no adapter: the tokens come from the
//! adapters' own OAuth side, as in production.

use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION, RANGE};
use reqwest::{Client, redirect};
use serde_json::json;
use socialpub_domain::{
    Asset, AssetKind, AssetMetadata, AssetUrl, ConnectionId, JobId, NewPublishJob, PublishJob,
    SecretString, UserId,
};
use socialpub_facebook::{FacebookClient, FacebookPublisher};
use socialpub_platform_http::{HttpClientSettings, PlatformConfig, build_http_client};
use socialpub_platform_sim::{
    AmbiguousMode, FaultSettings, KnobSettings, Platform, PublishEndpoint, SampleMedia, Simulator,
    SimulatorConfig, SimulatorHandle, seed,
};
use socialpub_ports::{
    AssetFetchError, AssetFetcher, AuthorizationRequest, PlatformClient, PlatformError,
    PublishAccount, PublishContext, PublishedPost, Publisher, Reconciliation, RemoteAssetInfo,
    StepOutcome,
};
use socialpub_x::{XClient, XPublishSettings, XPublisher};
use time::{Duration, OffsetDateTime};
use url::Url;

const REDIRECT: &str = "https://app.example/oauth/callback";

pub(crate) struct Sim {
    pub(crate) handle: SimulatorHandle,
}

pub(crate) fn start(auto_approve: bool) -> Sim {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let config = SimulatorConfig::default().with_auto_approve(auto_approve);
    Sim {
        handle: Simulator::start(config, listener).unwrap(),
    }
}

fn client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

/// The platform's production config pointed at the simulator, with the simulator's app.
pub(crate) fn sim_config(
    sim: &Sim,
    platform: Platform,
    production: &socialpub_platform_http::PlatformDefaults,
) -> PlatformConfig {
    let urls = sim.handle.urls(platform);
    let (client_id, secret) = sim.handle.client_credentials(platform);
    production
        .config(client_id, SecretString::new(secret))
        .with_base_urls(urls.api_base, urls.oauth_base)
}

/// The auto-approved authorization through the adapter's own OAuth side: the grant.
pub(crate) async fn grant(client: &dyn PlatformClient) -> socialpub_ports::TokenGrant {
    let verifier = SecretString::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-socialpub-sim");
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.expose().as_bytes());
    let challenge = URL_SAFE_NO_PAD.encode(digest.as_ref());
    let redirect_uri = Url::parse(REDIRECT).unwrap();
    let url = client.authorization_url(&AuthorizationRequest {
        state: &SecretString::new("st-publish"),
        redirect_uri: &redirect_uri,
        code_challenge: client.uses_pkce().then_some(challenge.as_str()),
    });
    let consent = self::client().get(url).send().await.unwrap();
    assert_eq!(consent.status(), reqwest::StatusCode::FOUND);
    let back = Url::parse(consent.headers()[LOCATION].to_str().unwrap()).unwrap();
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    client
        .exchange_code(
            &SecretString::new(code),
            &redirect_uri,
            client.uses_pkce().then_some(&verifier),
        )
        .await
        .unwrap()
}

async fn x_publishing_token(sim: &Sim) -> String {
    let x = XClient::new(
        sim_config(sim, Platform::X, &socialpub_x::PRODUCTION),
        build_http_client(&HttpClientSettings::default()).unwrap(),
    );
    grant(&x).await.access_token.expose().to_owned()
}

/// The token of the first seeded Page.
async fn facebook_page_token(sim: &Sim) -> String {
    let facebook = FacebookClient::new(
        sim_config(sim, Platform::Facebook, &socialpub_facebook::PRODUCTION),
        build_http_client(&HttpClientSettings::default()).unwrap(),
    );
    let grant = grant(&facebook).await;
    let accounts = facebook.list_accounts(&grant).await.unwrap();
    let page = accounts
        .iter()
        .find(|a| a.external_user_id == seed::facebook::PAGES[0].0)
        .unwrap();
    page.access_token.as_ref().unwrap().expose().to_owned()
}

/// Reads assets over HTTP with Range requests, as the real fetcher does, counting bytes.
pub(crate) struct RangeFetcher {
    http: reqwest::Client,
    served: AtomicU64,
}

#[async_trait]
impl AssetFetcher for RangeFetcher {
    async fn info(&self, url: &AssetUrl) -> Result<RemoteAssetInfo, AssetFetchError> {
        let response = self.http.head(url.as_str()).send().await.unwrap();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        Ok(RemoteAssetInfo {
            content_type: header(CONTENT_TYPE),
            content_length: header(CONTENT_LENGTH).and_then(|l| l.parse().ok()),
            accepts_ranges: true,
        })
    }

    async fn read_range(
        &self,
        url: &AssetUrl,
        start: u64,
        len: u32,
    ) -> Result<Vec<u8>, AssetFetchError> {
        let end = start + u64::from(len) - 1;
        let response = self
            .http
            .get(url.as_str())
            .header(RANGE, format!("bytes={start}-{end}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::PARTIAL_CONTENT);
        let bytes = response.bytes().await.unwrap().to_vec();
        self.served.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(bytes)
    }
}

pub(crate) fn fetcher() -> RangeFetcher {
    RangeFetcher {
        http: client(),
        served: AtomicU64::new(0),
    }
}

pub(crate) fn job(platform: Platform, text: &str, assets: Vec<Asset>) -> PublishJob {
    PublishJob::new(
        NewPublishJob {
            id: JobId::new(),
            post_id: None,
            user_id: UserId::parse("user-1").unwrap(),
            social_connection_id: ConnectionId::new(),
            platform,
            content_text: text.to_owned(),
            assets,
            platform_specific_options: serde_json::Map::new(),
            scheduled_at: None,
            time_zone: None,
            metadata: serde_json::Map::new(),
            max_attempts: 3,
        },
        OffsetDateTime::now_utc(),
    )
}

pub(crate) fn asset(sim: &Sim, media: SampleMedia) -> Asset {
    let kind = if media == SampleMedia::Mp4 {
        AssetKind::Video
    } else {
        AssetKind::Image
    };
    Asset {
        url: AssetUrl::parse(sim.handle.sample_media_url(media).as_str()).unwrap(),
        kind,
        metadata: AssetMetadata::default(),
    }
}

/// Takes steps until the job is published or a step fails, storing progress and the commit
/// marker as the engine does. Waits are not slept: the simulator moves processing on per
/// status check.
async fn run(
    publisher: &dyn Publisher,
    job: &mut PublishJob,
    account: &PublishAccount,
    assets: &dyn AssetFetcher,
) -> (Vec<&'static str>, Result<PublishedPost, PlatformError>) {
    let mut steps = Vec::new();
    for _ in 0..100 {
        let planned = publisher.next_step(job);
        steps.push(planned.name);
        if planned.commits {
            job.progress.final_call_started_at = Some(OffsetDateTime::now_utc());
        }
        let ctx = PublishContext {
            job,
            account,
            assets,
            now: OffsetDateTime::now_utc(),
        };
        match publisher.advance(&ctx).await {
            Ok(StepOutcome::Continue(progress) | StepOutcome::WaitUntil { progress, .. }) => {
                job.progress = progress;
                if planned.commits {
                    job.progress.final_call_started_at = None;
                }
            }
            Ok(StepOutcome::Published(post)) => return (steps, Ok(post)),
            Err(error) => return (steps, Err(error)),
        }
    }
    panic!("never finished: {steps:?}");
}

fn x_publisher(sim: &Sim) -> XPublisher {
    XPublisher::with_settings(
        XClient::new(
            sim_config(sim, Platform::X, &socialpub_x::PRODUCTION),
            build_http_client(&HttpClientSettings::default()).unwrap(),
        ),
        XPublishSettings {
            chunk_size: 16 * 1024,
            reconcile_settle: Duration::ZERO,
            ..XPublishSettings::default()
        },
    )
}

fn x_account(token: String) -> PublishAccount {
    PublishAccount {
        external_user_id: seed::x::USER_ID.to_owned(),
        display_name: format!("@{}", seed::x::USERNAME),
        access_token: SecretString::new(token),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_x_publisher_posts_images_and_video_on_the_simulator() {
    let sim = start(true);
    let account = x_account(x_publishing_token(&sim).await);
    let x = x_publisher(&sim);
    let files = fetcher();

    let mut images = job(
        Platform::X,
        "Two pictures & a link https://example.com",
        vec![
            asset(&sim, SampleMedia::Jpeg),
            asset(&sim, SampleMedia::Png),
        ],
    );
    let (steps, result) = run(&x, &mut images, &account, &files).await;
    let post = result.unwrap();
    assert_eq!(
        steps.iter().filter(|s| **s == "media_initialize").count(),
        2
    );
    assert_eq!(
        post.url.unwrap(),
        format!(
            "https://x.com/{}/status/{}",
            seed::x::USERNAME,
            post.external_id
        )
    );

    let mut video = job(Platform::X, "", vec![asset(&sim, SampleMedia::Mp4)]);
    let (steps, result) = run(&x, &mut video, &account, &files).await;
    result.unwrap();
    let video_len = SampleMedia::Mp4.bytes().len();
    assert_eq!(
        steps.iter().filter(|s| **s == "media_append").count(),
        video_len.div_ceil(16 * 1024)
    );
    assert_eq!(steps.iter().filter(|s| **s == "media_status").count(), 2);
    let image_bytes = SampleMedia::Jpeg.bytes().len() + SampleMedia::Png.bytes().len();
    assert_eq!(
        files.served.load(Ordering::Relaxed) as usize,
        image_bytes + video_len,
        "every byte read once, by range"
    );

    let posts = sim.handle.posts(Some(Platform::X));
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0].media_ids.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_x_commit_answer_is_found_on_the_timeline_not_posted_again() {
    let sim = start(true);
    let account = x_account(x_publishing_token(&sim).await);
    let x = x_publisher(&sim);
    for (n, mode) in [AmbiguousMode::ServerError, AmbiguousMode::Drop]
        .into_iter()
        .enumerate()
    {
        sim.handle
            .set_knobs(&KnobSettings {
                faults: Some(FaultSettings {
                    endpoint: Some(PublishEndpoint::XCreatePost),
                    ambiguous_next: Some(1),
                    ambiguous_mode: Some(mode),
                    ..FaultSettings::default()
                }),
                ..KnobSettings::default()
            })
            .unwrap();
        let mut lost = job(Platform::X, &format!("Lost answer {n} & more"), vec![]);
        let (_, result) = run(&x, &mut lost, &account, &fetcher()).await;
        assert!(result.unwrap_err().retryable(), "{mode:?}");
        // The engine stored the marker before the commit; it reconciles instead of resending.
        lost.progress.final_call_started_at =
            Some(OffsetDateTime::now_utc() - Duration::seconds(1));
        let files = fetcher();
        let ctx = PublishContext {
            job: &lost,
            account: &account,
            assets: &files,
            now: OffsetDateTime::now_utc(),
        };
        let Reconciliation::Found(post) = x.find_published(&ctx).await.unwrap() else {
            panic!("the stored post must be found ({mode:?})");
        };
        assert_eq!(
            sim.handle.posts(Some(Platform::X)).last().unwrap().id,
            post.external_id
        );
    }
    let mut never = job(Platform::X, "Never sent", vec![]);
    never.progress.final_call_started_at = Some(OffsetDateTime::now_utc() - Duration::seconds(1));
    let files = fetcher();
    let ctx = PublishContext {
        job: &never,
        account: &account,
        assets: &files,
        now: OffsetDateTime::now_utc(),
    };
    assert_eq!(
        x.find_published(&ctx).await.unwrap(),
        Reconciliation::Absent
    );
    assert_eq!(sim.handle.posts(None).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facebook_publisher_posts_text_link_and_photos_on_the_simulator() {
    let sim = start(true);
    let page_token = facebook_page_token(&sim).await;
    let fb = FacebookPublisher::new(FacebookClient::new(
        sim_config(&sim, Platform::Facebook, &socialpub_facebook::PRODUCTION),
        build_http_client(&HttpClientSettings::default()).unwrap(),
    ));
    let account = PublishAccount {
        external_user_id: seed::facebook::PAGES[0].0.to_owned(),
        display_name: seed::facebook::PAGES[0].1.to_owned(),
        access_token: SecretString::new(page_token),
    };
    let files = fetcher();

    let mut link = job(Platform::Facebook, "Fresh bread", vec![]);
    link.platform_specific_options
        .insert("link".into(), json!("https://bakery.example/today"));
    let (steps, result) = run(&fb, &mut link, &account, &files).await;
    assert_eq!(steps, ["create_post", "fetch_permalink"]);
    let post = result.unwrap();
    assert!(post.url.unwrap().starts_with("https://www.facebook.com/"));

    let mut photo = job(
        Platform::Facebook,
        "Our loaf",
        vec![asset(&sim, SampleMedia::Jpeg)],
    );
    run(&fb, &mut photo, &account, &files).await.1.unwrap();
    let mut album = job(
        Platform::Facebook,
        "Two loaves",
        vec![
            asset(&sim, SampleMedia::Jpeg),
            asset(&sim, SampleMedia::Png),
        ],
    );
    let (steps, result) = run(&fb, &mut album, &account, &files).await;
    assert_eq!(
        steps,
        [
            "upload_photo",
            "upload_photo",
            "create_post",
            "fetch_permalink"
        ]
    );
    result.unwrap();
    assert_eq!(
        files.served.load(Ordering::Relaxed),
        0,
        "Facebook fetches URLs itself"
    );

    let posts = sim.handle.posts(Some(Platform::Facebook));
    assert_eq!(posts.len(), 3);
    assert_eq!(posts[2].photo_urls.len(), 2);

    // A lost answer to a feed post is found in published_posts.
    sim.handle
        .set_knobs(&KnobSettings {
            faults: Some(FaultSettings {
                endpoint: Some(PublishEndpoint::FacebookFeed),
                ambiguous_next: Some(1),
                ..FaultSettings::default()
            }),
            ..KnobSettings::default()
        })
        .unwrap();
    let mut lost = job(Platform::Facebook, "Closed on Monday", vec![]);
    assert!(run(&fb, &mut lost, &account, &files).await.1.is_err());
    lost.progress.final_call_started_at = Some(OffsetDateTime::now_utc() - Duration::seconds(5));
    let ctx = PublishContext {
        job: &lost,
        account: &account,
        assets: &files,
        now: OffsetDateTime::now_utc(),
    };
    let Reconciliation::Found(found) = fb.find_published(&ctx).await.unwrap() else {
        panic!("the stored post must be found");
    };
    assert_eq!(
        sim.handle
            .posts(Some(Platform::Facebook))
            .last()
            .unwrap()
            .id,
        found.external_id
    );
}

/// Posts `count` other posts as the account, straight on the simulator.
async fn bury(sim: &Sim, platform: Platform, token: &str, count: usize) {
    let (path, field) = match platform {
        Platform::X => ("2/tweets".to_owned(), "text"),
        _ => (
            format!("v25.0/{}/feed", seed::facebook::PAGES[0].0),
            "message",
        ),
    };
    for n in 0..count {
        let url = sim.handle.urls(platform).api_base.join(&path).unwrap();
        let response = client()
            .post(url)
            .bearer_auth(token)
            .json(&json!({field: format!("Busy post {n}")}))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
    }
}

/// Lost commits of a busy account: by the time the lookup runs, 150 later posts push the
/// post off the first page of 100. Both adapters page to it; a job never sent is Absent only
/// after every page was read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_commit_under_a_page_of_later_posts_is_found() {
    let sim = start(true);
    let x_token = x_publishing_token(&sim).await;
    let page_token = facebook_page_token(&sim).await;
    let fb = FacebookPublisher::new(FacebookClient::new(
        sim_config(&sim, Platform::Facebook, &socialpub_facebook::PRODUCTION),
        build_http_client(&HttpClientSettings::default()).unwrap(),
    ));
    let x = x_publisher(&sim);
    let fb_account = PublishAccount {
        external_user_id: seed::facebook::PAGES[0].0.to_owned(),
        display_name: seed::facebook::PAGES[0].1.to_owned(),
        access_token: SecretString::new(page_token.clone()),
    };
    let x_account = x_account(x_token.clone());
    let cases: [(
        &dyn Publisher,
        Platform,
        PublishEndpoint,
        &PublishAccount,
        &str,
    ); 2] = [
        (
            &x,
            Platform::X,
            PublishEndpoint::XCreatePost,
            &x_account,
            &x_token,
        ),
        (
            &fb,
            Platform::Facebook,
            PublishEndpoint::FacebookFeed,
            &fb_account,
            &page_token,
        ),
    ];
    let files = fetcher();
    for (publisher, platform, endpoint, account, token) in cases {
        sim.handle
            .set_knobs(&KnobSettings {
                faults: Some(FaultSettings {
                    endpoint: Some(endpoint),
                    ambiguous_next: Some(1),
                    ..FaultSettings::default()
                }),
                ..KnobSettings::default()
            })
            .unwrap();
        let mut lost = job(platform, "Posted just before the rush", vec![]);
        let (_, result) = run(publisher, &mut lost, account, &files).await;
        assert!(result.unwrap_err().retryable(), "{platform:?}");
        let posted = sim.handle.posts(Some(platform)).last().unwrap().id.clone();
        bury(&sim, platform, token, 150).await;

        lost.progress.final_call_started_at =
            Some(OffsetDateTime::now_utc() - Duration::seconds(5));
        let ctx = PublishContext {
            job: &lost,
            account,
            assets: &files,
            now: OffsetDateTime::now_utc() + Duration::seconds(5),
        };
        let Reconciliation::Found(found) = publisher.find_published(&ctx).await.unwrap() else {
            panic!("the buried post must be found ({platform:?})");
        };
        assert_eq!(found.external_id, posted, "{platform:?}");

        let mut never = job(platform, "Never sent", vec![]);
        never.progress.final_call_started_at = lost.progress.final_call_started_at;
        let ctx = PublishContext { job: &never, ..ctx };
        assert_eq!(
            publisher.find_published(&ctx).await.unwrap(),
            Reconciliation::Absent,
            "{platform:?}"
        );
    }
    assert_eq!(sim.handle.posts(None).len(), 302);
}

fn pinterest_publisher(sim: &Sim) -> socialpub_pinterest::PinterestPublisher {
    socialpub_pinterest::PinterestPublisher::with_settings(
        socialpub_pinterest::PinterestClient::new(
            sim_config(sim, Platform::Pinterest, &socialpub_pinterest::PRODUCTION),
            build_http_client(&HttpClientSettings::default()).unwrap(),
        ),
        socialpub_pinterest::PinterestPublishSettings {
            chunk_size: 16 * 1024,
            reconcile_settle: Duration::ZERO,
            ..socialpub_pinterest::PinterestPublishSettings::default()
        },
    )
}

async fn pinterest_account(pinterest: &socialpub_pinterest::PinterestPublisher) -> PublishAccount {
    let grant = grant(pinterest.client()).await;
    PublishAccount {
        external_user_id: seed::pinterest::USER_ID.to_owned(),
        display_name: seed::pinterest::USERNAME.to_owned(),
        access_token: grant.access_token,
    }
}

fn pin_job(sim: &Sim, text: &str, assets: Vec<Asset>) -> PublishJob {
    let mut job = job(Platform::Pinterest, text, assets);
    job.platform_specific_options
        .insert("board_id".into(), json!(seed::pinterest::BOARDS[0].0));
    job.platform_specific_options.insert(
        "cover_image_url".into(),
        json!(sim.handle.sample_media_url(SampleMedia::Jpeg).as_str()),
    );
    job
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pinterest_publisher_keeps_the_publisher_contract_on_the_simulator() {
    let sim = start(true);
    let pinterest = pinterest_publisher(&sim);
    let account = pinterest_account(&pinterest).await;
    let files = fetcher();
    for (text, assets) in [
        ("One image", vec![asset(&sim, SampleMedia::Jpeg)]),
        (
            "A carousel",
            vec![asset(&sim, SampleMedia::Png), asset(&sim, SampleMedia::Png)],
        ),
        ("A video", vec![asset(&sim, SampleMedia::Mp4)]),
    ] {
        let report = socialpub_ports::fakes::check_publisher(
            &pinterest,
            pin_job(&sim, text, assets),
            &account,
            &files,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap_or_else(|broken| panic!("{text}: {broken}"));
        assert_eq!(report.commit_step, "create_pin");
        assert_eq!(report.lookup_before, Reconciliation::Absent, "{text}");
        assert_eq!(
            report.lookup_after,
            Reconciliation::Found(report.published.clone()),
            "{text}"
        );
    }
    assert_eq!(
        files.served.load(Ordering::Relaxed) as usize,
        SampleMedia::Mp4.bytes().len(),
        "only the video passes through us, read once"
    );
    let pins = sim.handle.posts(Some(Platform::Pinterest));
    assert_eq!(pins.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_pinterest_commit_answer_is_found_on_the_board_not_pinned_again() {
    let sim = start(true);
    let pinterest = pinterest_publisher(&sim);
    let account = pinterest_account(&pinterest).await;
    for (n, mode) in [AmbiguousMode::ServerError, AmbiguousMode::Drop]
        .into_iter()
        .enumerate()
    {
        sim.handle
            .set_knobs(&KnobSettings {
                faults: Some(FaultSettings {
                    endpoint: Some(PublishEndpoint::PinterestCreatePin),
                    ambiguous_next: Some(1),
                    ambiguous_mode: Some(mode),
                    ..FaultSettings::default()
                }),
                ..KnobSettings::default()
            })
            .unwrap();
        let mut lost = pin_job(
            &sim,
            &format!("Lost answer {n}"),
            vec![asset(&sim, SampleMedia::Jpeg)],
        );
        let (_, result) = run(&pinterest, &mut lost, &account, &fetcher()).await;
        assert!(result.unwrap_err().retryable(), "{mode:?}");
        lost.progress.final_call_started_at =
            Some(OffsetDateTime::now_utc() - Duration::seconds(1));
        let files = fetcher();
        let ctx = PublishContext {
            job: &lost,
            account: &account,
            assets: &files,
            now: OffsetDateTime::now_utc(),
        };
        let Reconciliation::Found(post) = pinterest.find_published(&ctx).await.unwrap() else {
            panic!("the stored pin must be found ({mode:?})");
        };
        assert_eq!(
            sim.handle
                .posts(Some(Platform::Pinterest))
                .last()
                .unwrap()
                .id,
            post.external_id
        );
    }
    let mut never = pin_job(&sim, "Never sent", vec![asset(&sim, SampleMedia::Jpeg)]);
    never.progress.final_call_started_at = Some(OffsetDateTime::now_utc() - Duration::seconds(1));
    let files = fetcher();
    let ctx = PublishContext {
        job: &never,
        account: &account,
        assets: &files,
        now: OffsetDateTime::now_utc(),
    };
    assert_eq!(
        pinterest.find_published(&ctx).await.unwrap(),
        Reconciliation::Absent
    );
    assert_eq!(sim.handle.posts(None).len(), 2);
}
