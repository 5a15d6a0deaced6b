//! Sending a Graph request: as [`send_json_redacting`](crate::send_json_redacting), except a
//! 200 carrying the error envelope is a failure, which Graph occasionally answers.

use serde::de::DeserializeOwned;
use socialpub_domain::{Platform, SecretString};
use socialpub_ports::PlatformError;

use super::wire::GraphErrorEnvelope;
use crate::classify::Classify;
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
