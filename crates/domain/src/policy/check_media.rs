//! Media counts and kinds for a kind of post, then each asset's metadata against the rules.
//! Unknown metadata (`None`) is not checked; impossible metadata is reported, never trusted.

use serde_json::json;

use super::account::AccountLimits;
use super::media_facts::{
    MAX_SANE_FRAME_RATE, RATIO_EPSILON, is_positive_finite, is_sane_dimension, mime_matches_kind,
    normalize_mime, round4,
};
use super::rules::{AspectRatioRange, Dimensions, ImageRules, KindRules, VideoRules};
use super::violation::{Violation, codes};
use crate::{Asset, AssetKind, AssetMetadata};

pub(crate) fn check_media(
    assets: &[Asset],
    kind: &KindRules,
    account: Option<&AccountLimits>,
    out: &mut Vec<Violation>,
) {
    check_count(assets.len(), kind, out);
    for (index, asset) in assets.iter().enumerate() {
        let at = Field(index);
        check_numbers(&at, &asset.metadata, out);
        if !kind.media_kinds.contains(&asset.kind) {
            out.push(
                Violation::new(
                    codes::UNSUPPORTED_MEDIA_TYPE,
                    at.of("type"),
                    format!("a {} post cannot hold this kind of media", kind.kind),
                )
                .limit(json!(kind.media_kinds))
                .actual(json!(asset.kind)),
            );
            continue;
        }
        match (asset.kind, kind.image, kind.video) {
            (AssetKind::Image, Some(rules), _) => check_image(&at, &asset.metadata, &rules, out),
            (AssetKind::Video, _, Some(rules)) => {
                check_video(&at, &asset.metadata, &rules, account, out);
            }
            _ => {}
        }
    }
    if kind.same_dimensions {
        check_same_dimensions(assets, out);
    }
    if kind.gif_alone && assets.len() > 1 {
        check_gif_alone(assets, out);
    }
}

/// `assets[i]` and its sub-fields.
struct Field(usize);

impl Field {
    fn of(&self, sub: &str) -> String {
        format!("assets[{}].{sub}", self.0)
    }

    fn meta(&self, name: &str) -> String {
        format!("assets[{}].metadata.{name}", self.0)
    }
}

fn check_count(count: usize, kind: &KindRules, out: &mut Vec<Violation>) {
    let range = json!({ "min": kind.min_media, "max": kind.max_media });
    if count < kind.min_media {
        let code = if count == 0 {
            codes::MEDIA_REQUIRED
        } else {
            codes::TOO_FEW_MEDIA
        };
        out.push(
            Violation::new(
                code,
                "assets",
                format!(
                    "a {} post needs at least {} media item(s); it has {count}",
                    kind.kind, kind.min_media
                ),
            )
            .limit(range)
            .actual(count),
        );
    } else if count > kind.max_media {
        out.push(
            Violation::new(
                codes::TOO_MANY_MEDIA,
                "assets",
                format!(
                    "a {} post takes at most {} media item(s); it has {count}",
                    kind.kind, kind.max_media
                ),
            )
            .limit(range)
            .actual(count),
        );
    }
}

/// Durations and frame rates must be real positive numbers, whatever the asset is.
fn check_numbers(at: &Field, meta: &AssetMetadata, out: &mut Vec<Violation>) {
    let numbers = [
        ("duration_seconds", meta.duration_seconds),
        ("frame_rate", meta.frame_rate),
    ];
    for (name, value) in numbers {
        if let Some(value) = value
            && !is_positive_finite(value)
        {
            out.push(invalid(
                at.meta(name),
                format!("{value}"),
                "must be a positive number",
            ));
        }
    }
}

fn invalid(field: String, actual: String, why: &str) -> Violation {
    Violation::new(codes::INVALID_METADATA, field, format!("metadata {why}")).actual(actual)
}

/// The normalized MIME type when it is given and acceptable.
fn check_mime(
    at: &Field,
    meta: &AssetMetadata,
    kind: AssetKind,
    accepted: &[&str],
    out: &mut Vec<Violation>,
) -> Option<String> {
    let mime = normalize_mime(meta.mime_type.as_deref()?);
    if !mime_matches_kind(&mime, kind) {
        out.push(
            Violation::new(
                codes::MIME_TYPE_MISMATCH,
                at.meta("mime_type"),
                format!("`{mime}` is not a MIME type for {kind:?} assets"),
            )
            .actual(mime),
        );
        return None;
    }
    if !accepted.contains(&mime.as_str()) {
        out.push(
            Violation::new(
                codes::UNSUPPORTED_MEDIA_TYPE,
                at.meta("mime_type"),
                format!(
                    "`{mime}` is not accepted; use one of {}",
                    accepted.join(", ")
                ),
            )
            .limit(json!(accepted))
            .actual(mime),
        );
        return None;
    }
    Some(mime)
}

