use std::future::Future;

use async_trait::async_trait;
use reqwest::header::{
    ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, HeaderMap, LOCATION, RANGE,
};
use reqwest::{Client, Method, Response, StatusCode, redirect};
use socialpub_domain::AssetUrl;
use socialpub_ports::{AssetFetchError, AssetFetcher, RemoteAssetInfo};
use url::Url;

use crate::body::read_window;
use crate::content_range::ContentRange;
use crate::error_map::fetch_error;
use crate::redirect::{RedirectError, redirect_target};
use crate::target::{CheckedTarget, check_target};
use crate::{AddressPolicy, AssetFetchSettings};

/// Reads remote assets over HTTP(S) with `HEAD` and ranged `GET` requests, refusing to reach
/// private, loopback or link-local addresses unless the settings allow it (DESIGN.md §5).
///
/// Each hop resolves and checks the host itself and then uses a client pinned to exactly the
/// checked addresses, so neither a redirect nor a changed DNS answer can lead a request inside
/// the network. Proxies from the environment are ignored for the same reason: a proxy would
/// make the connection somewhere the check never saw.
#[derive(Debug, Clone)]
pub struct HttpAssetFetcher {
    settings: AssetFetchSettings,
    policy: AddressPolicy,
}

impl HttpAssetFetcher {
    #[must_use]
    pub fn new(settings: AssetFetchSettings) -> Self {
        // reqwest is built with `rustls-no-provider`; a provider installed earlier wins.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let policy = AddressPolicy::from_settings(&settings);
        Self { settings, policy }
    }

    #[must_use]
    pub fn settings(&self) -> &AssetFetchSettings {
        &self.settings
    }

    /// Runs one whole operation (all hops, headers and body) under the total deadline.
    async fn with_deadline<T>(
        &self,
        operation: impl Future<Output = Result<T, AssetFetchError>>,
    ) -> Result<T, AssetFetchError> {
        tokio::time::timeout(self.settings.total_timeout, operation)
            .await
            .unwrap_or(Err(AssetFetchError::Timeout))
    }

    fn client_for(&self, target: &CheckedTarget) -> Result<Client, AssetFetchError> {
        let mut builder = Client::builder()
            .redirect(redirect::Policy::none())
            .no_proxy()
            .connect_timeout(self.settings.connect_timeout)
            .timeout(self.settings.total_timeout)
            .user_agent(self.settings.user_agent.clone());
        if let Some(domain) = &target.domain {
            builder = builder.resolve_to_addrs(domain, &target.addrs);
        }
        builder
            .build()
            .map_err(|e| AssetFetchError::Network(format!("http client setup failed: {e}")))
    }

    /// Sends `method` to `url`, following up to `max_redirects` redirects by hand and checking
    /// every target's addresses before connecting to it.
    async fn send(
        &self,
        method: Method,
        url: &Url,
        range: Option<&str>,
    ) -> Result<Response, AssetFetchError> {
        let mut current = url.clone();
        let mut redirects = 0u8;
        loop {
            let target =
                check_target(&current, &self.policy, self.settings.connect_timeout).await?;
            let client = self.client_for(&target)?;
            let mut request = client.request(method.clone(), current.clone());
            if let Some(range) = range {
                request = request.header(RANGE, range);
            }
            let response = request.send().await.map_err(fetch_error)?;
            let location = response
                .status()
                .is_redirection()
                .then(|| response.headers().get(LOCATION))
                .flatten();
            let Some(location) = location else {
                return Ok(response);
            };
            if redirects >= self.settings.max_redirects {
                return Err(redirect_failed(&RedirectError::TooMany(
                    self.settings.max_redirects,
                )));
            }
            let location = location
                .to_str()
                .map_err(|_| redirect_failed(&RedirectError::Malformed))?;
            current = redirect_target(&current, location).map_err(|e| redirect_failed(&e))?;
            redirects += 1;
            tracing::debug!(
                host = current.host_str(),
                redirects,
                "following asset redirect"
            );
        }
    }

