//! Fault knobs of the publishing endpoints: per endpoint latency, 5xx, 429 with Retry-After,
//! timeouts (no answer, nothing done) and **ambiguous** answers (the post is stored, then the
//! answer is lost: a 5xx, or a connection broken mid-answer), plus a seeded random "storm"
//! that draws one of them per request with given percentages.
//!
//! Unlike the platform-wide knobs (applied by a middleware before any handler), these act
//! inside the publishing handlers, because an ambiguous fault must happen *after* the work.

use std::collections::BTreeMap;
use std::time::Duration as StdDuration;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use serde::{Deserialize, Serialize};
use socialpub_domain::Platform;

use crate::knobs::KnobError;
use crate::platforms;
use crate::state::{Shared, SimState};

/// A publishing endpoint that fault knobs can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublishEndpoint {
    /// `POST /2/tweets` (X's commit).
    XCreatePost,
    /// `POST /2/media/upload/initialize`, `/{id}/append`, `/{id}/finalize`.
    XMediaUpload,
    /// `GET /2/media/upload` (status).
    XMediaStatus,
    /// `GET /2/users/{id}/tweets`.
    XUserPosts,
    /// `POST /{page-id}/feed` (a commit).
    FacebookFeed,
    /// `POST /{page-id}/photos` (a commit when published).
    FacebookPhotos,
    /// `GET /{page-id}/published_posts`.
    FacebookPublishedPosts,
    /// `GET /{post-id}` (permalink).
    FacebookPost,
    /// `POST /{page-id}/videos` by `file_url` or `upload_phase=finish` (a feed video's
    /// commit).
    FacebookVideos,
    /// `POST /{page-id}/videos` `upload_phase=start`.
    FacebookVideoStart,
    /// `POST /{page-id}/videos` `upload_phase=transfer` (a chunk of the file).
    FacebookVideoUpload,
    /// `GET /{page-id}/videos`.
    FacebookPageVideos,
    /// `POST /{page-id}/video_reels` `upload_phase=finish` (a reel's commit).
    FacebookReels,
    /// `POST /{page-id}/video_reels` `upload_phase=start` and the reel upload.
    FacebookReelUpload,
    /// `POST /v5/pins` (Pinterest's commit).
    PinterestCreatePin,
    /// `POST /v5/media` (video upload registration).
    PinterestMedia,
    /// `GET /v5/media/{media_id}`.
    PinterestMediaStatus,
    /// `GET /v5/boards/{board_id}/pins`.
    PinterestBoardPins,
    /// Instagram `POST /{ig-user-id}/media` (containers).
    InstagramCreateContainer,
    /// Instagram `GET /{container-id}` (status).
    InstagramContainerStatus,
    /// Instagram `POST /{ig-user-id}/media_publish` (the commit).
    InstagramMediaPublish,
    /// Instagram `GET /{media-id}`, `/{ig-user-id}/media`, `/{ig-user-id}/stories`.
    InstagramMedia,
    /// Instagram `GET /{ig-user-id}/content_publishing_limit`.
    InstagramPublishingLimit,
    /// `POST /rest/posts` (LinkedIn's commit).
    LinkedinCreatePost,
    /// `initializeUpload`, the upload `PUT`s and `finalizeUpload` of images, videos and
    /// documents.
    LinkedinUpload,
    /// `GET /rest/videos/{urn}` and `GET /rest/images/{urn}`.
    LinkedinMediaStatus,
    /// `GET /rest/posts?q=author` (an organization's posts).
    LinkedinListPosts,
    /// `POST /v2/post/publish/creator_info/query/`.
    TiktokCreatorInfo,
    /// `POST /v2/post/publish/video/init/` and `/content/init/` (a commit for pulls and
    /// photos).
    TiktokInit,
    /// `PUT {upload_url}` (the last chunk is a commit).
    TiktokUpload,
    /// `POST /v2/post/publish/status/fetch/`.
    TiktokStatus,
}

