//! X's weighted tweet length, following the twitter-text rules.
//!
//! X does not count characters: it weighs them (CJK and emoji cost double, every URL costs the
//! same whatever its length). Refusing a post here, with the same numbers X would use, is
//! cheaper and clearer than letting the platform refuse it after a queue and a token refresh.
//! The behaviour is held to twitter-text's own conformance data (`validate.yml`) by the
//! integration tests, so any drift from X's counting shows up as a failing case.
//!
//! The module also exposes the entity extractors (URLs, hashtags, mentions, cashtags) because
//! the content rules of every platform count hashtags and mentions the same way.

mod chars;
mod config;
mod emoji;
mod entities;
mod parse;
mod text;
mod tld;
mod url;

pub use config::{ConfigError, TwitterTextConfig, WeightRange};
pub use entities::{Entity, extract_cashtags, extract_hashtags, extract_mentions};
pub use parse::{ParsedTweet, parse_tweet};
pub use url::extract_urls;

/// What the content rules reuse from the extractors, without making it public API.
pub(crate) mod internal {
    pub(crate) use super::entities::{hashtag_at, is_hash_sign, is_hashtag_alphanumeric};
    pub(crate) use super::text::Text;
    pub(crate) use super::url::url_spans;
}
