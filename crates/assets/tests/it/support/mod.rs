//! Test asset servers and hand-built media files.

pub mod mp4;
pub mod range_file;

use std::sync::Arc;

use socialpub_assets::{AssetFetchSettings, HeaderProbe, HttpAssetFetcher};
use socialpub_domain::{Asset, AssetKind, AssetMetadata, AssetUrl};
use wiremock::MockServer;

/// A fetcher that may reach wiremock on 127.0.0.1.
pub fn local_fetcher() -> HttpAssetFetcher {
    HttpAssetFetcher::new(AssetFetchSettings::allowing_private_addresses())
}

pub fn local_probe() -> HeaderProbe {
    HeaderProbe::new(Arc::new(local_fetcher()))
}

pub fn url(server: &MockServer, path: &str) -> AssetUrl {
    AssetUrl::parse(&format!("{}{path}", server.uri())).unwrap()
}

pub fn asset(url: AssetUrl, kind: AssetKind) -> Asset {
    Asset {
        url,
        kind,
        metadata: AssetMetadata::default(),
    }
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(path).unwrap()
}

/// Body bytes the server was asked for by the GET requests it received, counted from their
/// `Range` headers (a GET without one counts the whole `file_len`).
pub async fn bytes_requested(server: &MockServer, file_len: u64) -> u64 {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .filter(|r| r.method == wiremock::http::Method::GET)
        .map(|r| {
            let range = r
                .headers
                .get("range")
                .and_then(|v| v.to_str().ok())
                .and_then(range_file::parse_range);
            match range {
                Some((start, end)) if start < file_len => end.min(file_len - 1) - start + 1,
                Some(_) => 0,
                None => file_len,
            }
        })
        .sum()
}
