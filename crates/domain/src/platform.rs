use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A social network Socialpub can publish to.
///
/// Serialized lowercase. `twitter` is still what many clients (and older CreativeFlow builds)
/// send for X, so it is accepted on input and never produced on output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Instagram,
    Facebook,
    Linkedin,
    #[serde(alias = "twitter")]
    X,
    Pinterest,
    Tiktok,
}

impl Platform {
    /// Every platform, in the order the API lists them.
    pub const ALL: [Platform; 6] = [
        Platform::Instagram,
        Platform::Facebook,
        Platform::Linkedin,
        Platform::X,
        Platform::Pinterest,
        Platform::Tiktok,
    ];

    /// The canonical lowercase name used in URLs, JSON and the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            Platform::Instagram => "instagram",
            Platform::Facebook => "facebook",
            Platform::Linkedin => "linkedin",
            Platform::X => "x",
            Platform::Pinterest => "pinterest",
            Platform::Tiktok => "tiktok",
        }
    }

    /// A name fit for people (docs, consent pages, error details).
    pub const fn display_name(self) -> &'static str {
        match self {
            Platform::Instagram => "Instagram",
            Platform::Facebook => "Facebook Page",
            Platform::Linkedin => "LinkedIn",
            Platform::X => "X",
            Platform::Pinterest => "Pinterest",
            Platform::Tiktok => "TikTok",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The input named no platform Socialpub knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown platform `{0}`; expected one of instagram, facebook, linkedin, x, pinterest, tiktok"
)]
pub struct UnknownPlatform(pub String);

impl FromStr for Platform {
    type Err = UnknownPlatform;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "instagram" => Ok(Platform::Instagram),
            "facebook" => Ok(Platform::Facebook),
            "linkedin" => Ok(Platform::Linkedin),
            "x" | "twitter" => Ok(Platform::X),
            "pinterest" => Ok(Platform::Pinterest),
            "tiktok" => Ok(Platform::Tiktok),
            _ => Err(UnknownPlatform(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_round_trips_through_its_name() {
        for platform in Platform::ALL {
            assert_eq!(platform.as_str().parse::<Platform>(), Ok(platform));
            let json = serde_json::to_string(&platform).unwrap();
            assert_eq!(json, format!("\"{}\"", platform.as_str()));
            assert_eq!(serde_json::from_str::<Platform>(&json).unwrap(), platform);
        }
    }

    #[test]
    fn twitter_is_accepted_as_x_but_never_produced() {
        assert_eq!("twitter".parse::<Platform>(), Ok(Platform::X));
        assert_eq!("Twitter".parse::<Platform>(), Ok(Platform::X));
        assert_eq!(
            serde_json::from_str::<Platform>("\"twitter\"").unwrap(),
            Platform::X
        );
        assert_eq!(Platform::X.to_string(), "x");
    }

    #[test]
    fn unknown_names_are_refused_with_the_input() {
        let err = "myspace".parse::<Platform>().unwrap_err();
        assert_eq!(err, UnknownPlatform("myspace".into()));
        assert!(serde_json::from_str::<Platform>("\"myspace\"").is_err());
    }
}
