use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::send_json;
use socialpub_ports::{AccountKind, PlatformAccount, PlatformBoard, PlatformError};

use crate::client::PinterestClient;
use crate::errors::classify;
use crate::wire::{Account, Board, BoardPrivacy, Page};

/// Largest page `GET /v5/boards` serves.
const BOARDS_PAGE_SIZE: &str = "250";
/// A safety stop against a bookmark that never ends (250 x 40 = 10,000 boards).
const MAX_BOARD_PAGES: usize = 40;

impl PinterestClient {
    /// `GET {api_base}/v5/user_account`: the authenticated user.
    ///
    /// # Errors
    /// Auth for an invalid or expired token (`{"code": 2, ...}`).
    pub async fn user_account(
        &self,
        access_token: &SecretString,
    ) -> Result<Account, PlatformError> {
        let request = self
            .http
            .get(self.api_url("/v5/user_account"))
            .bearer_auth(access_token.expose());
        send_json(request, Platform::Pinterest, classify).await
    }

    /// One page of `GET {api_base}/v5/boards` (`page_size=250`), from `bookmark` if given.
    ///
    /// # Errors
    /// As classified by [`classify`].
    pub async fn boards_page(
        &self,
        access_token: &SecretString,
        bookmark: Option<&str>,
    ) -> Result<Page<Board>, PlatformError> {
        let mut query = vec![("page_size", BOARDS_PAGE_SIZE)];
        if let Some(bookmark) = bookmark {
            query.push(("bookmark", bookmark));
        }
        let request = self
            .http
            .get(self.api_url("/v5/boards"))
            .query(&query)
            .bearer_auth(access_token.expose());
        send_json(request, Platform::Pinterest, classify).await
    }

    /// Every board of the user (`boards:read`), following `bookmark` page after page.
    ///
    /// # Errors
    /// As classified by [`classify`].
    pub async fn list_boards(
        &self,
        access_token: &SecretString,
    ) -> Result<Vec<Board>, PlatformError> {
        let mut boards = Vec::new();
        let mut bookmark: Option<String> = None;
        for _ in 0..MAX_BOARD_PAGES {
            let page = self.boards_page(access_token, bookmark.as_deref()).await?;
            boards.extend(page.items);
            match page.bookmark.filter(|b| !b.is_empty()) {
                Some(next) => bookmark = Some(next),
                None => return Ok(boards),
            }
        }
        tracing::warn!(
            platform = "pinterest",
            boards = boards.len(),
            "stopped listing boards after the page limit"
        );
        Ok(boards)
    }
}

/// One Personal account named by `business_name` or `username`.
pub(crate) fn account(account: &Account) -> PlatformAccount {
    PlatformAccount {
        external_user_id: account.id.clone(),
        display_name: account.display_name(),
        kind: AccountKind::Personal,
        access_token: None,
        expires_in: None,
    }
}

/// A board as the port names it; an unknown privacy is left out rather than guessed.
pub(crate) fn board(board: Board) -> PlatformBoard {
    let privacy = match board.privacy {
        Some(BoardPrivacy::Public) => Some("PUBLIC"),
        Some(BoardPrivacy::Protected) => Some("PROTECTED"),
        Some(BoardPrivacy::Secret) => Some("SECRET"),
        Some(BoardPrivacy::Other) | None => None,
    };
    PlatformBoard {
        id: board.id,
        name: board.name,
        description: board.description.filter(|d| !d.is_empty()),
        privacy: privacy.map(str::to_owned),
    }
}
