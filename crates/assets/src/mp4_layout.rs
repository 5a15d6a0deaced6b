use socialpub_ports::AssetFetchError;

use crate::ProbeLimits;
use crate::remote_reader::RemoteReader;

/// The two top-level boxes of an MP4/MOV file that describe it, as raw bytes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct MovieBoxes {
    pub(crate) ftyp: Option<Vec<u8>>,
    pub(crate) moov: Option<Vec<u8>>,
}

/// A box header: its type, the header's own length and the whole box's length
/// (`None`: the box runs to the end of the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BoxHeader {
    kind: [u8; 4],
    header_len: u64,
    size: Option<u64>,
}

const FTYP_CAP: u64 = 4096;

/// Walks the file's top-level boxes with small header reads to find `ftyp` and `moov`.
///
/// `moov` may sit before the media data (web-optimised files) or after it (what most cameras
/// write); walking headers finds it in either place while skipping `mdat`, which is almost the
/// whole file, without reading it. Only `moov` itself is then read, and only up to
/// `max_movie_box_bytes`. A file that does not look like ISO-BMFF ends the walk with nothing
/// found.
///
/// # Errors
/// The reader's errors, and [`AssetFetchError::TooLarge`] for a `moov` above the cap.
pub(crate) async fn find_movie_boxes(
    reader: &RemoteReader<'_>,
    file_len: Option<u64>,
    limits: &ProbeLimits,
) -> Result<MovieBoxes, AssetFetchError> {
    let mut found = MovieBoxes::default();
    let mut offset = 0u64;
    for _ in 0..limits.max_top_level_boxes {
        if file_len.is_some_and(|len| offset >= len) {
            break;
        }
        let raw = reader.read(offset, 16).await?;
        let Some(header) = parse_box_header(&raw) else {
            break;
        };
        let size = match (header.size, file_len) {
            (Some(size), _) => size,
            (None, Some(len)) => len - offset,
            (None, None) if &header.kind == b"moov" => u64::from(limits.max_movie_box_bytes) + 1,
            (None, None) => break,
        };
        match &header.kind {
            b"ftyp" if size <= FTYP_CAP => {
                found.ftyp = read_whole_box(reader, offset, size).await?;
            }
            b"moov" => {
                let limit = limits.max_movie_box_bytes;
                if size > u64::from(limit) {
                    return Err(AssetFetchError::TooLarge {
                        limit: u64::from(limit),
                    });
                }
                found.moov = read_whole_box(reader, offset, size).await?;
                break;
            }
            _ => {}
        }
        let Some(next) = offset.checked_add(size) else {
            break;
        };
        offset = next;
    }
    Ok(found)
}

/// The box's bytes, or `None` when the file ends before the box does.
async fn read_whole_box(
    reader: &RemoteReader<'_>,
    offset: u64,
    size: u64,
) -> Result<Option<Vec<u8>>, AssetFetchError> {
    let Ok(len) = u32::try_from(size) else {
        return Ok(None);
    };
    let bytes = reader.read(offset, len).await?;
    Ok((bytes.len() == usize::try_from(len).unwrap_or(usize::MAX)).then_some(bytes))
}

/// Parses an 8-byte header, or a 16-byte one with a 64-bit size. Returns `None` for anything
/// that cannot be a box header (too short, a size smaller than the header, a type that is not
/// four printable characters), which is how garbage or non-MP4 data stops the walk.
fn parse_box_header(raw: &[u8]) -> Option<BoxHeader> {
    let size32 = u32::from_be_bytes(raw.get(0..4)?.try_into().ok()?);
    let kind: [u8; 4] = raw.get(4..8)?.try_into().ok()?;
    if !kind
        .iter()
        .all(|b| b.is_ascii_graphic() || *b == b' ' || *b == 0xA9)
    {
        return None;
    }
    let (header_len, size) = match size32 {
        0 => (8, None),
        1 => {
            let large = u64::from_be_bytes(raw.get(8..16)?.try_into().ok()?);
            (16, Some(large))
        }
        n => (8, Some(u64::from(n))),
    };
    if size.is_some_and(|s| s < header_len) {
        return None;
    }
    Some(BoxHeader {
        kind,
        header_len,
        size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_and_large_headers_parse() {
        let compact = parse_box_header(&[0, 0, 0, 24, b'f', b't', b'y', b'p']).unwrap();
        assert_eq!(compact.kind, *b"ftyp");
        assert_eq!(compact.size, Some(24));

        let mut large = vec![0, 0, 0, 1];
        large.extend_from_slice(b"mdat");
        large.extend_from_slice(&50_000_016u64.to_be_bytes());
        let large = parse_box_header(&large).unwrap();
        assert_eq!(large.header_len, 16);
        assert_eq!(large.size, Some(50_000_016));

        let to_end = parse_box_header(&[0, 0, 0, 0, b'm', b'd', b'a', b't']).unwrap();
        assert_eq!(to_end.size, None);
    }

    #[test]
    fn impossible_headers_are_refused() {
        assert_eq!(parse_box_header(&[0, 0, 0, 24]), None);
        assert_eq!(
            parse_box_header(&[0, 0, 0, 4, b'f', b't', b'y', b'p']),
            None
        );
        assert_eq!(
            parse_box_header(&[0, 0, 0, 1, b'm', b'd', b'a', b't']),
            None
        );
        assert_eq!(
            parse_box_header(&[0, 0, 0, 24, 0x89, b'P', b'N', b'G']),
            None
        );
    }
}
