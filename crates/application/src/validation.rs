//! The dry run of a publish request: what would each platform refuse, all at once.

use std::sync::Arc;

use futures_util::StreamExt;
use socialpub_domain::policy::{ContentDraft, PlatformPolicyValidator, Violation};
use socialpub_domain::{Asset, AssetKind, ConnectionId, Platform, UserId};
use socialpub_ports::{AssetMetadataProbe, Clock, ConnectionRepository, RepositoryError};

mod budget;

use budget::ProbeBudget;
pub use budget::{BudgetExceeded, ProbeQuota};

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
    /// More distinct files without full metadata than one request may have read.
    #[error(
        "at most {limit} asset files can be read per request, {actual} lack metadata; \
         send width, height, size_bytes and mime_type (and duration_seconds for videos) for \
         the others"
    )]
    TooManyProbes { limit: usize, actual: usize },
    /// The user's asset probes are spent for now; nothing was fetched.
    #[error("too many asset files read recently; retry in {} s", .0.retry_after_seconds())]
    ProbeBudget(BudgetExceeded),
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
    budget: Arc<ProbeBudget>,
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
    /// A service with the default [`ProbeQuota`]; `clock` times the per-user budget.
    pub fn new(
        connections: Arc<dyn ConnectionRepository>,
        probe: Arc<dyn AssetMetadataProbe>,
        validator: Arc<PlatformPolicyValidator>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            connections,
            probe,
            validator,
            budget: Arc::new(ProbeBudget::new(ProbeQuota::default(), clock)),
        }
    }

    /// The same service with other probe bounds (and a fresh budget).
    #[must_use]
    pub fn with_probe_quota(mut self, quota: ProbeQuota) -> Self {
        self.budget = Arc::new(ProbeBudget::new(quota, self.budget.clock()));
        self
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
        let groups = probe_groups(&assets);
        let quota = self.budget.quota();
        if groups.len() > quota.per_request {
            return Err(ValidationError::TooManyProbes {
                limit: quota.per_request,
                actual: groups.len(),
            });
        }
        let _permit = if groups.is_empty() {
            None
        } else {
            let count = u32::try_from(groups.len()).unwrap_or(u32::MAX);
            Some(
                self.budget
                    .acquire(user, count)
                    .map_err(ValidationError::ProbeBudget)?,
            )
        };
        // A few files at a time: one slow host does not add up with the others, and the
        // request's outbound calls do not all leave at once. `buffered` keeps asset order.
        let probes = groups.iter().map(|group| {
            let probe = Arc::clone(&self.probe);
            let asset = group.asset.clone();
            async move { probe.probe(&asset).await }
        });
        let outcomes: Vec<_> = futures_util::stream::iter(probes)
            .buffered(quota.concurrent_per_request.max(1))
            .collect()
            .await;
        for (group, outcome) in groups.iter().zip(outcomes) {
            for &index in &group.indices {
                match &outcome {
                    Ok(metadata) => {
                        if let Some(asset) = assets.get_mut(index) {
                            asset.metadata = metadata.clone();
                        }
                    }
                    Err(error) => {
                        violations.push(Violation::asset_unreachable(index, error.to_string()));
                    }
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

/// One file to probe and the positions of the assets it answers for.
struct ProbeGroup {
    asset: Asset,
    indices: Vec<usize>,
}

/// The assets to probe, identical ones (same URL, kind and given metadata) grouped so their
/// file is read once, in order of first appearance.
fn probe_groups(assets: &[Asset]) -> Vec<ProbeGroup> {
    let mut groups: Vec<ProbeGroup> = Vec::new();
    for (index, asset) in assets.iter().enumerate() {
        if is_complete(asset) {
            continue;
        }
        match groups.iter_mut().find(|group| group.asset == *asset) {
            Some(group) => group.indices.push(index),
            None => groups.push(ProbeGroup {
                asset: asset.clone(),
                indices: vec![index],
            }),
        }
    }
    groups
}

#[cfg(test)]
mod tests;
