//! The JSON Meta's Graph hosts (`graph.facebook.com`, `graph.instagram.com`,
//! `api.instagram.com`) send with a failure or in the usage headers. Tolerant on purpose: every
//! field has a default, so a new or missing field never hides the error itself.

use std::collections::HashMap;

use serde::Deserialize;

/// The Graph error envelope: `{"error":{"message","type","code","error_subcode",...}}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GraphErrorEnvelope {
    pub error: Option<GraphError>,
}

impl GraphErrorEnvelope {
    /// Whether `body` is an envelope holding an error: Graph occasionally answers a failure
    /// with HTTP 200 and this body, which must not be read as a success.
    pub fn is_error_body(body: &[u8]) -> bool {
        serde_json::from_slice::<Self>(body).is_ok_and(|envelope| envelope.error.is_some())
    }
}

/// The error inside [`GraphErrorEnvelope`]. `code` and `error_subcode` are what Meta tells
/// apps to branch on; the rest is for people.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GraphError {
    pub message: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub code: Option<i64>,
    pub error_subcode: Option<i64>,
    pub is_transient: Option<bool>,
    pub error_user_title: Option<String>,
    pub error_user_msg: Option<String>,
    pub fbtrace_id: Option<String>,
}

/// The older flat error of `api.instagram.com`:
/// `{"error_type":"OAuthException","code":400,"error_message":"Invalid authorization code"}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FlatGraphError {
    pub error_type: Option<String>,
    pub code: Option<i64>,
    pub error_message: Option<String>,
}

/// `X-App-Usage`: percentages of the app's hourly platform limit (throttled at 100).
#[derive(Debug, Default, Clone, Copy, PartialEq, Deserialize)]
#[serde(default)]
pub struct AppUsage {
    pub call_count: f64,
    pub total_cputime: f64,
    pub total_time: f64,
}

/// One entry of `X-Business-Use-Case-Usage`, which is keyed by business object id.
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(default)]
pub struct BusinessUseCaseUsage {
    #[serde(rename = "type")]
    pub kind: String,
    pub call_count: f64,
    pub total_cputime: f64,
    pub total_time: f64,
    /// Minutes until calls are accepted again.
    pub estimated_time_to_regain_access: i64,
}

/// The whole `X-Business-Use-Case-Usage` header: business object id to its usage entries.
pub(crate) type BusinessUseCaseHeader = HashMap<String, Vec<BusinessUseCaseUsage>>;
