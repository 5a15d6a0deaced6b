use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::Deserialize;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

/// Values above this are Unix epoch seconds; below, seconds from now (some platforms send
/// `x-ratelimit-reset` as a delay).
const EPOCH_THRESHOLD: i64 = 1_000_000_000;

/// A rate-limit window as the platform reports it in response headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in the window (100 for Meta's percentage headers).
    pub limit: Option<u64>,
    /// Requests left in the window (percent left for Meta's headers).
    pub remaining: Option<u64>,
    /// When the window resets.
    pub reset_at: Option<OffsetDateTime>,
}

impl RateLimit {
    /// Whether the window is used up.
    pub fn exhausted(&self) -> bool {
        self.remaining == Some(0)
    }
}

/// [`read_rate_limit_at`] with the current time.
pub fn read_rate_limit(headers: &HeaderMap) -> Option<RateLimit> {
    read_rate_limit_at(headers, OffsetDateTime::now_utc())
}

/// Reads the rate-limit headers of a response:
///
/// - X: `x-rate-limit-limit`, `x-rate-limit-remaining`, `x-rate-limit-reset` (epoch seconds);
/// - Pinterest and others: `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset`
///   (epoch seconds, or seconds from now when small);
/// - Meta: `X-App-Usage`, `X-Page-Usage`, `X-Business-Use-Case-Usage` JSON percentages, as
///   `limit = 100` and `remaining = 100 - highest percentage used`, with
///   `estimated_time_to_regain_access` (minutes) as the reset.
///
/// `None` when the response carries none of them.
pub fn read_rate_limit_at(headers: &HeaderMap, now: OffsetDateTime) -> Option<RateLimit> {
    for prefix in ["x-rate-limit-", "x-ratelimit-"] {
        let limit = header_u64(headers, &format!("{prefix}limit"));
        let remaining = header_u64(headers, &format!("{prefix}remaining"));
        let reset_at =
            header_i64(headers, &format!("{prefix}reset")).and_then(|v| reset_time(v, now));
        if limit.is_some() || remaining.is_some() || reset_at.is_some() {
            return Some(RateLimit {
                limit,
                remaining,
                reset_at,
            });
        }
    }
    meta_usage(headers, now)
}

/// How long to wait before retrying, from `Retry-After` (seconds or an HTTP date), else from
/// a rate-limit reset header (`x-rate-limit-reset` as X sends it, epoch seconds;
/// `x-ratelimit-reset`). Never negative.
pub fn retry_after(headers: &HeaderMap, now: OffsetDateTime) -> Option<Duration> {
    if let Some(wait) = retry_after_header(headers, now) {
        return Some(wait);
    }
    ["x-rate-limit-reset", "x-ratelimit-reset"]
        .into_iter()
        .find_map(|name| header_i64(headers, name))
        .and_then(|value| reset_time(value, now))
        .map(|at| non_negative(at - now))
}

/// The `Retry-After` header alone (seconds or an HTTP date), never negative. For platforms
/// that send their window's reset on every answer: that reset only says when to come back
/// once the window is used up, not after a server error.
pub fn retry_after_header(headers: &HeaderMap, now: OffsetDateTime) -> Option<Duration> {
    let value = header_str(headers, RETRY_AFTER.as_str())?;
    if let Ok(seconds) = value.parse::<i64>() {
        return Some(Duration::seconds(seconds.max(0)));
    }
    parse_http_date(value).map(|at| non_negative(at - now))
}

fn non_negative(duration: Duration) -> Duration {
    duration.max(Duration::ZERO)
}

fn reset_time(value: i64, now: OffsetDateTime) -> Option<OffsetDateTime> {
    if value >= EPOCH_THRESHOLD {
        OffsetDateTime::from_unix_timestamp(value).ok()
    } else {
        now.checked_add(Duration::seconds(value.max(0)))
    }
}

