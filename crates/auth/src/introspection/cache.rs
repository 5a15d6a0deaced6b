use std::time::{Duration, Instant};

use moka::Expiry;
use moka::future::Cache;
use ring::digest;
use socialpub_domain::UserId;

/// A SHA-256 of the bearer token: the cache key. The raw token is never kept, so a heap dump
/// or a debugging session over the cache yields nothing usable.
pub(crate) type TokenDigest = [u8; 32];

pub(crate) fn token_digest(token: &str) -> TokenDigest {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest::digest(&digest::SHA256, token.as_bytes()).as_ref());
    out
}

/// A positive introspection answer, kept until `ttl` has passed.
#[derive(Clone)]
pub(crate) struct CachedUser {
    pub(crate) user_id: UserId,
    pub(crate) ttl: Duration,
}

/// Each entry lives for its own `ttl`: the configured bound, cut short by the token's `exp`.
struct PerEntryTtl;

impl Expiry<TokenDigest, CachedUser> for PerEntryTtl {
    fn expire_after_create(
        &self,
        _key: &TokenDigest,
        value: &CachedUser,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(value.ttl)
    }
}

pub(crate) fn new_cache(capacity: u64) -> Cache<TokenDigest, CachedUser> {
    Cache::builder()
        .max_capacity(capacity)
        .expire_after(PerEntryTtl)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_stable_and_distinct() {
        assert_eq!(token_digest("a"), token_digest("a"));
        assert_ne!(token_digest("a"), token_digest("b"));
    }
}
