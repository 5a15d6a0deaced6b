//! The HTTP fetcher's own behaviour: ranges, HEAD fallback, redirects.

use socialpub_assets::{AssetFetchSettings, HttpAssetFetcher};
use socialpub_ports::{AssetFetchError, AssetFetcher};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::range_file::{RangeFile, SparseFile};
use crate::support::{local_fetcher, url};

fn counting_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

async fn serve(file: RangeFile) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(file).mount(&server).await;
    server
}

#[tokio::test]
async fn ranges_are_read_exactly_and_short_at_the_end() {
    let bytes = counting_bytes(1000);
    let server = serve(RangeFile::new(SparseFile::dense(bytes.clone()))).await;
    let fetcher = local_fetcher();
    let u = url(&server, "/f");
    assert_eq!(fetcher.read_range(&u, 10, 5).await.unwrap(), &bytes[10..15]);
    assert_eq!(
        fetcher.read_range(&u, 990, 100).await.unwrap(),
        &bytes[990..]
    );
    assert!(fetcher.read_range(&u, 5000, 16).await.unwrap().is_empty());
    assert!(fetcher.read_range(&u, 0, 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn info_reports_type_length_and_range_support() {
    let server =
        serve(RangeFile::new(SparseFile::dense(counting_bytes(1234))).typed("image/png")).await;
    let info = local_fetcher().info(&url(&server, "/f")).await.unwrap();
    assert_eq!(info.content_type.as_deref(), Some("image/png"));
    assert_eq!(info.content_length, Some(1234));
    assert!(info.accepts_ranges);
}

#[tokio::test]
async fn a_refused_head_falls_back_to_a_one_byte_get() {
    let server = serve(
        RangeFile::new(SparseFile::dense(counting_bytes(4321)))
            .typed("video/mp4")
            .refusing_head(),
    )
    .await;
    let info = local_fetcher().info(&url(&server, "/f")).await.unwrap();
    assert_eq!(info.content_length, Some(4321));
    assert_eq!(info.content_type.as_deref(), Some("video/mp4"));
    assert!(info.accepts_ranges);
}

/// A server that ignores `Range` sends the whole file; only the window asked for is kept and
/// the rest of the stream is dropped unread.
#[tokio::test]
async fn a_server_ignoring_range_yields_only_the_window() {
    let bytes = counting_bytes(3 * 1024 * 1024);
    let server = serve(RangeFile::new(SparseFile::dense(bytes.clone())).ignoring_range()).await;
    let fetcher = local_fetcher();
    let u = url(&server, "/f");
    assert_eq!(fetcher.read_range(&u, 0, 100).await.unwrap(), &bytes[..100]);
    assert_eq!(
        fetcher.read_range(&u, 70_000, 16).await.unwrap(),
        &bytes[70_000..70_016]
    );
}

#[tokio::test]
async fn skipping_beyond_the_byte_budget_on_an_unranged_server_is_too_large() {
    let server =
        serve(RangeFile::new(SparseFile::dense(counting_bytes(200_000))).ignoring_range()).await;
    let fetcher = HttpAssetFetcher::new(AssetFetchSettings {
        max_probe_bytes: 100_000,
        ..AssetFetchSettings::allowing_private_addresses()
    });
    let err = fetcher
        .read_range(&url(&server, "/f"), 150_000, 16)
        .await
        .unwrap_err();
    assert_eq!(err, AssetFetchError::TooLarge { limit: 100_000 });
}

#[tokio::test]
async fn redirects_are_followed_up_to_the_limit() {
    let server = MockServer::start().await;
    for (from, to) in [("/a", "/b"), ("/b", "/c"), ("/c", "/file")] {
        Mock::given(path(from))
            .respond_with(ResponseTemplate::new(302).insert_header("location", to))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/file"))
        .respond_with(RangeFile::new(SparseFile::dense(counting_bytes(50))))
        .mount(&server)
        .await;
    Mock::given(path("/loop"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/a"))
        .mount(&server)
        .await;

    let fetcher = local_fetcher();
    assert_eq!(
        fetcher.read_range(&url(&server, "/a"), 0, 4).await.unwrap(),
        vec![0, 1, 2, 3]
    );
    let err = fetcher
        .read_range(&url(&server, "/loop"), 0, 4)
        .await
        .unwrap_err();
    assert!(
        matches!(err, AssetFetchError::Network(ref m) if m.contains("redirects")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_redirect_to_another_scheme_is_not_followed() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(302).insert_header("location", "file:///etc/passwd"))
        .mount(&server)
        .await;
    let err = local_fetcher().info(&url(&server, "/a")).await.unwrap_err();
    assert!(matches!(err, AssetFetchError::Network(_)), "{err:?}");
}