fn check_size(
    at: &Field,
    size: Option<u64>,
    min: Option<u64>,
    max: Option<u64>,
    too_large: &'static str,
    out: &mut Vec<Violation>,
) {
    let Some(size) = size else { return };
    if size == 0 {
        out.push(invalid(
            at.meta("size_bytes"),
            "0".into(),
            "says the file is empty",
        ));
        return;
    }
    if let Some(max) = max
        && size > max
    {
        out.push(
            Violation::new(
                too_large,
                at.meta("size_bytes"),
                format!("the file is {size} bytes; the limit is {max}"),
            )
            .limit(max)
            .actual(size),
        );
    }
    if let Some(min) = min
        && size < min
    {
        out.push(
            Violation::new(
                codes::VIDEO_TOO_SMALL,
                at.meta("size_bytes"),
                format!("the file is {size} bytes; it must be at least {min}"),
            )
            .limit(min)
            .actual(size),
        );
    }
}

/// Checks width and height; returns both when they are known and sane.
fn check_dimensions(
    at: &Field,
    meta: &AssetMetadata,
    limits: &Dimensions,
    out: &mut Vec<Violation>,
) -> Option<(u32, u32)> {
    let sides = [
        ("width", meta.width, limits.min_width, limits.max_width),
        ("height", meta.height, limits.min_height, limits.max_height),
    ];
    let mut sane = true;
    for (name, value, min, max) in sides {
        let Some(value) = value else { continue };
        if !is_sane_dimension(value) {
            sane = false;
            out.push(invalid(
                at.meta(name),
                value.to_string(),
                "is not a possible size in pixels",
            ));
            continue;
        }
        let below = min.is_some_and(|min| value < min);
        let above = max.is_some_and(|max| value > max);
        if below || above {
            out.push(
                Violation::new(
                    codes::DIMENSIONS_OUT_OF_RANGE,
                    at.meta(name),
                    format!("{name} is {value} px; allowed {}", describe_range(min, max)),
                )
                .limit(json!({ "min": min, "max": max }))
                .actual(value),
            );
        }
    }
    match (meta.width, meta.height) {
        (Some(w), Some(h)) if sane => Some((w, h)),
        _ => None,
    }
}

fn describe_range(min: Option<u32>, max: Option<u32>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("{min}–{max} px"),
        (Some(min), None) => format!("at least {min} px"),
        (None, Some(max)) => format!("at most {max} px"),
        (None, None) => "any".to_owned(),
    }
}

fn check_aspect(
    at: &Field,
    dims: Option<(u32, u32)>,
    range: Option<AspectRatioRange>,
    out: &mut Vec<Violation>,
) {
    let (Some((w, h)), Some(range)) = (dims, range) else {
        return;
    };
    let ratio = f64::from(w) / f64::from(h);
    if ratio < range.min - RATIO_EPSILON || ratio > range.max + RATIO_EPSILON {
        out.push(
            Violation::new(
                codes::ASPECT_RATIO_OUT_OF_RANGE,
                at.of("metadata"),
                format!(
                    "aspect ratio {} (width ÷ height) is outside {}–{}",
                    round4(ratio),
                    round4(range.min),
                    round4(range.max)
                ),
            )
            .limit(json!({ "min": range.min, "max": range.max }))
            .actual(round4(ratio)),
        );
    }
}

fn check_image(at: &Field, meta: &AssetMetadata, rules: &ImageRules, out: &mut Vec<Violation>) {
    let mime = check_mime(at, meta, AssetKind::Image, rules.mime_types, out);
    let max_size = mime
        .as_deref()
        .and_then(|mime| rules.mime_size_limits.iter().find(|l| l.mime_type == mime))
        .map(|limit| limit.max_size_bytes)
        .or(rules.max_size_bytes);
    check_size(
        at,
        meta.size_bytes,
        None,
        max_size,
        codes::IMAGE_TOO_LARGE,
        out,
    );
    let dims = check_dimensions(at, meta, &rules.dimensions, out);
    if let (Some((w, h)), Some(max)) = (dims, rules.max_pixels) {
        let pixels = u64::from(w) * u64::from(h);
        if pixels > max {
            out.push(
                Violation::new(
                    codes::TOO_MANY_PIXELS,
                    at.of("metadata"),
                    format!("the image has {pixels} pixels; the limit is {max}"),
                )
                .limit(max)
                .actual(pixels),
            );
        }
    }
    check_aspect(at, dims, rules.aspect_ratio, out);
}