impl PublishEndpoint {
    pub const ALL: [PublishEndpoint; 31] = [
        PublishEndpoint::XCreatePost,
        PublishEndpoint::XMediaUpload,
        PublishEndpoint::XMediaStatus,
        PublishEndpoint::XUserPosts,
        PublishEndpoint::FacebookFeed,
        PublishEndpoint::FacebookPhotos,
        PublishEndpoint::FacebookPublishedPosts,
        PublishEndpoint::FacebookPost,
        PublishEndpoint::FacebookVideos,
        PublishEndpoint::FacebookVideoStart,
        PublishEndpoint::FacebookVideoUpload,
        PublishEndpoint::FacebookPageVideos,
        PublishEndpoint::FacebookReels,
        PublishEndpoint::FacebookReelUpload,
        PublishEndpoint::PinterestCreatePin,
        PublishEndpoint::PinterestMedia,
        PublishEndpoint::PinterestMediaStatus,
        PublishEndpoint::PinterestBoardPins,
        PublishEndpoint::InstagramCreateContainer,
        PublishEndpoint::InstagramContainerStatus,
        PublishEndpoint::InstagramMediaPublish,
        PublishEndpoint::InstagramMedia,
        PublishEndpoint::InstagramPublishingLimit,
        PublishEndpoint::LinkedinCreatePost,
        PublishEndpoint::LinkedinUpload,
        PublishEndpoint::LinkedinMediaStatus,
        PublishEndpoint::LinkedinListPosts,
        PublishEndpoint::TiktokCreatorInfo,
        PublishEndpoint::TiktokInit,
        PublishEndpoint::TiktokUpload,
        PublishEndpoint::TiktokStatus,
    ];

    pub const fn platform(self) -> Platform {
        match self {
            PublishEndpoint::XCreatePost
            | PublishEndpoint::XMediaUpload
            | PublishEndpoint::XMediaStatus
            | PublishEndpoint::XUserPosts => Platform::X,
            PublishEndpoint::FacebookFeed
            | PublishEndpoint::FacebookPhotos
            | PublishEndpoint::FacebookPublishedPosts
            | PublishEndpoint::FacebookPost
            | PublishEndpoint::FacebookVideos
            | PublishEndpoint::FacebookVideoStart
            | PublishEndpoint::FacebookVideoUpload
            | PublishEndpoint::FacebookPageVideos
            | PublishEndpoint::FacebookReels
            | PublishEndpoint::FacebookReelUpload => Platform::Facebook,
            PublishEndpoint::PinterestCreatePin
            | PublishEndpoint::PinterestMedia
            | PublishEndpoint::PinterestMediaStatus
            | PublishEndpoint::PinterestBoardPins => Platform::Pinterest,
            PublishEndpoint::InstagramCreateContainer
            | PublishEndpoint::InstagramContainerStatus
            | PublishEndpoint::InstagramMediaPublish
            | PublishEndpoint::InstagramMedia
            | PublishEndpoint::InstagramPublishingLimit => Platform::Instagram,
            PublishEndpoint::LinkedinCreatePost
            | PublishEndpoint::LinkedinUpload
            | PublishEndpoint::LinkedinMediaStatus
            | PublishEndpoint::LinkedinListPosts => Platform::Linkedin,
            PublishEndpoint::TiktokCreatorInfo
            | PublishEndpoint::TiktokInit
            | PublishEndpoint::TiktokUpload
            | PublishEndpoint::TiktokStatus => Platform::Tiktok,
        }
    }
}

/// How an ambiguous fault loses the answer after the work is done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmbiguousMode {
    /// Answer 503 (X, LinkedIn) or Graph's transient code 2 (Facebook).
    ServerError,
    /// Send the status line, then break the connection before the body ends.
    #[default]
    Drop,
}

