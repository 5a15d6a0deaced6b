use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;

/// What an asset is, as far as the platforms' rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssetKind {
    Image,
    Video,
}

/// The public `http(s)` address the platform (or Socialpub) downloads an asset from.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct AssetUrl(Url);

/// An asset URL was not an absolute `http`/`https` URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssetUrlError {
    #[error("asset url is not a valid absolute URL")]
    Malformed,
    #[error("asset url must use http or https, not `{0}`")]
    UnsupportedScheme(String),
}

impl AssetUrl {
    pub fn parse(raw: &str) -> Result<Self, AssetUrlError> {
        let url = Url::parse(raw.trim()).map_err(|_| AssetUrlError::Malformed)?;
        match url.scheme() {
            "http" | "https" if url.host().is_some() => Ok(Self(url)),
            "http" | "https" => Err(AssetUrlError::Malformed),
            other => Err(AssetUrlError::UnsupportedScheme(other.to_owned())),
        }
    }

    pub fn as_url(&self) -> &Url {
        &self.0
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for AssetUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AssetUrl({})", self.0)
    }
}

impl fmt::Display for AssetUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for AssetUrl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        AssetUrl::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// What is known about an asset's file. Every field is optional: the client may send what it
/// knows, and what it leaves out can be probed from the file before the rules are checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_rate: Option<f64>,
}

/// One image or video attached to a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asset {
    pub url: AssetUrl,
    #[serde(rename = "type", alias = "kind")]
    pub kind: AssetKind,
    #[serde(default)]
    pub metadata: AssetMetadata,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_http_urls_are_assets() {
        assert!(AssetUrl::parse("https://cdn.example.com/a.jpg").is_ok());
        assert_eq!(
            AssetUrl::parse("/relative.jpg"),
            Err(AssetUrlError::Malformed)
        );
        assert_eq!(
            AssetUrl::parse("file:///etc/passwd"),
            Err(AssetUrlError::UnsupportedScheme("file".into()))
        );
    }

    #[test]
    fn an_asset_reads_from_the_api_shape() {
        let asset: Asset = serde_json::from_str(
            r#"{"url":"https://cdn.example.com/v.mp4","type":"video",
                "metadata":{"duration_seconds":12.5,"width":1080,"height":1920}}"#,
        )
        .unwrap();
        assert_eq!(asset.kind, AssetKind::Video);
        assert_eq!(asset.metadata.duration_seconds, Some(12.5));
        assert_eq!(asset.metadata.size_bytes, None);
    }

    #[test]
    fn negative_sizes_are_refused_when_read() {
        let err = serde_json::from_str::<Asset>(
            r#"{"url":"https://cdn.example.com/a.png","type":"image","metadata":{"size_bytes":-1}}"#,
        );
        assert!(err.is_err());
    }
}
