use imagesize::{ImageError, ImageType};

/// What an image's first bytes tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ImageHeader {
    /// Sniffed from the magic bytes, for servers that send no useful `Content-Type`.
    pub(crate) mime_type: Option<&'static str>,
    pub(crate) dimensions: Option<(u32, u32)>,
    /// The format is known but its dimensions lie beyond the bytes given.
    pub(crate) truncated: bool,
}

/// Reads type and dimensions from the start of an image file with `imagesize`, which parses
/// only headers (PNG IHDR, JPEG SOF, GIF screen descriptor, WebP VP8/VP8L/VP8X chunks...).
/// Unknown or corrupt data gives an empty header, never an error: the caller then simply
/// leaves the fields unknown.
pub(crate) fn read_image_header(bytes: &[u8]) -> ImageHeader {
    let Ok(kind) = imagesize::image_type(bytes) else {
        return ImageHeader::default();
    };
    let mime_type = mime_for(kind);
    match imagesize::blob_size(bytes) {
        Ok(size) => ImageHeader {
            mime_type,
            dimensions: dimensions(size.width, size.height),
            truncated: false,
        },
        Err(ImageError::IoError(_)) => ImageHeader {
            mime_type,
            dimensions: None,
            truncated: true,
        },
        Err(_) => ImageHeader {
            mime_type,
            ..ImageHeader::default()
        },
    }
}

fn dimensions(width: usize, height: usize) -> Option<(u32, u32)> {
    let width = u32::try_from(width).ok().filter(|w| *w > 0)?;
    let height = u32::try_from(height).ok().filter(|h| *h > 0)?;
    Some((width, height))
}

fn mime_for(kind: ImageType) -> Option<&'static str> {
    use imagesize::Compression;
    Some(match kind {
        ImageType::Png => "image/png",
        ImageType::Jpeg => "image/jpeg",
        ImageType::Gif => "image/gif",
        ImageType::Webp => "image/webp",
        ImageType::Bmp => "image/bmp",
        ImageType::Tiff => "image/tiff",
        ImageType::Heif(Compression::Av1) => "image/avif",
        ImageType::Heif(_) => "image/heic",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_123_BY_321: [u8; 33] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x7B, 0x00, 0x00, 0x01, 0x41, 0x08, 0x06, 0x00, 0x00, 0x00, 0x9A,
        0x38, 0xC4, 0x00,
    ];

    #[test]
    fn a_png_header_gives_type_and_size() {
        let header = read_image_header(&PNG_123_BY_321);
        assert_eq!(header.mime_type, Some("image/png"));
        assert_eq!(header.dimensions, Some((123, 321)));
    }

    #[test]
    fn a_jpeg_cut_before_its_frame_header_asks_for_more() {
        // SOI, then an APP1 segment announcing 1000 bytes that are not there.
        let bytes = [
            0xFF, 0xD8, 0xFF, 0xE1, 0x03, 0xE8, b'E', b'x', b'i', b'f', 0, 0, 0, 0,
        ];
        let header = read_image_header(&bytes);
        assert_eq!(header.mime_type, Some("image/jpeg"));
        assert_eq!(header.dimensions, None);
        assert!(header.truncated);
    }

    #[test]
    fn garbage_is_unknown() {
        assert_eq!(
            read_image_header(b"definitely not an image"),
            ImageHeader::default()
        );
        assert_eq!(read_image_header(&[]), ImageHeader::default());
    }
}
