//! Sample media at stable URLs (`/media/sample.jpg`, `/media/sample.png`, `/media/sample.mp4`)
//! with `Range` support, so publishing works with no internet: the asset probe reads their
//! headers, the X upload reads them in chunks, Facebook "fetches" them by URL.
//!
//! The files are generated in code, small but well formed: a 320×240 grey baseline JPEG, a
//! 64×64 RGB PNG, and a 5-second 1280×720 30 fps H.264 MP4 (`ftyp`, `moov`, then `mdat`)
//! whose sample data is filler: enough for every header parser, not for a video player.
//! `/media/generated/{bytes}.mp4` is a video of any size up to 512 MB with the same headers,
//! streamed piecewise, for upload benchmarks.

use std::sync::LazyLock;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

/// One of the sample files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SampleMedia {
    Jpeg,
    Png,
    Mp4,
    /// A one-pixel GIF (X uploads GIFs in their own `tweet_gif` category).
    Gif,
    /// The sample video in portrait (720×1280), for reels.
    PortraitMp4,
}

impl SampleMedia {
    pub const ALL: [SampleMedia; 5] = [
        SampleMedia::Jpeg,
        SampleMedia::Png,
        SampleMedia::Mp4,
        SampleMedia::Gif,
        SampleMedia::PortraitMp4,
    ];

    /// Path under the simulator's base URL.
    pub const fn path(self) -> &'static str {
        match self {
            SampleMedia::Jpeg => "media/sample.jpg",
            SampleMedia::Png => "media/sample.png",
            SampleMedia::Mp4 => "media/sample.mp4",
            SampleMedia::Gif => "media/sample.gif",
            SampleMedia::PortraitMp4 => "media/sample-portrait.mp4",
        }
    }

    pub const fn content_type(self) -> &'static str {
        match self {
            SampleMedia::Jpeg => "image/jpeg",
            SampleMedia::Png => "image/png",
            SampleMedia::Mp4 => "video/mp4",
            SampleMedia::Gif => "image/gif",
            SampleMedia::PortraitMp4 => "video/mp4",
        }
    }

    /// `(width, height)` in pixels.
    pub const fn dimensions(self) -> (u32, u32) {
        match self {
            SampleMedia::Jpeg => (JPEG_WIDTH, JPEG_HEIGHT),
            SampleMedia::Png => (PNG_SIDE, PNG_SIDE),
            SampleMedia::Mp4 => (VIDEO_WIDTH, VIDEO_HEIGHT),
            SampleMedia::Gif => (1, 1),
            SampleMedia::PortraitMp4 => (VIDEO_HEIGHT, VIDEO_WIDTH),
        }
    }

    /// The file's bytes, exactly as served.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            SampleMedia::Jpeg => &JPEG,
            SampleMedia::Png => &PNG,
            SampleMedia::Mp4 => &MP4,
            SampleMedia::Gif => &GIF,
            SampleMedia::PortraitMp4 => &PORTRAIT_MP4,
        }
    }

    fn by_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.path().strip_prefix("media/") == Some(name))
    }
}

/// Duration of the sample video.
pub const SAMPLE_VIDEO_SECONDS: u32 = 5;

const JPEG_WIDTH: u32 = 320;
const JPEG_HEIGHT: u32 = 240;
const PNG_SIDE: u32 = 64;
const VIDEO_WIDTH: u32 = 1280;
const VIDEO_HEIGHT: u32 = 720;
const VIDEO_FPS: u32 = 30;
const VIDEO_SAMPLE_BYTES: u32 = 400;

static JPEG: LazyLock<Vec<u8>> = LazyLock::new(jpeg);
static PNG: LazyLock<Vec<u8>> = LazyLock::new(png);
static MP4: LazyLock<Vec<u8>> = LazyLock::new(mp4);
static PORTRAIT_MP4: LazyLock<Vec<u8>> = LazyLock::new(portrait_mp4);
/// GIF89a, 1×1, a two-colour palette, one transparent frame.
const GIF: [u8; 43] = [
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
    0x00, 0x00, 0x00, 0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
];

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/media/generated/{name}", web::get().to(serve_generated))
        .route("/media/generated/{name}", web::head().to(serve_generated))
        .route("/media/{name}", web::get().to(serve))
        .route("/media/{name}", web::head().to(serve));
}

/// Largest generated video: X's own limit for non-Premium accounts.
pub const MAX_GENERATED_VIDEO_BYTES: u64 = 512 * 1024 * 1024;

/// Path of a generated MP4 of exactly `bytes` bytes (the sample's headers, then filler), for
/// upload benchmarks: `media/generated/{bytes}.mp4`. Served by range and streamed, never held
/// whole, by the simulator either.
pub fn generated_video_path(bytes: u64) -> String {
    format!("media/generated/{bytes}.mp4")
}

