//! The Graph rate-limit usage headers: they say how close the app is to being throttled and,
//! once it is, how long to wait, which no `Retry-After` does on Graph.

use reqwest::header::HeaderMap;
use time::Duration;

use super::wire::{AppUsage, BusinessUseCaseHeader, BusinessUseCaseUsage};

/// The rate-limit usage headers of one Graph response (either may be absent: Meta sends them
/// only after "enough" calls).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphUsage {
    /// `X-App-Usage`.
    pub app: Option<AppUsage>,
    /// `X-Business-Use-Case-Usage`, as (business object id, usage) pairs.
    pub business_use_case: Vec<(String, BusinessUseCaseUsage)>,
}

impl GraphUsage {
    /// Reads both usage headers; a header that is not the documented JSON is ignored.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let app = header_str(headers, "x-app-usage")
            .and_then(|value| serde_json::from_str::<AppUsage>(value).ok());
        let mut business_use_case: Vec<(String, BusinessUseCaseUsage)> =
            header_str(headers, "x-business-use-case-usage")
                .and_then(|value| serde_json::from_str::<BusinessUseCaseHeader>(value).ok())
                .map(|map| {
                    map.into_iter()
                        .flat_map(|(id, entries)| entries.into_iter().map(move |e| (id.clone(), e)))
                        .collect()
                })
                .unwrap_or_default();
        business_use_case.sort_by(|a, b| a.0.cmp(&b.0));
        Self {
            app,
            business_use_case,
        }
    }

    /// The longest `estimated_time_to_regain_access` (minutes), as a duration.
    pub fn regain_access_in(&self) -> Option<Duration> {
        self.business_use_case
            .iter()
            .map(|(_, usage)| usage.estimated_time_to_regain_access)
            .filter(|minutes| *minutes > 0)
            .max()
            .map(Duration::minutes)
    }

    /// The usage in words, for the message of a quota error (`None` without usage headers).
    pub(crate) fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(app) = &self.app {
            parts.push(format!(
                "app usage call_count {}%, total_cputime {}%, total_time {}%",
                app.call_count, app.total_cputime, app.total_time
            ));
        }
        for (id, usage) in &self.business_use_case {
            parts.push(format!(
                "{} usage of {id}: call_count {}%, regain access in {} min",
                usage.kind, usage.call_count, usage.estimated_time_to_regain_access
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn reads_both_headers_and_the_longest_wait() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-app-usage",
            HeaderValue::from_static(r#"{"call_count":95,"total_cputime":10,"total_time":20}"#),
        );
        headers.insert(
            "x-business-use-case-usage",
            HeaderValue::from_static(
                r#"{"2":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":7}],"1":[{"type":"pages","call_count":50,"estimated_time_to_regain_access":3}]}"#,
            ),
        );
        let usage = GraphUsage::from_headers(&headers);
        assert_eq!(usage.app.map(|a| a.call_count), Some(95.0));
        let ids: Vec<&str> = usage
            .business_use_case
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(usage.regain_access_in(), Some(Duration::minutes(7)));
        assert!(
            usage
                .describe()
                .is_some_and(|d| d.contains("regain access in 7 min"))
        );
    }

    #[test]
    fn ignores_missing_and_garbled_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-app-usage", HeaderValue::from_static("not json"));
        let usage = GraphUsage::from_headers(&headers);
        assert_eq!(usage, GraphUsage::default());
        assert_eq!(usage.regain_access_in(), None);
        assert_eq!(usage.describe(), None);
    }
}
