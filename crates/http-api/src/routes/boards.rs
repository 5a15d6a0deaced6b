//! `GET /connections/{id}/boards`: the boards a Pinterest connection can pin to, so the web
//! app can offer them as a post's `board_id`.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use socialpub_domain::ConnectionId;
use socialpub_ports::PlatformBoard;

use super::parse_id;
use crate::current_user::CurrentUser;
use crate::{ApiError, ApiState};

/// One board on the wire.
#[derive(Debug, Serialize)]
struct BoardResponse {
    id: String,
    name: String,
    description: Option<String>,
    privacy: Option<String>,
}

impl From<PlatformBoard> for BoardResponse {
    fn from(board: PlatformBoard) -> Self {
        Self {
            id: board.id,
            name: board.name,
            description: board.description,
            privacy: board.privacy,
        }
    }
}

#[derive(Debug, Serialize)]
struct BoardsResponse {
    items: Vec<BoardResponse>,
}

pub async fn list(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: ConnectionId = parse_id(&id, "connection")?;
    let boards = state.connections.boards(&user, id).await?;
    Ok(HttpResponse::Ok().json(BoardsResponse {
        items: boards.into_iter().map(BoardResponse::from).collect(),
    }))
}