/// The sample video's `ftyp` and `moov`, which a generated video starts with.
fn video_head() -> &'static [u8] {
    let bytes = SampleMedia::Mp4.bytes();
    // ftyp and moov come first; mdat (its 8-byte header and data) is last.
    let data = (SAMPLE_VIDEO_SECONDS * VIDEO_FPS * VIDEO_SAMPLE_BYTES) as usize;
    &bytes[..bytes.len() - data - 8]
}

/// Appends `len` bytes of a generated video of `total` bytes, from offset `start`.
fn fill(head: &[u8], total: u64, start: u64, out: &mut Vec<u8>, len: usize) {
    let mdat_at = head.len() as u64;
    let mdat_size = total.saturating_sub(mdat_at);
    let mut mdat_header = Vec::with_capacity(16);
    if mdat_size <= u64::from(u32::MAX) {
        mdat_header.extend_from_slice(&(mdat_size as u32).to_be_bytes());
        mdat_header.extend_from_slice(b"mdat");
    } else {
        mdat_header.extend_from_slice(&1_u32.to_be_bytes());
        mdat_header.extend_from_slice(b"mdat");
        mdat_header.extend_from_slice(&mdat_size.to_be_bytes());
    }
    for at in start..start + len as u64 {
        let byte = if at < mdat_at {
            head[at as usize]
        } else if at - mdat_at < mdat_header.len() as u64 {
            mdat_header[(at - mdat_at) as usize]
        } else {
            (at.wrapping_mul(2_654_435_761) >> 13) as u8
        };
        out.push(byte);
    }
}

async fn serve_generated(req: HttpRequest, name: web::Path<String>) -> HttpResponse {
    let head = video_head();
    let total = name
        .strip_suffix(".mp4")
        .and_then(|n| n.parse::<u64>().ok())
        .filter(|n| (head.len() as u64 + 16..=MAX_GENERATED_VIDEO_BYTES).contains(n));
    let Some(total) = total else {
        return HttpResponse::NotFound().finish();
    };
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|raw| parse_range(raw, total));
    let (status, start, end) = match range {
        None => (StatusCode::OK, 0, total - 1),
        Some(Some((start, end))) => (StatusCode::PARTIAL_CONTENT, start, end),
        Some(None) => {
            return HttpResponse::RangeNotSatisfiable()
                .insert_header((header::CONTENT_RANGE, format!("bytes */{total}")))
                .finish();
        }
    };
    const PIECE: u64 = 256 * 1024;
    let pieces = futures_util::stream::unfold(start, move |at| async move {
        if at > end {
            return None;
        }
        let len = PIECE.min(end - at + 1);
        let mut out = Vec::with_capacity(len as usize);
        fill(head, total, at, &mut out, len as usize);
        Some((Ok::<_, std::io::Error>(web::Bytes::from(out)), at + len))
    });
    let mut response = HttpResponse::build(status);
    response
        .content_type("video/mp4")
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .no_chunking(end - start + 1);
    if status == StatusCode::PARTIAL_CONTENT {
        response.insert_header((
            header::CONTENT_RANGE,
            format!("bytes {start}-{end}/{total}"),
        ));
    }
    response.streaming(pieces)
}

async fn serve(req: HttpRequest, name: web::Path<String>) -> HttpResponse {
    let Some(media) = SampleMedia::by_name(&name) else {
        return HttpResponse::NotFound().finish();
    };
    let bytes = media.bytes();
    let total = bytes.len() as u64;
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|raw| parse_range(raw, total));
    let mut response = match range {
        None => HttpResponse::Ok().body(bytes),
        Some(Some((start, end))) => {
            let mut response = HttpResponse::build(StatusCode::PARTIAL_CONTENT);
            response.insert_header((
                header::CONTENT_RANGE,
                format!("bytes {start}-{end}/{total}"),
            ));
            let (start, end) = (usize::try_from(start), usize::try_from(end));
            match (start, end) {
                (Ok(start), Ok(end)) => response.body(&bytes[start..=end]),
                _ => return HttpResponse::RangeNotSatisfiable().finish(),
            }
        }
        Some(None) => HttpResponse::RangeNotSatisfiable()
            .insert_header((header::CONTENT_RANGE, format!("bytes */{total}")))
            .finish(),
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    response
}

