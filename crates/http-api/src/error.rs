use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use socialpub_application::{ConnectionError, JobServiceError, ValidationError, WebhookError};
use socialpub_domain::JobError;
use socialpub_ports::{AuthError, PlatformError, PlatformErrorKind, RepositoryError};

use crate::ErrorCode;

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
    Unauthorized { code: ErrorCode, detail: String },
    /// The resource exists but its state refuses the change.
    #[error("{detail}")]
    Conflict { code: ErrorCode, detail: String },
    #[error("{detail}")]
    Unprocessable {
        code: ErrorCode,
        detail: String,
        field: Option<String>,
    },
    /// A dependency (database, auth service) is down or saturated; retry later.
    #[error("{detail}")]
    Unavailable { detail: String },
    /// A refusal whose code (and so status) is chosen by the mapping below (platform
    /// outcomes, OAuth callback problems).
    #[error("{detail}")]
    Rejected {
        code: ErrorCode,
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
    /// The request body did not arrive within the body read deadline.
    #[error("the request body did not arrive in time")]
    BodyTimeout,
    /// Any other status actix produced by itself (405, 406, ...), reshaped into the envelope.
    #[error("{detail}")]
    Other { status: StatusCode, detail: String },
}

impl ApiError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::NotFound { .. } => ErrorCode::NotFound,
            ApiError::RouteNotFound { .. } => ErrorCode::RouteNotFound,
            ApiError::MalformedJson { .. } => ErrorCode::MalformedJson,
            ApiError::InvalidBody { .. } => ErrorCode::InvalidBody,
            ApiError::InvalidParameter { .. } => ErrorCode::InvalidParameter,
            ApiError::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            ApiError::UnsupportedMediaType { .. } => ErrorCode::UnsupportedMediaType,
            ApiError::Unauthorized { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::Unprocessable { code, .. }
            | ApiError::Rejected { code, .. } => *code,
            ApiError::Unavailable { .. } => ErrorCode::ServiceUnavailable,
            ApiError::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            ApiError::Internal { .. } => ErrorCode::InternalError,
            ApiError::BodyTimeout => ErrorCode::RequestTimeout,
            ApiError::Other { status, .. } => match *status {
                StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
                StatusCode::NOT_ACCEPTABLE => ErrorCode::NotAcceptable,
                StatusCode::REQUEST_TIMEOUT => ErrorCode::RequestTimeout,
                StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
                StatusCode::URI_TOO_LONG => ErrorCode::UriTooLong,
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => ErrorCode::HeadersTooLarge,
                s if s.is_server_error() => ErrorCode::InternalError,
                _ => ErrorCode::BadRequest,
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
            code: self.code().as_str().to_owned(),
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
    /// The code decides the status, so the two can never disagree; only statuses actix
    /// produced by itself keep theirs.
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Other { status, .. } => *status,
            other => other.code().status(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        let mut response = HttpResponse::build(self.status_code());
        match self {
            // The rest of a stalled body would be read as the next request: drop the connection.
            ApiError::BodyTimeout => {
                response.force_close();
            }
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
                code: ErrorCode::Conflict,
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
                code: ErrorCode::TokenExpired,
                detail: "the bearer token has expired".into(),
            },
            AuthError::Invalid(reason) => ApiError::Unauthorized {
                code: ErrorCode::InvalidToken,
                detail: format!("the bearer token was not accepted: {reason}"),
            },
            AuthError::Unavailable(_) => ApiError::Unavailable {
                detail: "the authentication service is unavailable; retry shortly".into(),
            },
        }
    }
}

