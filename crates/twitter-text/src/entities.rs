//! Hashtags, mentions and cashtags as twitter-text finds them.
//!
//! Platforms count these to enforce their limits (Instagram: 5 hashtags, 20 mentions; X: one
//! cashtag), so they must be found the way a platform would, not with a naive `#\w+`.

use std::ops::Range;

use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

use super::chars::{is_latin_accent, is_punct, is_space};
use super::malformed::{MalformedHashtag, malformed_hashtags};
use super::text::Text;
use super::url::url_spans;

/// Something found in a text: its value (without `#`, `@` or `$`) and where it is, as a byte
/// range of the text it was found in (sigil included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub value: String,
    pub range: Range<usize>,
}

/// A range of code points in a [`Text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl Entity {
    /// `value_start` skips the sigil, so `#tag` has the value `tag` and the range of `#tag`.
    pub(crate) fn from_span(text: &Text, span: Span, value_start: usize) -> Self {
        Self {
            value: text.slice(value_start, span.end).iter().collect(),
            range: text.byte_offset(span.start)..text.byte_offset(span.end),
        }
    }
}

/// A letter or a mark. The general category is a search in a large table; ASCII, where
/// only `A–Z a–z` qualify, is answered without it.
fn is_hashtag_alpha(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Mark
    )
}

pub(crate) fn is_hashtag_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    is_hashtag_alpha(c)
        || c.general_category() == GeneralCategory::DecimalNumber
        || matches!(
            c,
            '_' | '\u{200C}'
                | '\u{200D}'
                | '\u{A67E}'
                | '\u{05BE}'
                | '\u{05F3}'
                | '\u{05F4}'
                | '\u{FF5E}'
                | '\u{301C}'
                | '\u{309B}'
                | '\u{309C}'
                | '\u{30A0}'
                | '\u{30FB}'
                | '\u{3003}'
                | '\u{0F0B}'
                | '\u{0F0C}'
                | '\u{00B7}'
        )
}

pub(crate) fn is_hash_sign(c: char) -> bool {
    matches!(c, '#' | '\u{FF03}')
}

fn is_at_sign(c: char) -> bool {
    matches!(c, '@' | '\u{FF20}')
}

/// What content rules count in a text, from one shared scan.
///
/// The URLs are found once and used to drop the hashtags (and malformed ones) inside them;
/// calling each extractor in turn would scan for URLs again every time, and content checks
/// want all of these for every draft. The URLs themselves are left out (they are not counted
/// against any limit): [`extract_urls`](crate::extract_urls) has them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entities {
    pub hashtags: Vec<Entity>,
    pub mentions: Vec<Entity>,
    pub cashtags: Vec<Entity>,
    pub malformed_hashtags: Vec<MalformedHashtag>,
}

/// What [`extract_hashtags`], [`extract_mentions`], [`extract_cashtags`] and
/// [`find_malformed_hashtags`](crate::find_malformed_hashtags) would each find in `text`.
pub fn extract_entities(text: &str) -> Entities {
    let text = Text::new(text);
    let chars = &text.chars;
    // One pass finds every sign; each extractor then looks only where its sign is.
    let (mut hashes, mut ats, mut dollars) = (Vec::new(), Vec::new(), Vec::new());
    for (at, c) in chars.iter().enumerate() {
        match c {
            '#' | '\u{FF03}' => hashes.push(at),
            '@' | '\u{FF20}' => ats.push(at),
            '$' => dollars.push(at),
            _ => {}
        }
    }
    // URLs matter only to hashtags (a `#` inside one is part of it): without a sign, the
    // scan for them, the costliest part of extraction, is skipped.
    let urls = if hashes.is_empty() {
        Vec::new()
    } else {
        url_spans(&text)
    };
    let spans = |signs: &[usize], matcher: fn(&[char], usize) -> Option<Span>| -> Vec<Span> {
        signs.iter().filter_map(|&at| matcher(chars, at)).collect()
    };
    let entities = |spans: Vec<Span>| -> Vec<Entity> {
        spans
            .into_iter()
            .map(|span| Entity::from_span(&text, span, span.start + 1))
            .collect()
    };
    Entities {
        hashtags: entities(without_url_overlaps(spans(&hashes, hashtag_at), &urls)),
        mentions: entities(spans(&ats, mention_at)),
        cashtags: entities(spans(&dollars, cashtag_at)),
        malformed_hashtags: malformed_hashtags(&text, &hashes, &urls),
    }
}

/// Every hashtag of `text`, without those that are part of a URL (`https://a.com/#top`).
pub fn extract_hashtags(text: &str) -> Vec<Entity> {
    let text = Text::new(text);
    hashtag_spans(&text)
        .into_iter()
        .map(|span| Entity::from_span(&text, span, span.start + 1))
        .collect()
}

