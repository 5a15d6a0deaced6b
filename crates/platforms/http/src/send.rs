use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use socialpub_domain::{Platform, SecretString};
use socialpub_ports::PlatformError;

use crate::classify::{Classify, malformed_body, transport_error};
use crate::redact::redact;

/// A successful response, read whole: what a caller needs to decode the body or, when the
/// platform hides a failure behind a 2xx, to classify it.
#[derive(Debug)]
pub struct Received {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// Sends `request`; on success decodes the JSON body as `T`, otherwise hands status,
/// headers and body to `classify`.
///
/// # Errors
/// Transport failures (Transient), the classifier's verdict, or InvalidRequest for a success
/// body that is not the expected JSON (without quoting it).
pub async fn send_json<T: DeserializeOwned>(
    request: reqwest::RequestBuilder,
    platform: Platform,
    classify: Classify,
) -> Result<T, PlatformError> {
    send_json_redacting(request, platform, classify, &[]).await
}

/// Sends `request` and discards a successful body (revocation, deletes).
///
/// # Errors
/// As [`send_json`], without decoding.
pub async fn send_empty(
    request: reqwest::RequestBuilder,
    platform: Platform,
    classify: Classify,
) -> Result<(), PlatformError> {
    send_empty_redacting(request, platform, classify, &[]).await
}

/// As [`send_json`], scrubbing `secrets` from the classified error's message: some platforms
/// echo the token or app secret of the request back in their error text.
///
/// # Errors
/// As [`send_json`].
pub async fn send_json_redacting<T: DeserializeOwned>(
    request: reqwest::RequestBuilder,
    platform: Platform,
    classify: Classify,
    secrets: &[&SecretString],
) -> Result<T, PlatformError> {
    let response = send_checked(request, platform, classify, secrets).await?;
    decode_json(platform, response.status, &response.body)
}

/// As [`send_empty`], scrubbing `secrets` from the classified error's message.
///
/// # Errors
/// As [`send_json`], without decoding.
pub async fn send_empty_redacting(
    request: reqwest::RequestBuilder,
    platform: Platform,
    classify: Classify,
    secrets: &[&SecretString],
) -> Result<(), PlatformError> {
    send_checked(request, platform, classify, secrets)
        .await
        .map(|_| ())
}

/// Sends `request` and reads the whole answer. A non-2xx answer goes through `classify`, and
/// `secrets` are scrubbed from the error's message before it is logged or returned. A
/// successful answer announcing its own deprecation (`Sunset`, `Deprecation`) is reported.
///
/// # Errors
/// Transport failures (Transient) or the classifier's verdict.
pub async fn send_checked(
    request: reqwest::RequestBuilder,
    platform: Platform,
    classify: Classify,
    secrets: &[&SecretString],
) -> Result<Received, PlatformError> {
    let response = request
        .send()
        .await
        .map_err(|e| transport_error(platform, &e))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| transport_error(platform, &e))?;
    if status.is_success() {
        if let Some(signal) = crate::deprecation::deprecation_in_generic_headers(&headers) {
            crate::deprecation::report_deprecation(platform, &signal);
        }
        Ok(Received {
            status,
            headers,
            body: body.to_vec(),
        })
    } else {
        let error = redact(classify(platform, status, &headers, &body), secrets);
        tracing::debug!(
            platform = %platform,
            status = status.as_u16(),
            kind = error.kind.as_str(),
            code = error.code.as_deref().unwrap_or(""),
            "platform request failed"
        );
        Err(error)
    }
}

/// Decodes a successful body as `T`; a body of another shape is InvalidRequest (never quoted).
pub(crate) fn decode_json<T: DeserializeOwned>(
    platform: Platform,
    status: StatusCode,
    body: &[u8],
) -> Result<T, PlatformError> {
    serde_json::from_slice(body).map_err(|e| malformed_body(platform, status, &e))
}