fn rejected(code: ErrorCode, detail: impl fmt::Display, field: Option<&'static str>) -> ApiError {
    ApiError::Rejected {
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
        let code = match error.kind {
            _ if too_early => ErrorCode::RefreshTooEarly,
            PlatformErrorKind::Auth => ErrorCode::PlatformRefusedGrant,
            PlatformErrorKind::Permission => ErrorCode::PlatformPermissionDenied,
            PlatformErrorKind::Quota => ErrorCode::PlatformRateLimited,
            PlatformErrorKind::Content | PlatformErrorKind::Media => {
                ErrorCode::PlatformRejectedContent
            }
            PlatformErrorKind::Transient | PlatformErrorKind::PlatformDown => {
                ErrorCode::PlatformUnavailable
            }
            PlatformErrorKind::InvalidRequest => ErrorCode::PlatformError,
        };
        tracing::warn!(platform = %error.platform, kind = error.kind.as_str(), code = ?error.code, "platform call failed");
        let retry_after = error
            .retry_after
            .and_then(|d| u64::try_from(d.whole_seconds()).ok());
        ApiError::Rejected {
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
        match error {
            E::NotFound(id) => ApiError::not_found(format_args!("connection {id}")),
            E::PlatformNotEnabled(_) => {
                rejected(ErrorCode::PlatformNotEnabled, &error, Some("platform"))
            }
            E::MissingState => rejected(ErrorCode::MissingState, &error, Some("state")),
            E::UnknownState | E::StateMismatch => {
                rejected(ErrorCode::InvalidState, &error, Some("state"))
            }
            E::StateExpired => rejected(ErrorCode::StateExpired, &error, Some("state")),
            E::MissingCode => rejected(ErrorCode::MissingCode, &error, Some("code")),
            E::AuthorizationDenied(_) => {
                rejected(ErrorCode::AuthorizationDenied, &error, Some("error"))
            }
            E::NoAccounts(_) => rejected(ErrorCode::NoPublishableAccounts, &error, None),
            E::NoInstagramBusinessAccount => {
                rejected(ErrorCode::NoInstagramBusinessAccount, &error, None)
            }
            E::LoginNotOffered(..) => rejected(ErrorCode::UnsupportedLogin, &error, Some("login")),
            E::LoginNotEnabled(..) => {
                rejected(ErrorCode::PlatformNotEnabled, &error, Some("login"))
            }
            E::BoardsNotSupported(_) => rejected(ErrorCode::BoardsNotSupported, &error, None),
            E::NeedsReauth(_) => rejected(ErrorCode::NeedsReauth, &error, None),
            E::RefreshInProgress(_) => ApiError::Rejected {
                code: ErrorCode::RefreshInProgress,
                detail: error.to_string(),
                field: None,
                retry_after: Some(2),
            },
            E::NotRefreshable(_) => rejected(ErrorCode::NotRefreshable, &error, None),
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
            ValidationError::TooManyProbes { .. } => ApiError::Unprocessable {
                code: ErrorCode::TooManyAssetProbes,
                detail: error.to_string(),
                field: Some("assets".into()),
            },
            ValidationError::ProbeBudget(exceeded) => ApiError::Rejected {
                code: ErrorCode::AssetProbeBudgetExceeded,
                detail: error.to_string(),
                field: None,
                retry_after: Some(exceeded.retry_after_seconds()),
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
                code: ErrorCode::ScheduleInPast,
                detail: "schedule_time must be in the future".into(),
                field: Some("schedule_time".into()),
            },
            JobServiceError::Refused(refused) => ApiError::Conflict {
                code: ErrorCode::InvalidJobState,
                detail: refused.to_string(),
            },
            JobServiceError::ClaimedMeanwhile(id) => ApiError::Conflict {
                code: ErrorCode::InvalidJobState,
                detail: format!("job {id} was taken by a worker and can no longer be changed"),
            },
            JobServiceError::Repository(e) => e.into(),
        }
    }
}

impl From<WebhookError> for ApiError {
    fn from(error: WebhookError) -> Self {
        match error {
            WebhookError::NotFound(id) => ApiError::not_found(format_args!("webhook {id}")),
            WebhookError::DeliveryNotFound(id) => {
                ApiError::not_found(format_args!("webhook delivery {id}"))
            }
            WebhookError::InvalidUrl(detail) => ApiError::Unprocessable {
                code: ErrorCode::InvalidWebhookUrl,
                detail,
                field: Some("url".into()),
            },
            WebhookError::ForbiddenUrl => ApiError::Unprocessable {
                code: ErrorCode::WebhookUrlForbidden,
                detail: WebhookError::ForbiddenUrl.to_string(),
                field: Some("url".into()),
            },
            WebhookError::InvalidEvents(invalid) => ApiError::InvalidBody {
                detail: invalid.to_string(),
                field: Some("events".into()),
            },
            WebhookError::InvalidDescription => ApiError::InvalidBody {
                detail: WebhookError::InvalidDescription.to_string(),
                field: Some("description".into()),
            },
            WebhookError::TooMany => ApiError::Conflict {
                code: ErrorCode::TooManyWebhooks,
                detail: WebhookError::TooMany.to_string(),
            },
            WebhookError::Random(cause) => ApiError::internal(&cause),
            WebhookError::Repository(e) => e.into(),
        }
    }
}
