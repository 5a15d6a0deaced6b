//! Reading asset metadata defensively: whatever a client claims, a check either gets a sane
//! number or reports the metadata as invalid.

use crate::AssetKind;

/// Wider than any real image or video (JPEG's own limit is 65,535): anything above is garbage.
pub(crate) const MAX_SANE_DIMENSION: u32 = 100_000;
/// No real video runs at more than this many frames per second.
pub(crate) const MAX_SANE_FRAME_RATE: f64 = 10_000.0;

/// `image/JPEG; charset=x` → `image/jpeg`, with the common non-standard spellings mapped.
pub(crate) fn normalize_mime(raw: &str) -> String {
    let essence = raw
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "image/jpg" | "image/pjpeg" => "image/jpeg".to_owned(),
        "video/mov" => "video/quicktime".to_owned(),
        _ => essence,
    }
}

/// Whether a MIME type belongs to the asset's kind (`image/…` for an image).
pub(crate) fn mime_matches_kind(mime: &str, kind: AssetKind) -> bool {
    match kind {
        AssetKind::Image => mime.starts_with("image/"),
        AssetKind::Video => mime.starts_with("video/"),
    }
}

pub(crate) fn is_sane_dimension(value: u32) -> bool {
    (1..=MAX_SANE_DIMENSION).contains(&value)
}

/// A duration or frame rate that is a real positive number.
pub(crate) fn is_positive_finite(value: f64) -> bool {
    value.is_finite() && value > 0.0
}

/// Rounds for display in a violation, so `0.7999999` reads `0.8`.
pub(crate) fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// Tolerance on ratio bounds, so that 1080×1350 is exactly 4:5 whatever the float rounding.
pub(crate) const RATIO_EPSILON: f64 = 1e-6;
