//! twitter-text's `parseTweet`: the weighted length and how much of the text fits.

use std::ops::Range;

use serde::Serialize;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

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
    // ASCII is its own NFC and counts one UTF-16 unit per byte: most texts skip both passes.
    let ascii = text.is_ascii();
    let original_utf16_len = if ascii {
        text.len()
    } else {
        text.encode_utf16().count()
    };
    let text = if ascii || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Text::new(text)
    } else {
        Text::new(&text.nfc().collect::<String>())
    };
    let chars = &text.chars;

    let scale = u64::from(config.scale.max(1));
    let max_weighted = u64::from(config.max_weighted_tweet_length.max(1)) * scale;
    // The invalid characters are not ASCII.
    let first_invalid = if ascii {
        None
    } else {
        chars.iter().position(|c| is_invalid(*c))
    };
    let mut tally = Tally {
        weighted: 0,
        max_weighted,
        first_invalid: first_invalid.unwrap_or(chars.len()),
        fits_through: None,
        fitting: true,
    };
    let ascii_weight = config.ascii_weight();
    let weight_of = |c: char| match ascii_weight {
        Some(weight) if c.is_ascii() => weight,
        _ => config.weight_of_unit(last_utf16_unit(c)),
    };
    // Every character of an ASCII text weighs the same, when ASCII is weighed uniformly.
    let run_weight = |run: &[char]| match ascii_weight {
        Some(weight) if ascii => weight * run.len() as u64,
        _ => run.iter().map(|c| weight_of(*c)).sum(),
    };

    // A URL or an emoji sequence is one unit; the plain runs between them are summed whole
    // while they fit, which keeps the common case to one addition per character. Spans
    // starting inside a unit already counted are skipped, as twitter-text does.
    let url_list = url_spans(&text);
    // No emoji is ASCII (even a keycap needs U+20E3).
    let emoji_list = if config.emoji_parsing_enabled && !ascii {
        emoji_spans(chars)
    } else {
        Vec::new()
    };
    let mut urls = url_list.iter().peekable();
    let mut emoji = emoji_list.iter().peekable();
    let mut index = 0;
    while index < chars.len() {
        while urls.next_if(|span| span.start < index).is_some() {}
        while emoji.next_if(|span| span.start < index).is_some() {}
        let next_url = urls.peek().map_or(chars.len(), |span| span.start);
        let next_emoji = emoji.peek().map_or(chars.len(), |span| span.start);
        let plain_end = next_url.min(next_emoji);
        if index < plain_end {
            tally.plain(chars, index..plain_end, run_weight, weight_of);
            index = plain_end;
            continue;
        }
        let (weight, span) = if next_url == index {
            let weight = u64::from(config.transformed_url_length) * scale;
            (weight, urls.next())
        } else {
            (u64::from(config.default_weight), emoji.next())
        };
        let end = span.map_or(index + 1, |span| span.end).max(index + 1);
        tally.unit(weight, end - 1);
        index = end;
    }

    let blank = chars.iter().all(|c| c.is_whitespace());
    let weighted = tally.weighted;
    let valid = first_invalid.is_none() && !blank && weighted > 0 && weighted <= max_weighted;
    let valid_display_index = tally
        .fits_through
        .map_or(0, |last| text.utf16_offset(last + 1).saturating_sub(1));
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
        has_invalid_characters: first_invalid.is_some(),
    }
}

/// The running weight, and how far the text still fits.
///
/// A unit fits while the weight so far is within the maximum and no invalid character came
/// before or with it. Weights only grow and an invalid character is always a unit of its own
/// (no URL or emoji holds one), so once a unit does not fit, none after it does.
struct Tally {
    weighted: u64,
    max_weighted: u64,
    /// Index of the first invalid character (the length when there is none).
    first_invalid: usize,
    /// The last character of the last unit that fits.
    fits_through: Option<usize>,
    fitting: bool,
}

impl Tally {
    /// A unit of `weight` whose last character is at `last`.
    fn unit(&mut self, weight: u64, last: usize) {
        self.weighted += weight;
        if self.fitting && self.weighted <= self.max_weighted && last < self.first_invalid {
            self.fits_through = Some(last);
        } else {
            self.fitting = false;
        }
    }

    /// Every character of `run` as a unit of its own.
    fn plain(
        &mut self,
        chars: &[char],
        run: Range<usize>,
        run_weight: impl Fn(&[char]) -> u64,
        weight_of: impl Fn(char) -> u64,
    ) {
        let Some(plain) = chars.get(run.clone()) else {
            return;
        };
        let total = run_weight(plain);
        let last = run.end - 1;
        if !self.fitting {
            self.weighted += total;
        } else if self.weighted + total <= self.max_weighted && last < self.first_invalid {
            self.weighted += total;
            self.fits_through = Some(last);
        } else {
            for (index, c) in run.zip(plain) {
                self.unit(weight_of(*c), index);
            }
        }
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