/// Percentages (0–100) of requests that get each fault, drawn from a seeded generator so a
/// run can be repeated. The remainder proceeds normally.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Storm {
    pub seed: u64,
    #[serde(default)]
    pub server_error_percent: f64,
    #[serde(default)]
    pub rate_limit_percent: f64,
    #[serde(default)]
    pub timeout_percent: f64,
    #[serde(default)]
    pub ambiguous_percent: f64,
}

impl Storm {
    fn validate(&self) -> Result<(), KnobError> {
        let parts = [
            self.server_error_percent,
            self.rate_limit_percent,
            self.timeout_percent,
            self.ambiguous_percent,
        ];
        if parts.iter().any(|p| !p.is_finite() || *p < 0.0) || parts.iter().sum::<f64>() > 100.0 {
            return Err(KnobError(
                "storm percentages must be non-negative and add up to at most 100".into(),
            ));
        }
        Ok(())
    }
}

/// Part of `POST /_sim/knobs` (`"faults": {...}`): changes the faults of one publishing
/// endpoint, or of every publishing endpoint of the knob's platform (all platforms when
/// neither is given). Absent fields are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSettings {
    pub endpoint: Option<PublishEndpoint>,
    /// Forget every fault of the targeted endpoints first.
    pub clear: Option<bool>,
    /// Delay each request by this many milliseconds.
    pub latency_ms: Option<u64>,
    /// Answer the next N requests with a 5xx, doing nothing.
    pub fail_next: Option<u32>,
    /// Status of those answers (500–599, default 503).
    pub fail_status: Option<u16>,
    /// Answer the next N requests with the platform's rate-limit answer and `Retry-After`.
    pub rate_limit_next: Option<u32>,
    pub retry_after_seconds: Option<u64>,
    /// Leave the next N requests unanswered for `hang_ms`, then break the connection, doing
    /// nothing.
    pub timeout_next: Option<u32>,
    /// Do the next N requests' work (store the post), then lose the answer.
    pub ambiguous_next: Option<u32>,
    pub ambiguous_mode: Option<AmbiguousMode>,
    /// How long a timeout (and a storm's timeout) hangs before the connection breaks.
    pub hang_ms: Option<u64>,
    /// Random faults on every request; a storm with all percentages at 0 turns it off.
    pub storm: Option<Storm>,
}

/// The faults of one endpoint.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointFaults {
    pub latency_ms: u64,
    pub fail_next: u32,
    pub fail_status: u16,
    pub rate_limit_next: u32,
    pub retry_after_seconds: u64,
    pub timeout_next: u32,
    pub ambiguous_next: u32,
    pub ambiguous_mode: AmbiguousMode,
    pub hang_ms: u64,
    pub storm: Option<Storm>,
    #[serde(skip)]
    rng: Option<StdRng>,
}

impl Default for EndpointFaults {
    fn default() -> Self {
        Self {
            latency_ms: 0,
            fail_next: 0,
            fail_status: 503,
            rate_limit_next: 0,
            retry_after_seconds: 60,
            timeout_next: 0,
            ambiguous_next: 0,
            ambiguous_mode: AmbiguousMode::default(),
            hang_ms: 5_000,
            storm: None,
            rng: None,
        }
    }
}

/// What a request to a publishing endpoint meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    Proceed,
    ServerError(StatusCode),
    RateLimited { retry_after: u64 },
    Timeout { hang_ms: u64 },
    Ambiguous { mode: AmbiguousMode },
}

