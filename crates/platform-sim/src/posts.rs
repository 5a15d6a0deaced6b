//! What the simulated platforms accepted for publication: every post (per platform and
//! account, so tests can count them and spot duplicates), X media uploads and Facebook's
//! unpublished photos.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use socialpub_domain::Platform;
use time::OffsetDateTime;

use crate::state::SimState;

/// A post a simulated platform made public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimPost {
    pub platform: Platform,
    /// The X user id or the Facebook Page id it was posted as.
    pub account_id: String,
    /// The platform's post id (`{page-id}_{n}` on Facebook).
    pub id: String,
    /// The text as sent (X `text`, Facebook `message` or photo `caption`).
    pub text: String,
    /// X media ids, or Facebook photo ids.
    pub media_ids: Vec<String>,
    /// Facebook `link`.
    pub link: Option<String>,
    /// Facebook photo URLs (the files Facebook would have fetched).
    pub photo_urls: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub url: String,
}

impl SimPost {
    /// Two posts with the same identity are the same content posted twice.
    fn identity(&self) -> (Platform, &str, &str, &[String], Option<&str>, &[String]) {
        (
            self.platform,
            &self.account_id,
            &self.text,
            &self.media_ids,
            self.link.as_deref(),
            &self.photo_urls,
        )
    }
}

/// X media: where an upload stands.
#[derive(Debug, Clone)]
pub(crate) struct SimMedia {
    pub(crate) key: String,
    pub(crate) total: u64,
    /// Bytes received per segment index (a repeated segment replaces the earlier one).
    pub(crate) segments: BTreeMap<u32, u64>,
    pub(crate) needs_processing: bool,
    pub(crate) state: MediaState,
    pub(crate) alt_text: Option<String>,
    /// X forgets an unused media id a day after its upload (or its finalize).
    pub(crate) expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaState {
    Uploading,
    /// Finalized; the number of status checks left before it is ready.
    Processing(u32),
    Ready,
}

impl SimMedia {
    pub(crate) fn received(&self) -> u64 {
        self.segments.values().sum()
    }
}

/// Facebook: a photo uploaded with `published=false`, waiting to be attached to a post.
#[derive(Debug, Clone)]
pub(crate) struct SimPhoto {
    pub(crate) page_id: String,
    pub(crate) url: String,
}

#[derive(Debug, Default)]
pub(crate) struct PostStore {
    pub(crate) posts: Vec<SimPost>,
    pub(crate) media: HashMap<String, SimMedia>,
    pub(crate) photos: HashMap<String, SimPhoto>,
    /// X: the post each reply answers (`reply.in_reply_to_tweet_id`), by reply id.
    pub(crate) x_replies: HashMap<String, String>,
    /// Facebook: videos and reels by video id.
    pub(crate) facebook_videos: HashMap<String, crate::platforms::facebook_publish::SimVideo>,
    /// TikTok publishes by publish id (uploads, pulls, photo posts).
    pub(crate) tiktok: HashMap<String, crate::platforms::tiktok_publish::SimPublish>,
    /// Pinterest's registered videos and pin details.
    pub(crate) pinterest: crate::platforms::pinterest_publish::PinterestStore,
    /// Instagram containers and published media.
    pub(crate) instagram: crate::platforms::instagram_publish::InstagramStore,
    /// LinkedIn images, videos and documents by URN.
    pub(crate) linkedin_media: HashMap<String, crate::platforms::linkedin_publish::LinkedinMedia>,
    /// Position in `posts` by post id, so lookups stay cheap over long benchmark runs.
    by_id: HashMap<String, usize>,
    next_id: u64,
}

impl PostStore {
    pub(crate) fn get(&self, id: &str) -> Option<&SimPost> {
        self.by_id.get(id).and_then(|at| self.posts.get(*at))
    }

    /// One page of an account's posts for cursor paging, newest first: at most `limit` of
    /// those `keep` accepts, older than the post `after` names (the last post of the previous
    /// page), and whether more remain. Posts made since the previous page never shift the
    /// next one. `None` when `after` names no post of this account.
    pub(crate) fn page_of<'a>(
        &'a self,
        platform: Platform,
        account_id: &str,
        after: Option<&str>,
        limit: usize,
        keep: impl Fn(&SimPost) -> bool,
    ) -> Option<(Vec<&'a SimPost>, bool)> {
        let end = match after {
            None => self.posts.len(),
            Some(id) => {
                let at = *self.by_id.get(id)?;
                let cursor = self.posts.get(at)?;
                if cursor.platform != platform || cursor.account_id != account_id {
                    return None;
                }
                at
            }
        };
        let mut older = self
            .posts
            .get(..end)?
            .iter()
            .rev()
            .filter(|p| p.platform == platform && p.account_id == account_id && keep(p));
        let page: Vec<&SimPost> = older.by_ref().take(limit).collect();
        let more = older.next().is_some();
        Some((page, more))
    }

    /// A fresh numeric id, shaped like the platforms' (19 digits for X, 15+ for Facebook).
    pub(crate) fn next_id(&mut self, platform: Platform) -> String {
        self.next_id += 1;
        match platform {
            Platform::X => (1_860_000_000_000_000_000_u64 + self.next_id).to_string(),
            Platform::Tiktok => (7_300_000_000_000_000_000_u64 + self.next_id).to_string(),
            _ => (120_000_000_000_000_u64 + self.next_id).to_string(),
        }
    }
}

impl SimState {
    pub(crate) fn store_post(&mut self, post: SimPost) -> SimPost {
        self.stats_mut(post.platform).posts_published += 1;
        let at = self.posts.posts.len();
        self.posts.by_id.insert(post.id.clone(), at);
        self.posts.posts.push(post.clone());
        post
    }

    /// Posts of `platform` (every platform when `None`), oldest first.
    pub(crate) fn posts_of(&self, platform: Option<Platform>) -> Vec<SimPost> {
        self.posts
            .posts
            .iter()
            .filter(|p| platform.is_none_or(|wanted| p.platform == wanted))
            .cloned()
            .collect()
    }

    /// Whether an identical post (same account, text and media) is already public.
    pub(crate) fn has_identical(&self, candidate: &SimPost) -> bool {
        self.posts
            .posts
            .iter()
            .any(|p| p.identity() == candidate.identity())
    }
}

/// How many posts repeat an earlier one exactly (same platform, account, text and media).
pub fn duplicate_count(posts: &[SimPost]) -> usize {
    let mut seen = std::collections::HashSet::new();
    posts.iter().filter(|p| !seen.insert(p.identity())).count()
}
