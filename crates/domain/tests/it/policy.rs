//! The content rules, platform by platform: each limit is tried at the limit and one past it.

mod catalogue;
mod facebook;
mod garbage;
mod hashtags;
mod instagram;
mod linkedin;
mod pinterest;
mod support;
mod tiktok;
mod x;