impl EndpointFaults {
    fn apply(&mut self, settings: &FaultSettings, endpoint: PublishEndpoint) {
        if settings.clear == Some(true) {
            *self = Self::default();
        }
        let set = |target: &mut u64, value: Option<u64>| {
            if let Some(v) = value {
                *target = v;
            }
        };
        set(&mut self.latency_ms, settings.latency_ms);
        set(&mut self.retry_after_seconds, settings.retry_after_seconds);
        set(&mut self.hang_ms, settings.hang_ms);
        if let Some(n) = settings.fail_next {
            self.fail_next = n;
        }
        if let Some(s) = settings.fail_status {
            self.fail_status = s;
        }
        if let Some(n) = settings.rate_limit_next {
            self.rate_limit_next = n;
        }
        if let Some(n) = settings.timeout_next {
            self.timeout_next = n;
        }
        if let Some(n) = settings.ambiguous_next {
            self.ambiguous_next = n;
        }
        if let Some(mode) = settings.ambiguous_mode {
            self.ambiguous_mode = mode;
        }
        if let Some(storm) = &settings.storm {
            let off = storm.server_error_percent
                + storm.rate_limit_percent
                + storm.timeout_percent
                + storm.ambiguous_percent
                <= 0.0;
            if off {
                self.storm = None;
                self.rng = None;
            } else {
                // One generator per endpoint, so endpoints do not steal each other's draws.
                let salt = endpoint as u64;
                self.rng = Some(StdRng::seed_from_u64(
                    storm.seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15),
                ));
                self.storm = Some(storm.clone());
            }
        }
    }

    /// The fault for one request: one-shot counters first, then the storm.
    fn draw(&mut self) -> Fault {
        if self.fail_next > 0 {
            self.fail_next -= 1;
            return Fault::ServerError(self.status());
        }
        if self.rate_limit_next > 0 {
            self.rate_limit_next -= 1;
            return Fault::RateLimited {
                retry_after: self.retry_after_seconds,
            };
        }
        if self.timeout_next > 0 {
            self.timeout_next -= 1;
            return Fault::Timeout {
                hang_ms: self.hang_ms,
            };
        }
        if self.ambiguous_next > 0 {
            self.ambiguous_next -= 1;
            return Fault::Ambiguous {
                mode: self.ambiguous_mode,
            };
        }
        let (Some(storm), Some(rng)) = (&self.storm, self.rng.as_mut()) else {
            return Fault::Proceed;
        };
        let roll = rng.random::<f64>() * 100.0;
        let mut edge = storm.server_error_percent;
        if roll < edge {
            return Fault::ServerError(self.status());
        }
        edge += storm.rate_limit_percent;
        if roll < edge {
            return Fault::RateLimited {
                retry_after: self.retry_after_seconds,
            };
        }
        edge += storm.timeout_percent;
        if roll < edge {
            return Fault::Timeout {
                hang_ms: self.hang_ms,
            };
        }
        edge += storm.ambiguous_percent;
        if roll < edge {
            // Storms alternate the two ways of losing an answer.
            let mode = if rng.random::<bool>() {
                AmbiguousMode::Drop
            } else {
                AmbiguousMode::ServerError
            };
            return Fault::Ambiguous { mode };
        }
        Fault::Proceed
    }

    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.fail_status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
    }
}

/// Per endpoint fault state, inside [`SimState`].
#[derive(Debug, Default)]
pub(crate) struct Faults {
    endpoints: BTreeMap<PublishEndpoint, EndpointFaults>,
}

impl Faults {
    pub(crate) fn apply(
        &mut self,
        settings: &FaultSettings,
        platform: Option<Platform>,
    ) -> Result<(), KnobError> {
        if let Some(status) = settings.fail_status
            && !(500..=599).contains(&status)
        {
            return Err(KnobError("faults.fail_status must be a 5xx".into()));
        }
        if let Some(storm) = &settings.storm {
            storm.validate()?;
        }
        let targets: Vec<PublishEndpoint> = match settings.endpoint {
            Some(endpoint) => vec![endpoint],
            None => PublishEndpoint::ALL
                .into_iter()
                .filter(|e| platform.is_none_or(|p| e.platform() == p))
                .collect(),
        };
        for endpoint in targets {
            self.endpoints
                .entry(endpoint)
                .or_default()
                .apply(settings, endpoint);
        }
        Ok(())
    }

