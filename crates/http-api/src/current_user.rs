use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use socialpub_domain::UserId;

use crate::{ApiError, ApiState};

/// The user a request acts for, from its `Authorization: Bearer` token. Taking this extractor
/// is what makes a route require authentication.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub UserId);

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<ApiState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal {
                cause: "ApiState missing".into(),
            })?;
            let token = token?;
            let user = state.authenticator.authenticate(&token).await?;
            Ok(CurrentUser(user.user_id))
        })
    }
}

fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let missing = || ApiError::Unauthorized {
        code: crate::ErrorCode::MissingToken,
        detail: "send an `Authorization: Bearer <token>` header".into(),
    };
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(missing)?;
    let value = value.to_str().map_err(|_| missing())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(missing)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(missing());
    }
    Ok(token.to_owned())
}
