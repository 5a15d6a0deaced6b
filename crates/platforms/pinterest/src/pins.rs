//! Pins and video media on API v5: `POST /v5/pins` (the commit), `GET
//! /v5/boards/{board_id}/pins` (reconciliation), `POST /v5/media` and `GET
//! /v5/media/{media_id}` (video registration and processing status). All take the user's
//! bearer token; the file upload itself is in `upload.rs`.

use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{path_url, platform_error, send_json};
use socialpub_ports::{PlatformError, PlatformErrorKind};
use url::Url;

use crate::client::PinterestClient;
use crate::errors::classify;
use crate::wire::{Media, MediaType, MediaUpload, NewMediaUpload, NewPin, Page, Pin};

/// Largest page the pin listings serve.
const PINS_PAGE_SIZE: &str = "250";

impl PinterestClient {
    /// `POST /v5/pins`: creates the Pin, public at once. Pinterest has no idempotency key, so
    /// a lost answer is resolved by looking through the board, never by sending it again.
    ///
    /// # Errors
    /// As classified by [`classify`]: `{"code": 1, "message": "Unable to reach the URL"}` is
    /// Media, a missing board (`{"code": 404, ..}`) InvalidRequest.
    pub async fn create_pin(
        &self,
        access_token: &SecretString,
        pin: &NewPin,
    ) -> Result<Pin, PlatformError> {
        let request = self
            .http
            .post(self.api_url("/v5/pins"))
            .bearer_auth(access_token.expose())
            .json(pin);
        let created: Pin = send_json(request, Platform::Pinterest, classify).await?;
        if created.id.is_empty() {
            return Err(malformed("POST /v5/pins answered without a pin id"));
        }
        Ok(created)
    }

    /// One page of `GET /v5/boards/{board_id}/pins` (`page_size=250`), from `bookmark` if
    /// given. The order of the list is not documented.
    ///
    /// # Errors
    /// As classified by [`classify`] (a board that is gone answers 404).
    pub async fn board_pins_page(
        &self,
        access_token: &SecretString,
        board_id: &str,
        bookmark: Option<&str>,
    ) -> Result<Page<Pin>, PlatformError> {
        let mut query = vec![("page_size", PINS_PAGE_SIZE)];
        if let Some(bookmark) = bookmark {
            query.push(("bookmark", bookmark));
        }
        let request = self
            .http
            .get(self.segments_url(&["v5", "boards", board_id, "pins"])?)
            .query(&query)
            .bearer_auth(access_token.expose());
        send_json(request, Platform::Pinterest, classify).await
    }

    /// `POST /v5/media {"media_type": "video"}`: registers an upload and returns where to
    /// send the file. Safe to repeat: an unused registration is forgotten by Pinterest.
    ///
    /// # Errors
    /// As classified by [`classify`].
    pub async fn register_video(
        &self,
        access_token: &SecretString,
    ) -> Result<MediaUpload, PlatformError> {
        let request = self
            .http
            .post(self.api_url("/v5/media"))
            .bearer_auth(access_token.expose())
            .json(&NewMediaUpload {
                media_type: MediaType::Video,
            });
        let upload: MediaUpload = send_json(request, Platform::Pinterest, classify).await?;
        if upload.media_id.is_empty() {
            return Err(malformed("POST /v5/media answered without a media id"));
        }
        Ok(upload)
    }

    /// `GET /v5/media/{media_id}`: where processing of an uploaded video stands.
    ///
    /// # Errors
    /// As classified by [`classify`].
    pub async fn media_status(
        &self,
        access_token: &SecretString,
        media_id: &str,
    ) -> Result<Media, PlatformError> {
        let request = self
            .http
            .get(self.segments_url(&["v5", "media", media_id])?)
            .bearer_auth(access_token.expose());
        send_json(request, Platform::Pinterest, classify).await
    }

    /// The API base with `segments` appended, each percent-encoded: ids come from stored
    /// options and answers, and must not be able to change the path.
    fn segments_url(&self, segments: &[&str]) -> Result<Url, PlatformError> {
        path_url(
            &self.config.api_base_url,
            Platform::Pinterest,
            "api_base_url",
            segments.iter().copied(),
        )
    }
}

fn malformed(message: &str) -> PlatformError {
    platform_error(
        Platform::Pinterest,
        PlatformErrorKind::InvalidRequest,
        Some("malformed_response".to_owned()),
        message,
        None,
        None,
    )
}
