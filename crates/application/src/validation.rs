//! The dry run of a publish request: what would each platform refuse, all at once.

use std::sync::Arc;

use socialpub_domain::policy::{ContentDraft, PlatformPolicyValidator, Violation};
use socialpub_domain::{Asset, AssetKind, ConnectionId, Platform, UserId};
use socialpub_ports::{AssetMetadataProbe, ConnectionRepository, RepositoryError};

/// A publish request's content, before any job exists.
#[derive(Debug, Clone)]
pub struct ContentToCheck {
    /// The target connection; its platform is the one whose rules apply.
    pub connection_id: Option<ConnectionId>,
    /// The platform, when no connection is named (checking before connecting).
    pub platform: Option<Platform>,
    pub text: String,
    pub assets: Vec<Asset>,
    pub options: serde_json::Map<String, serde_json::Value>,
}

/// Every problem found, and the assets with the metadata the check used.
#[derive(Debug, Clone)]
pub struct ValidationReport {
    pub platform: Platform,
    pub violations: Vec<Violation>,
    pub assets: Vec<Asset>,
}

impl ValidationReport {
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ValidationError {
    #[error("connection {0} not found")]
    ConnectionNotFound(ConnectionId),
    #[error("name a `connection_id` or a `platform` whose rules apply")]
    PlatformRequired,
    /// More assets than any platform takes; refused before any file is fetched.
    #[error("at most {limit} assets can be checked at once, got {actual}")]
    TooManyAssets { limit: usize, actual: usize },
    #[error(transparent)]
    Repository(#[from] RepositoryError),
}

/// Checks content against the target platform's rules, probing asset files for metadata
/// the client did not give.
#[derive(Clone)]
pub struct ValidationService {
    connections: Arc<dyn ConnectionRepository>,
    probe: Arc<dyn AssetMetadataProbe>,
    validator: Arc<PlatformPolicyValidator>,
}

/// Metadata the rules use for this kind of asset, all present.
fn is_complete(asset: &Asset) -> bool {
    let m = &asset.metadata;
    let common =
        m.size_bytes.is_some() && m.mime_type.is_some() && m.width.is_some() && m.height.is_some();
    match asset.kind {
        AssetKind::Image => common,
        AssetKind::Video => common && m.duration_seconds.is_some(),
    }
}

impl ValidationService {
    pub fn new(
        connections: Arc<dyn ConnectionRepository>,
        probe: Arc<dyn AssetMetadataProbe>,
        validator: Arc<PlatformPolicyValidator>,
    ) -> Self {
        Self {
            connections,
            probe,
            validator,
        }
    }

    /// The platform whose rules apply: the connection's (scoped to `user`), else the named one.
    pub async fn target_platform(
        &self,
        user: &UserId,
        connection_id: Option<ConnectionId>,
        platform: Option<Platform>,
    ) -> Result<Platform, ValidationError> {
        match connection_id {
            Some(id) => Ok(self
                .connections
                .get(user, id)
                .await?
                .ok_or(ValidationError::ConnectionNotFound(id))?
                .platform),
            None => platform.ok_or(ValidationError::PlatformRequired),
        }
    }

    /// No platform takes more than 35 items in one post (TikTok photo mode); a request with
    /// more is refused before any file is fetched, so it cannot fan out into many downloads.
    pub const MAX_ASSETS: usize = 35;

    pub async fn validate(
        &self,
        user: &UserId,
        content: ContentToCheck,
    ) -> Result<ValidationReport, ValidationError> {
        if content.assets.len() > Self::MAX_ASSETS {
            return Err(ValidationError::TooManyAssets {
                limit: Self::MAX_ASSETS,
                actual: content.assets.len(),
            });
        }
        let platform = self
            .target_platform(user, content.connection_id, content.platform)
            .await?;
        let mut violations = Vec::new();
        let mut assets = content.assets;
        // Files are probed concurrently: one slow host does not add up with the others.
        let probes = assets
            .iter()
            .enumerate()
            .filter(|(_, asset)| !is_complete(asset))
            .map(|(index, asset)| {
                let probe = Arc::clone(&self.probe);
                let asset = asset.clone();
                async move { (index, probe.probe(&asset).await) }
            });
        for (index, outcome) in futures_util::future::join_all(probes).await {
            match outcome {
                Ok(metadata) => {
                    if let Some(asset) = assets.get_mut(index) {
                        asset.metadata = metadata;
                    }
                }
                Err(error) => {
                    violations.push(Violation::asset_unreachable(index, error.to_string()));
                }
            }
        }
        let draft = ContentDraft::new(platform, &content.text, &assets, &content.options);
        violations.extend(self.validator.validate(&draft));
        Ok(ValidationReport {
            platform,
            violations,
            assets,
        })
    }
}

#[cfg(test)]
mod tests;
