use std::io::Cursor;

use mp4parse::{SampleEntry, Track, TrackType};

/// What an MP4/MOV file's `moov` box says about the video.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct MovieFacts {
    pub(crate) mime_type: Option<&'static str>,
    pub(crate) width: Option<u32>,
    pub(crate) height: Option<u32>,
    pub(crate) duration_seconds: Option<f64>,
    pub(crate) frame_rate: Option<f64>,
}

/// Reads duration, display size and frame rate from an `ftyp` and a `moov` box.
///
/// The boxes are parsed with Mozilla's `mp4parse` (fuzzed, used by Firefox) over an in-memory
/// copy of just these boxes. The movie duration comes from `mvhd`, which `mp4parse` does not
/// expose, so that one fixed-layout box is read here. A `moov` that does not parse yields only
/// what the brand says; nothing here panics on bad input.
pub(crate) fn read_movie_facts(ftyp: Option<&[u8]>, moov: Option<&[u8]>) -> MovieFacts {
    let mut facts = MovieFacts {
        mime_type: mime_for(ftyp, moov.is_some()),
        ..MovieFacts::default()
    };
    let Some(moov) = moov else {
        return facts;
    };
    let mut file = Vec::with_capacity(ftyp.map_or(0, <[u8]>::len) + moov.len());
    file.extend_from_slice(ftyp.unwrap_or_default());
    file.extend_from_slice(moov);
    let context = match mp4parse::read_mp4(&mut Cursor::new(file)) {
        Ok(context) => context,
        Err(error) => {
            tracing::debug!(%error, "moov box did not parse; video metadata left unknown");
            return facts;
        }
    };
    let tracks: &[Track] = &context.tracks;
    facts.duration_seconds = movie_duration(moov).or_else(|| longest_track(tracks));
    if let Some(video) = tracks.iter().find(|t| t.track_type == TrackType::Video) {
        if let Some((width, height)) = display_size(video) {
            facts.width = Some(width);
            facts.height = Some(height);
        }
        facts.frame_rate = frame_rate(video);
    }
    facts
}

/// `video/quicktime` for QuickTime files (brand `qt  `, or old ones with no `ftyp`),
/// `video/3gpp` for 3GP, `video/mp4` for the other ISO brands.
fn mime_for(ftyp: Option<&[u8]>, has_moov: bool) -> Option<&'static str> {
    match ftyp.and_then(|b| b.get(8..12)) {
        Some(b"qt  ") => Some("video/quicktime"),
        Some(brand) if brand.starts_with(b"3g") => Some("video/3gpp"),
        Some(_) => Some("video/mp4"),
        None if has_moov => Some("video/quicktime"),
        None => None,
    }
}

/// Seconds from the `mvhd` box: the presentation length, edits included.
fn movie_duration(moov: &[u8]) -> Option<f64> {
    let body = child_box(box_payload(moov)?, *b"mvhd")?;
    let version = *body.first()?;
    let (timescale, duration) = match version {
        0 => (be_u32(body, 12)?, u64::from(be_u32(body, 16)?)),
        1 => (be_u32(body, 20)?, be_u64(body, 24)?),
        _ => return None,
    };
    let unknown = duration == 0 || duration == u64::MAX || duration == u64::from(u32::MAX);
    seconds(duration, u64::from(timescale)).filter(|_| !unknown)
}

fn longest_track(tracks: &[Track]) -> Option<f64> {
    tracks
        .iter()
        .filter_map(|t| seconds(t.duration?.0, t.timescale?.0))
        .reduce(f64::max)
}

/// Width and height as shown: the `tkhd` size (16.16 fixed point), swapped when the track's
/// matrix turns it by 90 or 270 degrees (portrait phone videos are stored that way), or the
/// coded size from the sample description when `tkhd` says zero.
fn display_size(track: &Track) -> Option<(u32, u32)> {
    let tkhd = track.tkhd.as_ref();
    let from_tkhd = tkhd
        .map(|t| (t.width >> 16, t.height >> 16))
        .filter(|(w, h)| *w > 0 && *h > 0);
    let (width, height) = from_tkhd.or_else(|| {
        track
            .stsd
            .as_ref()?
            .descriptions
            .iter()
            .find_map(|entry| match entry {
                SampleEntry::Video(v) if v.width > 0 && v.height > 0 => {
                    Some((u32::from(v.width), u32::from(v.height)))
                }
                _ => None,
            })
    })?;
    let quarter_turn = tkhd.is_some_and(|t| t.matrix.a == 0 && t.matrix.d == 0);
    Some(if quarter_turn {
        (height, width)
    } else {
        (width, height)
    })
}

