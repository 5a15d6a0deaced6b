use actix_web::test::TestRequest;

use socialpub_http_api::ConnectCallback;

use crate::harness::*;

async fn start_x(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
) -> String {
    let (status, _, body) = send(
        app,
        TestRequest::get()
            .uri("/api/v1/connect/x")
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let url = url::Url::parse(body["authorization_url"].as_str().unwrap()).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned()
}

#[actix_web::test]
async fn connect_answers_the_authorization_url_or_redirects_to_it() {
    let world = World::default();
    let app = world.app().await;
    let state = start_x(&app).await;
    assert!(!state.is_empty());

    let res = actix_web::test::call_service(
        &app,
        TestRequest::get()
            .uri("/api/v1/connect/twitter?redirect=true")
            .insert_header(bearer(ALICE_TOKEN))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 302);
    assert!(
        res.headers()
            .get("location")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("https://fake.example/authorize")
    );
}

#[actix_web::test]
async fn a_login_the_platform_does_not_take_is_a_422_naming_login() {
    let world = World::default();
    let app = world.app().await;
    for uri in [
        "/api/v1/connect/x?login=facebook",
        "/api/v1/connect/x?login=myspace",
        "/api/v1/connect/instagram?login=myspace",
        "/api/v1/connect/facebook?login=facebook",
        "/api/v1/connect/x?login=instagram",
    ] {
        let (status, _, body) = send(
            &app,
            TestRequest::get()
                .uri(uri)
                .insert_header(bearer(ALICE_TOKEN)),
        )
        .await;
        assert_eq!(status, 422, "{uri}: {body}");
        let error = envelope(&body, "unsupported_login");
        assert_eq!(error.field.as_deref(), Some("login"), "{uri}");
    }
    assert!(
        world.oauth_states.is_empty(),
        "no authorization was started"
    );
}

#[actix_web::test]
async fn the_platforms_own_login_may_be_named() {
    let world = World::default();
    let app = world.app().await;
    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/connect/x?login=x")
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[actix_web::test]
async fn facebook_login_without_a_facebook_app_is_not_enabled() {
    let world = World::default();
    let app = world.app().await;
    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/connect/instagram?login=facebook")
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let error = envelope(&body, "platform_not_enabled");
    assert_eq!(error.field.as_deref(), Some("login"));
}

#[actix_web::test]
async fn unknown_and_disabled_platforms_get_clear_errors() {
    let world = World::default();
    let app = world.app().await;
    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/connect/myspace")
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 404);
    envelope(&body, "not_found");
    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/connect/tiktok")
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 422);
    envelope(&body, "platform_not_enabled");
}

#[actix_web::test]
async fn in_development_mode_the_callback_completes_for_the_states_user() {
    let world = World::default();
    let app = world.app().await;
    let state = start_x(&app).await;
    let uri = format!("/api/v1/connect/x/callback?code=good-code&state={state}");
    let (status, _, body) = send(&app, TestRequest::get().uri(&uri)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["connections"][0]["platform"], "x");
    assert!(
        body.to_string().find("access-0").is_none(),
        "no token in the answer"
    );

    let (_, _, list) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/connections")
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["expires_in"], 7200);
    let (_, _, other) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/connections")
            .insert_header(bearer(BOB_TOKEN)),
    )
    .await;
    assert_eq!(other["total"], 0);

    let (status, _, body) = send(&app, TestRequest::get().uri(&uri)).await;
    assert_eq!(status, 400, "a replayed state is refused");
    envelope(&body, "invalid_state");
}

