use socialpub_ports::AssetFetchError;

/// Turns a transport error into the port's error.
///
/// The URL is stripped first: asset URLs are often pre-signed, and their query strings are
/// credentials that must not reach an error message or a log line.
pub(crate) fn fetch_error(error: reqwest::Error) -> AssetFetchError {
    if error.is_timeout() {
        return AssetFetchError::Timeout;
    }
    let error = error.without_url();
    if error.is_connect() {
        return AssetFetchError::Network(format!("could not connect to the asset server: {error}"));
    }
    AssetFetchError::Network(error.to_string())
}
