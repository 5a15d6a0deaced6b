//! `/webhooks`: a user's endpoints for lifecycle events, their delivery log and replays.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use socialpub_application::{EndpointEdit, NewEndpoint};
use socialpub_domain::{WebhookDeliveryId, WebhookEndpointId};

use super::parse_id;
use crate::current_user::CurrentUser;
use crate::dto::{DeliveryResponse, WebhookCreateRequest, WebhookPatchRequest, WebhookResponse};
use crate::idempotency::JsonBody;
use crate::query::PageQuery;
use crate::{ApiError, ApiState};

#[derive(Debug, Deserialize)]
pub struct DeliveriesQuery {
    #[serde(flatten)]
    page: PageQuery,
}

/// `POST /webhooks`: the answer carries the signing secret, this once.
pub async fn create(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    body: JsonBody<WebhookCreateRequest>,
) -> Result<HttpResponse, ApiError> {
    let WebhookCreateRequest {
        url,
        events,
        description,
    } = body.value;
    let endpoint = state
        .webhooks
        .create(
            &user,
            NewEndpoint {
                url,
                events,
                description,
            },
        )
        .await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(WebhookResponse::with_secret(&endpoint)))
}

pub async fn list(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
) -> Result<HttpResponse, ApiError> {
    let items: Vec<WebhookResponse> = state
        .webhooks
        .list(&user)
        .await?
        .iter()
        .map(WebhookResponse::new)
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

pub async fn get(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: WebhookEndpointId = parse_id(&id, "webhook")?;
    let endpoint = state.webhooks.get(&user, id).await?;
    Ok(HttpResponse::Ok().json(WebhookResponse::new(&endpoint)))
}

pub async fn patch(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
    body: JsonBody<WebhookPatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let id: WebhookEndpointId = parse_id(&id, "webhook")?;
    let WebhookPatchRequest {
        url,
        events,
        description,
        enabled,
    } = body.value;
    let edit = EndpointEdit {
        url,
        events,
        description: description.map(|text| Some(text).filter(|t| !t.is_empty())),
        enabled,
    };
    let endpoint = state.webhooks.update(&user, id, edit).await?;
    Ok(HttpResponse::Ok().json(WebhookResponse::new(&endpoint)))
}

pub async fn delete(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: WebhookEndpointId = parse_id(&id, "webhook")?;
    state.webhooks.delete(&user, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /webhooks/{id}/rotate-secret`: the new secret, this once; the old one keeps signing
/// until `previous_secret_expires_at`.
pub async fn rotate_secret(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: WebhookEndpointId = parse_id(&id, "webhook")?;
    let endpoint = state.webhooks.rotate_secret(&user, id).await?;
    Ok(HttpResponse::Ok().json(WebhookResponse::with_secret(&endpoint)))
}

/// `POST /webhooks/{id}/test`: queues a `ping`; the answer is its delivery.
pub async fn test(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: WebhookEndpointId = parse_id(&id, "webhook")?;
    let delivery = state.webhooks.test(&user, id).await?;
    Ok(HttpResponse::Accepted().json(DeliveryResponse::from(delivery)))
}

pub async fn deliveries(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
    query: web::Query<DeliveriesQuery>,
) -> Result<HttpResponse, ApiError> {
    let id: WebhookEndpointId = parse_id(&id, "webhook")?;
    let page = state
        .webhooks
        .deliveries(&user, id, query.page.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(page.map(DeliveryResponse::from)))
}

/// `POST /webhooks/deliveries/{id}/replay`: sent again with the same event id.
pub async fn replay(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: WebhookDeliveryId = parse_id(&id, "webhook delivery")?;
    let delivery = state.webhooks.replay(&user, id).await?;
    Ok(HttpResponse::Accepted().json(DeliveryResponse::from(delivery)))
}
