//! Sending a Graph request: as [`send_json_redacting`](crate::send_json_redacting), except a
//! 200 carrying the error envelope is a failure, which Graph occasionally answers.

use serde::de::DeserializeOwned;
use socialpub_domain::{Platform, SecretString};
use socialpub_ports::PlatformError;

use super::wire::GraphErrorEnvelope;
use crate::classify::Classify;
use crate::deprecation::report_deprecation;
use crate::redact::redact;
use crate::send::{decode_json, send_checked};

/// Sends a Graph request and reads a JSON body of type `T`; any failure (a 200 with an error
/// envelope included) goes through `classify`, and `secrets` are scrubbed from the platform's
/// message (token calls carry the app secret and the token, which Graph may quote back).
///
/// # Errors
/// Transport failures (Transient), the classifier's verdict, or InvalidRequest for a success
/// body that is not the expected JSON.
pub async fn send_graph_json<T: DeserializeOwned>(
    request: reqwest::RequestBuilder,
    platform: Platform,
    classify: Classify,
    secrets: &[&SecretString],
) -> Result<T, PlatformError> {
    let response = send_checked(request, platform, classify, secrets).await?;
    if GraphErrorEnvelope::is_error_body(&response.body) {
        return Err(redact(
            classify(platform, response.status, &response.headers, &response.body),
            secrets,
        ));
    }
    decode_json(platform, response.status, &response.body)
}

/// As [`send_graph_json`], for a request made with Graph API version `requested`: a sign that
/// Meta will stop serving it (it answered with another version, an
/// `X-Ad-Api-Version-Warning`, or a deprecated-version error) is reported (logged once per
/// process and sign, counted every time), so an operator raises `META_GRAPH_API_VERSION`
/// before calls start failing. `Sunset` and `Deprecation` headers are reported by
/// [`send_checked`] for every platform.
///
/// # Errors
/// As [`send_graph_json`].
pub async fn send_graph_json_at<T: DeserializeOwned>(
    request: reqwest::RequestBuilder,
    platform: Platform,
    classify: Classify,
    secrets: &[&SecretString],
    requested: &str,
) -> Result<T, PlatformError> {
    let response = match send_checked(request, platform, classify, secrets).await {
        Ok(response) => response,
        Err(error) => {
            if let Some(signal) = deprecation_in_error(&error, requested) {
                report_deprecation(platform, &signal);
            }
            return Err(error);
        }
    };
    if let Some(signal) = deprecation_in_headers(&response.headers, requested) {
        report_deprecation(platform, &signal);
    }
    if GraphErrorEnvelope::is_error_body(&response.body) {
        return Err(redact(
            classify(platform, response.status, &response.headers, &response.body),
            secrets,
        ));
    }
    decode_json(platform, response.status, &response.body)
}

/// What a successful Graph answer's headers say about the requested version's future: Meta
/// answered as another version (the requested one is past its end of life), or warned about
/// the version (`X-Ad-Api-Version-Warning`).
pub fn deprecation_in_headers(
    headers: &reqwest::header::HeaderMap,
    requested: &str,
) -> Option<String> {
    let value = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    if let Some(answered) = value("facebook-api-version")
        && !answered.eq_ignore_ascii_case(requested)
    {
        return Some(format!(
            "Graph API {requested} is no longer served: Meta answered as {answered}"
        ));
    }
    value("x-ad-api-version-warning")
        .map(|warning| format!("Graph API {requested} draws a version warning ({warning})"))
}

/// Graph's deprecated-version errors: code 12 ("deprecated for versions v… and higher") and
/// 2635 ("You are calling a deprecated version").
fn deprecation_in_error(error: &PlatformError, requested: &str) -> Option<String> {
    matches!(error.code.as_deref(), Some("12" | "2635")).then(|| {
        format!(
            "Graph API {requested} was refused as deprecated (code {})",
            error.code.as_deref().unwrap_or_default()
        )
    })
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue};

    use super::*;

    #[test]
    fn another_answered_version_or_a_version_warning_is_a_deprecation_signal() {
        let mut headers = HeaderMap::new();
        assert_eq!(deprecation_in_headers(&headers, "v25.0"), None);
        headers.insert("facebook-api-version", HeaderValue::from_static("v25.0"));
        assert_eq!(deprecation_in_headers(&headers, "v25.0"), None);
        headers.insert("facebook-api-version", HeaderValue::from_static("v21.0"));
        let signal = deprecation_in_headers(&headers, "v20.0").unwrap();
        assert!(
            signal.contains("v20.0") && signal.contains("v21.0"),
            "{signal}"
        );
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-ad-api-version-warning",
            HeaderValue::from_static("The call is using v22.0 which will expire on 2027-05-20"),
        );
        assert!(
            deprecation_in_headers(&headers, "v22.0")
                .unwrap()
                .contains("2027-05-20")
        );
    }

    #[test]
    fn a_deprecated_version_error_is_a_signal() {
        let error = crate::platform_error(
            Platform::Facebook,
            socialpub_ports::PlatformErrorKind::InvalidRequest,
            Some("12".to_owned()),
            "(#12) deprecated",
            None,
            None,
        );
        assert!(deprecation_in_error(&error, "v19.0").is_some());
    }
}
