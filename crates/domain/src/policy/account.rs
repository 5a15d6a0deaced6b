use serde::{Deserialize, Serialize};

/// Limits that belong to the connected account rather than the platform, read live by the
/// caller before validating (TikTok's `creator_info`: which privacy levels this creator may
/// use, how long their videos may be, which interactions they switched off).
///
/// Anything left `None`/`false` is simply not checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountLimits {
    #[serde(default)]
    pub privacy_level_options: Option<Vec<String>>,
    #[serde(default)]
    pub max_video_duration_seconds: Option<f64>,
    #[serde(default)]
    pub comment_disabled: bool,
    #[serde(default)]
    pub duet_disabled: bool,
    #[serde(default)]
    pub stitch_disabled: bool,
}
