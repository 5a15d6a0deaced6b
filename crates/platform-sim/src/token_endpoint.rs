//! The one token endpoint: every platform's `POST /token` (or Meta's `GET /oauth/access_token`)
//! is this handler run over the platform's [`TokenEndpoint`] descriptor.
//!
//! The six platforms differ only in where the endpoint lives, how the client proves itself, how
//! the request is encoded, which grants it takes, what a refresh does, and the exact bodies of
//! answers and errors. The flow (authenticate, pick the grant, redeem or refresh, issue, answer)
//! is the same, so it lives here once and the differences are data.

use actix_web::{HttpRequest, HttpResponse, web};
use socialpub_domain::Platform;
use time::OffsetDateTime;

use crate::config::{AppCredentials, SimulatorConfig};
use crate::oauth::{
    BasicAuth, CodeError, Flavor, Issued, Params, RefreshError, TokenError, TokenKind, basic_auth,
    is_form, secret_eq,
};
use crate::platforms::{facebook, instagram, linkedin, pinterest, tiktok, x};
use crate::state::{Shared, SimState};

/// Every platform's token endpoint.
pub(crate) const ENDPOINTS: [&TokenEndpoint; 6] = [
    &x::TOKEN_ENDPOINT,
    &pinterest::TOKEN_ENDPOINT,
    &tiktok::TOKEN_ENDPOINT,
    &linkedin::TOKEN_ENDPOINT,
    &facebook::TOKEN_ENDPOINT,
    &instagram::TOKEN_ENDPOINT,
];

/// What one platform's token endpoint is.
pub(crate) struct TokenEndpoint {
    pub(crate) platform: Platform,
    pub(crate) route: Route,
    pub(crate) encoding: Encoding,
    pub(crate) client_auth: ClientAuth,
    pub(crate) grant_type: GrantTypeRule,
    pub(crate) code: CodeRule,
    /// Flavor of the access token a code buys.
    pub(crate) code_flavor: Flavor,
    pub(crate) refresh_issue: RefreshIssue,
    pub(crate) refresh_grant: RefreshGrant,
    /// Refresh-token lifetime when neither a knob nor the configuration sets one.
    pub(crate) refresh_default_ttl: Option<i64>,
    /// `grant_type=fb_exchange_token` (Meta's short-lived → long-lived exchange) is accepted.
    pub(crate) long_lived_exchange: bool,
    pub(crate) answer: fn(&TokenAnswer<'_>) -> HttpResponse,
    pub(crate) error: fn(&TokenFailure) -> HttpResponse,
}

/// Where the endpoint is served.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Route {
    /// Its own `POST` route at this path.
    Post(&'static str),
    /// Dispatched by the platform's Graph router (`/{version}/oauth/access_token`), which
    /// also serves every other Graph node under the same prefix.
    Graph,
}

/// Where the parameters come from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Encoding {
    /// An `application/x-www-form-urlencoded` body (any other body carries nothing).
    FormBody,
    /// The query string, plus a form body when there is one (Graph style).
    QueryAndForm,
}

/// How the client authenticates.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ClientAuth {
    /// `Authorization: Basic base64(id:secret)`.
    Basic,
    /// The id and the secret as parameters of these names.
    Parameters {
        id: &'static str,
        secret: &'static str,
    },
}

/// What a `grant_type` parameter must be.
#[derive(Debug, Clone, Copy)]
pub(crate) enum GrantTypeRule {
    /// Required; an unknown value is refused.
    Required,
    /// Anything but the extra grants counts as `authorization_code` (Meta's code exchange
    /// takes no `grant_type`).
    DefaultsToCode,
}

/// What the code exchange asks for besides the code.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CodeRule {
    pub(crate) redirect_uri_required: bool,
    /// The PKCE `code_verifier` is checked against the challenge.
    pub(crate) pkce: bool,
}

/// Whether a code exchange also issues a refresh token.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RefreshIssue {
    Never,
    Always,
    /// Only when the grant holds this scope (X's `offline.access`).
    WithScope(&'static str),
    /// Only when the simulator's configuration says so.
    Configured(fn(&SimulatorConfig) -> bool),
}

/// What `grant_type=refresh_token` does.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RefreshGrant {
    /// The grant is not offered.
    Unsupported,
    /// A new refresh token replaces the presented one, which dies; presenting it again may
    /// revoke the whole grant.
    Rotating {
        reuse_revokes_grant: fn(&SimulatorConfig) -> bool,
    },
    /// A new refresh token is issued; the presented one keeps working until it expires.
    Continuous,
    /// The presented refresh token comes back with its remaining lifetime.
    SameToken,
}

/// The grant a request asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GrantType {
    AuthorizationCode,
    RefreshToken,
    LongLivedExchange,
}

/// A refresh token in an answer.
#[derive(Debug, Clone)]
pub(crate) struct RefreshAnswer {
    pub(crate) token: String,
    pub(crate) expires_in: i64,
}

