//! Remote asset access for Socialpub: an SSRF-guarded HTTP fetcher that reads assets in small
//! byte ranges, and a metadata probe that fills in dimensions, duration, frame rate, size and
//! type from a file's headers without downloading the whole file.
//!
//! The fetcher implements [`socialpub_ports::AssetFetcher`]; the probe implements
//! [`socialpub_ports::AssetMetadataProbe`] on top of any fetcher, so it can be tested with
//! in-memory bytes as well as over HTTP.

mod address_policy;
mod body;
mod content_range;
mod error_map;
mod http_fetcher;
mod image_header;
mod ip_range;
mod mime;
mod mp4_layout;
mod mp4_metadata;
mod probe;
mod probe_limits;
mod redirect;
mod remote_reader;
mod settings;
mod target;
mod webhook_sender;

pub use address_policy::{AddressPolicy, ForbiddenReason, classify_ip};
pub use http_fetcher::HttpAssetFetcher;
pub use ip_range::{IpRange, IpRangeError};
pub use probe::HeaderProbe;
pub use probe_limits::ProbeLimits;
pub use redirect::{RedirectError, redirect_target};
pub use settings::AssetFetchSettings;
pub use webhook_sender::HttpWebhookSender;
