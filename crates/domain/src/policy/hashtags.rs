//! The hashtags a deployment refuses outright. Tags a platform would not link at all (`#`,
//! `#123`, `#rock-n-roll`) are twitter-text's business: [`super::find_malformed_hashtags`].

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;

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
    let tag = tag.trim().trim_start_matches(['#', '\u{FF03}']);
    // Every hashtag of every draft comes through here; ASCII is already NFC.
    if tag.is_ascii() {
        return tag.to_ascii_lowercase();
    }
    tag.nfc().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn tags_compare_in_nfc_and_lower_case() {
        let policy = HashtagPolicy::from_tags(["Café", "#ÉTÉ", "ＡＢ"]);
        assert!(policy.is_banned("cafe\u{301}"));
        assert!(policy.is_banned("＃été"));
        assert!(policy.is_banned("ａｂ"));
        assert!(!policy.is_banned("cafe"));
    }

    #[test]
    fn the_builtin_list_is_not_empty() {
        assert!(HashtagPolicy::builtin().is_banned("followforfollow"));
        assert!(HashtagPolicy::default().len() > 5);
    }
}