/// The hashtag starting with the sign at `at`, as twitter-text's pattern would match it,
/// before the URL-overlap check.
pub(crate) fn hashtag_at(chars: &[char], at: usize) -> Option<Span> {
    if !is_hash_sign(*chars.get(at)?) {
        return None;
    }
    let boundary = match at.checked_sub(1).and_then(|i| chars.get(i)) {
        None => true,
        Some('\u{FE0E}' | '\u{FE0F}') => true,
        Some(&prev) => !(is_hashtag_alphanumeric(prev) || prev == '&'),
    };
    if !boundary || matches!(chars.get(at + 1), Some('\u{FE0F}' | '\u{20E3}')) {
        return None;
    }
    let rest = chars.get(at + 1..)?;
    let body_len = rest
        .iter()
        .take_while(|c| is_hashtag_alphanumeric(**c))
        .count();
    if !rest[..body_len].iter().any(|c| is_hashtag_alpha(*c)) {
        return None;
    }
    let end = at + 1 + body_len;
    let rest = chars.get(end..).unwrap_or(&[]);
    let followed_by_sign_or_scheme =
        rest.first().is_some_and(|c| is_hash_sign(*c)) || rest.starts_with(&[':', '/', '/']);
    (!followed_by_sign_or_scheme).then_some(Span::new(at, end))
}

/// The spans `matcher` finds at each sign `sign` accepts: looking for the sign first keeps the
/// pass over a long text to a comparison per character.
fn spans_at_signs(
    text: &Text,
    sign: impl Fn(char) -> bool,
    matcher: impl Fn(&[char], usize) -> Option<Span>,
) -> Vec<Span> {
    text.chars
        .iter()
        .enumerate()
        .filter(|(_, c)| sign(**c))
        .filter_map(|(at, _)| matcher(&text.chars, at))
        .collect()
}

fn hashtag_candidates(text: &Text) -> Vec<Span> {
    spans_at_signs(text, is_hash_sign, hashtag_at)
}

fn hashtag_spans(text: &Text) -> Vec<Span> {
    let tags = hashtag_candidates(text);
    if tags.is_empty() {
        return tags;
    }
    without_url_overlaps(tags, &url_spans(text))
}

/// twitter-text's overlap rule: sort everything by start and drop whatever overlaps the
/// entity kept before it, then return the hashtags that survived.
fn without_url_overlaps(tags: Vec<Span>, urls: &[Span]) -> Vec<Span> {
    if urls.is_empty() {
        return tags;
    }
    let mut all: Vec<(Span, bool)> = tags
        .into_iter()
        .map(|s| (s, true))
        .chain(urls.iter().map(|s| (*s, false)))
        .collect();
    all.sort_by_key(|(span, _)| span.start);
    let mut kept: Vec<(Span, bool)> = Vec::with_capacity(all.len());
    for entity in all {
        if kept
            .last()
            .is_some_and(|(last, _)| last.overlaps(&entity.0))
        {
            continue;
        }
        kept.push(entity);
    }
    kept.into_iter()
        .filter_map(|(span, is_tag)| is_tag.then_some(span))
        .collect()
}

/// Every `@username` of `text` (1 to 20 of `A-Z a-z 0-9 _`), list references excluded.
pub fn extract_mentions(text: &str) -> Vec<Entity> {
    let text = Text::new(text);
    mention_spans(&text)
        .into_iter()
        .map(|span| Entity::from_span(&text, span, span.start + 1))
        .collect()
}

fn mention_spans(text: &Text) -> Vec<Span> {
    spans_at_signs(text, is_at_sign, mention_at)
}

fn is_screen_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn mention_at(chars: &[char], at: usize) -> Option<Span> {
    if !is_at_sign(*chars.get(at)?) || !mention_may_follow(chars, at) {
        return None;
    }
    let name = chars
        .get(at + 1..)?
        .iter()
        .take_while(|c| is_screen_name_char(**c))
        .take(20)
        .count();
    if name == 0 {
        return None;
    }
    let end = at + 1 + name;
    let rest = chars.get(end..).unwrap_or(&[]);
    let is_list = rest.first() == Some(&'/') && rest.get(1).is_some_and(char::is_ascii_alphabetic);
    let bad_end = rest
        .first()
        .is_some_and(|c| is_at_sign(*c) || is_latin_accent(*c))
        || rest.starts_with(&[':', '/', '/']);
    (!is_list && !bad_end).then_some(Span::new(at, end))
}

