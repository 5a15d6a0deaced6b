use url::Url;

/// `base` + `path` with `params` appended as query pairs (form-urlencoded).
///
/// `path` is appended to `base`'s own path, so `https://sim.local/x` + `/i/oauth2/authorize`
/// gives `https://sim.local/x/i/oauth2/authorize`; a query already on `base` is kept.
pub fn authorization_url(base: &Url, path: &str, params: &[(&str, &str)]) -> Url {
    let mut url = base.clone();
    let joined = format!(
        "{}/{}",
        base.path().trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    url.set_path(&joined);
    url.set_fragment(None);
    if !params.is_empty() {
        let mut query = url.query_pairs_mut();
        for (name, value) in params {
            query.append_pair(name, value);
        }
    }
    url
}

/// An API endpoint: `base` + `path`, without adding a query.
///
/// `https://api.pinterest.com` + `/v5/user_account`; a base with a path prefix (a simulator
/// mounted under `/pinterest`) keeps it.
pub fn endpoint(base: &Url, path: &str) -> Url {
    authorization_url(base, path, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_path_and_encodes_params() -> Result<(), url::ParseError> {
        let base = Url::parse("https://x.com/")?;
        let url = authorization_url(
            &base,
            "/i/oauth2/authorize",
            &[("scope", "tweet.read users.read"), ("state", "a&b")],
        );
        assert_eq!(url.path(), "/i/oauth2/authorize");
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            vec![
                ("scope".to_owned(), "tweet.read users.read".to_owned()),
                ("state".to_owned(), "a&b".to_owned()),
            ]
        );

        let nested = authorization_url(&Url::parse("http://127.0.0.1:9/sim")?, "oauth/", &[]);
        assert_eq!(nested.path(), "/sim/oauth/");
        assert_eq!(nested.query(), None);
        assert_eq!(
            endpoint(&Url::parse("https://api.x.com")?, "/2/users/me").as_str(),
            "https://api.x.com/2/users/me"
        );
        Ok(())
    }
}