/// Frames per second: sample count over media duration, both from the `stts` table (which
/// covers exactly the samples it counts), else from the `mdhd` duration.
fn frame_rate(track: &Track) -> Option<f64> {
    let timescale = track.timescale?.0;
    let stts = track.stts.as_ref()?;
    let (frames, ticks) = stts.samples.iter().fold((0u64, 0u64), |(n, t), s| {
        (
            n.saturating_add(u64::from(s.sample_count)),
            t.saturating_add(u64::from(s.sample_count).saturating_mul(u64::from(s.sample_delta))),
        )
    });
    let ticks = if ticks > 0 { ticks } else { track.duration?.0 };
    let duration = seconds(ticks, timescale)?;
    (frames > 0 && duration > 0.0).then(|| round_milli(frames as f64 / duration))
}

fn seconds(ticks: u64, timescale: u64) -> Option<f64> {
    (timescale > 0).then(|| round_milli(ticks as f64 / timescale as f64))
}

fn round_milli(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// The payload of a box (its bytes after the header).
fn box_payload(bytes: &[u8]) -> Option<&[u8]> {
    match be_u32(bytes, 0)? {
        1 => bytes.get(16..),
        _ => bytes.get(8..),
    }
}

/// The payload of the first child box of type `kind` in `payload`.
fn child_box(mut payload: &[u8], kind: [u8; 4]) -> Option<&[u8]> {
    while payload.len() >= 8 {
        let size = usize::try_from(be_u32(payload, 0)?).ok()?;
        let (header, size) = match size {
            1 => (16, usize::try_from(be_u64(payload, 8)?).ok()?),
            0 => (8, payload.len()),
            n => (8, n),
        };
        if size < header || size > payload.len() {
            return None;
        }
        if payload.get(4..8)? == kind {
            return payload.get(header..size);
        }
        payload = payload.get(size..)?;
    }
    None
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn be_u64(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brands_choose_the_media_type() {
        let ftyp = |brand: &[u8; 4]| {
            let mut b = vec![0, 0, 0, 16, b'f', b't', b'y', b'p'];
            b.extend_from_slice(brand);
            b.extend_from_slice(&[0, 0, 0, 0]);
            b
        };
        assert_eq!(mime_for(Some(&ftyp(b"isom")), true), Some("video/mp4"));
        assert_eq!(
            mime_for(Some(&ftyp(b"qt  ")), true),
            Some("video/quicktime")
        );
        assert_eq!(mime_for(Some(&ftyp(b"3gp5")), false), Some("video/3gpp"));
        assert_eq!(mime_for(None, true), Some("video/quicktime"));
        assert_eq!(mime_for(None, false), None);
    }

    #[test]
    fn garbage_moov_leaves_everything_unknown_but_the_type() {
        let facts = read_movie_facts(None, Some(b"\0\0\0\x10moovgarbagegarbage"));
        assert_eq!(facts.duration_seconds, None);
        assert_eq!(facts.width, None);
        assert_eq!(facts.frame_rate, None);
        let facts = read_movie_facts(None, Some(&[0xff; 64]));
        assert_eq!(facts.width, None);
    }

    #[test]
    fn child_boxes_are_found_and_bounded() {
        let mut payload = vec![0, 0, 0, 12, b'f', b'r', b'e', b'e', 1, 2, 3, 4];
        payload.extend_from_slice(&[0, 0, 0, 10, b'm', b'v', b'h', b'd', 9, 9]);
        assert_eq!(child_box(&payload, *b"mvhd"), Some(&[9u8, 9][..]));
        assert_eq!(child_box(&payload, *b"trak"), None);
        assert_eq!(
            child_box(&[0, 0, 0, 200, b'm', b'v', b'h', b'd'], *b"mvhd"),
            None
        );
    }
}