/// Everything a platform's answer body may show.
pub(crate) struct TokenAnswer<'a> {
    pub(crate) grant_type: GrantType,
    pub(crate) access: Issued,
    pub(crate) refresh: Option<RefreshAnswer>,
    pub(crate) scopes: Vec<String>,
    pub(crate) now: OffsetDateTime,
    pub(crate) config: &'a SimulatorConfig,
}

/// Why the client was not authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClientFailure {
    /// No client id (or no usable `Authorization` header).
    MissingId,
    UnknownId,
    /// Missing or wrong secret.
    BadSecret,
}

/// Why a token request was refused; each platform words it its own way.
#[derive(Debug, Clone)]
pub(crate) enum TokenFailure {
    Client(ClientFailure),
    MissingGrantType,
    UnsupportedGrantType,
    MissingParameter(&'static str),
    Code(CodeError),
    Refresh(RefreshError),
    /// The token to exchange for a long-lived one is a Page token.
    ExchangeNotUserToken,
    /// The token to exchange for a long-lived one was refused.
    ExchangeToken {
        error: TokenError,
        now: OffsetDateTime,
        client_id: String,
    },
}

/// Register every endpoint that has its own route.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    for endpoint in ENDPOINTS {
        if let Route::Post(path) = endpoint.route {
            cfg.route(
                path,
                web::post().to(
                    move |req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>| async move {
                        handle(endpoint, &req, &body, &shared)
                    },
                ),
            );
        }
    }
}

/// Answer one token request of `endpoint`'s platform.
pub(crate) fn handle(
    endpoint: &TokenEndpoint,
    req: &HttpRequest,
    body: &[u8],
    shared: &Shared,
) -> HttpResponse {
    let params = match endpoint.encoding {
        Encoding::FormBody if is_form(req) => Params::parse(body),
        Encoding::FormBody => Params::default(),
        Encoding::QueryAndForm => {
            let query = Params::from_query(req);
            if is_form(req) {
                query.merged(Params::parse(body))
            } else {
                query
            }
        }
    };
    let mut state = shared.lock();
    let app = state.config.app(endpoint.platform);
    let outcome = authenticate(endpoint.client_auth, req, &params, &app)
        .and_then(|()| grant_type(endpoint, &params))
        .and_then(|grant| match grant {
            GrantType::AuthorizationCode => exchange_code(endpoint, &params, &app, &mut state),
            GrantType::RefreshToken => refresh(endpoint, &params, &app, &mut state),
            GrantType::LongLivedExchange => long_lived(endpoint, &params, &app, &mut state),
        });
    match outcome {
        Ok(answer) => (endpoint.answer)(&TokenAnswer {
            grant_type: answer.grant_type,
            access: answer.access,
            refresh: answer.refresh,
            scopes: answer.scopes,
            now: state.now(),
            config: &state.config,
        }),
        Err(failure) => (endpoint.error)(&failure),
    }
}

/// A successful exchange, before the answer body is shaped.
struct Outcome {
    grant_type: GrantType,
    access: Issued,
    refresh: Option<RefreshAnswer>,
    scopes: Vec<String>,
}

fn authenticate(
    auth: ClientAuth,
    req: &HttpRequest,
    params: &Params,
    app: &AppCredentials,
) -> Result<(), TokenFailure> {
    let (id, secret) = match auth {
        ClientAuth::Basic => match basic_auth(req) {
            BasicAuth::Present { client_id, secret } => (Some(client_id), Some(secret)),
            BasicAuth::Missing | BasicAuth::Malformed => (None, None),
        },
        ClientAuth::Parameters { id, secret } => (
            params.get(id).map(str::to_owned),
            params.get(secret).map(str::to_owned),
        ),
    };
    let failure = match (id, secret) {
        (None, _) => ClientFailure::MissingId,
        (Some(id), _) if id != app.client_id => ClientFailure::UnknownId,
        (Some(_), Some(secret)) if secret_eq(&secret, &app.client_secret) => return Ok(()),
        (Some(_), _) => ClientFailure::BadSecret,
    };
    Err(TokenFailure::Client(failure))
}

fn grant_type(endpoint: &TokenEndpoint, params: &Params) -> Result<GrantType, TokenFailure> {
    let requested = params.get("grant_type");
    if endpoint.long_lived_exchange && requested == Some("fb_exchange_token") {
        return Ok(GrantType::LongLivedExchange);
    }
    match (endpoint.grant_type, requested) {
        (GrantTypeRule::DefaultsToCode, _) | (_, Some("authorization_code")) => {
            Ok(GrantType::AuthorizationCode)
        }
        (GrantTypeRule::Required, None) => Err(TokenFailure::MissingGrantType),
        (GrantTypeRule::Required, Some("refresh_token"))
            if !matches!(endpoint.refresh_grant, RefreshGrant::Unsupported) =>
        {
            Ok(GrantType::RefreshToken)
        }
        (GrantTypeRule::Required, Some(_)) => Err(TokenFailure::UnsupportedGrantType),
    }
}

