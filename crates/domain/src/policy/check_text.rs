//! Text length, hashtags, mentions and cashtags.

use socialpub_twitter_text::{TwitterTextConfig, extract_entities, parse_tweet};

use super::hashtags::HashtagPolicy;
use super::rules::{TextCounting, TextRules};
use super::violation::{Violation, codes};

const FIELD: &str = "text_content";

pub(crate) fn check_text(
    text: &str,
    rules: &TextRules,
    text_needed: bool,
    hashtags: &HashtagPolicy,
    out: &mut Vec<Violation>,
) {
    let blank = text.trim().is_empty();
    if blank && (rules.required || text_needed) {
        out.push(Violation::new(
            codes::TEXT_REQUIRED,
            FIELD,
            "this post needs text that is not blank",
        ));
    }
    check_length(text, rules, out);
    if blank {
        return;
    }
    let entities = extract_entities(text);
    check_count(
        entities.hashtags.len(),
        rules.max_hashtags,
        codes::TOO_MANY_HASHTAGS,
        "hashtags",
        out,
    );
    check_count(
        entities.mentions.len(),
        rules.max_mentions,
        codes::TOO_MANY_MENTIONS,
        "mentions",
        out,
    );
    check_count(
        entities.cashtags.len(),
        rules.max_cashtags,
        codes::TOO_MANY_CASHTAGS,
        "cashtags",
        out,
    );
    for malformed in entities.malformed_hashtags {
        out.push(
            Violation::new(
                codes::MALFORMED_HASHTAG,
                FIELD,
                format!(
                    "`{}` would not become a hashtag ({})",
                    malformed.token, malformed.reason
                ),
            )
            .actual(malformed.token),
        );
    }
    for tag in entities.hashtags {
        if hashtags.is_banned(&tag.value) {
            out.push(
                Violation::new(
                    codes::BANNED_HASHTAG,
                    FIELD,
                    format!("#{} is on the list of refused hashtags", tag.value),
                )
                .actual(tag.value),
            );
        }
    }
}

fn check_length(text: &str, rules: &TextRules, out: &mut Vec<Violation>) {
    let length = match rules.counting {
        TextCounting::Characters => text.chars().count() as u64,
        TextCounting::Utf16CodeUnits => text.encode_utf16().count() as u64,
        TextCounting::XWeighted => {
            let parsed = parse_tweet(text, &TwitterTextConfig::v3());
            if parsed.has_invalid_characters {
                out.push(Violation::new(
                    codes::INVALID_CHARACTERS,
                    FIELD,
                    "the text holds U+FFFE, U+FEFF or U+FFFF, which X refuses",
                ));
            }
            parsed.weighted_length
        }
    };
    if length > rules.max_length as u64 {
        let unit = match rules.counting {
            TextCounting::Characters => "characters",
            TextCounting::Utf16CodeUnits => "UTF-16 code units",
            TextCounting::XWeighted => "weighted characters",
        };
        out.push(
            Violation::new(
                codes::TEXT_TOO_LONG,
                FIELD,
                format!(
                    "the text is {length} {unit} long; the limit is {}",
                    rules.max_length
                ),
            )
            .limit(rules.max_length)
            .actual(length),
        );
    }
}

fn check_count(
    count: usize,
    max: Option<usize>,
    code: &'static str,
    what: &str,
    out: &mut Vec<Violation>,
) {
    if let Some(max) = max
        && count > max
    {
        out.push(
            Violation::new(
                code,
                FIELD,
                format!("the text has {count} {what}; at most {max} are allowed"),
            )
            .limit(max)
            .actual(count),
        );
    }
}
