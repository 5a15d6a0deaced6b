use std::net::SocketAddr;
use std::time::Duration;

use crate::IpRange;

/// How [`crate::HttpAssetFetcher`] reaches asset servers.
///
/// The defaults suit production: private and local addresses are refused (DESIGN.md §5), and
/// every request has a deadline so a hanging asset server turns into a quick error instead of a
/// stuck job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetFetchSettings {
    /// Reach loopback, private, link-local and other non-public addresses. Tests and the
    /// platform simulator need this; production must leave it off.
    pub allow_private_addresses: bool,
    /// Exact addresses (IP and port) that may be reached even when private addresses are
    /// refused: a local simulator, say, without opening the whole private range.
    pub extra_allowed_addresses: Vec<SocketAddr>,
    /// Blocks never reached, even when private addresses are allowed: an operator's own
    /// public ranges, say, or a provider's metadata service not known here.
    pub denied_ranges: Vec<IpRange>,
    /// Deadline for DNS resolution plus the TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Deadline for one whole operation (all redirect hops, headers and body).
    pub total_timeout: Duration,
    /// The most body bytes one operation may pull from a server, counting bytes that must be
    /// skipped when a server ignores `Range` and sends the file from its start.
    pub max_probe_bytes: u64,
    /// Redirects followed by hand (each target is checked again before it is contacted).
    pub max_redirects: u8,
    /// Sent as `User-Agent`, so asset hosts can tell who reads their files.
    pub user_agent: String,
}

impl AssetFetchSettings {
    /// Default deadline for connecting.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
    /// Default deadline for a whole operation.
    pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(20);
    /// Default byte budget per operation (16 MiB).
    pub const DEFAULT_MAX_PROBE_BYTES: u64 = 16 * 1024 * 1024;
    /// Default number of redirects followed.
    pub const DEFAULT_MAX_REDIRECTS: u8 = 3;

    /// The defaults with private addresses allowed: for tests and the local simulator.
    #[must_use]
    pub fn allowing_private_addresses() -> Self {
        Self {
            allow_private_addresses: true,
            ..Self::default()
        }
    }
}

impl Default for AssetFetchSettings {
    fn default() -> Self {
        Self {
            allow_private_addresses: false,
            extra_allowed_addresses: Vec::new(),
            denied_ranges: Vec::new(),
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            total_timeout: Self::DEFAULT_TOTAL_TIMEOUT,
            max_probe_bytes: Self::DEFAULT_MAX_PROBE_BYTES,
            max_redirects: Self::DEFAULT_MAX_REDIRECTS,
            user_agent: concat!("socialpub-assets/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}
