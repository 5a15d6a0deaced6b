//! Any text, under every configuration: parsing and extraction must not panic, and the
//! results must stay within the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use socialpub_twitter_text::{
    TwitterTextConfig, extract_cashtags, extract_entities, extract_hashtags, extract_mentions,
    extract_urls, find_malformed_hashtags, parse_tweet,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for config in [
        TwitterTextConfig::v1(),
        TwitterTextConfig::v2(),
        TwitterTextConfig::v3(),
    ] {
        let parsed = parse_tweet(text, &config);
        let units = text.encode_utf16().count();
        assert!(parsed.display_range.end <= units.max(1));
        assert!(!parsed.valid || parsed.weighted_length > 0);
    }
    let all = extract_entities(text);
    assert_eq!(all.malformed_hashtags, find_malformed_hashtags(text));
    for entities in [
        extract_urls(text),
        extract_hashtags(text),
        extract_mentions(text),
        extract_cashtags(text),
    ] {
        for entity in entities {
            assert!(
                text.get(entity.range.clone()).is_some(),
                "entity outside the text"
            );
        }
    }
    assert_eq!(all.hashtags, extract_hashtags(text));
    assert_eq!(all.mentions, extract_mentions(text));
    assert_eq!(all.cashtags, extract_cashtags(text));
});
