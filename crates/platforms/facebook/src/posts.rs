//! Page posts on the Graph API: `POST /{page-id}/feed` (text and link, or photos attached by
//! id), `POST /{page-id}/photos` (a photo Facebook fetches from a URL, published or not),
//! `GET /{post-id}?fields=permalink_url` and `GET /{page-id}/published_posts`. All take the
//! Page token.

use serde::{Deserialize, Serialize};
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::meta_graph::classify_graph;
use socialpub_platform_http::platform_error;
use socialpub_ports::{PlatformError, PlatformErrorKind};
use time::OffsetDateTime;
use url::Url;

use crate::client::FacebookClient;
use crate::wire::Paging;

/// `POST /{page-id}/feed` fields. At least one of `message` and `link`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewFeedPost {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Unpublished photos (ids from [`FacebookClient::upload_photo`]) to show in the post.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attached_media: Vec<AttachedMedia>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AttachedMedia {
    pub media_fbid: String,
}

/// `POST /{page-id}/photos` fields: Facebook downloads `url` itself.
#[derive(Debug, Clone, Serialize)]
pub struct NewPhoto {
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// `false` uploads the photo for a multi-photo post without showing it.
    pub published: bool,
}

/// `{"id": "{page-id}_{post-id}"}`.
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedPost {
    pub id: String,
}

/// `{"id": "{photo-id}", "post_id": "{page-post-id}"}`; no `post_id` for an unpublished photo.
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedPhoto {
    pub id: String,
    #[serde(default)]
    pub post_id: Option<String>,
}

/// One of the Page's posts as `published_posts` lists it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PagePost {
    pub id: String,
    /// The post's text (a video's `description`).
    #[serde(alias = "description")]
    pub message: Option<String>,
    /// Graph's `2026-11-30T10:00:00+0000`, kept as sent.
    pub created_time: Option<String>,
    pub permalink_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PagePosts {
    data: Vec<PagePost>,
    paging: Option<Paging>,
}

/// One page of a Page's posts, newest first.
#[derive(Debug, Clone, Default)]
pub struct PagePostsPage {
    pub posts: Vec<PagePost>,
    /// `paging.next`: older posts of the same window remain, at this URL. `None` on the last
    /// page. It may embed the access token: never log it.
    pub next: Option<Url>,
}

/// The creation times a listing covers: `since` to `until` (Unix seconds, both inclusive),
/// or to now when `until` is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostsWindow {
    pub since: OffsetDateTime,
    pub until: Option<OffsetDateTime>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Permalink {
    permalink_url: Option<String>,
}

/// Posts one listing request returns (the edge's maximum).
const LISTING_LIMIT: &str = "100";

impl FacebookClient {
    /// `POST /{page-id}/feed`: a text or link post, or one showing unpublished photos. This
    /// call makes the post public.
    ///
    /// # Errors
    /// As classified by [`classify_graph`] (506 duplicate message is Content).
    pub async fn create_feed_post(
        &self,
        page_token: &SecretString,
        page_id: &str,
        post: &NewFeedPost,
    ) -> Result<CreatedPost, PlatformError> {
        let request = self
            .http
            .post(self.graph_url(&[page_id, "feed"])?)
            .bearer_auth(page_token.expose())
            .json(post);
        self.call(request, classify_graph, &[page_token]).await
    }

    /// `POST /{page-id}/photos` with `url`: published, it is the commit of a photo post;
    /// unpublished, a safe-to-repeat upload for [`FacebookClient::create_feed_post`].
    ///
    /// # Errors
    /// As classified by [`classify_graph`] (324 / 1366046 media problems are Media).
    pub async fn upload_photo(
        &self,
        page_token: &SecretString,
        page_id: &str,
        photo: &NewPhoto,
    ) -> Result<CreatedPhoto, PlatformError> {
        let request = self
            .http
            .post(self.graph_url(&[page_id, "photos"])?)
            .bearer_auth(page_token.expose())
            .json(photo);
        self.call(request, classify_graph, &[page_token]).await
    }

    /// `GET /{post-id}?fields=permalink_url`: the post's public URL, when Graph gives one.
    ///
    /// # Errors
    /// As classified by [`classify_graph`].
    pub async fn permalink(
        &self,
        page_token: &SecretString,
        post_id: &str,
    ) -> Result<Option<String>, PlatformError> {
        let request = self
            .http
            .get(self.graph_url(&[post_id])?)
            .query(&[("fields", "permalink_url")])
            .bearer_auth(page_token.expose());
        let answer: Permalink = self.call(request, classify_graph, &[page_token]).await?;
        Ok(answer.permalink_url.filter(|u| !u.is_empty()))
    }

    /// `GET /{page-id}/published_posts?since=..[&until=..]&limit=100`: the first page (newest
    /// first) of the Page's posts created in `window`, with message and permalink. Further
    /// pages come from [`FacebookClient::published_posts_next`].
    ///
    /// # Errors
    /// As classified by [`classify_graph`].
    pub async fn published_posts(
        &self,
        page_token: &SecretString,
        page_id: &str,
        window: PostsWindow,
    ) -> Result<PagePostsPage, PlatformError> {
        self.listing(
            page_token,
            page_id,
            "published_posts",
            "id,created_time,message,permalink_url",
            window,
        )
        .await
    }

    /// The first page of a Page's `edge` in `window`, 100 at a time, with `fields`.
    pub(crate) async fn listing(
        &self,
        page_token: &SecretString,
        page_id: &str,
        edge: &str,
        fields: &str,
        window: PostsWindow,
    ) -> Result<PagePostsPage, PlatformError> {
        let mut url = self.graph_url(&[page_id, edge])?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("fields", fields)
                .append_pair("since", &window.since.unix_timestamp().to_string())
                .append_pair("limit", LISTING_LIMIT);
            if let Some(until) = window.until {
                // Whole seconds, rounded up so the window never shrinks.
                let seconds = until.unix_timestamp() + i64::from(until.nanosecond() > 0);
                query.append_pair("until", &seconds.to_string());
            }
        }
        self.posts_page(page_token, url).await
    }

    /// The page after `previous`, from its `paging.next` URL.
    ///
    /// # Errors
    /// As classified by [`classify_graph`].
    pub async fn published_posts_next(
        &self,
        page_token: &SecretString,
        previous: &PagePostsPage,
    ) -> Result<Option<PagePostsPage>, PlatformError> {
        match &previous.next {
            Some(next) => self.posts_page(page_token, next.clone()).await.map(Some),
            None => Ok(None),
        }
    }

    async fn posts_page(
        &self,
        page_token: &SecretString,
        url: Url,
    ) -> Result<PagePostsPage, PlatformError> {
        let request = self.http.get(url.clone()).bearer_auth(page_token.expose());
        let page: PagePosts = self.call(request, classify_graph, &[page_token]).await?;
        let next = page
            .paging
            .and_then(|paging| paging.next)
            .map(|next| {
                Url::parse(&next)
                    .ok()
                    .filter(|next| self.is_api_host(next) && *next != url)
                    .ok_or_else(|| {
                        platform_error(
                            Platform::Facebook,
                            PlatformErrorKind::InvalidRequest,
                            Some("unusable_paging_next".to_owned()),
                            "a Page listing answered with a paging.next link off the API host",
                            None,
                            None,
                        )
                    })
            })
            .transpose()?;
        Ok(PagePostsPage {
            posts: page.data,
            next,
        })
    }
}
