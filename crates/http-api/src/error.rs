use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use socialpub_application::{ConnectionError, JobServiceError, ValidationError};
use socialpub_domain::JobError;
use socialpub_ports::{AuthError, PlatformError, PlatformErrorKind, RepositoryError};

/// The one error body every failing request gets.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ErrorBody {
    /// Stable snake_case code clients branch on.
    pub code: String,
    /// Human explanation; never contains a secret.
    pub detail: String,
    /// The request field the error is about, if one is.
    pub field: Option<String>,
}

/// Every way a request can fail, each with its status and stable code. The only place where
/// errors become HTTP.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    NotFound { detail: String },
    #[error("no route matches {method} {path}")]
    RouteNotFound { method: String, path: String },
    #[error("{detail}")]
    MalformedJson { detail: String },
    #[error("{detail}")]
    InvalidBody {
        detail: String,
        field: Option<String>,
    },
    #[error("{detail}")]
    InvalidParameter { field: String, detail: String },
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("{detail}")]
    UnsupportedMediaType { detail: String },
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    /// The resource exists but its state refuses the change.
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("{detail}")]
    Unprocessable {
        code: &'static str,
        detail: String,
        field: Option<String>,
    },
    /// A dependency (database, auth service) is down or saturated; retry later.
    #[error("{detail}")]
    Unavailable { detail: String },
    /// A refusal whose status and code are chosen by the mapping below (platform outcomes,
    /// OAuth callback problems).
    #[error("{detail}")]
    Rejected {
        status: StatusCode,
        code: &'static str,
        detail: String,
        field: Option<&'static str>,
        retry_after: Option<u64>,
    },
    /// Our fault. The cause is logged, never sent.
    #[error("internal error")]
    Internal { cause: String },
    /// The resource exists but not with this method; `allow` lists the ones it takes.
    #[error("this resource answers only {allow}")]
    MethodNotAllowed { allow: &'static str },
    /// Any other status actix produced by itself (405, 406, ...), reshaped into the envelope.
    #[error("{detail}")]
    Other { status: StatusCode, detail: String },
}

impl ApiError {
    pub fn code(&self) -> &str {
        match self {
            ApiError::NotFound { .. } => "not_found",
            ApiError::RouteNotFound { .. } => "route_not_found",
            ApiError::MalformedJson { .. } => "malformed_json",
            ApiError::InvalidBody { .. } => "invalid_body",
            ApiError::InvalidParameter { .. } => "invalid_parameter",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType { .. } => "unsupported_media_type",
            ApiError::Unauthorized { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::Unprocessable { code, .. }
            | ApiError::Rejected { code, .. } => code,
            ApiError::Unavailable { .. } => "service_unavailable",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::Internal { .. } => "internal_error",
            ApiError::Other { status, .. } => match *status {
                StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
                StatusCode::NOT_ACCEPTABLE => "not_acceptable",
                StatusCode::REQUEST_TIMEOUT => "request_timeout",
                StatusCode::URI_TOO_LONG => "uri_too_long",
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "headers_too_large",
                s if s.is_server_error() => "internal_error",
                _ => "bad_request",
            },
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::InvalidBody { field, .. } | ApiError::Unprocessable { field, .. } => {
                field.as_deref()
            }
            ApiError::InvalidParameter { field, .. } => Some(field),
            ApiError::Rejected { field, .. } => *field,
            _ => None,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_owned(),
            detail: self.to_string(),
            field: self.field().map(str::to_owned),
        }
    }

    pub fn not_found(what: impl fmt::Display) -> Self {
        ApiError::NotFound {
            detail: format!("{what} not found"),
        }
    }

    pub fn invalid_parameter(field: impl Into<String>, detail: impl Into<String>) -> Self {
        ApiError::InvalidParameter {
            field: field.into(),
            detail: detail.into(),
        }
    }

    /// Logs a server-side failure (once, with its cause chain): called for every error
    /// response, and by handlers that answer an error some other way (a redirect).
    pub(crate) fn log(&self) {
        match self {
            ApiError::Internal { cause } => tracing::error!(error.cause = %cause, "request failed"),
            ApiError::Unavailable { detail } => tracing::warn!(%detail, "dependency unavailable"),
            _ => {}
        }
    }

    /// Wraps an unexpected failure, keeping its whole cause chain for the log.
    pub fn internal(error: &(dyn std::error::Error + 'static)) -> Self {
        let mut cause = error.to_string();
        let mut source = error.source();
        while let Some(inner) = source {
            cause.push_str(": ");
            cause.push_str(&inner.to_string());
            source = inner.source();
        }
        ApiError::Internal { cause }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::NotFound { .. } | ApiError::RouteNotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MalformedJson { .. }
            | ApiError::InvalidBody { .. }
            | ApiError::InvalidParameter { .. } => StatusCode::BAD_REQUEST,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Other { status, .. } | ApiError::Rejected { status, .. } => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        let mut response = HttpResponse::build(self.status_code());
        match self {
            ApiError::Unauthorized { .. } => {
                response
                    .insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            ApiError::Unavailable { .. } => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("5")));
            }
            ApiError::Rejected {
                retry_after: Some(seconds),
                ..
            } => {
                response.insert_header((header::RETRY_AFTER, seconds.to_string()));
            }
            ApiError::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, *allow));
            }
            _ => {}
        }
        response.json(self.body())
    }
}

