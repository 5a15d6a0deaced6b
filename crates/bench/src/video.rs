//! A worker uploading a large video to the simulator's process, through X's chunked media
//! upload or TikTok's chunked FILE_UPLOAD, with its peak resident memory read from
//! `/proc/self/status` before and after: bytes are read and sent a chunk at a time, so the
//! peak must not grow with the file.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use socialpub_domain::{
    Asset, AssetKind, AssetMetadata, AssetUrl, JobId, NewPublishJob, Platform, PublishJob,
};
use socialpub_ports::{AssetFetchError, AssetFetcher, Publisher, RemoteAssetInfo};
use tokio::sync::oneshot;

use crate::sim::SimProcess;
use crate::world::{World, settings};
use crate::{pg, watch};

/// A video of `size` bytes made up as it is read: an MP4 `ftyp` box, then filler. Nothing of
/// it exists before a range is asked for.
pub struct SyntheticVideo {
    pub size: u64,
}

const FTYP: &[u8] = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom";

#[async_trait]
impl AssetFetcher for SyntheticVideo {
    async fn info(&self, _url: &AssetUrl) -> Result<RemoteAssetInfo, AssetFetchError> {
        Ok(RemoteAssetInfo {
            content_type: Some("video/mp4".into()),
            content_length: Some(self.size),
            accepts_ranges: true,
        })
    }

    async fn read_range(
        &self,
        _url: &AssetUrl,
        start: u64,
        len: u32,
    ) -> Result<Vec<u8>, AssetFetchError> {
        let end = (start + u64::from(len)).min(self.size);
        let bytes = (start..end)
            .map(|at| {
                usize::try_from(at)
                    .ok()
                    .and_then(|i| FTYP.get(i).copied())
                    .unwrap_or((at % 251) as u8)
            })
            .collect();
        Ok(bytes)
    }
}

/// `VmHWM` and `VmRSS` of this process, in bytes.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Lowers the high-water mark to the current RSS (Linux ≥ 4.0), so the peak read after the
/// upload belongs to the upload. False when the kernel refuses.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

pub struct VideoReport {
    pub size: u64,
    pub chunk: u64,
    pub rss_before: u64,
    pub peak_before: u64,
    pub peak_after: u64,
    pub peak_was_reset: bool,
    pub elapsed: Duration,
}

/// The publisher, the chunk it sends and the job's options for `platform` (X or TikTok).
fn uploader(
    sim: &SimProcess,
    platform: Platform,
    size: u64,
) -> anyhow::Result<(Arc<dyn Publisher>, u64, serde_json::Value)> {
    Ok(match platform {
        Platform::Tiktok => {
            let chunk = socialpub_tiktok::TiktokPublishSettings::default().chunk_size;
            (
                Arc::new(sim.tiktok_publisher()?),
                socialpub_tiktok::chunk_plan(size, chunk).0,
                serde_json::json!({"privacy_level": "SELF_ONLY"}),
            )
        }
        _ => (
            Arc::new(sim.x_publisher()?),
            u64::from(socialpub_x::XPublishSettings::default().chunk_size),
            serde_json::json!({}),
        ),
    })
}

pub async fn upload(
    sim: &SimProcess,
    size: u64,
    platform: Platform,
) -> anyhow::Result<VideoReport> {
    let client = match platform {
        Platform::Tiktok => sim.tiktok_platform()?,
        _ => sim.x_platform()?,
    };
    let world = World::new("video", 4, Some(client)).await?;
    let connection = sim
        .connect(&world.connections, &world.user, platform)
        .await?;
    let run = async {
        let asset = Asset {
            url: AssetUrl::parse(sim.base.join("media/bench-video.mp4")?.as_str())?,
            kind: AssetKind::Video,
            metadata: AssetMetadata {
                mime_type: Some("video/mp4".into()),
                size_bytes: Some(size),
                ..AssetMetadata::default()
            },
        };
        let (publisher, chunk, options) = uploader(sim, platform, size)?;
        let job = PublishJob::new(
            NewPublishJob {
                id: JobId::new(),
                post_id: None,
                user_id: world.user.clone(),
                social_connection_id: connection.id,
                platform,
                content_text: "Bench video".into(),
                assets: vec![asset],
                platform_specific_options: options.as_object().cloned().unwrap_or_default(),
                scheduled_at: None,
                time_zone: None,
                metadata: serde_json::Map::new(),
                max_attempts: 3,
            },
            time::OffsetDateTime::now_utc(),
        );
        world.database.jobs().create(None, &[job]).await?;
        let mut engine_settings = settings(1, 1);
        engine_settings.idle_poll = time::Duration::milliseconds(200);
        let engine = world
            .engine(
                publisher,
                Arc::new(SyntheticVideo { size }),
                engine_settings,
                "bench-video",
            )
            .await;
        let watcher = pg::connect(world.url()).await?;
        let peak_was_reset = reset_peak();
        let (peak_before, rss_before) = memory();
        let started = Instant::now();
        let (stop, stopped) = oneshot::channel::<()>();
        let worker = tokio::spawn(async move {
            engine
                .run(async {
                    let _ = stopped.await;
                })
                .await;
        });
        let outcome = watch::until_done(
            &watcher,
            1,
            Duration::from_millis(50),
            Duration::from_secs(600),
        )
        .await;
        let elapsed = started.elapsed();
        let _ = stop.send(());
        let _ = worker.await;
        let (peak_after, _) = memory();
        let outcome = outcome?;
        anyhow::ensure!(outcome.published == 1, "the video was not published");
        Ok::<_, anyhow::Error>(VideoReport {
            size,
            chunk,
            rss_before,
            peak_before,
            peak_after,
            peak_was_reset,
            elapsed,
        })
    };
    let result = run.await;
    world.finish().await?;
    result
}
