//! Hashtags people would read as tags but the platform would not link (`#`, `#123`,
//! `#rock-n-roll`), so a writer learns before posting that the tag will be plain text.

use super::entities::{Span, hashtag_at, is_hash_sign, is_hashtag_alphanumeric};
use super::text::Text;
use super::url::url_spans;

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
    let signs: Vec<usize> = (text.chars.iter().enumerate())
        .filter_map(|(at, c)| is_hash_sign(*c).then_some(at))
        .collect();
    if signs.is_empty() {
        return Vec::new();
    }
    malformed_hashtags(&text, &signs, &url_spans(&text))
}

/// [`find_malformed_hashtags`] given where the hash signs are (`signs`, in order) and the
/// URLs (`urls`, sorted, not overlapping).
pub(crate) fn malformed_hashtags(
    text: &Text,
    signs: &[usize],
    urls: &[Span],
) -> Vec<MalformedHashtag> {
    let chars = &text.chars;
    let mut found = Vec::new();
    for &at in signs {
        if in_url(urls, at) {
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

/// Whether `at` falls inside one of `urls` (sorted by start, not overlapping).
fn in_url(urls: &[Span], at: usize) -> bool {
    let after = urls.partition_point(|u| u.start <= at);
    after
        .checked_sub(1)
        .and_then(|i| urls.get(i))
        .is_some_and(|u| at < u.end)
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
    fn a_sign_inside_a_url_is_part_of_the_url() {
        assert!(reasons("see https://a.com/#1 and example.org/#x-y").is_empty());
        assert_eq!(
            reasons("https://a.com/x #2"),
            [("#2".to_owned(), "no_letters")]
        );
    }
}
