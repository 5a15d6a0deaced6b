//! Video probing: the `moov` box found by walking box headers, wherever it is.

use socialpub_domain::AssetKind;
use socialpub_ports::{AssetFetchError, AssetMetadataProbe};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use crate::support::mp4::{Movie, QUARTER_TURN, bx, ftyp, large_mdat_header};
use crate::support::range_file::{RangeFile, SparseFile};
use crate::support::{asset, bytes_requested, local_probe, url};

async fn serve(file: RangeFile) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(file).mount(&server).await;
    server
}

/// ftyp, moov, then 200 KB of media data.
fn fast_start(movie: &Movie, brand: &[u8; 4]) -> Vec<u8> {
    let mut file = ftyp(brand);
    file.extend(movie.moov());
    file.extend(bx(b"mdat", &vec![0u8; 200_000]));
    file
}

#[tokio::test]
async fn moov_at_the_start_is_read_from_the_first_bytes() {
    let bytes = fast_start(&Movie::default(), b"isom");
    let len = bytes.len() as u64;
    let server = serve(RangeFile::new(SparseFile::dense(bytes)).typed("video/mp4")).await;

    let metadata = local_probe()
        .probe(&asset(url(&server, "/v.mp4"), AssetKind::Video))
        .await
        .unwrap();
    assert_eq!(metadata.width, Some(1280));
    assert_eq!(metadata.height, Some(720));
    assert_eq!(metadata.duration_seconds, Some(12.5));
    assert_eq!(metadata.frame_rate, Some(30.0));
    assert_eq!(metadata.size_bytes, Some(len));
    assert_eq!(metadata.mime_type.as_deref(), Some("video/mp4"));
    assert!(bytes_requested(&server, len).await <= 64 * 1024);
}

/// What cameras write: a 50 MB `mdat` first, `moov` at the very end. The server also refuses
/// HEAD, so the size comes from a one-byte ranged GET.
#[tokio::test]
async fn moov_after_a_large_mdat_is_found_without_reading_the_media() {
    const MEDIA: u64 = 50_000_000;
    let movie = Movie {
        frames: 300,
        frame_delta: 1001,
        media_timescale: 30_000,
        movie_duration: 10_010,
        ..Movie::default()
    };
    let head = [ftyp(b"mp42"), large_mdat_header(MEDIA)].concat();
    let moov = movie.moov();
    let moov_at = head.len() as u64 + MEDIA;
    let len = moov_at + moov.len() as u64;
    let file = SparseFile::new(len).with(0, head).with(moov_at, moov);
    let server = serve(RangeFile::new(file).refusing_head()).await;

    let metadata = local_probe()
        .probe(&asset(url(&server, "/camera.mp4"), AssetKind::Video))
        .await
        .unwrap();
    assert_eq!(metadata.size_bytes, Some(len));
    assert_eq!((metadata.width, metadata.height), (Some(1280), Some(720)));
    assert_eq!(metadata.duration_seconds, Some(10.01));
    assert_eq!(metadata.frame_rate, Some(29.97));
    assert_eq!(metadata.mime_type.as_deref(), Some("video/mp4"));

    let served = bytes_requested(&server, len).await;
    assert!(served < 80 * 1024, "{served} bytes read of {len}");
}

#[tokio::test]
async fn a_portrait_phone_video_reports_its_displayed_size() {
    let movie = Movie {
        width: 1920,
        height: 1080,
        matrix: QUARTER_TURN,
        ..Movie::default()
    };
    let server = serve(RangeFile::new(SparseFile::dense(fast_start(
        &movie, b"qt  ",
    ))))
    .await;
    let metadata = local_probe()
        .probe(&asset(url(&server, "/portrait.mov"), AssetKind::Video))
        .await
        .unwrap();
    assert_eq!((metadata.width, metadata.height), (Some(1080), Some(1920)));
    assert_eq!(metadata.mime_type.as_deref(), Some("video/quicktime"));
}

#[tokio::test]
async fn a_huge_moov_is_refused_before_it_is_read() {
    let mut head = ftyp(b"isom");
    head.extend_from_slice(&(20u32 * 1024 * 1024).to_be_bytes());
    head.extend_from_slice(b"moov");
    let len = 21 * 1024 * 1024;
    let server = serve(RangeFile::new(SparseFile::new(len).with(0, head))).await;

    let err = local_probe()
        .probe(&asset(url(&server, "/fat.mp4"), AssetKind::Video))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AssetFetchError::TooLarge {
            limit: 16 * 1024 * 1024
        }
    );
    assert!(bytes_requested(&server, len).await <= 64 * 1024);
}

#[tokio::test]
async fn garbage_leaves_video_fields_unknown() {
    let garbage: Vec<u8> = (0..100_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let server = serve(RangeFile::new(SparseFile::dense(garbage))).await;
    let metadata = local_probe()
        .probe(&asset(url(&server, "/noise.mp4"), AssetKind::Video))
        .await
        .unwrap();
    assert_eq!(metadata.size_bytes, Some(100_000));
    assert_eq!(metadata.width, None);
    assert_eq!(metadata.duration_seconds, None);
    assert_eq!(metadata.frame_rate, None);
    assert_eq!(metadata.mime_type, None);
}

#[tokio::test]
async fn a_broken_moov_leaves_fields_unknown_without_failing() {
    let mut bytes = ftyp(b"isom");
    bytes.extend(bx(b"moov", &bx(b"trak", &[0xFF; 40])));
    let server = serve(RangeFile::new(SparseFile::dense(bytes))).await;
    let metadata = local_probe()
        .probe(&asset(url(&server, "/broken.mp4"), AssetKind::Video))
        .await
        .unwrap();
    assert_eq!(metadata.width, None);
    assert_eq!(metadata.mime_type.as_deref(), Some("video/mp4"));
}