    async fn info_inner(&self, url: &Url) -> Result<RemoteAssetInfo, AssetFetchError> {
        let head = self.send(Method::HEAD, url, None).await?;
        let status = head.status();
        if status.is_success() {
            return Ok(info_from_headers(head.headers(), None, false));
        }
        if !head_refused(status) {
            return Err(AssetFetchError::Status(status.as_u16()));
        }
        tracing::debug!(%status, "HEAD refused; asking for the first byte instead");
        let probe = self.send(Method::GET, url, Some("bytes=0-0")).await?;
        let headers = probe.headers();
        match probe.status() {
            StatusCode::PARTIAL_CONTENT | StatusCode::RANGE_NOT_SATISFIABLE => {
                let total = header_str(headers, CONTENT_RANGE)
                    .and_then(ContentRange::parse)
                    .and_then(|range| range.total);
                Ok(info_from_headers(headers, Some(total), true))
            }
            s if s.is_success() => Ok(info_from_headers(headers, None, false)),
            s => Err(AssetFetchError::Status(s.as_u16())),
        }
        // The probe response is dropped here unread: only its headers were wanted.
    }

    async fn read_range_inner(
        &self,
        url: &Url,
        start: u64,
        len: u32,
    ) -> Result<Vec<u8>, AssetFetchError> {
        let limit = self.settings.max_probe_bytes;
        if u64::from(len) > limit {
            return Err(AssetFetchError::TooLarge { limit });
        }
        let end = start.saturating_add(u64::from(len) - 1);
        let range = format!("bytes={start}-{end}");
        let mut response = self.send(Method::GET, url, Some(&range)).await?;
        let wanted = usize::try_from(len).unwrap_or(usize::MAX);
        match response.status() {
            StatusCode::PARTIAL_CONTENT => {
                let served_from = header_str(response.headers(), CONTENT_RANGE)
                    .and_then(ContentRange::parse)
                    .and_then(|r| r.start);
                if served_from.is_some_and(|from| from != start) {
                    return Err(AssetFetchError::Network(
                        "asset server answered a different byte range".to_owned(),
                    ));
                }
                read_window(&mut response, 0, wanted).await
            }
            StatusCode::OK => {
                // Range ignored: the file comes from its first byte. Skip up to `start`, but
                // only within the byte budget.
                if start.saturating_add(u64::from(len)) > limit {
                    return Err(AssetFetchError::TooLarge { limit });
                }
                read_window(&mut response, start, wanted).await
            }
            StatusCode::RANGE_NOT_SATISFIABLE => Ok(Vec::new()),
            status => Err(AssetFetchError::Status(status.as_u16())),
        }
    }
}

#[async_trait]
impl AssetFetcher for HttpAssetFetcher {
    async fn info(&self, url: &AssetUrl) -> Result<RemoteAssetInfo, AssetFetchError> {
        self.with_deadline(self.info_inner(url.as_url())).await
    }

    async fn read_range(
        &self,
        url: &AssetUrl,
        start: u64,
        len: u32,
    ) -> Result<Vec<u8>, AssetFetchError> {
        if len == 0 {
            return Ok(Vec::new());
        }
        self.with_deadline(self.read_range_inner(url.as_url(), start, len))
            .await
    }
}

/// Statuses with which servers refuse `HEAD` while still serving `GET` (pre-signed object
/// store URLs are signed for one method, hence 403).
fn head_refused(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_IMPLEMENTED | StatusCode::FORBIDDEN
    )
}

fn redirect_failed(error: &RedirectError) -> AssetFetchError {
    AssetFetchError::Network(error.to_string())
}

fn header_str(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Reads the info from response headers. `length_from_range` is the total from
/// `Content-Range` when the response was partial (`Content-Length` then counts only the part).
fn info_from_headers(
    headers: &HeaderMap,
    length_from_range: Option<Option<u64>>,
    partial: bool,
) -> RemoteAssetInfo {
    let content_length = length_from_range
        .unwrap_or_else(|| header_str(headers, CONTENT_LENGTH).and_then(|v| v.trim().parse().ok()));
    let accepts_ranges = partial
        || header_str(headers, ACCEPT_RANGES).is_some_and(|v| {
            v.split(',')
                .any(|unit| unit.trim().eq_ignore_ascii_case("bytes"))
        });
    RemoteAssetInfo {
        content_type: header_str(headers, CONTENT_TYPE).map(str::to_owned),
        content_length,
        accepts_ranges,
    }
}
