/// How much of a file [`crate::HeaderProbe`] may read.
///
/// Probing exists so rules can be checked before anything is uploaded; it must stay cheap even
/// for a multi-gigabyte video, so every read is bounded here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeLimits {
    /// The first read of every file: enough for PNG/GIF/WebP headers, most JPEGs, and an MP4
    /// whose `moov` sits at the start.
    pub first_read_bytes: u32,
    /// How far an image header may be followed (a JPEG can put large EXIF/ICC segments before
    /// its dimensions).
    pub max_image_header_bytes: u32,
    /// The largest `moov` box read; longer ones fail with `TooLarge` rather than buffering more.
    pub max_movie_box_bytes: u32,
    /// Top-level MP4 boxes walked before giving up on finding `moov`.
    pub max_top_level_boxes: u16,
}

impl Default for ProbeLimits {
    fn default() -> Self {
        Self {
            first_read_bytes: 64 * 1024,
            max_image_header_bytes: 1024 * 1024,
            max_movie_box_bytes: 16 * 1024 * 1024,
            max_top_level_boxes: 64,
        }
    }
}
