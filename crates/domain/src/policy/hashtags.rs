//! Hashtag hygiene: tags a platform would not link (`#`, `#123`, `#rock-n-roll`) and tags
//! the deployment refuses outright.

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;

use crate::twitter_text::internal::{
    Text, hashtag_at, is_hash_sign, is_hashtag_alphanumeric, url_spans,
};

const BUILTIN: &str = include_str!("../../data/banned_hashtags.txt");

/// The hashtags a deployment refuses, compared without case or sign.
///
/// The default is the built-in list (`data/banned_hashtags.txt`); the app builds its own from
/// a configurable file with [`HashtagPolicy::from_list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashtagPolicy {
    banned: BTreeSet<String>,
}

impl HashtagPolicy {
    /// Refuses nothing.
    pub fn empty() -> Self {
        Self {
            banned: BTreeSet::new(),
        }
    }

    /// The list shipped with Socialpub.
    pub fn builtin() -> Self {
        Self::from_list(BUILTIN)
    }

    /// Reads a list in the format of `data/banned_hashtags.txt`: one tag per line, with or
    /// without its `#`. A `#` followed by a space (or alone) starts a comment, so `# note` is
    /// a comment and `#spam` a tag; text after the tag is ignored.
    pub fn from_list(list: &str) -> Self {
        let tags = list.lines().filter_map(|line| {
            let tag = line.split_whitespace().next()?;
            (tag != "#").then_some(tag)
        });
        Self::from_tags(tags)
    }

    pub fn from_tags<I, S>(tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self {
            banned: tags
                .into_iter()
                .map(|tag| normalize(tag.as_ref()))
                .filter(|tag| !tag.is_empty())
                .collect(),
        }
    }

    pub fn is_banned(&self, tag: &str) -> bool {
        self.banned.contains(&normalize(tag))
    }

    pub fn len(&self) -> usize {
        self.banned.len()
    }

    pub fn is_empty(&self) -> bool {
        self.banned.is_empty()
    }

    pub fn banned_tags(&self) -> impl Iterator<Item = &str> {
        self.banned.iter().map(String::as_str)
    }
}

impl Default for HashtagPolicy {
    fn default() -> Self {
        Self::builtin()
    }
}

fn normalize(tag: &str) -> String {
    tag.trim()
        .trim_start_matches(['#', '\u{FF03}'])
        .nfc()
        .flat_map(char::to_lowercase)
        .collect()
}

/// A `#` that reads as a hashtag to people but would not be linked by the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedHashtag {
    /// The text from the sign to the next space, as written.
    pub token: String,
    /// `empty` (`#` alone), `no_letters` (`#123`, `#!!`), `punctuation` (`#rock-n-roll`,
    /// `#don't`) or `joined` (`#one#two`).
    pub reason: &'static str,
}

/// Punctuation that glues two words of what was meant as one tag.
fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '-' | '\'' | '\u{2019}' | '.' | '&' | '/' | '+' | '@' | ':' | '!' | '?' | ','
    )
}

/// Every hashtag-looking token the platform would not link, ignoring `#` inside URLs, after a
/// letter (`C#`), in HTML entities (`&#39;`) and keycap emoji (`#️⃣`).
pub fn find_malformed_hashtags(text: &str) -> Vec<MalformedHashtag> {
    let text = Text::new(text);
    let chars = &text.chars;
    let urls = url_spans(&text);
    let mut found = Vec::new();
    for (at, &c) in chars.iter().enumerate() {
        if !is_hash_sign(c) || urls.iter().any(|u| u.start <= at && at < u.end) {
            continue;
        }
        let prev = at.checked_sub(1).and_then(|i| chars.get(i)).copied();
        let boundary = prev.is_none_or(|p| {
            matches!(p, '\u{FE0E}' | '\u{FE0F}') || !(is_hashtag_alphanumeric(p) || p == '&')
        });
        let next = chars.get(at + 1).copied();
        if !boundary
            || matches!(next, Some('\u{FE0F}' | '\u{20E3}'))
            || next.is_some_and(is_hash_sign)
        {
            continue;
        }
        let token_end = chars[at..]
            .iter()
            .position(|c| c.is_whitespace())
            .map_or(chars.len(), |p| at + p);
        let reason = match hashtag_at(chars, at) {
            Some(span) => {
                let glued = chars.get(span.end).is_some_and(|c| is_joiner(*c))
                    && chars
                        .get(span.end + 1)
                        .is_some_and(|c| is_hashtag_alphanumeric(*c));
                if !glued {
                    continue;
                }
                "punctuation"
            }
            None if next.is_none_or(char::is_whitespace) => "empty",
            None => {
                let body = chars[at + 1..]
                    .iter()
                    .take_while(|c| is_hashtag_alphanumeric(**c))
                    .count();
                let after = at + 1 + body;
                let joined = body > 0
                    && (chars.get(after).is_some_and(|c| is_hash_sign(*c))
                        || chars[after..].starts_with(&[':', '/', '/']));
                if joined { "joined" } else { "no_letters" }
            }
        };
        found.push(MalformedHashtag {
            token: chars[at..token_end].iter().take(100).collect(),
            reason,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(text: &str) -> Vec<(String, &'static str)> {
        find_malformed_hashtags(text)
            .into_iter()
            .map(|m| (m.token, m.reason))
            .collect()
    }

    #[test]
    fn well_formed_tags_and_non_tags_pass() {
        assert!(reasons("#rust #日本語 #café. C# &#39; https://a.com/#x #️⃣ #tag!").is_empty());
    }

    #[test]
    fn malformed_tags_are_reported_with_a_reason() {
        assert_eq!(reasons("# alone"), [("#".to_owned(), "empty")]);
        assert_eq!(reasons("we are #1"), [("#1".to_owned(), "no_letters")]);
        assert_eq!(
            reasons("#rock-n-roll"),
            [("#rock-n-roll".to_owned(), "punctuation")]
        );
        assert_eq!(reasons("#one#two"), [("#one#two".to_owned(), "joined")]);
    }

    #[test]
    fn banned_tags_match_without_case_or_sign() {
        let policy = HashtagPolicy::from_list("# comment\n#Spam\nbad  # why\n\n");
        assert!(policy.is_banned("spam"));
        assert!(policy.is_banned("#SPAM"));
        assert!(policy.is_banned("Bad"));
        assert!(!policy.is_banned("comment"));
        assert_eq!(policy.len(), 2);
    }

    #[test]
    fn the_builtin_list_is_not_empty() {
        assert!(HashtagPolicy::builtin().is_banned("followforfollow"));
        assert!(HashtagPolicy::default().len() > 5);
    }
}