/// IMF-fixdate (RFC 9110 section 5.6.7), the only HTTP date format senders may produce.
fn parse_http_date(value: &str) -> Option<OffsetDateTime> {
    const IMF_FIXDATE: &[FormatItem<'static>] = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    PrimitiveDateTime::parse(value.trim(), IMF_FIXDATE)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    header_str(headers, name)?.parse().ok()
}

fn header_i64(headers: &HeaderMap, name: &str) -> Option<i64> {
    let value = header_str(headers, name)?;
    value
        .parse::<i64>()
        .ok()
        .or_else(|| value.parse::<f64>().ok().map(|f| f as i64))
}

#[derive(Debug, Default, Deserialize)]
struct MetaUsage {
    #[serde(default)]
    call_count: Option<f64>,
    #[serde(default)]
    total_time: Option<f64>,
    #[serde(default)]
    total_cputime: Option<f64>,
    #[serde(default)]
    estimated_time_to_regain_access: Option<f64>,
}

impl MetaUsage {
    fn max_percent(&self) -> Option<f64> {
        [self.call_count, self.total_time, self.total_cputime]
            .into_iter()
            .flatten()
            .reduce(f64::max)
    }
}

fn meta_usage(headers: &HeaderMap, now: OffsetDateTime) -> Option<RateLimit> {
    let mut usages: Vec<MetaUsage> = Vec::new();
    for name in ["x-app-usage", "x-page-usage"] {
        if let Some(usage) = header_str(headers, name).and_then(|v| serde_json::from_str(v).ok()) {
            usages.push(usage);
        }
    }
    if let Some(value) = header_str(headers, "x-business-use-case-usage") {
        // {"<business id>": [{"type": "pages", "call_count": 5, ...}]}
        if let Ok(map) =
            serde_json::from_str::<std::collections::HashMap<String, Vec<MetaUsage>>>(value)
        {
            usages.extend(map.into_values().flatten());
        }
    }
    let used = usages
        .iter()
        .filter_map(MetaUsage::max_percent)
        .reduce(f64::max)?;
    let used = used.clamp(0.0, 100.0).round() as u64;
    let wait_minutes = usages
        .iter()
        .filter_map(|u| u.estimated_time_to_regain_access)
        .reduce(f64::max)
        .filter(|minutes| *minutes > 0.0);
    Some(RateLimit {
        limit: Some(100),
        remaining: Some(100 - used),
        reset_at: wait_minutes
            .and_then(|minutes| now.checked_add(Duration::seconds((minutes * 60.0) as i64))),
    })
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-03-01 12:00:00 UTC);

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn retry_after_seconds() {
        let h = headers(&[("retry-after", "120")]);
        assert_eq!(retry_after(&h, NOW), Some(Duration::seconds(120)));
    }

    #[test]
    fn retry_after_http_date() {
        let h = headers(&[("retry-after", "Sun, 01 Mar 2026 12:01:30 GMT")]);
        assert_eq!(retry_after(&h, NOW), Some(Duration::seconds(90)));
        let past = headers(&[("retry-after", "Sun, 01 Mar 2026 11:00:00 GMT")]);
        assert_eq!(retry_after(&past, NOW), Some(Duration::ZERO));
    }

    #[test]
    fn retry_after_from_epoch_reset() {
        let reset = NOW.unix_timestamp() + 300;
        let value = HeaderValue::from_str(&reset.to_string()).ok();
        let mut h = HeaderMap::new();
        if let Some(value) = value {
            h.insert("x-rate-limit-reset", value);
        }
        assert_eq!(retry_after(&h, NOW), Some(Duration::seconds(300)));
        let relative = headers(&[("x-ratelimit-reset", "42")]);
        assert_eq!(retry_after(&relative, NOW), Some(Duration::seconds(42)));
        assert_eq!(retry_after(&HeaderMap::new(), NOW), None);
        let junk = headers(&[("retry-after", "soon")]);
        assert_eq!(retry_after(&junk, NOW), None);
    }

    #[test]
    fn retry_after_header_ignores_window_resets() {
        let h = headers(&[("x-rate-limit-reset", "42")]);
        assert_eq!(retry_after_header(&h, NOW), None);
        let h = headers(&[("x-rate-limit-reset", "42"), ("retry-after", "7")]);
        assert_eq!(retry_after_header(&h, NOW), Some(Duration::seconds(7)));
    }

    #[test]
    fn reads_x_headers() {
        let h = headers(&[
            ("x-rate-limit-limit", "75"),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", "1772366700"),
        ]);
        let limit = read_rate_limit_at(&h, NOW);
        assert_eq!(
            limit,
            Some(RateLimit {
                limit: Some(75),
                remaining: Some(0),
                reset_at: OffsetDateTime::from_unix_timestamp(1_772_366_700).ok(),
            })
        );
        assert!(limit.is_some_and(|l| l.exhausted()));
    }

    #[test]
    fn reads_pinterest_style_headers() {
        let h = headers(&[
            ("x-ratelimit-limit", "1000"),
            ("x-ratelimit-remaining", "998"),
        ]);
        assert_eq!(
            read_rate_limit_at(&h, NOW),
            Some(RateLimit {
                limit: Some(1000),
                remaining: Some(998),
                reset_at: None
            })
        );
        assert_eq!(read_rate_limit_at(&HeaderMap::new(), NOW), None);
    }

    #[test]
    fn reads_meta_usage_percentages() {
        let h = headers(&[(
            "x-app-usage",
            r#"{"call_count":28,"total_time":25,"total_cputime":91}"#,
        )]);
        let limit = read_rate_limit_at(&h, NOW);
        assert_eq!(limit.and_then(|l| l.remaining), Some(9));
        assert_eq!(limit.and_then(|l| l.limit), Some(100));

        let h = headers(&[(
            "x-business-use-case-usage",
            r#"{"112233":[{"type":"pages","call_count":100,"total_cputime":10,"total_time":10,"estimated_time_to_regain_access":5}]}"#,
        )]);
        let limit = read_rate_limit_at(&h, NOW);
        assert_eq!(limit.and_then(|l| l.remaining), Some(0));
        assert_eq!(
            limit.and_then(|l| l.reset_at),
            Some(NOW + Duration::minutes(5))
        );
    }
}
