use std::sync::Arc;

use async_trait::async_trait;
use socialpub_domain::{Asset, AssetKind, AssetMetadata};
use socialpub_ports::{AssetFetchError, AssetFetcher, AssetMetadataProbe};

use crate::ProbeLimits;
use crate::image_header::read_image_header;
use crate::mime::media_type;
use crate::mp4_layout::find_movie_boxes;
use crate::mp4_metadata::read_movie_facts;
use crate::remote_reader::RemoteReader;

/// Fills in an asset's missing metadata from its server's headers and the file's own headers,
/// reading only small byte ranges (see [`ProbeLimits`]).
///
/// What the client sent is kept as sent: the probe only fills gaps, so a client that knows its
/// file costs no request at all. Whatever cannot be found stays `None`; the rules decide
/// whether that is acceptable.
#[derive(Clone)]
pub struct HeaderProbe {
    fetcher: Arc<dyn AssetFetcher>,
    limits: ProbeLimits,
}

impl HeaderProbe {
    #[must_use]
    pub fn new(fetcher: Arc<dyn AssetFetcher>) -> Self {
        Self::with_limits(fetcher, ProbeLimits::default())
    }

    #[must_use]
    pub fn with_limits(fetcher: Arc<dyn AssetFetcher>, limits: ProbeLimits) -> Self {
        Self { fetcher, limits }
    }

    async fn probe_image(
        &self,
        reader: &mut RemoteReader<'_>,
        metadata: &mut AssetMetadata,
    ) -> Result<(), AssetFetchError> {
        let mut header = read_image_header(reader.head());
        while header.truncated && !reader.has_whole_file() {
            let have = u32::try_from(reader.head().len()).unwrap_or(u32::MAX);
            let cap = self.limits.max_image_header_bytes;
            if have >= cap {
                break;
            }
            reader.extend_head(have.saturating_mul(2).min(cap)).await?;
            header = read_image_header(reader.head());
        }
        if let Some((width, height)) = header.dimensions {
            keep_or(&mut metadata.width, width);
            keep_or(&mut metadata.height, height);
        }
        if let Some(mime) = header.mime_type {
            keep_or(&mut metadata.mime_type, mime.to_owned());
        }
        Ok(())
    }

    async fn probe_video(
        &self,
        reader: &RemoteReader<'_>,
        file_len: Option<u64>,
        metadata: &mut AssetMetadata,
    ) -> Result<(), AssetFetchError> {
        let boxes = find_movie_boxes(reader, file_len, &self.limits).await?;
        let facts = read_movie_facts(boxes.ftyp.as_deref(), boxes.moov.as_deref());
        if let Some(mime) = facts.mime_type {
            keep_or(&mut metadata.mime_type, mime.to_owned());
        }
        fill(&mut metadata.width, facts.width);
        fill(&mut metadata.height, facts.height);
        fill(&mut metadata.duration_seconds, facts.duration_seconds);
        fill(&mut metadata.frame_rate, facts.frame_rate);
        Ok(())
    }
}

impl std::fmt::Debug for HeaderProbe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeaderProbe")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl AssetMetadataProbe for HeaderProbe {
    async fn probe(&self, asset: &Asset) -> Result<AssetMetadata, AssetFetchError> {
        let mut metadata = asset.metadata.clone();
        if !missing_anything(asset.kind, &metadata) {
            return Ok(metadata);
        }
        let info = self.fetcher.info(&asset.url).await?;
        fill(&mut metadata.size_bytes, info.content_length);
        fill(
            &mut metadata.mime_type,
            info.content_type.as_deref().and_then(media_type),
        );
        if !missing_from_file(asset.kind, &metadata) {
            return Ok(metadata);
        }
        let mut reader = RemoteReader::open(
            self.fetcher.as_ref(),
            &asset.url,
            self.limits.first_read_bytes,
        )
        .await?;
        match asset.kind {
            AssetKind::Image => self.probe_image(&mut reader, &mut metadata).await?,
            AssetKind::Video => {
                self.probe_video(&reader, info.content_length, &mut metadata)
                    .await?;
            }
        }
        Ok(metadata)
    }
}

/// Whether any field the rules use for this kind of asset is unknown.
fn missing_anything(kind: AssetKind, m: &AssetMetadata) -> bool {
    m.size_bytes.is_none() || missing_from_file(kind, m)
}

/// Whether a field that only the file itself can tell is unknown.
fn missing_from_file(kind: AssetKind, m: &AssetMetadata) -> bool {
    let image = m.width.is_none() || m.height.is_none() || m.mime_type.is_none();
    match kind {
        AssetKind::Image => image,
        AssetKind::Video => image || m.duration_seconds.is_none() || m.frame_rate.is_none(),
    }
}

fn keep_or<T>(field: &mut Option<T>, found: T) {
    if field.is_none() {
        *field = Some(found);
    }
}

fn fill<T>(field: &mut Option<T>, found: Option<T>) {
    if field.is_none() {
        *field = found;
    }
}