/// One `bytes=` range (`a-b`, `a-`, `-n`) within `total` bytes, as inclusive offsets.
/// `None` when it cannot be satisfied. Several ranges are answered with the first.
pub(crate) fn parse_range(raw: &str, total: u64) -> Option<(u64, u64)> {
    let spec = raw.trim().strip_prefix("bytes=")?.split(',').next()?.trim();
    let (start, end) = spec.split_once('-')?;
    if total == 0 {
        return None;
    }
    let last = total - 1;
    match (start.trim(), end.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().ok().filter(|n| *n > 0)?;
            Some((total.saturating_sub(n), last))
        }
        (start, "") => {
            let start: u64 = start.parse().ok()?;
            (start <= last).then_some((start, last))
        }
        (start, end) => {
            let (start, end): (u64, u64) = (start.parse().ok()?, end.parse().ok()?);
            (start <= end && start <= last).then_some((start, end.min(last)))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JPEG: baseline, one grey component, every block flat mid-grey. With one-code Huffman
// tables (DC difference 0 and end-of-block, each the 1-bit code `0`), each 8×8 block is two
// zero bits.

fn jpeg() -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    // APP0 JFIF 1.1, no density, no thumbnail.
    out.extend_from_slice(&[
        0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00,
        0x01, 0x00, 0x00,
    ]);
    // One quantization table of ones.
    out.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
    out.extend_from_slice(&[1; 64]);
    // Baseline frame: 8-bit, height, width, one component (id 1, 1×1 sampling, table 0).
    out.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 0x08]);
    out.extend_from_slice(&(JPEG_HEIGHT as u16).to_be_bytes());
    out.extend_from_slice(&(JPEG_WIDTH as u16).to_be_bytes());
    out.extend_from_slice(&[0x01, 0x01, 0x11, 0x00]);
    // DC table 0 and AC table 0, each one 1-bit code for symbol 0.
    for class in [0x00, 0x10] {
        out.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x14, class, 1]);
        out.extend_from_slice(&[0; 15]);
        out.push(0x00);
    }
    // Scan header, then the entropy-coded blocks.
    out.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
    let blocks = JPEG_WIDTH.div_ceil(8) * JPEG_HEIGHT.div_ceil(8);
    let bits = blocks * 2;
    out.extend(std::iter::repeat_n(0x00, (bits / 8) as usize));
    if !bits.is_multiple_of(8) {
        // Pad the last byte with one-bits, as the standard asks.
        out.push(0xFF >> (bits % 8));
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

// ---------------------------------------------------------------------------------------------
// PNG: 8-bit RGB gradient, one zlib stream of stored (uncompressed) blocks.

fn png() -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..PNG_SIDE {
        raw.push(0); // filter: none
        for x in 0..PNG_SIDE {
            raw.extend_from_slice(&[(x * 4) as u8, (y * 4) as u8, 0x80]);
        }
    }
    let mut zlib = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (n, block) in chunks.iter().enumerate() {
        zlib.push(u8::from(n + 1 == chunks.len()));
        let len = block.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());

    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&PNG_SIDE.to_be_bytes());
    ihdr.extend_from_slice(&PNG_SIDE.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);

    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", zlib), (b"IEND", Vec::new())] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(&data);
        out.extend_from_slice(&crc_input);
        out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    }
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFF_u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1_u32, 0_u32);
    for byte in bytes {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

// ---------------------------------------------------------------------------------------------
// MP4: ISO BMFF with one AVC video track.

fn mp4_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 8);
    out.extend_from_slice(&(payload.len() as u32 + 8).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(payload);
    out
}

fn full_box(kind: &[u8; 4], flags: u32, payload: &[u8]) -> Vec<u8> {
    let mut body = flags.to_be_bytes().to_vec(); // version 0 in the top byte
    body.extend_from_slice(payload);
    mp4_box(kind, &body)
}

fn concat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

fn be32(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

const UNITY_MATRIX: [u32; 9] = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];

