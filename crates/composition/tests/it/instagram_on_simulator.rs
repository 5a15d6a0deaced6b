//! The Instagram publisher against the simulator on both logins: an Instagram Login token
//! publishes on the Instagram host, a Facebook Login token (the linked Page's) on the
//! Facebook host, each passing the publisher contract (one commit, the post found after a
//! lost answer, nothing found before).

use socialpub_domain::{PublishJob, SecretString};
use socialpub_facebook::FacebookClient;
use socialpub_instagram::{InstagramClient, InstagramPublishSettings, InstagramPublisher};
use socialpub_platform_http::{HttpClientSettings, build_http_client};
use socialpub_platform_sim::{Platform, SampleMedia, seed};
use socialpub_ports::fakes::check_publisher;
use socialpub_ports::{PlatformClient, PublishAccount, Reconciliation};
use time::{Duration, OffsetDateTime};

use crate::publishers_on_simulator::{Sim, asset, fetcher, grant, job, sim_config, start};

fn instagram_publisher(sim: &Sim) -> InstagramPublisher {
    let mut config = sim_config(sim, Platform::Instagram, &socialpub_instagram::PRODUCTION);
    if let Some(token_base) = sim.handle.urls(Platform::Instagram).token_base {
        config = config.with_token_base_url(token_base);
    }
    let client = InstagramClient::new(
        config,
        build_http_client(&HttpClientSettings::default()).unwrap(),
    );
    let settings = InstagramPublishSettings::new(sim.handle.urls(Platform::Facebook).api_base);
    InstagramPublisher::with_settings(client, settings)
}

/// The publisher contract on the simulator, for an image posted as `account`.
async fn contract(sim: &Sim, publisher: &InstagramPublisher, account: &PublishAccount) -> String {
    let mut job: PublishJob = job(
        Platform::Instagram,
        "Contract on the simulator",
        vec![asset(sim, SampleMedia::Jpeg)],
    );
    // Long enough after the job's creation that an empty listing is settled.
    job.created_at -= Duration::minutes(1);
    let report = check_publisher(
        publisher,
        job,
        account,
        &fetcher(),
        OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    assert_eq!(report.commit_step, "media_publish");
    assert_eq!(report.lookup_before, Reconciliation::Absent);
    assert_eq!(
        report.lookup_after,
        Reconciliation::Found(report.published.clone())
    );
    report.published.url.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instagram_login_token_publishes_on_the_instagram_host() {
    let sim = start(true);
    let publisher = instagram_publisher(&sim);
    let token = grant(publisher.client()).await.access_token;
    assert!(token.expose().starts_with("IG"));
    let account = PublishAccount {
        external_user_id: seed::instagram::IG_USER_ID.to_owned(),
        display_name: seed::instagram::USERNAME.to_owned(),
        access_token: token,
    };
    let url = contract(&sim, &publisher, &account).await;
    assert!(url.starts_with("https://www.instagram.com/p/"), "{url}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facebook_login_token_publishes_on_the_facebook_host() {
    let sim = start(true);
    let facebook = FacebookClient::new(
        sim_config(&sim, Platform::Facebook, &socialpub_facebook::PRODUCTION).with_scopes([
            "pages_show_list",
            "pages_read_engagement",
            "instagram_basic",
            "instagram_content_publish",
        ]),
        build_http_client(&HttpClientSettings::default()).unwrap(),
    );
    let grant = grant(&facebook).await;
    let page = facebook
        .list_accounts(&grant)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.external_user_id == seed::facebook::PAGES[0].0)
        .unwrap();
    let page_token: SecretString = page.access_token.unwrap();
    assert!(page_token.expose().starts_with("EAA"));
    let account = PublishAccount {
        external_user_id: seed::facebook::FIRST_PAGE_INSTAGRAM_ID.to_owned(),
        display_name: seed::instagram::USERNAME.to_owned(),
        access_token: page_token,
    };
    let publisher = instagram_publisher(&sim);
    contract(&sim, &publisher, &account).await;
    let state = sim.handle.state();
    let requests = |platform: Platform| state.platforms[&platform].stats.requests;
    assert!(requests(Platform::Facebook) > 0);
    assert_eq!(
        requests(Platform::Instagram),
        0,
        "nothing went to the Instagram host"
    );
    assert_eq!(
        state.platforms[&Platform::Instagram].stats.posts_published,
        1,
        "the post is Instagram's, made through the Facebook host"
    );
}