    fn draw(&mut self, endpoint: PublishEndpoint) -> (u64, Fault) {
        match self.endpoints.get_mut(&endpoint) {
            Some(faults) => (faults.latency_ms, faults.draw()),
            None => (0, Fault::Proceed),
        }
    }

    pub(crate) fn snapshot(&self) -> BTreeMap<PublishEndpoint, EndpointFaults> {
        self.endpoints.clone()
    }
}

/// Counts what was injected, for the state snapshot.
fn count(state: &mut SimState, platform: Platform, fault: Fault) {
    let stats = state.stats_mut(platform);
    match fault {
        Fault::Proceed => {}
        Fault::ServerError(_) => stats.injected_failures += 1,
        Fault::RateLimited { .. } => stats.injected_rate_limits += 1,
        Fault::Timeout { .. } => stats.injected_timeouts += 1,
        Fault::Ambiguous { .. } => stats.injected_ambiguous += 1,
    }
}

/// What a handler does first: wait out the latency, then either answer at once (5xx, rate
/// limit, timeout) or go on with the returned fault to apply after the work.
pub(crate) async fn enter(
    shared: &Shared,
    endpoint: PublishEndpoint,
    page_id: Option<&str>,
) -> Result<Fault, HttpResponse> {
    let platform = endpoint.platform();
    let (latency, fault, now) = {
        let mut state = shared.lock();
        let (latency, fault) = state.faults.draw(endpoint);
        count(&mut state, platform, fault);
        (latency, fault, state.now())
    };
    if latency > 0 {
        tokio::time::sleep(StdDuration::from_millis(latency)).await;
    }
    match fault {
        Fault::Proceed | Fault::Ambiguous { .. } => Ok(fault),
        Fault::ServerError(status) => Err(platforms::injected_failure(platform, status)),
        Fault::RateLimited { retry_after } => {
            let mut response = platforms::rate_limited(platform, None, retry_after, now, page_id);
            platforms::set_header(
                response.headers_mut(),
                "retry-after",
                &retry_after.to_string(),
            );
            Err(response)
        }
        Fault::Timeout { hang_ms } => {
            tokio::time::sleep(StdDuration::from_millis(hang_ms)).await;
            Err(broken_response())
        }
    }
}

/// What a handler answers after its work: the answer, or (ambiguous) a lost one.
pub(crate) fn leave(fault: Fault, platform: Platform, answer: HttpResponse) -> HttpResponse {
    match fault {
        Fault::Ambiguous {
            mode: AmbiguousMode::ServerError,
        } => platforms::injected_failure(platform, StatusCode::SERVICE_UNAVAILABLE),
        Fault::Ambiguous {
            mode: AmbiguousMode::Drop,
        } => broken_response(),
        _ => answer,
    }
}

/// A 200 whose body fails mid-way: actix sends the head, then closes the connection, so the
/// client sees a broken answer (a transport error) and cannot know what happened.
fn broken_response() -> HttpResponse {
    let body = futures_util::stream::iter([
        Ok::<Bytes, std::io::Error>(Bytes::from_static(b"{\"data\":")),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "simulated lost answer",
        )),
    ]);
    HttpResponse::Ok()
        .content_type("application/json")
        .streaming(body)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn all_lists_each_endpoint_once_with_its_platform() {
        let unique: BTreeSet<_> = PublishEndpoint::ALL.iter().collect();
        assert_eq!(unique.len(), PublishEndpoint::ALL.len());
        assert_eq!(PublishEndpoint::ALL.len(), 31);
        let facebook = PublishEndpoint::ALL
            .iter()
            .filter(|e| e.platform() == Platform::Facebook)
            .count();
        assert_eq!(
            facebook, 10,
            "feed, photos, posts, post, videos (commit, start, transfer, list), reels (commit, upload)"
        );
    }
}