fn moov(mdat_offset: u32, (width, height): (u32, u32)) -> Vec<u8> {
    let samples = SAMPLE_VIDEO_SECONDS * VIDEO_FPS;
    let media_timescale = 512 * VIDEO_FPS;
    let mvhd = full_box(
        b"mvhd",
        0,
        &concat(&[
            be32(&[0, 0, 1000, SAMPLE_VIDEO_SECONDS * 1000, 0x0001_0000]),
            vec![0x01, 0x00],
            vec![0; 10],
            be32(&UNITY_MATRIX),
            vec![0; 24],
            be32(&[2]),
        ]),
    );
    let tkhd = full_box(
        b"tkhd",
        3,
        &concat(&[
            be32(&[0, 0, 1, 0, SAMPLE_VIDEO_SECONDS * 1000]),
            vec![0; 8],
            vec![0; 8], // layer, alternate group, volume, reserved
            be32(&UNITY_MATRIX),
            be32(&[width << 16, height << 16]),
        ]),
    );
    let mdhd = full_box(
        b"mdhd",
        0,
        &concat(&[
            be32(&[
                0,
                0,
                media_timescale,
                media_timescale * SAMPLE_VIDEO_SECONDS,
            ]),
            vec![0x55, 0xC4, 0, 0],
        ]),
    );
    let hdlr = full_box(
        b"hdlr",
        0,
        &concat(&[
            be32(&[0]),
            b"vide".to_vec(),
            vec![0; 12],
            b"VideoHandler\0".to_vec(),
        ]),
    );
    let vmhd = full_box(b"vmhd", 1, &[0; 8]);
    let dinf = mp4_box(
        b"dinf",
        &full_box(
            b"dref",
            0,
            &concat(&[be32(&[1]), full_box(b"url ", 1, &[])]),
        ),
    );
    let sps: &[u8] = &[
        0x67, 0x42, 0xC0, 0x1F, 0xDA, 0x01, 0x40, 0x16, 0xE8, 0x40, 0x00, 0x00, 0x03, 0x00, 0x40,
        0x00, 0x00, 0x0F, 0x03, 0xC6, 0x0C, 0xA8,
    ];
    let pps: &[u8] = &[0x68, 0xCE, 0x3C, 0x80];
    let avcc = mp4_box(
        b"avcC",
        &concat(&[
            vec![0x01, 0x42, 0xC0, 0x1F, 0xFF, 0xE1],
            (sps.len() as u16).to_be_bytes().to_vec(),
            sps.to_vec(),
            vec![0x01],
            (pps.len() as u16).to_be_bytes().to_vec(),
            pps.to_vec(),
        ]),
    );
    let compressor = vec![0_u8; 32];
    let avc1 = mp4_box(
        b"avc1",
        &concat(&[
            vec![0; 6],
            vec![0, 1], // data reference index
            vec![0; 16],
            (width as u16).to_be_bytes().to_vec(),
            (height as u16).to_be_bytes().to_vec(),
            be32(&[0x0048_0000, 0x0048_0000, 0]),
            vec![0, 1], // frame count
            compressor,
            vec![0x00, 0x18, 0xFF, 0xFF],
            avcc,
        ]),
    );
    let stbl = mp4_box(
        b"stbl",
        &concat(&[
            full_box(b"stsd", 0, &concat(&[be32(&[1]), avc1])),
            full_box(b"stts", 0, &be32(&[1, samples, 512])),
            full_box(b"stsc", 0, &be32(&[1, 1, samples, 1])),
            full_box(b"stsz", 0, &be32(&[VIDEO_SAMPLE_BYTES, samples])),
            full_box(b"stco", 0, &be32(&[1, mdat_offset])),
        ]),
    );
    let minf = mp4_box(b"minf", &concat(&[vmhd, dinf, stbl]));
    let mdia = mp4_box(b"mdia", &concat(&[mdhd, hdlr, minf]));
    let trak = mp4_box(b"trak", &concat(&[tkhd, mdia]));
    mp4_box(b"moov", &concat(&[mvhd, trak]))
}

fn mp4() -> Vec<u8> {
    mp4_of((VIDEO_WIDTH, VIDEO_HEIGHT))
}

/// The sample video in portrait, as reels and stories want it.
fn portrait_mp4() -> Vec<u8> {
    mp4_of((VIDEO_HEIGHT, VIDEO_WIDTH))
}

fn mp4_of(dimensions: (u32, u32)) -> Vec<u8> {
    let ftyp = mp4_box(
        b"ftyp",
        &concat(&[
            b"isom".to_vec(),
            be32(&[0x200]),
            b"isomiso2avc1mp41".to_vec(),
        ]),
    );
    let moov_len = moov(0, dimensions).len();
    let mdat_offset = (ftyp.len() + moov_len + 8) as u32;
    let samples = SAMPLE_VIDEO_SECONDS * VIDEO_FPS;
    let mut data = Vec::with_capacity((samples * VIDEO_SAMPLE_BYTES) as usize);
    for n in 0..samples {
        // Each sample: a 4-byte NAL length, then filler.
        data.extend_from_slice(&(VIDEO_SAMPLE_BYTES - 4).to_be_bytes());
        data.push(if n % VIDEO_FPS == 0 { 0x65 } else { 0x41 });
        data.extend((0..VIDEO_SAMPLE_BYTES - 5).map(|i| (i.wrapping_mul(31) ^ n) as u8));
    }
    concat(&[ftyp, moov(mdat_offset, dimensions), mp4_box(b"mdat", &data)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Some((0, 9)));
        assert_eq!(parse_range("bytes=90-", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=-10", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=95-200", 100), Some((95, 99)));
        assert_eq!(parse_range("bytes=100-", 100), None);
        assert_eq!(parse_range("bytes=5-1", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
    }

    #[test]
    fn png_checksums_match_known_values() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }
}
