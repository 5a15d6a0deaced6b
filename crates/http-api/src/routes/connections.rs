use actix_web::{HttpResponse, web};
use serde::Deserialize;
use socialpub_domain::{ConnectionId, ConnectionStatus};
use socialpub_ports::ConnectionFilter;

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
    Ok(HttpResponse::Ok().json(page.map(|c| ConnectionResponse::new(c, now))))
}

pub async fn get(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: ConnectionId = parse_id(&id, "connection")?;
    let connection = state.connections.get(&user, id).await?;
    let now = state.connections.clock().now();
    Ok(HttpResponse::Ok().json(ConnectionResponse::new(connection, now)))
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