impl From<RepositoryError> for ApiError {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::Unavailable(_) => ApiError::Unavailable {
                detail: "the database is unavailable or saturated; retry shortly".into(),
            },
            RepositoryError::Conflict(detail) => ApiError::Conflict {
                code: "conflict",
                detail,
            },
            other => ApiError::internal(&other),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::Expired => ApiError::Unauthorized {
                code: "token_expired",
                detail: "the bearer token has expired".into(),
            },
            AuthError::Invalid(reason) => ApiError::Unauthorized {
                code: "invalid_token",
                detail: format!("the bearer token was not accepted: {reason}"),
            },
            AuthError::Unavailable(_) => ApiError::Unavailable {
                detail: "the authentication service is unavailable; retry shortly".into(),
            },
        }
    }
}

fn rejected(
    status: StatusCode,
    code: &'static str,
    detail: impl fmt::Display,
    field: Option<&'static str>,
) -> ApiError {
    ApiError::Rejected {
        status,
        code,
        detail: detail.to_string(),
        field,
        retry_after: None,
    }
}

impl From<PlatformError> for ApiError {
    fn from(error: PlatformError) -> Self {
        let detail = format!("{}: {}", error.platform.display_name(), error.message);
        let too_early = error.code.as_deref() == Some(socialpub_ports::REFRESH_TOO_EARLY);
        let (status, code) = match error.kind {
            _ if too_early => (StatusCode::CONFLICT, "refresh_too_early"),
            PlatformErrorKind::Auth => (StatusCode::BAD_REQUEST, "platform_refused_grant"),
            PlatformErrorKind::Permission => (StatusCode::FORBIDDEN, "platform_permission_denied"),
            PlatformErrorKind::Quota => (StatusCode::TOO_MANY_REQUESTS, "platform_rate_limited"),
            PlatformErrorKind::Content | PlatformErrorKind::Media => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "platform_rejected_content",
            ),
            PlatformErrorKind::Transient | PlatformErrorKind::PlatformDown => {
                (StatusCode::BAD_GATEWAY, "platform_unavailable")
            }
            PlatformErrorKind::InvalidRequest => (StatusCode::BAD_GATEWAY, "platform_error"),
        };
        tracing::warn!(platform = %error.platform, kind = error.kind.as_str(), code = ?error.code, "platform call failed");
        let retry_after = error
            .retry_after
            .and_then(|d| u64::try_from(d.whole_seconds()).ok());
        ApiError::Rejected {
            status,
            code,
            detail,
            field: None,
            retry_after,
        }
    }
}

impl From<ConnectionError> for ApiError {
    fn from(error: ConnectionError) -> Self {
        use ConnectionError as E;
        let bad = StatusCode::BAD_REQUEST;
        match error {
            E::NotFound(id) => ApiError::not_found(format_args!("connection {id}")),
            E::PlatformNotEnabled(_) => rejected(
                StatusCode::UNPROCESSABLE_ENTITY,
                "platform_not_enabled",
                &error,
                Some("platform"),
            ),
            E::MissingState => rejected(bad, "missing_state", &error, Some("state")),
            E::UnknownState | E::StateMismatch => {
                rejected(bad, "invalid_state", &error, Some("state"))
            }
            E::StateExpired => rejected(bad, "state_expired", &error, Some("state")),
            E::MissingCode => rejected(bad, "missing_code", &error, Some("code")),
            E::AuthorizationDenied(_) => {
                rejected(bad, "authorization_denied", &error, Some("error"))
            }
            E::NoAccounts(_) => rejected(
                StatusCode::UNPROCESSABLE_ENTITY,
                "no_publishable_accounts",
                &error,
                None,
            ),
            E::NeedsReauth(_) => rejected(StatusCode::CONFLICT, "needs_reauth", &error, None),
            E::RefreshInProgress(_) => ApiError::Rejected {
                status: StatusCode::CONFLICT,
                code: "refresh_in_progress",
                detail: error.to_string(),
                field: None,
                retry_after: Some(2),
            },
            E::NotRefreshable(_) => rejected(StatusCode::CONFLICT, "not_refreshable", &error, None),
            E::Platform(platform) => platform.into(),
            E::Repository(e) => e.into(),
            E::Cipher(_) | E::Misconfigured(_) => ApiError::internal(&error),
        }
    }
}

impl From<ValidationError> for ApiError {
    fn from(error: ValidationError) -> Self {
        match error {
            ValidationError::ConnectionNotFound(id) => {
                ApiError::not_found(format_args!("connection {id}"))
            }
            ValidationError::PlatformRequired => ApiError::InvalidBody {
                detail: error.to_string(),
                field: Some("connection_id".into()),
            },
            ValidationError::TooManyAssets { .. } => ApiError::InvalidBody {
                detail: error.to_string(),
                field: Some("assets".into()),
            },
            ValidationError::Repository(e) => e.into(),
        }
    }
}

impl From<JobServiceError> for ApiError {
    fn from(error: JobServiceError) -> Self {
        match error {
            JobServiceError::NotFound(id) => ApiError::not_found(format_args!("job {id}")),
            JobServiceError::Refused(JobError::ScheduleInPast) => ApiError::Unprocessable {
                code: "schedule_in_past",
                detail: "scheduled_at must be in the future".into(),
                field: Some("scheduled_at".into()),
            },
            JobServiceError::Refused(refused) => ApiError::Conflict {
                code: "invalid_job_state",
                detail: refused.to_string(),
            },
            JobServiceError::ClaimedMeanwhile(id) => ApiError::Conflict {
                code: "invalid_job_state",
                detail: format!("job {id} was taken by a worker and can no longer be changed"),
            },
            JobServiceError::Repository(e) => e.into(),
        }
    }
}
