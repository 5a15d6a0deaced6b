use socialpub_domain::Platform;
use time::Duration;

/// A platform's known limit on how many posts one account may make in a rolling window.
/// Scheduling past it is allowed (the job waits) but answered with a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownCap {
    pub posts: u32,
    pub window: Duration,
    /// Which limit this is, for the warning.
    pub what: &'static str,
}

/// The conservative caps from the platform documents: X's daily cap for unverified accounts,
/// Instagram's 24-hour publishing quota (50 per the reference; the live value is read when
/// publishing), TikTok's pending shares.
pub const fn known_cap(platform: Platform) -> Option<KnownCap> {
    match platform {
        Platform::X => Some(KnownCap {
            posts: 50,
            window: Duration::hours(24),
            what: "the daily post cap of unverified accounts",
        }),
        Platform::Instagram => Some(KnownCap {
            posts: 50,
            window: Duration::hours(24),
            what: "the 24-hour content publishing quota",
        }),
        Platform::Tiktok => Some(KnownCap {
            posts: 5,
            window: Duration::hours(24),
            what: "the limit on pending shares",
        }),
        Platform::Facebook | Platform::Linkedin | Platform::Pinterest => None,
    }
}
