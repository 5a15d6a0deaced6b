//! twitter-text's `parseTweet`: the weighted length and how much of the text fits.

use std::collections::HashMap;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::chars::is_invalid;
use super::config::TwitterTextConfig;
use super::emoji::emoji_spans;
use super::text::Text;
use super::url::url_spans;

/// What X would make of a text.
///
/// Ranges are in UTF-16 code units with an inclusive end, as twitter-text reports them, so a
/// web client can highlight the overflowing part with the numbers as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ParsedTweet {
    /// The length X counts, in characters (`sum of weights / scale`).
    pub weighted_length: u64,
    /// Whether X would accept the text: not empty or blank, not too long, no invalid character.
    pub valid: bool,
    /// `weighted_length` per thousand of the maximum; above 1000 is too long.
    pub permillage: u64,
    /// The whole text.
    pub display_range: Utf16Range,
    /// The part of the text that fits (and comes before any invalid character).
    pub valid_range: Utf16Range,
    /// The text holds U+FFFE, U+FEFF or U+FFFF, which X refuses.
    pub has_invalid_characters: bool,
}

/// An inclusive range of UTF-16 code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Utf16Range {
    pub start: usize,
    pub end: usize,
}

/// Weighs `text` as X does with `config`.
///
/// Follows twitter-text: the text is NFC-normalized; each URL weighs
/// `transformedURLLength × scale`; with emoji parsing each emoji sequence weighs
/// `defaultWeight`; every other code point weighs what `config.ranges` says (or the default).
/// One deliberate difference: a text of only whitespace is invalid here, because X refuses it
/// when posting even though twitter-text's counter accepts it.
pub fn parse_tweet(text: &str, config: &TwitterTextConfig) -> ParsedTweet {
    let original_utf16_len = text.encode_utf16().count();
    let normalized: String = text.nfc().collect();
    let text = Text::new(&normalized);

    let urls: HashMap<usize, usize> = url_spans(&text)
        .into_iter()
        .map(|s| (s.start, s.end))
        .collect();
    let emoji: HashMap<usize, usize> = if config.emoji_parsing_enabled {
        emoji_spans(&text.chars)
            .into_iter()
            .map(|s| (s.start, s.end))
            .collect()
    } else {
        HashMap::new()
    };

    let scale = u64::from(config.scale.max(1));
    let max_weighted = u64::from(config.max_weighted_tweet_length.max(1)) * scale;
    let mut weighted: u64 = 0;
    let mut valid = true;
    let mut valid_display_index: usize = 0;
    let mut index = 0;
    while let Some(c) = text.get(index) {
        let end = if let Some(&end) = urls.get(&index) {
            weighted += u64::from(config.transformed_url_length) * scale;
            end
        } else if let Some(&end) = emoji.get(&index) {
            weighted += u64::from(config.default_weight);
            end
        } else {
            weighted += config.weight_of_unit(last_utf16_unit(c));
            index + 1
        };
        let last = end.saturating_sub(1).max(index);
        let last_char = text.get(last).unwrap_or(c);
        if valid {
            valid = !is_invalid(last_char);
        }
        if valid && weighted <= max_weighted {
            valid_display_index = text.utf16_offset(last) + last_char.len_utf16() - 1;
        }
        index = end.max(index + 1);
    }

    let has_invalid_characters = text.chars.iter().any(|c| is_invalid(*c));
    let blank = text.chars.iter().all(|c| c.is_whitespace());
    let valid = valid && !blank && weighted > 0 && weighted <= max_weighted;
    let offset = original_utf16_len as i128 - text.utf16_len() as i128;
    let valid_end = usize::try_from(valid_display_index as i128 + offset).unwrap_or(0);

    ParsedTweet {
        weighted_length: weighted / scale,
        valid,
        permillage: weighted.saturating_mul(1000) / max_weighted,
        display_range: Utf16Range {
            start: 0,
            end: original_utf16_len.saturating_sub(1),
        },
        valid_range: Utf16Range {
            start: 0,
            end: valid_end,
        },
        has_invalid_characters,
    }
}

/// twitter-text weighs an astral code point by its low surrogate (it reads one UTF-16 unit).
fn last_utf16_unit(c: char) -> u32 {
    let mut units = [0u16; 2];
    c.encode_utf16(&mut units)
        .last()
        .copied()
        .map_or(0, u32::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ascii_counts_one_per_character() {
        let parsed = parse_tweet("hello", &TwitterTextConfig::v3());
        assert_eq!(parsed.weighted_length, 5);
        assert!(parsed.valid);
        assert_eq!(parsed.permillage, 17);
    }

    #[test]
    fn empty_and_blank_texts_are_invalid() {
        assert!(!parse_tweet("", &TwitterTextConfig::v3()).valid);
        assert!(!parse_tweet(" \n\t ", &TwitterTextConfig::v3()).valid);
    }

    #[test]
    fn a_url_costs_twenty_three_whatever_its_length() {
        let long = format!("https://example.com/{}", "a".repeat(200));
        assert_eq!(
            parse_tweet(&long, &TwitterTextConfig::v3()).weighted_length,
            23
        );
    }

    #[test]
    fn exactly_280_is_valid_and_281_is_not() {
        let config = TwitterTextConfig::v3();
        assert!(parse_tweet(&"a".repeat(280), &config).valid);
        assert!(!parse_tweet(&"a".repeat(281), &config).valid);
        assert!(parse_tweet(&"日".repeat(140), &config).valid);
        assert!(!parse_tweet(&"日".repeat(141), &config).valid);
    }
}
