use socialpub_domain::Platform;
use socialpub_ports::{PlatformError, PlatformErrorKind};
use url::Url;

use crate::classify::platform_error;

/// `{base}/{segments...}`, each segment percent-encoded (ids and URNs in paths), without the
/// base's query or fragment.
///
/// # Errors
/// InvalidRequest when `base` cannot take a path (`which` names the setting to fix).
pub fn path_url<'s>(
    base: &Url,
    platform: Platform,
    which: &str,
    segments: impl IntoIterator<Item = &'s str>,
) -> Result<Url, PlatformError> {
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.path_segments_mut()
        .map_err(|()| bad_base_url(platform, which))?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

/// A configuration that cannot produce a request URL (a base URL that cannot take a path).
pub fn bad_base_url(platform: Platform, which: &str) -> PlatformError {
    platform_error(
        platform,
        PlatformErrorKind::InvalidRequest,
        None,
        format!("the configured {which} cannot take a path"),
        None,
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_encoded_segments_and_drops_the_query() -> Result<(), Box<dyn std::error::Error>> {
        let base = Url::parse("http://127.0.0.1:9/sim/?q=1#f")?;
        let url = path_url(&base, Platform::Linkedin, "api_base_url", ["rest", "a b"])?;
        assert_eq!(url.as_str(), "http://127.0.0.1:9/sim/rest/a%20b");

        let error = path_url(
            &Url::parse("mailto:x@y.z")?,
            Platform::Facebook,
            "api_base_url",
            ["me"],
        )
        .err()
        .ok_or("a mailto base takes no path")?;
        assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
        assert_eq!(
            error.message,
            "the configured api_base_url cannot take a path"
        );
        Ok(())
    }
}
