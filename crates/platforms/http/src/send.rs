use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use socialpub_domain::Platform;
use socialpub_ports::PlatformError;

use crate::classify::{malformed_body, transport_error};

/// Sends `request`; on success decodes the JSON body as `T`, otherwise hands status,
/// headers and body to `classify`.
///
/// # Errors
/// Transport failures (Transient), the classifier's verdict, or InvalidRequest for a success
/// body that is not the expected JSON (without quoting it).
pub async fn send_json<T: DeserializeOwned>(
    request: reqwest::RequestBuilder,
    platform: Platform,
    classify: fn(Platform, StatusCode, &HeaderMap, &[u8]) -> PlatformError,
) -> Result<T, PlatformError> {
    let (status, body) = send(request, platform, classify).await?;
    serde_json::from_slice(&body).map_err(|e| malformed_body(platform, status, &e))
}

/// Sends `request` and discards a successful body (revocation, deletes).
///
/// # Errors
/// As [`send_json`], without decoding.
pub async fn send_empty(
    request: reqwest::RequestBuilder,
    platform: Platform,
    classify: fn(Platform, StatusCode, &HeaderMap, &[u8]) -> PlatformError,
) -> Result<(), PlatformError> {
    send(request, platform, classify).await.map(|_| ())
}

async fn send(
    request: reqwest::RequestBuilder,
    platform: Platform,
    classify: fn(Platform, StatusCode, &HeaderMap, &[u8]) -> PlatformError,
) -> Result<(StatusCode, Vec<u8>), PlatformError> {
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
        Ok((status, body.to_vec()))
    } else {
        let error = classify(platform, status, &headers, &body);
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
