use url::Url;

/// A `Location` header that cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    #[error("redirect location is not a valid URL")]
    Malformed,
    #[error("redirect to a `{0}` URL is not followed")]
    UnsupportedScheme(String),
    #[error("more than {0} redirects")]
    TooMany(u8),
}

/// The URL a redirect points to, resolved against the URL that answered with it.
///
/// Redirects are followed by hand rather than by the HTTP client, because the client would
/// connect to the new host without asking us: every target returned here still goes through
/// the address check before anything is sent to it. Only `http` and `https` targets are
/// followed.
///
/// # Errors
/// [`RedirectError::Malformed`] for an unparsable location or one without a host,
/// [`RedirectError::UnsupportedScheme`] for any scheme but `http`/`https`.
pub fn redirect_target(current: &Url, location: &str) -> Result<Url, RedirectError> {
    let next = current
        .join(location.trim())
        .map_err(|_| RedirectError::Malformed)?;
    match next.scheme() {
        "http" | "https" if next.host().is_some() => Ok(next),
        "http" | "https" => Err(RedirectError::Malformed),
        other => Err(RedirectError::UnsupportedScheme(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://cdn.example.com/media/a.mp4?sig=1").unwrap()
    }

    #[test]
    fn relative_locations_resolve_against_the_current_url() {
        assert_eq!(
            redirect_target(&base(), "/other/b.mp4").unwrap().as_str(),
            "https://cdn.example.com/other/b.mp4"
        );
        assert_eq!(
            redirect_target(&base(), "b.mp4").unwrap().as_str(),
            "https://cdn.example.com/media/b.mp4"
        );
    }

    #[test]
    fn absolute_locations_may_change_host_and_are_checked_later() {
        assert_eq!(
            redirect_target(&base(), "http://169.254.169.254/latest")
                .unwrap()
                .host_str(),
            Some("169.254.169.254")
        );
    }

    #[test]
    fn non_http_locations_are_refused() {
        assert_eq!(
            redirect_target(&base(), "file:///etc/passwd"),
            Err(RedirectError::UnsupportedScheme("file".into()))
        );
        assert_eq!(
            redirect_target(&base(), "gopher://x/"),
            Err(RedirectError::UnsupportedScheme("gopher".into()))
        );
        assert_eq!(
            redirect_target(&base(), "http://"),
            Err(RedirectError::Malformed)
        );
    }
}
