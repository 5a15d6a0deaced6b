//! Emoji sequences, which twitter-text v3 counts as one double-weight character however many
//! code points they hold (a family emoji is seven).
//!
//! twitter-text uses twemoji-parser's generated list of every sequence; this is the grammar of
//! Unicode's emoji sequences (UTS #51) over the Unicode emoji properties instead, with
//! twemoji's few quirks: `©`, `®`, `™` and `♟` are emoji only with U+FE0F, other text-style
//! emoji are emoji unless followed by U+FE0E, a keycap needs no U+FE0F, and a lone U+FE0F
//! counts as one. It differs from twemoji only on sequences twemoji does not list (a ZWJ
//! sequence of emoji no vendor draws is one emoji here, several there).

use unicode_properties::{EmojiStatus, UnicodeEmoji};

use super::entities::Span;

const ZWJ: char = '\u{200D}';
const VS15: char = '\u{FE0E}';
const VS16: char = '\u{FE0F}';
const KEYCAP: char = '\u{20E3}';
const BLACK_FLAG: char = '\u{1F3F4}';
const CANCEL_TAG: char = '\u{E007F}';

/// Every emoji sequence, leftmost first and not overlapping.
pub(crate) fn emoji_spans(chars: &[char]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(&c) = chars.get(at) {
        // What `element_end` settles first, without a call: most of a text is plain ASCII.
        if c < '\u{A9}' && !matches!(c, '#' | '*' | '0'..='9') {
            at += 1;
            continue;
        }
        match sequence_end(chars, at) {
            Some(end) => {
                spans.push(Span::new(at, end));
                at = end;
            }
            None => at += 1,
        }
    }
    spans
}

/// An element, then more elements joined by ZWJ.
fn sequence_end(chars: &[char], at: usize) -> Option<usize> {
    let mut end = element_end(chars, at)?;
    while chars.get(end) == Some(&ZWJ) {
        match element_end(chars, end + 1) {
            Some(next) => end = next,
            None => break,
        }
    }
    Some(end)
}

fn is_modifier(c: Option<&char>) -> bool {
    matches!(c, Some('\u{1F3FB}'..='\u{1F3FF}'))
}

fn is_regional_indicator(c: Option<&char>) -> bool {
    matches!(c, Some('\u{1F1E6}'..='\u{1F1FF}'))
}

fn is_tag(c: Option<&char>) -> bool {
    matches!(c, Some('\u{E0020}'..='\u{E007E}'))
}

fn element_end(chars: &[char], at: usize) -> Option<usize> {
    let c = *chars.get(at)?;
    let next = chars.get(at + 1);
    if matches!(c, '#' | '*' | '0'..='9') {
        let keycap_at = if next == Some(&VS16) { at + 2 } else { at + 1 };
        return (chars.get(keycap_at) == Some(&KEYCAP)).then_some(keycap_at + 1);
    }
    // Nothing below U+00A9 (`©`) is an emoji but the keycap bases above: most text is
    // settled here without a property lookup.
    if c < '\u{A9}' {
        return None;
    }
    if is_regional_indicator(Some(&c)) {
        return Some(if is_regional_indicator(next) {
            at + 2
        } else {
            at + 1
        });
    }
    if c == BLACK_FLAG && is_tag(next) {
        let tags = chars[at + 1..]
            .iter()
            .take_while(|t| is_tag(Some(t)))
            .count();
        let cancel = at + 1 + tags;
        if chars.get(cancel) == Some(&CANCEL_TAG) {
            return Some(cancel + 1);
        }
    }
    let (presentation, modifier_base) = match c.emoji_status() {
        EmojiStatus::EmojiPresentation
        | EmojiStatus::EmojiPresentationAndEmojiComponent
        | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent => (true, false),
        EmojiStatus::EmojiPresentationAndModifierBase => (true, true),
        EmojiStatus::EmojiModifierBase => (false, true),
        EmojiStatus::EmojiOther => (false, false),
        _ => return (c == VS16).then_some(at + 1),
    };
    if !presentation {
        if matches!(c, '\u{A9}' | '\u{AE}' | '\u{2122}' | '\u{265F}') {
            return (next == Some(&VS16)).then_some(at + 2);
        }
        if next == Some(&VS15) {
            return None;
        }
    }
    let mut end = at + 1;
    if chars.get(end) == Some(&VS16) {
        end += 1;
    }
    if modifier_base && is_modifier(chars.get(end)) {
        end += 1;
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(s: &str) -> usize {
        let chars: Vec<char> = s.chars().collect();
        emoji_spans(&chars).len()
    }

    #[test]
    fn sequences_are_single_emoji() {
        assert_eq!(count("👨\u{200D}👩\u{200D}👧\u{200D}👦"), 1);
        assert_eq!(count("🙋🏽"), 1);
        assert_eq!(count("🇫🇷"), 1);
        assert_eq!(count("1\u{20E3}"), 1);
        assert_eq!(
            count("🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}"),
            1
        );
        assert_eq!(count("🏳\u{FE0F}\u{200D}🌈"), 1);
    }

    #[test]
    fn no_code_point_below_the_copyright_sign_is_an_emoji_but_keycap_bases() {
        for c in ('\0'..'\u{A9}').filter(|c| !matches!(c, '#' | '*' | '0'..='9')) {
            assert!(
                matches!(
                    c.emoji_status(),
                    EmojiStatus::NonEmoji | EmojiStatus::NonEmojiButEmojiComponent
                ),
                "{c:?}"
            );
        }
    }

    #[test]
    fn text_style_symbols_follow_twemoji() {
        assert_eq!(count("©"), 0);
        assert_eq!(count("©\u{FE0F}"), 1);
        assert_eq!(count("☺"), 1);
        assert_eq!(count("☺\u{FE0E}"), 0);
        assert_eq!(count("abc 123 #"), 0);
    }
}
