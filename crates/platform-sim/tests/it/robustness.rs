//! Malformed requests get the platform's error shape, never a 500 of the simulator's own.

use reqwest::{Method, StatusCode};

use crate::common::start;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_never_yields_a_500() {
    let sim = start(true);
    let base = sim.handle.base_url();
    let paths = [
        "x/oauth/i/oauth2/authorize",
        "x/api/2/oauth2/token",
        "x/api/2/oauth2/revoke",
        "x/api/2/users/me",
        "pinterest/oauth/oauth/",
        "pinterest/api/v5/oauth/token",
        "pinterest/api/v5/user_account",
        "pinterest/api/v5/boards",
        "tiktok/oauth/v2/auth/authorize/",
        "tiktok/api/v2/oauth/token/",
        "tiktok/api/v2/oauth/revoke/",
        "tiktok/api/v2/user/info/",
        "facebook/oauth/v25.0/dialog/oauth",
        "facebook/oauth/vX/dialog/oauth",
        "facebook/api/v25.0/oauth/access_token",
        "facebook/api/v25.0/me",
        "facebook/api/v25.0/me/accounts",
        "facebook/api/v25.0/me/permissions",
        "facebook/api/v25.0/debug_token",
        "facebook/api/v25.0/a/b/c/d",
        "instagram/oauth/oauth/authorize",
        "instagram/token/oauth/access_token",
        "instagram/api/access_token",
        "instagram/api/refresh_access_token",
        "instagram/api/v25.0/me",
        "linkedin/oauth/oauth/v2/authorization",
        "linkedin/oauth/oauth/v2/accessToken",
        "linkedin/oauth/oauth/v2/revoke",
        "linkedin/oauth/oauth/v2/introspectToken",
        "linkedin/api/v2/userinfo",
        "linkedin/api/rest/organizationAcls",
        "linkedin/api/rest/organizations/%FF%FE",
        "_sim/consent/nope",
        "nowhere/at/all",
    ];
    let queries = [
        "",
        "?client_id=%FF%FE&redirect_uri=::::&scope=%00&state=&code_challenge=%E2%82",
        "?fields=%7B%7B%7D&limit=-1&after=%%%&access_token=&page_size=999999999999999999999&bookmark=%00",
    ];
    for path in paths {
        for query in queries {
            let url = format!("{base}{path}{query}");
            for method in [Method::GET, Method::POST, Method::DELETE] {
                let response = sim
                    .http
                    .request(method.clone(), &url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("authorization", "Basic %%%not-base64")
                    .body(vec![0xFF, b'=', b'&', b'&', 0xFE, b'=', b'%'])
                    .send()
                    .await
                    .unwrap();
                assert!(
                    !response.status().is_server_error(),
                    "{method} {url} -> {}",
                    response.status()
                );
                assert_ne!(response.status(), StatusCode::OK, "{method} {url}");
            }
        }
    }
    sim.handle.stop().await;
}
