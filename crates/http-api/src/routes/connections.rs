use actix_web::{HttpResponse, web};
use serde::Deserialize;
use socialpub_domain::{ConnectionHealth, ConnectionId, ConnectionStatus, JobStatus, UserId};
use socialpub_ports::{ConnectionFilter, JobFilter, PageRequest};

use super::parse_id;
use crate::current_user::CurrentUser;
use crate::dto::ConnectionResponse;
use crate::query::{PageQuery, parse_opt};
use crate::{ApiError, ApiState};

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    platform: Option<String>,
    status: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

pub async fn list(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = ConnectionFilter {
        platform: parse_opt("platform", query.platform.as_deref(), str::parse)?,
        status: parse_opt("status", query.status.as_deref(), |s| {
            ConnectionStatus::parse(s).ok_or("status must be active or needs_reauth")
        })?,
    };
    let page = state
        .connections
        .list(&user, &filter, query.page.page()?)
        .await?;
    let now = state.connections.clock().now();
    let mut items = Vec::with_capacity(page.items.len());
    for connection in &page.items {
        items.push(with_risk(&state, &user, connection.clone(), now).await?);
    }
    Ok(HttpResponse::Ok().json(socialpub_ports::Page {
        items,
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// The connection with its health and the jobs its tokens will not live to publish.
async fn with_risk(
    state: &ApiState,
    user: &UserId,
    connection: socialpub_domain::SocialConnection,
    now: time::OffsetDateTime,
) -> Result<ConnectionResponse, ApiError> {
    let health = ConnectionHealth::of(&connection, now);
    let mut at_risk = 0;
    if let Some(from) = health.risk_from() {
        for status in [JobStatus::Scheduled, JobStatus::Pending] {
            let filter = JobFilter {
                connection_id: Some(connection.id),
                status: Some(status),
                from,
                ..JobFilter::default()
            };
            at_risk += state
                .jobs
                .list(user, &filter, PageRequest::new(1, 0))
                .await?
                .total;
        }
    }
    let mut response = ConnectionResponse::new(connection, now);
    response.jobs_at_risk = Some(at_risk);
    Ok(response)
}

pub async fn get(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: ConnectionId = parse_id(&id, "connection")?;
    let connection = state.connections.get(&user, id).await?;
    let now = state.connections.clock().now();
    Ok(HttpResponse::Ok().json(with_risk(&state, &user, connection, now).await?))
}

/// `DELETE /connections/{id}`: revoke at the platform, then delete; the user is
/// disconnected even when the platform does not confirm.
pub async fn delete(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: ConnectionId = parse_id(&id, "connection")?;
    let done = state.connections.disconnect(&user, id).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "id": done.id,
        "disconnected": true,
        "revoked_at_platform": done.revoked,
        "revoke_note": done.revoke_note,
    })))
}

/// `POST /connections/{id}/refresh`: refresh the tokens now.
pub async fn refresh(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: ConnectionId = parse_id(&id, "connection")?;
    let connection = state.connections.refresh(&user, id).await?;
    let now = state.connections.clock().now();
    Ok(HttpResponse::Ok().json(ConnectionResponse::new(connection, now)))
}