#[actix_web::test]
async fn callback_problems_each_get_their_own_code() {
    let world = World::default();
    let app = world.app().await;
    let cases = [
        (
            "/api/v1/connect/x/callback?code=abc".to_owned(),
            "missing_state",
        ),
        (
            "/api/v1/connect/x/callback?code=abc&state=never-issued".to_owned(),
            "invalid_state",
        ),
        (
            format!(
                "/api/v1/connect/x/callback?state={}&error=access_denied&error_description=no",
                start_x(&app).await
            ),
            "authorization_denied",
        ),
        (
            format!("/api/v1/connect/x/callback?state={}", start_x(&app).await),
            "missing_code",
        ),
        (
            format!(
                "/api/v1/connect/x/callback?state={}&code=bad-code",
                start_x(&app).await
            ),
            "platform_refused_grant",
        ),
        (
            format!(
                "/api/v1/connect/x/callback?state={}&code={}",
                start_x(&app).await,
                "a".repeat(5000)
            ),
            "invalid_parameter",
        ),
    ];
    for (uri, code) in cases {
        let (status, _, body) = send(&app, TestRequest::get().uri(&uri)).await;
        assert_eq!(status, 400, "{code}: {body}");
        envelope(&body, code);
    }
}

#[actix_web::test]
async fn an_expired_state_is_refused() {
    let world = World::default();
    let app = world.app().await;
    let state = start_x(&app).await;
    world.clock.advance(time::Duration::minutes(11));
    let (status, _, body) = send(
        &app,
        TestRequest::get().uri(&format!(
            "/api/v1/connect/x/callback?code=good-code&state={state}"
        )),
    )
    .await;
    assert_eq!(status, 400);
    envelope(&body, "state_expired");
}

fn complete_request(token: &str, platform: &str, state: &str, code: &str) -> TestRequest {
    TestRequest::post()
        .uri(&format!("/api/v1/connect/{platform}/complete"))
        .insert_header(bearer(token))
        .set_json(serde_json::json!({ "code": code, "state": state }))
}

async fn connection_count(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    token: &str,
) -> serde_json::Value {
    let (_, _, list) = send(
        app,
        TestRequest::get()
            .uri("/api/v1/connections")
            .insert_header(bearer(token)),
    )
    .await;
    list["total"].clone()
}

