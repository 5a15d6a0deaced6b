//! Signs that a platform will stop serving what we call (a sunset date, a deprecation notice,
//! an answered version other than the requested one, a version refused as retired): each is
//! logged once per process as a warning naming the setting to change, and every occurrence is
//! counted per platform; `/metrics` shows the distinct signs ([`deprecation_signs`]).
//!
//! [`send_checked`](crate::send_checked) watches every successful answer of every platform for
//! the generic headers (`Sunset`, RFC 8594; `Deprecation`, RFC 9745); platform clients report
//! their own signals (Graph's version answer and errors, LinkedIn's refused version) through
//! [`report_deprecation`].

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, PoisonError};

use reqwest::header::HeaderMap;
use socialpub_domain::Platform;

/// Headers any platform may use to announce that a call is going away.
const GENERIC_HEADERS: &[&str] = &["sunset", "deprecation"];

static COUNTS: [AtomicU64; Platform::ALL.len()] =
    [const { AtomicU64::new(0) }; Platform::ALL.len()];

static WARNED: LazyLock<Mutex<HashSet<(Platform, String)>>> = LazyLock::new(Default::default);

fn slot(platform: Platform) -> Option<&'static AtomicU64> {
    let index = Platform::ALL.iter().position(|p| *p == platform)?;
    COUNTS.get(index)
}

/// What to change when `platform` signals a deprecation.
fn advice(platform: Platform) -> &'static str {
    match platform {
        Platform::Facebook | Platform::Instagram => {
            "set META_GRAPH_API_VERSION to a current version"
        }
        Platform::Linkedin => "set LINKEDIN_API_VERSION to a current YYYYMM version",
        Platform::X | Platform::Pinterest | Platform::Tiktok => {
            "the adapter calls an API the platform is retiring; update it"
        }
    }
}

/// Counts a deprecation signal from `platform` and logs it as a warning the first time this
/// process sees it (`signal` is the text that tells signals apart: it names the header or
/// error, never a token). Returns whether this was the first time.
pub fn report_deprecation(platform: Platform, signal: &str) -> bool {
    if let Some(counter) = slot(platform) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
    let first = WARNED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert((platform, signal.to_owned()));
    if first {
        tracing::warn!(
            platform = platform.as_str(),
            "{platform} signals that an API in use is going away: {signal}; {}",
            advice(platform)
        );
    }
    first
}

/// The generic deprecation header of a successful answer, as a signal to report.
pub fn deprecation_in_generic_headers(headers: &HeaderMap) -> Option<String> {
    GENERIC_HEADERS.iter().find_map(|name| {
        let value = headers.get(*name)?.to_str().ok()?.trim();
        (!value.is_empty()).then(|| format!("the answer carries `{name}: {value}`"))
    })
}

/// How many deprecation signals `platform` gave since the process started.
pub fn deprecation_signals(platform: Platform) -> u64 {
    slot(platform).map_or(0, |c| c.load(Ordering::Relaxed))
}

/// How many distinct signs each platform has given this process (platforms without any are
/// left out): what `/metrics` shows, so that an alert fires on a new sign, not on traffic.
pub fn deprecation_signs() -> Vec<(Platform, u64)> {
    let warned = WARNED.lock().unwrap_or_else(PoisonError::into_inner);
    Platform::ALL
        .iter()
        .map(|p| (*p, warned.iter().filter(|(q, _)| q == p).count() as u64))
        .filter(|(_, n)| *n > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn each_signal_is_counted_every_time_and_warned_once() {
        let before = deprecation_signals(Platform::Pinterest);
        assert!(report_deprecation(Platform::Pinterest, "test: v5 sunset"));
        assert!(!report_deprecation(Platform::Pinterest, "test: v5 sunset"));
        assert!(report_deprecation(Platform::Pinterest, "test: another"));
        assert!(deprecation_signals(Platform::Pinterest) >= before + 3);
    }

    #[test]
    fn distinct_signs_are_listed_per_platform() {
        report_deprecation(Platform::Tiktok, "test: distinct one");
        report_deprecation(Platform::Tiktok, "test: distinct one");
        report_deprecation(Platform::Tiktok, "test: distinct two");
        let signs = deprecation_signs();
        let tiktok = signs
            .iter()
            .find(|(p, _)| *p == Platform::Tiktok)
            .map(|(_, n)| *n);
        assert!(tiktok >= Some(2), "{signs:?}");
    }

    #[test]
    fn sunset_and_deprecation_headers_are_signals() {
        let mut headers = HeaderMap::new();
        assert_eq!(deprecation_in_generic_headers(&headers), None);
        headers.insert("deprecation", HeaderValue::from_static("@1798761600"));
        assert!(
            deprecation_in_generic_headers(&headers)
                .unwrap()
                .contains("deprecation: @1798761600")
        );
        headers.insert(
            "sunset",
            HeaderValue::from_static("Wed, 29 Jul 2028 00:00:00 GMT"),
        );
        assert!(
            deprecation_in_generic_headers(&headers)
                .unwrap()
                .contains("2028")
        );
    }
}
