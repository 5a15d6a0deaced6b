use std::net::SocketAddr;
use std::time::Duration;

use socialpub_ports::AssetFetchError;
use url::{Host, Url};

use crate::AddressPolicy;

/// Where one request may go: the checked addresses, and the host name to pin them to.
///
/// The addresses are resolved and checked once, here, and the HTTP client is then told to use
/// exactly these for the host (`ClientBuilder::resolve_to_addrs`). A second DNS answer, which
/// an attacker's name server could switch to an internal address after the check (DNS
/// rebinding), is therefore never asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CheckedTarget {
    /// The DNS name to pin, or `None` when the URL names an IP address literally.
    pub(crate) domain: Option<String>,
    pub(crate) addrs: Vec<SocketAddr>,
}

/// Resolves `url`'s host and refuses it when any of its addresses is forbidden.
///
/// Every address must pass, not just one: a name that answers with an internal address next to
/// a public one is refused rather than half-trusted. IP literals are judged without any DNS
/// look-up or connection attempt.
///
/// # Errors
/// [`AssetFetchError::ForbiddenAddress`] for a forbidden address, [`AssetFetchError::Timeout`]
/// when resolution takes longer than `resolve_timeout`, [`AssetFetchError::Network`] when the
/// URL has no host or the name does not resolve.
pub(crate) async fn check_target(
    url: &Url,
    policy: &AddressPolicy,
    resolve_timeout: Duration,
) -> Result<CheckedTarget, AssetFetchError> {
    let port = url
        .port_or_known_default()
        .ok_or_else(|| AssetFetchError::Network("asset url has no port".to_owned()))?;
    let (domain, addrs) = match url.host() {
        Some(Host::Ipv4(ip)) => (None, vec![SocketAddr::new(ip.into(), port)]),
        Some(Host::Ipv6(ip)) => (None, vec![SocketAddr::new(ip.into(), port)]),
        Some(Host::Domain(name)) => {
            let addrs = resolve(name, port, resolve_timeout).await?;
            (Some(name.to_owned()), addrs)
        }
        None => return Err(AssetFetchError::Network("asset url has no host".to_owned())),
    };
    for addr in &addrs {
        policy.check(*addr)?;
    }
    Ok(CheckedTarget { domain, addrs })
}

async fn resolve(
    name: &str,
    port: u16,
    timeout: Duration,
) -> Result<Vec<SocketAddr>, AssetFetchError> {
    let lookup = tokio::net::lookup_host((name, port));
    let addrs: Vec<SocketAddr> = tokio::time::timeout(timeout, lookup)
        .await
        .map_err(|_| AssetFetchError::Timeout)?
        .map_err(|_| AssetFetchError::Network(format!("could not resolve host {name}")))?
        .collect();
    if addrs.is_empty() {
        return Err(AssetFetchError::Network(format!(
            "host {name} has no addresses"
        )));
    }
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AssetFetchSettings;

    fn strict() -> AddressPolicy {
        AddressPolicy::from_settings(&AssetFetchSettings::default())
    }

    async fn check(raw: &str, policy: &AddressPolicy) -> Result<CheckedTarget, AssetFetchError> {
        check_target(&Url::parse(raw).unwrap(), policy, Duration::from_secs(2)).await
    }

    #[tokio::test]
    async fn ip_literals_are_judged_without_resolving() {
        for raw in [
            "http://10.0.0.1/a.png",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]:8080/",
            "http://[::ffff:127.0.0.1]/",
            "http://0x7f.1/",
            "https://100.64.0.1/",
        ] {
            assert!(
                matches!(
                    check(raw, &strict()).await,
                    Err(AssetFetchError::ForbiddenAddress)
                ),
                "{raw}"
            );
        }
        let public = check("https://8.8.8.8/x", &strict()).await.unwrap();
        assert_eq!(public.domain, None);
        assert_eq!(public.addrs, vec!["8.8.8.8:443".parse().unwrap()]);
    }

    #[tokio::test]
    async fn names_resolving_to_loopback_are_refused() {
        assert!(matches!(
            check("http://localhost:9/", &strict()).await,
            Err(AssetFetchError::ForbiddenAddress)
        ));
    }

    #[tokio::test]
    async fn allowed_names_are_pinned_to_what_was_checked() {
        let open = AddressPolicy::from_settings(&AssetFetchSettings::allowing_private_addresses());
        let target = check("http://localhost:9/", &open).await.unwrap();
        assert_eq!(target.domain.as_deref(), Some("localhost"));
        assert!(!target.addrs.is_empty());
        assert!(
            target
                .addrs
                .iter()
                .all(|a| a.ip().is_loopback() && a.port() == 9)
        );
    }
}