fn exchange_code(
    endpoint: &TokenEndpoint,
    params: &Params,
    app: &AppCredentials,
    state: &mut SimState,
) -> Result<Outcome, TokenFailure> {
    let platform = endpoint.platform;
    let code = params
        .get("code")
        .ok_or(TokenFailure::MissingParameter("code"))?;
    let redirect_uri = params.get("redirect_uri");
    if endpoint.code.redirect_uri_required && redirect_uri.is_none() {
        return Err(TokenFailure::MissingParameter("redirect_uri"));
    }
    let verifier = if endpoint.code.pkce {
        params.get("code_verifier")
    } else {
        None
    };
    let grant = state
        .redeem_code(platform, code, &app.client_id, redirect_uri, verifier)
        .map_err(TokenFailure::Code)?;
    let scopes = state.grant_scopes(grant);
    let access_ttl = state.access_ttl(platform);
    let access = state.issue(
        grant,
        TokenKind::Access,
        endpoint.code_flavor.clone(),
        Some(access_ttl),
    );
    let issue_refresh = match endpoint.refresh_issue {
        RefreshIssue::Never => false,
        RefreshIssue::Always => true,
        RefreshIssue::WithScope(scope) => scopes.iter().any(|s| s == scope),
        RefreshIssue::Configured(enabled) => enabled(&state.config),
    };
    let refresh = issue_refresh.then(|| {
        let ttl = state.refresh_ttl(platform).or(endpoint.refresh_default_ttl);
        let issued = state.issue(grant, TokenKind::Refresh, Flavor::Standard, ttl);
        RefreshAnswer {
            expires_in: issued.expires_in_json(),
            token: issued.token,
        }
    });
    Ok(Outcome {
        grant_type: GrantType::AuthorizationCode,
        access,
        refresh,
        scopes,
    })
}

fn refresh(
    endpoint: &TokenEndpoint,
    params: &Params,
    app: &AppCredentials,
    state: &mut SimState,
) -> Result<Outcome, TokenFailure> {
    let platform = endpoint.platform;
    let token = params
        .get("refresh_token")
        .ok_or(TokenFailure::MissingParameter("refresh_token"))?;
    let rotate = matches!(endpoint.refresh_grant, RefreshGrant::Rotating { .. });
    let info = match state.use_refresh(platform, token, &app.client_id, rotate) {
        Ok(info) => info,
        Err(error) => {
            if let RefreshGrant::Rotating {
                reuse_revokes_grant,
            } = endpoint.refresh_grant
                && error == RefreshError::Reused
                && reuse_revokes_grant(&state.config)
                && let Some(grant) = state.grant_of(platform, token)
            {
                state.revoke_grant(grant);
            }
            return Err(TokenFailure::Refresh(error));
        }
    };
    let now = state.now();
    let access_ttl = state.access_ttl(platform);
    let access = state.issue(
        info.grant,
        TokenKind::Access,
        Flavor::Standard,
        Some(access_ttl),
    );
    let refresh = match endpoint.refresh_grant {
        RefreshGrant::SameToken => RefreshAnswer {
            token: token.to_owned(),
            expires_in: info
                .expires_at
                .map_or(0, |e| (e - now).whole_seconds().max(0)),
        },
        RefreshGrant::Unsupported | RefreshGrant::Rotating { .. } | RefreshGrant::Continuous => {
            let ttl = state.refresh_ttl(platform).or(endpoint.refresh_default_ttl);
            let issued = state.issue(info.grant, TokenKind::Refresh, Flavor::Standard, ttl);
            RefreshAnswer {
                expires_in: issued.expires_in_json(),
                token: issued.token,
            }
        }
    };
    Ok(Outcome {
        grant_type: GrantType::RefreshToken,
        access,
        refresh: Some(refresh),
        scopes: info.scopes,
    })
}

/// Meta's `fb_exchange_token`: a user token (not a Page token) buys a long-lived one.
fn long_lived(
    endpoint: &TokenEndpoint,
    params: &Params,
    app: &AppCredentials,
    state: &mut SimState,
) -> Result<Outcome, TokenFailure> {
    let platform = endpoint.platform;
    let now = state.now();
    let access = match state.check_access(platform, params.get("fb_exchange_token")) {
        Ok(access) if !matches!(access.flavor, Flavor::FacebookPage(_)) => access,
        Ok(_) => return Err(TokenFailure::ExchangeNotUserToken),
        Err(error) => {
            return Err(TokenFailure::ExchangeToken {
                error,
                now,
                client_id: app.client_id.clone(),
            });
        }
    };
    let ttl = state.long_lived_ttl(platform);
    let issued = state.issue(
        access.grant,
        TokenKind::Access,
        Flavor::MetaLongLived,
        Some(ttl),
    );
    Ok(Outcome {
        grant_type: GrantType::LongLivedExchange,
        access: issued,
        refresh: None,
        scopes: access.scopes,
    })
}
