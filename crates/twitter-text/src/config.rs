use serde::{Deserialize, Serialize};

/// How X weighs text: the content of twitter-text's `config/v*.json` files.
///
/// Kept deserializable so that a future `v4.json` can be dropped in as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TwitterTextConfig {
    #[serde(default)]
    pub version: u32,
    pub max_weighted_tweet_length: u32,
    pub scale: u32,
    pub default_weight: u32,
    #[serde(rename = "transformedURLLength")]
    pub transformed_url_length: u32,
    /// Absent in v1/v2, where every code point of an emoji is weighed on its own.
    #[serde(default)]
    pub emoji_parsing_enabled: bool,
    #[serde(default)]
    pub ranges: Vec<WeightRange>,
}

/// Code points from `start` to `end` (inclusive) weigh `weight` instead of the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightRange {
    pub start: u32,
    pub end: u32,
    pub weight: u32,
}

/// A configuration file could not be read as a twitter-text configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("twitter-text configuration is not valid JSON of the expected shape: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("twitter-text configuration has a zero scale or maximum length")]
    Degenerate,
}

const V1_JSON: &str = include_str!("../data/v1.json");
const V2_JSON: &str = include_str!("../data/v2.json");
const V3_JSON: &str = include_str!("../data/v3.json");

impl TwitterTextConfig {
    /// Reads a configuration in twitter-text's JSON format.
    ///
    /// # Errors
    /// [`ConfigError`] when the JSON does not have the expected fields, or when the scale or
    /// maximum length is zero (every length would then divide by zero or be invalid).
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        let config: Self = serde_json::from_str(json)?;
        if config.scale == 0 || config.max_weighted_tweet_length == 0 {
            return Err(ConfigError::Degenerate);
        }
        Ok(config)
    }

    /// 140 characters, every code point weighs 1 (the pre-2017 rules).
    pub fn v1() -> Self {
        Self::embedded(V1_JSON, 1)
    }

    /// 280 weighted characters; CJK and other scripts outside the ranges weigh 2.
    pub fn v2() -> Self {
        Self::embedded(V2_JSON, 2)
    }

    /// v2 plus emoji sequences counted as one double-weight character: what X uses today.
    pub fn v3() -> Self {
        Self::embedded(V3_JSON, 3)
    }

    /// The embedded files are checked by the tests; should one ever fail to parse, the
    /// hand-written equivalent keeps counting right instead of panicking.
    fn embedded(json: &str, version: u32) -> Self {
        Self::from_json(json).unwrap_or_else(|_| Self::fallback(version))
    }

    fn fallback(version: u32) -> Self {
        let weighted = version >= 2;
        Self {
            version,
            max_weighted_tweet_length: if weighted { 280 } else { 140 },
            scale: if weighted { 100 } else { 1 },
            default_weight: if weighted { 200 } else { 1 },
            transformed_url_length: 23,
            emoji_parsing_enabled: version >= 3,
            ranges: if weighted {
                [(0, 4351), (8192, 8205), (8208, 8223), (8242, 8247)]
                    .into_iter()
                    .map(|(start, end)| WeightRange {
                        start,
                        end,
                        weight: 100,
                    })
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    /// The weight of one UTF-16 code unit, as twitter-text looks it up (an astral code point is
    /// looked up by its low surrogate, which no range covers, so it gets the default weight).
    pub(crate) fn weight_of_unit(&self, unit: u32) -> u64 {
        self.ranges
            .iter()
            .find(|range| range.start <= unit && unit <= range.end)
            .map_or(self.default_weight, |range| range.weight)
            .into()
    }
}

impl TwitterTextConfig {
    /// The weight every ASCII character gets, when it is the same for all of them (one range
    /// covers all of ASCII and no range before it covers any of it, or none covers any).
    pub(crate) fn ascii_weight(&self) -> Option<u64> {
        let first = self.ranges.iter().find(|range| range.start <= 0x7F);
        match first {
            None => Some(self.default_weight.into()),
            Some(range) if range.start == 0 && range.end >= 0x7F => Some(range.weight.into()),
            Some(_) => None,
        }
    }
}

impl Default for TwitterTextConfig {
    fn default() -> Self {
        Self::v3()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_files_parse_to_the_documented_values() {
        for (version, json) in [(1, V1_JSON), (2, V2_JSON), (3, V3_JSON)] {
            let parsed = TwitterTextConfig::from_json(json).unwrap();
            assert_eq!(parsed, TwitterTextConfig::fallback(version));
        }
    }

    #[test]
    fn the_ascii_weight_is_what_each_ascii_character_weighs() {
        let split = TwitterTextConfig {
            ranges: vec![WeightRange {
                start: 0x30,
                end: 0x39,
                weight: 100,
            }],
            ..TwitterTextConfig::v3()
        };
        for config in [
            TwitterTextConfig::v1(),
            TwitterTextConfig::v2(),
            TwitterTextConfig::v3(),
        ] {
            let weight = config.ascii_weight().unwrap();
            assert!((0..0x80).all(|unit| config.weight_of_unit(unit) == weight));
        }
        assert_eq!(split.ascii_weight(), None);
    }

    #[test]
    fn a_zero_scale_is_refused() {
        let json = r#"{"maxWeightedTweetLength":280,"scale":0,"defaultWeight":200,"transformedURLLength":23}"#;
        assert!(matches!(
            TwitterTextConfig::from_json(json),
            Err(ConfigError::Degenerate)
        ));
    }
}
