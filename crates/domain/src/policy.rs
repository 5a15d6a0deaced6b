//! What each platform accepts, checked before a job is created.
//!
//! A post that breaks a platform's rules should be refused at `POST /publish` with every
//! problem listed, not fail minutes later inside a worker. The rules are data
//! ([`PlatformRules`], one table per platform under `rules/`) so that a limit changes in one
//! line and the same tables can be published to clients as a versioned catalogue
//! ([`RULES_VERSION`], [`rules_for`]). The checks themselves are pure functions of a
//! [`ContentDraft`]; they never panic, whatever the metadata says.
//!
//! Unknown keys in `platform_specific_options` are ignored: the web app sends one options
//! object shaped for several platforms, and adapters read only the keys they know. Options a
//! platform does know are type-checked, and required ones must be present.

mod account;
mod check_media;
mod check_options;
mod check_text;
mod draft;
mod hashtags;
mod kind;
mod media_facts;
mod rules;
mod validator;
mod violation;

pub use account::AccountLimits;
pub use draft::ContentDraft;
pub use hashtags::HashtagPolicy;
pub use kind::{ContentKind, ContentKindError, UnknownContentKind, resolve_content_kind};
pub use rules::{
    AspectRatioRange, Dimensions, ImageRules, KindRules, MimeSizeLimit, OptionRule, OptionValue,
    PlatformRules, RULES_VERSION, TextCounting, TextRules, VersionedRules, VideoRules, rules_for,
    versioned_rules,
};
pub use socialpub_twitter_text::{MalformedHashtag, find_malformed_hashtags};
pub use validator::PlatformPolicyValidator;
pub use violation::{Violation, codes};