fn check_video(
    at: &Field,
    meta: &AssetMetadata,
    rules: &VideoRules,
    account: Option<&AccountLimits>,
    out: &mut Vec<Violation>,
) {
    check_mime(at, meta, AssetKind::Video, rules.mime_types, out);
    check_size(
        at,
        meta.size_bytes,
        rules.min_size_bytes,
        rules.max_size_bytes,
        codes::VIDEO_TOO_LARGE,
        out,
    );
    let dims = check_dimensions(at, meta, &rules.dimensions, out);
    check_aspect(at, dims, rules.aspect_ratio, out);
    if let Some(duration) = meta.duration_seconds.filter(|d| is_positive_finite(*d)) {
        check_duration(at, duration, rules, account, out);
    }
    if let Some(fps) = meta.frame_rate.filter(|f| is_positive_finite(*f)) {
        let below = rules.min_frame_rate.is_some_and(|min| fps < min);
        let above = rules.max_frame_rate.is_some_and(|max| fps > max);
        if fps > MAX_SANE_FRAME_RATE {
            out.push(invalid(
                at.meta("frame_rate"),
                fps.to_string(),
                "is not a possible frame rate",
            ));
        } else if below || above {
            out.push(
                Violation::new(
                    codes::FRAME_RATE_OUT_OF_RANGE,
                    at.meta("frame_rate"),
                    format!("{fps} fps is outside the accepted frame rates"),
                )
                .limit(json!({ "min": rules.min_frame_rate, "max": rules.max_frame_rate }))
                .actual(fps),
            );
        }
    }
}

fn check_duration(
    at: &Field,
    duration: f64,
    rules: &VideoRules,
    account: Option<&AccountLimits>,
    out: &mut Vec<Violation>,
) {
    if let Some(min) = rules.min_duration_seconds
        && duration < min
    {
        out.push(
            Violation::new(
                codes::VIDEO_TOO_SHORT,
                at.meta("duration_seconds"),
                format!("the video lasts {duration} s; it must last at least {min} s"),
            )
            .limit(min)
            .actual(duration),
        );
    }
    let account_max = account.and_then(|a| a.max_video_duration_seconds);
    let max = match (rules.max_duration_seconds, account_max) {
        (Some(platform), Some(account)) => Some(platform.min(account)),
        (platform, account) => platform.or(account),
    };
    if let Some(max) = max
        && duration > max
    {
        out.push(
            Violation::new(
                codes::VIDEO_TOO_LONG,
                at.meta("duration_seconds"),
                format!("the video lasts {duration} s; the limit for this account is {max} s"),
            )
            .limit(max)
            .actual(duration),
        );
    }
}

fn check_same_dimensions(assets: &[Asset], out: &mut Vec<Violation>) {
    let sized = assets.iter().enumerate().filter_map(|(i, a)| {
        let (w, h) = (a.metadata.width?, a.metadata.height?);
        (is_sane_dimension(w) && is_sane_dimension(h)).then_some((i, w, h))
    });
    let mut first = None;
    for (index, w, h) in sized {
        let Some((fw, fh)) = first else {
            first = Some((w, h));
            continue;
        };
        if (w, h) != (fw, fh) {
            out.push(
                Violation::new(
                    codes::CAROUSEL_MIXED_DIMENSIONS,
                    Field(index).of("metadata"),
                    format!("every item must be {fw}×{fh} like the first; this one is {w}×{h}"),
                )
                .limit(json!({ "width": fw, "height": fh }))
                .actual(json!({ "width": w, "height": h })),
            );
        }
    }
}

fn check_gif_alone(assets: &[Asset], out: &mut Vec<Violation>) {
    for (index, asset) in assets.iter().enumerate() {
        let is_gif = asset
            .metadata
            .mime_type
            .as_deref()
            .is_some_and(|m| normalize_mime(m) == "image/gif");
        if is_gif {
            out.push(Violation::new(
                codes::GIF_MUST_BE_ALONE,
                Field(index).meta("mime_type"),
                "an animated GIF must be the only media of the post",
            ));
        }
    }
}
