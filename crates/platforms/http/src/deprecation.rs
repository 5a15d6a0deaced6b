//! Signs that a platform API version in use is going away (a `Sunset` or `Deprecation`
//! header, another version answering, a deprecated-version error), kept once per distinct sign
//! for the whole process, so each is logged once and `/metrics` can show how many there are.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex, PoisonError};

use socialpub_domain::Platform;

static SEEN: LazyLock<Mutex<HashSet<(Platform, String)>>> = LazyLock::new(Default::default);

/// Notes a sign; true the first time this sign is seen from this platform in this process
/// (the caller logs it then).
pub fn note_deprecation(platform: Platform, sign: &str) -> bool {
    SEEN.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert((platform, sign.to_owned()))
}

/// How many distinct signs each platform has given this process (platforms without any are
/// left out).
pub fn deprecation_signs() -> Vec<(Platform, u64)> {
    let seen = SEEN.lock().unwrap_or_else(PoisonError::into_inner);
    Platform::ALL
        .iter()
        .map(|p| (*p, seen.iter().filter(|(q, _)| q == p).count() as u64))
        .filter(|(_, n)| *n > 0)
        .collect()
}
