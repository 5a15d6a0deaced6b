//! Image probing: dimensions and type from the first bytes.

use socialpub_domain::{AssetKind, AssetMetadata};
use socialpub_ports::AssetMetadataProbe;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use crate::support::range_file::{RangeFile, SparseFile};
use crate::support::{asset, bytes_requested, fixture, local_probe, url};

async fn serve(bytes: Vec<u8>, content_type: Option<&str>) -> MockServer {
    let server = MockServer::start().await;
    let file = RangeFile::new(SparseFile::dense(bytes));
    let file = match content_type {
        Some(ct) => file.typed(ct),
        None => file,
    };
    Mock::given(any()).respond_with(file).mount(&server).await;
    server
}

async fn probe_image(bytes: Vec<u8>, content_type: Option<&str>) -> AssetMetadata {
    let server = serve(bytes, content_type).await;
    local_probe()
        .probe(&asset(url(&server, "/image"), AssetKind::Image))
        .await
        .unwrap()
}

fn expected(width: u32, height: u32, size: usize, mime: &str) -> AssetMetadata {
    AssetMetadata {
        width: Some(width),
        height: Some(height),
        size_bytes: Some(size as u64),
        mime_type: Some(mime.to_owned()),
        ..AssetMetadata::default()
    }
}

#[tokio::test]
async fn a_png_gives_dimensions_size_and_type() {
    let png = fixture("three_by_two.png");
    let len = png.len();
    let metadata = probe_image(png, Some("image/png")).await;
    assert_eq!(metadata, expected(3, 2, len, "image/png"));
}

#[tokio::test]
async fn a_jpeg_gives_dimensions() {
    let jpeg = fixture("forty_by_thirty.jpg");
    let len = jpeg.len();
    let metadata = probe_image(jpeg, Some("image/jpeg")).await;
    assert_eq!(metadata, expected(40, 30, len, "image/jpeg"));
}

#[tokio::test]
async fn a_gif_gives_dimensions() {
    let gif = fixture("five_by_four.gif");
    let len = gif.len();
    let metadata = probe_image(gif, Some("image/gif")).await;
    assert_eq!(metadata, expected(5, 4, len, "image/gif"));
}

#[tokio::test]
async fn a_webp_gives_dimensions() {
    let webp = fixture("seven_by_nine.webp");
    let len = webp.len();
    let metadata = probe_image(webp, Some("image/webp")).await;
    assert_eq!(metadata, expected(7, 9, len, "image/webp"));
}

#[tokio::test]
async fn the_type_is_sniffed_when_the_server_sends_none_or_a_generic_one() {
    let webp = fixture("seven_by_nine.webp");
    assert_eq!(
        probe_image(webp.clone(), None).await.mime_type.as_deref(),
        Some("image/webp")
    );
    assert_eq!(
        probe_image(webp, Some("application/octet-stream"))
            .await
            .mime_type
            .as_deref(),
        Some("image/webp")
    );
}

/// A JPEG whose frame header comes after 150 KiB of comment segments: the probe must read
/// past its first 64 KiB, and still not the whole (padded) file.
#[tokio::test]
async fn a_jpeg_with_large_leading_segments_is_read_a_little_further() {
    let small = fixture("forty_by_thirty.jpg");
    let mut padded = small[..2].to_vec(); // SOI
    for _ in 0..3 {
        padded.extend_from_slice(&[0xFF, 0xFE, 0xC8, 0x00]); // COM, 51200 bytes incl. length
        padded.extend(std::iter::repeat_n(b'x', 0xC800 - 2));
    }
    padded.extend_from_slice(&small[2..]);
    padded.extend(std::iter::repeat_n(0u8, 2 * 1024 * 1024)); // trailing bulk never read
    let len = padded.len() as u64;

    let server = serve(padded, Some("image/jpeg")).await;
    let metadata = local_probe()
        .probe(&asset(url(&server, "/big.jpg"), AssetKind::Image))
        .await
        .unwrap();
    assert_eq!((metadata.width, metadata.height), (Some(40), Some(30)));
    let served = bytes_requested(&server, len).await;
    assert!(served <= 256 * 1024, "read {served} bytes");
}

#[tokio::test]
async fn client_given_fields_are_kept_and_only_gaps_filled() {
    let server = serve(fixture("three_by_two.png"), Some("image/png")).await;
    let mut given = asset(url(&server, "/image"), AssetKind::Image);
    given.metadata.width = Some(999);
    given.metadata.mime_type = Some("image/x-client-said".to_owned());
    let metadata = local_probe().probe(&given).await.unwrap();
    assert_eq!(metadata.width, Some(999));
    assert_eq!(metadata.height, Some(2));
    assert_eq!(metadata.mime_type.as_deref(), Some("image/x-client-said"));
    assert_eq!(metadata.size_bytes, Some(80));
}

#[tokio::test]
async fn a_fully_described_asset_costs_no_request() {
    let server = serve(fixture("three_by_two.png"), Some("image/png")).await;
    let mut given = asset(url(&server, "/image"), AssetKind::Image);
    given.metadata = expected(3, 2, 80, "image/png");
    let metadata = local_probe().probe(&given).await.unwrap();
    assert_eq!(metadata, given.metadata);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn garbage_bytes_leave_the_dimensions_unknown() {
    let garbage: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let metadata = probe_image(garbage, None).await;
    assert_eq!(metadata.width, None);
    assert_eq!(metadata.height, None);
    assert_eq!(metadata.mime_type, None);
    assert_eq!(metadata.size_bytes, Some(5000));
}
