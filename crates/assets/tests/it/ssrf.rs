//! DESIGN.md §5: asset URLs must not reach loopback, private or link-local addresses.

use std::net::SocketAddr;
use std::sync::Arc;

use socialpub_assets::{AssetFetchSettings, HeaderProbe, HttpAssetFetcher};
use socialpub_domain::{AssetKind, AssetUrl};
use socialpub_ports::{AssetFetchError, AssetFetcher, AssetMetadataProbe};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::asset;

fn strict() -> HttpAssetFetcher {
    HttpAssetFetcher::new(AssetFetchSettings::default())
}

fn forbidden<T: std::fmt::Debug>(result: Result<T, AssetFetchError>) -> bool {
    matches!(result, Err(AssetFetchError::ForbiddenAddress))
}

async fn answering_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![1u8; 32]))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn loopback_is_refused_before_any_request_is_sent() {
    let server = answering_server().await;
    let port = server.address().port();
    let fetcher = strict();
    for raw in [
        format!("http://127.0.0.1:{port}/a.png"),
        format!("http://localhost:{port}/a.png"),
        format!("http://[::ffff:127.0.0.1]:{port}/a.png"),
    ] {
        let url = AssetUrl::parse(&raw).unwrap();
        assert!(forbidden(fetcher.info(&url).await), "{raw}");
        assert!(forbidden(fetcher.read_range(&url, 0, 16).await), "{raw}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn private_link_local_and_local_names_are_refused() {
    let fetcher = strict();
    // IP literals are judged as they are, so nothing is ever sent to these addresses.
    for raw in [
        "http://localhost/a.png",
        "http://10.0.0.1/a.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/a.png",
        "http://192.168.1.1/a.png",
        "http://100.64.0.1/a.png",
        "http://[fe80::1]/a.png",
        "http://0.0.0.0/a.png",
    ] {
        let url = AssetUrl::parse(raw).unwrap();
        assert!(forbidden(fetcher.info(&url).await), "{raw}");
        assert!(forbidden(fetcher.read_range(&url, 0, 16).await), "{raw}");
    }
}

#[tokio::test]
async fn special_purpose_metadata_and_embedded_forms_are_refused() {
    let fetcher = strict();
    for raw in [
        "http://192.0.2.10/a.png",
        "http://198.51.100.10/a.png",
        "http://203.0.113.10/a.png",
        "http://192.0.0.8/a.png",
        "http://198.18.0.1/a.png",
        "http://240.0.0.1/a.png",
        "http://168.63.129.16/machine",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[2001:db8::1]/a.png",
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
        "http://[64:ff9b:1::1]/a.png",
        "http://[2002:7f00:1::1]/a.png",
        "http://[2001::1]/a.png",
        "http://[::127.0.0.1]/a.png",
    ] {
        let url = AssetUrl::parse(raw).unwrap();
        let error = fetcher.info(&url).await.unwrap_err();
        assert_eq!(error, AssetFetchError::ForbiddenAddress, "{raw}");
        assert!(
            !error.to_string().contains("documentation") && !error.to_string().contains(':'),
            "one generic message, no range or address: {error}"
        );
    }
}

#[tokio::test]
async fn the_deny_list_holds_even_where_private_addresses_are_allowed() {
    let server = answering_server().await;
    let port = server.address().port();
    let fetcher = HttpAssetFetcher::new(AssetFetchSettings {
        denied_ranges: socialpub_assets::IpRange::parse_list("127.0.0.0/8").unwrap(),
        ..AssetFetchSettings::allowing_private_addresses()
    });
    let url = AssetUrl::parse(&format!("http://127.0.0.1:{port}/a.png")).unwrap();
    assert!(forbidden(fetcher.info(&url).await));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_probe_reports_forbidden_addresses() {
    let probe = HeaderProbe::new(Arc::new(strict()));
    let url = AssetUrl::parse("http://169.254.169.254/latest/meta-data/").unwrap();
    assert!(forbidden(probe.probe(&asset(url, AssetKind::Image)).await));
}

/// The first server is allowed as an exact exception; it redirects to a second loopback
/// server, which is not. The redirect target is checked again and refused, and the second
/// server never hears from us.
#[tokio::test]
async fn a_redirect_to_a_forbidden_address_is_refused() {
    let inner = answering_server().await;
    let outer = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/to-inner"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("{}/secret", inner.uri())),
        )
        .mount(&outer)
        .await;
    Mock::given(wiremock::matchers::path("/to-metadata"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", "http://169.254.169.254/latest/meta-data/"),
        )
        .mount(&outer)
        .await;
    Mock::given(wiremock::matchers::path("/to-localhost"))
        .respond_with(ResponseTemplate::new(301).insert_header(
            "location",
            format!("http://localhost:{}/secret", inner.address().port()),
        ))
        .mount(&outer)
        .await;
    let outer_addr: SocketAddr = *outer.address();
    let fetcher = HttpAssetFetcher::new(AssetFetchSettings {
        extra_allowed_addresses: vec![outer_addr],
        ..AssetFetchSettings::default()
    });

    for path in ["/to-inner", "/to-metadata", "/to-localhost"] {
        let url = AssetUrl::parse(&format!("{}{path}", outer.uri())).unwrap();
        assert!(forbidden(fetcher.read_range(&url, 0, 16).await), "{path}");
        assert!(forbidden(fetcher.info(&url).await), "{path}");
    }
    assert_eq!(outer.received_requests().await.unwrap().len(), 6);
    assert!(inner.received_requests().await.unwrap().is_empty());
}
