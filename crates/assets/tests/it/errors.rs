//! Server failures become the port's typed errors.

use std::sync::Arc;
use std::time::Duration;

use socialpub_assets::{AssetFetchSettings, HeaderProbe, HttpAssetFetcher};
use socialpub_domain::AssetKind;
use socialpub_ports::{AssetFetchError, AssetFetcher, AssetMetadataProbe};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{asset, local_fetcher, local_probe, url};

#[tokio::test]
async fn a_missing_file_is_status_404() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let err = local_probe()
        .probe(&asset(url(&server, "/gone.png"), AssetKind::Image))
        .await
        .unwrap_err();
    assert_eq!(err, AssetFetchError::Status(404));
    let err = local_fetcher()
        .read_range(&url(&server, "/gone.png"), 0, 10)
        .await
        .unwrap_err();
    assert_eq!(err, AssetFetchError::Status(404));
}

#[tokio::test]
async fn a_server_error_is_its_status() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = local_fetcher()
        .info(&url(&server, "/busy.png"))
        .await
        .unwrap_err();
    assert_eq!(err, AssetFetchError::Status(503));
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let fetcher = HttpAssetFetcher::new(AssetFetchSettings {
        total_timeout: Duration::from_millis(300),
        ..AssetFetchSettings::allowing_private_addresses()
    });
    let started = std::time::Instant::now();
    let probe = HeaderProbe::new(Arc::new(fetcher));
    let err = probe
        .probe(&asset(url(&server, "/slow.jpg"), AssetKind::Image))
        .await
        .unwrap_err();
    assert_eq!(err, AssetFetchError::Timeout);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error() {
    // Bind a port, then free it: nothing listens there any more.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = socialpub_domain::AssetUrl::parse(&format!("http://127.0.0.1:{port}/a.png")).unwrap();
    let err = local_fetcher().info(&url).await.unwrap_err();
    assert!(matches!(err, AssetFetchError::Network(_)), "{err:?}");
}