/// Not glued to a word, an e-mail address or another sign; `RT@user` and `RT:@user` count.
fn mention_may_follow(chars: &[char], at: usize) -> bool {
    let before = |n: usize| at.checked_sub(n).and_then(|i| chars.get(i)).copied();
    let Some(prev) = before(1) else {
        return true;
    };
    let plain = !(prev.is_ascii_alphanumeric()
        || matches!(prev, '_' | '!' | '#' | '$' | '%' | '&' | '*')
        || is_at_sign(prev));
    if plain {
        return true;
    }
    let offset = usize::from(prev == ':');
    let is_rt = matches!(
        (before(offset + 2), before(offset + 1)),
        (Some('r' | 'R'), Some('t' | 'T'))
    );
    is_rt
        && before(offset + 3).is_none_or(|c| {
            !(c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '~' | '.' | '-'))
        })
}

/// Every `$TICKER` of `text` (1 to 6 letters, optionally `.X` or `_XX`).
pub fn extract_cashtags(text: &str) -> Vec<Entity> {
    let text = Text::new(text);
    cashtag_spans(&text)
        .into_iter()
        .map(|span| Entity::from_span(&text, span, span.start + 1))
        .collect()
}

fn cashtag_spans(text: &Text) -> Vec<Span> {
    spans_at_signs(text, |c| c == '$', cashtag_at)
}

fn cashtag_at(chars: &[char], at: usize) -> Option<Span> {
    if *chars.get(at)? != '$' {
        return None;
    }
    if at > 0 && !chars.get(at - 1).is_some_and(|c| is_space(*c)) {
        return None;
    }
    let letters = |from: usize| {
        chars
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count()
    };
    let ends_well = |end: usize| chars.get(end).is_none_or(|c| is_space(*c) || is_punct(*c));
    let symbol = letters(at + 1);
    if !(1..=6).contains(&symbol) {
        return None;
    }
    let end = at + 1 + symbol;
    if matches!(chars.get(end), Some('.' | '_')) {
        let suffix = letters(end + 1);
        if (1..=2).contains(&suffix) && ends_well(end + 1 + suffix) {
            return Some(Span::new(at, end + 1 + suffix));
        }
    }
    ends_well(end).then_some(Span::new(at, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(entities: Vec<Entity>) -> Vec<String> {
        entities.into_iter().map(|e| e.value).collect()
    }

    #[test]
    fn hashtags_follow_twitter_text() {
        assert_eq!(values(extract_hashtags("#rust is #fun")), ["rust", "fun"]);
        assert_eq!(values(extract_hashtags("#123 and #")), Vec::<String>::new());
        assert_eq!(
            values(extract_hashtags("#日本語 #café")),
            ["日本語", "café"]
        );
        assert_eq!(
            values(extract_hashtags("C#minor &#39;")),
            Vec::<String>::new()
        );
        assert_eq!(values(extract_hashtags("#a#b")), Vec::<String>::new());
        assert_eq!(
            values(extract_hashtags("https://example.com/#anchor #real")),
            ["real"]
        );
    }

    #[test]
    fn ascii_letters_and_digits_are_what_the_general_category_says() {
        for c in (0..128u8).map(char::from) {
            let letter = matches!(
                c.general_category_group(),
                GeneralCategoryGroup::Letter | GeneralCategoryGroup::Mark
            );
            let digit = c.general_category() == GeneralCategory::DecimalNumber;
            assert_eq!(is_hashtag_alpha(c), letter, "{c:?}");
            assert_eq!(
                is_hashtag_alphanumeric(c),
                letter || digit || c == '_',
                "{c:?}"
            );
        }
    }

    #[test]
    fn hashtag_ranges_are_byte_ranges_with_the_sign() {
        let tags = extract_hashtags("é #tag");
        assert_eq!(tags[0].range, 3..7);
    }

    #[test]
    fn mentions_follow_twitter_text() {
        assert_eq!(
            values(extract_mentions("@alice and @bob_2, RT @carol")),
            ["alice", "bob_2", "carol"]
        );
        assert!(extract_mentions("mail me at me@example.com").is_empty());
        assert!(extract_mentions("@user/list").is_empty());
        assert_eq!(values(extract_mentions("RT:@dave")), ["dave"]);
    }

    #[test]
    fn one_scan_finds_what_each_extractor_finds() {
        let text = "RT @ann: $AAPL up, see https://a.com/#x and example.org #Rust #1 #good-bad";
        let all = extract_entities(text);
        assert_eq!(all.hashtags, extract_hashtags(text));
        assert_eq!(all.mentions, extract_mentions(text));
        assert_eq!(all.cashtags, extract_cashtags(text));
        assert_eq!(all.malformed_hashtags, crate::find_malformed_hashtags(text));
        assert_eq!(values(all.hashtags), ["Rust", "good"]);
        assert_eq!(all.malformed_hashtags.len(), 2);
    }

    #[test]
    fn cashtags_follow_twitter_text() {
        assert_eq!(
            values(extract_cashtags("$AAPL and $BRK.A, not $1 or $TOOLONGX")),
            ["AAPL", "BRK.A"]
        );
    }
}
