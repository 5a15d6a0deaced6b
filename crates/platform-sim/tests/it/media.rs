//! Sample media: stable URLs, well-formed files, Range requests.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, RANGE};
use socialpub_platform_sim::{SAMPLE_VIDEO_SECONDS, SampleMedia, generated_video_path};

use crate::common::start;

#[test]
fn the_files_are_what_they_claim() {
    for media in [SampleMedia::Jpeg, SampleMedia::Png] {
        let size = imagesize::blob_size(media.bytes()).unwrap();
        assert_eq!((size.width as u32, size.height as u32), media.dimensions());
    }
    let mp4 = SampleMedia::Mp4.bytes();
    let context = mp4parse::read_mp4(&mut std::io::Cursor::new(mp4)).unwrap();
    let track = &context.tracks[0];
    assert_eq!(track.track_type, mp4parse::TrackType::Video);
    let tkhd = track.tkhd.as_ref().unwrap();
    assert_eq!(
        ((tkhd.width >> 16), (tkhd.height >> 16)),
        SampleMedia::Mp4.dimensions()
    );
    let duration = track.duration.unwrap().0 as f64 / track.timescale.unwrap().0 as f64;
    assert!((duration - f64::from(SAMPLE_VIDEO_SECONDS)).abs() < 0.01);
    assert!(mp4.len() > 32 * 1024, "big enough for a chunked upload");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_whole_or_by_range() {
    let sim = start(true);
    for media in SampleMedia::ALL {
        let url = sim.handle.sample_media_url(media);
        assert!(url.path().starts_with("/media/sample"));
        let response = sim.http.get(url.clone()).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[CONTENT_TYPE], media.content_type());
        assert_eq!(response.headers()[ACCEPT_RANGES], "bytes");
        assert_eq!(response.bytes().await.unwrap(), media.bytes());
    }
    let url = sim.handle.sample_media_url(SampleMedia::Mp4);
    let total = SampleMedia::Mp4.bytes().len();
    let response = sim
        .http
        .get(url.clone())
        .header(RANGE, "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        response.headers()[CONTENT_RANGE],
        format!("bytes 100-199/{total}").as_str()
    );
    assert_eq!(
        response.bytes().await.unwrap(),
        SampleMedia::Mp4.bytes()[100..200]
    );

    let response = sim
        .http
        .get(url.clone())
        .header(RANGE, "bytes=-8")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.bytes().await.unwrap(),
        SampleMedia::Mp4.bytes()[total - 8..]
    );

    let response = sim
        .http
        .get(url.clone())
        .header(RANGE, format!("bytes={total}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        response.headers()[CONTENT_RANGE],
        format!("bytes */{total}").as_str()
    );

    let response = sim.http.head(url.clone()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[CONTENT_LENGTH],
        total.to_string().as_str()
    );

    let missing = sim.handle.base_url().join("media/nothing.gif").unwrap();
    assert_eq!(
        sim.http.get(missing).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_video_of_any_size_starts_like_the_sample() {
    let sim = start(true);
    let total: u64 = 3 * 1024 * 1024 + 17;
    let url = sim
        .handle
        .base_url()
        .join(&generated_video_path(total))
        .unwrap();
    let response = sim.http.head(url.clone()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[CONTENT_LENGTH],
        total.to_string().as_str()
    );

    let whole = sim
        .http
        .get(url.clone())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(whole.len() as u64, total);
    let head = SampleMedia::Mp4.bytes();
    let moov_end = head.windows(4).position(|w| w == b"mdat").unwrap() - 4;
    assert_eq!(whole[..moov_end], head[..moov_end]);
    let mdat_size = u32::from_be_bytes(whole[moov_end..moov_end + 4].try_into().unwrap());
    assert_eq!(u64::from(mdat_size), total - moov_end as u64);

    let response = sim
        .http
        .get(url.clone())
        .header(RANGE, "bytes=1000000-1000099")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(response.bytes().await.unwrap(), whole[1_000_000..1_000_100]);

    let too_big = sim
        .handle
        .base_url()
        .join(&generated_video_path(1 << 40))
        .unwrap();
    assert_eq!(
        sim.http.get(too_big).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}
