//! Insights computed from data already at hand: best times to post and hashtag rankings. The
//! reading (platform calls, stored metrics) happens elsewhere; everything here is pure so it
//! can be tested on fixed data.

mod best_times;
mod hashtags;
mod metrics;

pub use best_times::{
    BestTimeBasis, BestTimePriors, BestTimes, Confidence, MIN_BUCKET_SAMPLE, MIN_TOTAL_SAMPLE,
    NEXT_BEST_MIN_SCORE, NEXT_SLOTS, Observation, PRIOR_STRENGTH, SUGGESTIONS, SuggestedTime,
    best_times, local_bucket, next_best_slot, next_slots,
};
pub use hashtags::{
    HashtagQuery, HashtagSource, HashtagSuggestion, IndustryHashtags, PlatformTag, TaggedPost,
    normalize as normalize_hashtag, own_tag_lifts, rank_hashtags,
};
pub use metrics::{AccountPost, MetricsCheckpoint, MetricsReading, PostMetrics};
