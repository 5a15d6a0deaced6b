use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use socialpub_domain::AssetUrl;

use super::lock;
use crate::{AssetFetchError, AssetFetcher, RemoteAssetInfo};

/// A stored file: its content type and body.
type StoredFile = (Option<String>, Vec<u8>);

/// Serves assets from memory, and counts the bytes it handed out so tests can check that a
/// probe did not read a whole file.
#[derive(Debug, Default)]
pub struct InMemoryAssetFetcher {
    files: Mutex<HashMap<String, StoredFile>>,
    bytes_served: Mutex<u64>,
}

impl InMemoryAssetFetcher {
    pub fn insert(&self, url: &str, content_type: Option<&str>, body: Vec<u8>) {
        lock(&self.files).insert(url.to_owned(), (content_type.map(str::to_owned), body));
    }

    pub fn bytes_served(&self) -> u64 {
        *lock(&self.bytes_served)
    }
}

#[async_trait]
impl AssetFetcher for InMemoryAssetFetcher {
    async fn info(&self, url: &AssetUrl) -> Result<RemoteAssetInfo, AssetFetchError> {
        let files = lock(&self.files);
        let (content_type, body) = files
            .get(url.as_str())
            .ok_or(AssetFetchError::Status(404))?;
        Ok(RemoteAssetInfo {
            content_type: content_type.clone(),
            content_length: Some(body.len() as u64),
            accepts_ranges: true,
        })
    }

    async fn read_range(
        &self,
        url: &AssetUrl,
        start: u64,
        len: u32,
    ) -> Result<Vec<u8>, AssetFetchError> {
        let files = lock(&self.files);
        let (_, body) = files
            .get(url.as_str())
            .ok_or(AssetFetchError::Status(404))?;
        let start = usize::try_from(start).unwrap_or(usize::MAX).min(body.len());
        let end = start.saturating_add(len as usize).min(body.len());
        let chunk = body.get(start..end).unwrap_or_default().to_vec();
        *lock(&self.bytes_served) += chunk.len() as u64;
        Ok(chunk)
    }
}

/// Answers probes from a table of known files; anything else is a 404. Keeps client-given
/// fields, as the port requires.
#[derive(Debug, Default)]
pub struct StaticAssetProbe {
    files: Mutex<HashMap<String, socialpub_domain::AssetMetadata>>,
    probes: Mutex<u32>,
}

impl StaticAssetProbe {
    pub fn insert(&self, url: &str, metadata: socialpub_domain::AssetMetadata) {
        lock(&self.files).insert(url.to_owned(), metadata);
    }

    /// How many probes were made.
    pub fn probes(&self) -> u32 {
        *lock(&self.probes)
    }
}

#[async_trait]
impl crate::AssetMetadataProbe for StaticAssetProbe {
    async fn probe(
        &self,
        asset: &socialpub_domain::Asset,
    ) -> Result<socialpub_domain::AssetMetadata, AssetFetchError> {
        *lock(&self.probes) += 1;
        let files = lock(&self.files);
        let found = files
            .get(asset.url.as_str())
            .ok_or(AssetFetchError::Status(404))?;
        let given = &asset.metadata;
        Ok(socialpub_domain::AssetMetadata {
            width: given.width.or(found.width),
            height: given.height.or(found.height),
            duration_seconds: given.duration_seconds.or(found.duration_seconds),
            size_bytes: given.size_bytes.or(found.size_bytes),
            mime_type: given.mime_type.clone().or_else(|| found.mime_type.clone()),
            frame_rate: given.frame_rate.or(found.frame_rate),
        })
    }
}
