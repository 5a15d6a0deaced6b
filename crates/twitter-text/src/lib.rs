//! X's weighted tweet length and entity extraction, following the twitter-text rules.
//!
//! X does not count characters: it weighs them (CJK and emoji cost double, every URL costs the
//! same whatever its length). Refusing a post before it is sent, with the same numbers X would
//! use, is cheaper and clearer than letting the platform refuse it after a queue and a token
//! refresh. The behaviour is held to twitter-text's own conformance data (`validate.yml`,
//! vendored under `tests/data/`) by the integration tests, so any drift from X's counting shows
//! up as a failing case.
//!
//! The entity extractors (URLs, hashtags, mentions, cashtags) are public because the content
//! rules of every platform count hashtags and mentions the same way, and platform adapters
//! need the same answers. A crate of its own, with no dependency on the rest of Socialpub, so
//! that the content rules, the platform crates and any other service share one implementation
//! and an edit here rebuilds only what uses it.

mod chars;
mod config;
mod emoji;
mod entities;
mod malformed;
mod parse;
mod text;
mod tld;
mod url;

pub use config::{ConfigError, TwitterTextConfig, WeightRange};
pub use entities::{
    Entities, Entity, extract_cashtags, extract_entities, extract_hashtags, extract_mentions,
};
pub use malformed::{MalformedHashtag, find_malformed_hashtags};
pub use parse::{ParsedTweet, Utf16Range, parse_tweet};
pub use url::extract_urls;