#[actix_web::test]
async fn a_state_completed_by_another_user_is_refused_and_stays_for_its_owner() {
    let world = World {
        connect_callback: ConnectCallback::HandBack,
        ..World::default()
    };
    let app = world.app().await;
    let state = start_x(&app).await;

    let (status, _, body) = send(&app, complete_request(BOB_TOKEN, "x", &state, "good-code")).await;
    assert_eq!(status, 400, "{body}");
    envelope(&body, "invalid_state");
    assert_eq!(connection_count(&app, BOB_TOKEN).await, 0);

    let (status, _, body) = send(
        &app,
        complete_request(ALICE_TOKEN, "x", &state, "good-code"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["platform"], "x");
    assert_eq!(body["connections"][0]["platform"], "x");
    assert_eq!(connection_count(&app, ALICE_TOKEN).await, 1);

    let (status, _, body) = send(
        &app,
        complete_request(ALICE_TOKEN, "x", &state, "good-code"),
    )
    .await;
    assert_eq!(status, 400, "a replayed state is refused");
    envelope(&body, "invalid_state");
}

#[actix_web::test]
async fn completing_needs_a_bearer_token_and_a_well_formed_body() {
    let world = World::default();
    let app = world.app().await;
    let state = start_x(&app).await;
    let (status, _, body) = send(
        &app,
        TestRequest::post()
            .uri("/api/v1/connect/x/complete")
            .set_json(serde_json::json!({ "code": "good-code", "state": state })),
    )
    .await;
    assert_eq!(status, 401);
    envelope(&body, "missing_token");

    let (status, _, body) = send(
        &app,
        TestRequest::post()
            .uri("/api/v1/connect/x/complete")
            .insert_header(bearer(ALICE_TOKEN))
            .set_json(serde_json::json!({ "state": state })),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, _, body) = send(&app, complete_request(ALICE_TOKEN, "x", &state, "")).await;
    assert_eq!(status, 400, "{body}");
    envelope(&body, "missing_code");
}

#[actix_web::test]
async fn without_a_web_app_outside_development_the_callback_hands_back_code_and_state() {
    let world = World {
        connect_callback: ConnectCallback::HandBack,
        ..World::default()
    };
    let app = world.app().await;
    let state = start_x(&app).await;
    let (status, headers, body) = send(
        &app,
        TestRequest::get().uri(&format!(
            "/api/v1/connect/x/callback?code=good-code&state={state}"
        )),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        headers.get("cache-control").unwrap(),
        "no-store",
        "the code is not cached"
    );
    assert_eq!(
        body,
        serde_json::json!({
            "status": "authorized", "platform": "x", "code": "good-code", "state": state,
        })
    );
    assert_eq!(
        connection_count(&app, ALICE_TOKEN).await,
        0,
        "the callback did not complete"
    );
    assert_eq!(world.oauth_states.len(), 1, "nor use up the state");
}

#[actix_web::test]
async fn with_a_web_app_url_the_callback_hands_code_and_state_to_it() {
    let world = World {
        connect_callback: ConnectCallback::HandToWebApp(
            url::Url::parse("https://app.example/connections").unwrap(),
        ),
        ..World::default()
    };
    let app = world.app().await;
    let state = start_x(&app).await;
    let ok = actix_web::test::call_service(
        &app,
        TestRequest::get()
            .uri(&format!(
                "/api/v1/connect/x/callback?code=good-code&state={state}"
            ))
            .to_request(),
    )
    .await;
    assert_eq!(ok.status(), 302);
    assert_eq!(
        ok.headers().get("location").unwrap().to_str().unwrap(),
        format!(
            "https://app.example/connections?status=authorized&platform=x&code=good-code&state={state}"
        )
    );
    let (status, _, body) = send(
        &app,
        complete_request(ALICE_TOKEN, "x", &state, "good-code"),
    )
    .await;
    assert_eq!(status, 200, "the web app page completes: {body}");

    let denied = actix_web::test::call_service(
        &app,
        TestRequest::get()
            .uri(&format!(
                "/api/v1/connect/x/callback?state={}&error=access_denied&error_description=Go+to+evil.example",
                start_x(&app).await
            ))
            .to_request(),
    )
    .await;
    assert_eq!(denied.status(), 302);
    assert_eq!(
        denied.headers().get("location").unwrap(),
        "https://app.example/connections?status=error&platform=x&error=authorization_denied"
    );
    let missing = actix_web::test::call_service(
        &app,
        TestRequest::get()
            .uri("/api/v1/connect/x/callback?code=x")
            .to_request(),
    )
    .await;
    assert_eq!(
        missing.headers().get("location").unwrap(),
        "https://app.example/connections?status=error&platform=x&error=missing_state"
    );
}

#[actix_web::test]
async fn the_platforms_error_description_is_not_echoed() {
    let world = World::default();
    let app = world.app().await;
    let uri = format!(
        "/api/v1/connect/x/callback?state={}&error=access_denied&error_description=Call+%2B1-555-0100+at+evil.example",
        start_x(&app).await
    );
    let (status, _, body) = send(&app, TestRequest::get().uri(&uri)).await;
    assert_eq!(status, 400);
    let envelope = envelope(&body, "authorization_denied");
    assert!(
        !envelope.detail.contains("evil.example") && !envelope.detail.contains("555"),
        "{body}"
    );
}

#[actix_web::test]
async fn refresh_and_disconnect_through_the_api() {
    let world = World::default();
    let app = world.app().await;
    let state = start_x(&app).await;
    let (_, _, body) = send(
        &app,
        TestRequest::get().uri(&format!(
            "/api/v1/connect/x/callback?code=good-code&state={state}"
        )),
    )
    .await;
    let id = body["connections"][0]["id"].as_str().unwrap().to_owned();

    let (status, _, body) = send(
        &app,
        TestRequest::post()
            .uri(&format!("/api/v1/connections/{id}/refresh"))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(world.x.refresh_count(), 1);

    let (status, _, _) = send(
        &app,
        TestRequest::delete()
            .uri(&format!("/api/v1/connections/{id}"))
            .insert_header(bearer(BOB_TOKEN)),
    )
    .await;
    assert_eq!(status, 404, "another user's connection is not found");
    let (status, _, body) = send(
        &app,
        TestRequest::delete()
            .uri(&format!("/api/v1/connections/{id}"))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["revoked_at_platform"], true);
    assert_eq!(world.x.revoked_tokens(), ["access-1"]);
    let (status, _, _) = send(
        &app,
        TestRequest::get()
            .uri(&format!("/api/v1/connections/{id}"))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 404);
}
