use async_trait::async_trait;
use socialpub_domain::AssetUrl;

/// What the server says about an asset before any body is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteAssetInfo {
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    pub accepts_ranges: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssetFetchError {
    /// The URL resolves to an address we must not reach (not globally reachable, a cloud
    /// metadata service, or deny-listed). Which one is logged, never told: the answer would
    /// help map the network behind the service.
    #[error("asset url points to an address that is not publicly reachable")]
    ForbiddenAddress,
    #[error("asset server answered HTTP {0}")]
    Status(u16),
    #[error("asset server did not answer in time")]
    Timeout,
    #[error("asset is larger than the {limit} bytes allowed")]
    TooLarge { limit: u64 },
    #[error("asset could not be fetched: {0}")]
    Network(String),
}

/// Reads remote assets piecewise, so metadata can be probed from headers without downloading
/// a whole video.
#[async_trait]
pub trait AssetFetcher: Send + Sync {
    async fn info(&self, url: &AssetUrl) -> Result<RemoteAssetInfo, AssetFetchError>;

    /// Up to `len` bytes starting at `start` (fewer at the end of the file).
    async fn read_range(
        &self,
        url: &AssetUrl,
        start: u64,
        len: u32,
    ) -> Result<Vec<u8>, AssetFetchError>;
}

/// Fills in what a client did not say about an asset (dimensions, duration, size, type) by
/// reading only the file's headers, so content rules can be checked before anything is sent.
#[async_trait]
pub trait AssetMetadataProbe: Send + Sync {
    /// Returns `known` completed from the file; fields already set are kept as given.
    ///
    /// # Errors
    /// [`AssetFetchError`] when the file cannot be read (forbidden address, HTTP error, timeout,
    /// too large to probe).
    async fn probe(
        &self,
        asset: &socialpub_domain::Asset,
    ) -> Result<socialpub_domain::AssetMetadata, AssetFetchError>;
}
