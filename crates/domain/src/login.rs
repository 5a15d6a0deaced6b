use std::fmt;

use crate::Platform;

/// Which login an account was connected through. Most platforms have one; Instagram has two
/// ("Instagram API with Instagram Login" and "Instagram API with Facebook Login"), with
/// different hosts, tokens, refresh and revocation, so a connection remembers its own and every
/// later token call goes to the same login's endpoints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum LoginPath {
    /// The platform's own login (for Instagram: Business Login for Instagram).
    #[default]
    Native,
    /// Facebook Login with the Meta app: an Instagram professional account reached through the
    /// Facebook Page it is linked to.
    Facebook,
}

/// A `login` value that the platform does not offer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginPathError {
    #[error("unknown login `{0}`; use `facebook`, or leave `login` out for the platform's own")]
    Unknown(String),
    #[error("{} connects only through its own login; leave `login` out", .0.display_name())]
    NotOffered(Platform),
}

impl LoginPath {
    /// What the API and the database call it: the platform's name for its own login
    /// (`instagram`), `facebook` for Facebook Login.
    pub const fn name(self, platform: Platform) -> &'static str {
        match self {
            LoginPath::Native => platform.as_str(),
            LoginPath::Facebook => "facebook",
        }
    }

    /// Whether `platform` can be connected through this login: its own always, Facebook
    /// Login only for Instagram.
    pub const fn offered_for(self, platform: Platform) -> bool {
        match self {
            LoginPath::Native => true,
            LoginPath::Facebook => matches!(platform, Platform::Instagram),
        }
    }

    /// Reads the `login` a user asked for on `platform`. The platform's own name is its own
    /// login (`instagram` on Instagram); `facebook` is Facebook Login, offered for Instagram
    /// only (a Facebook Page's own login is not a choice to make).
    ///
    /// # Errors
    /// [`LoginPathError::Unknown`] for a value no platform has, [`LoginPathError::NotOffered`]
    /// for a login the platform does not offer.
    pub fn parse_for(platform: Platform, raw: &str) -> Result<Self, LoginPathError> {
        if raw == "facebook" {
            return if LoginPath::Facebook.offered_for(platform) {
                Ok(LoginPath::Facebook)
            } else {
                Err(LoginPathError::NotOffered(platform))
            };
        }
        if raw == platform.as_str() {
            Ok(LoginPath::Native)
        } else if raw.parse::<Platform>().is_ok() {
            Err(LoginPathError::NotOffered(platform))
        } else {
            Err(LoginPathError::Unknown(raw.chars().take(40).collect()))
        }
    }

    /// The stored form: `None` for the platform's own login (every row made before there was a
    /// choice), `facebook` for Facebook Login.
    pub const fn stored(self) -> Option<&'static str> {
        match self {
            LoginPath::Native => None,
            LoginPath::Facebook => Some("facebook"),
        }
    }

    /// Reads [`LoginPath::stored`] back; `None` for an unknown value.
    pub fn from_stored(stored: Option<&str>) -> Option<Self> {
        match stored {
            None => Some(LoginPath::Native),
            Some("facebook") => Some(LoginPath::Facebook),
            Some(_) => None,
        }
    }

    /// The platform whose grant the tokens belong to: Facebook's for Facebook Login (one Meta
    /// app grant behind Facebook Page and Instagram connections alike), the platform's own
    /// otherwise.
    pub const fn grant_platform(self, platform: Platform) -> Platform {
        match self {
            LoginPath::Native => platform,
            LoginPath::Facebook => Platform::Facebook,
        }
    }
}

impl fmt::Display for LoginPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LoginPath::Native => "native",
            LoginPath::Facebook => "facebook",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instagram_offers_its_own_login_and_facebook_login() {
        assert_eq!(
            LoginPath::parse_for(Platform::Instagram, "facebook"),
            Ok(LoginPath::Facebook)
        );
        assert_eq!(
            LoginPath::parse_for(Platform::Instagram, "instagram"),
            Ok(LoginPath::Native)
        );
    }

    #[test]
    fn other_platforms_offer_only_their_own_login() {
        assert_eq!(
            LoginPath::parse_for(Platform::X, "facebook"),
            Err(LoginPathError::NotOffered(Platform::X))
        );
        assert_eq!(
            LoginPath::parse_for(Platform::Facebook, "facebook"),
            Err(LoginPathError::NotOffered(Platform::Facebook))
        );
        assert_eq!(
            LoginPath::parse_for(Platform::X, "x"),
            Ok(LoginPath::Native)
        );
    }

    #[test]
    fn an_unknown_login_is_refused_whatever_the_platform() {
        assert!(matches!(
            LoginPath::parse_for(Platform::Instagram, "myspace"),
            Err(LoginPathError::Unknown(_))
        ));
    }

    #[test]
    fn the_stored_form_reads_back_and_null_is_the_platforms_own() {
        for login in [LoginPath::Native, LoginPath::Facebook] {
            assert_eq!(LoginPath::from_stored(login.stored()), Some(login));
        }
        assert_eq!(LoginPath::from_stored(Some("myspace")), None);
    }

    #[test]
    fn facebook_login_tokens_belong_to_the_facebook_grant() {
        assert_eq!(
            LoginPath::Facebook.grant_platform(Platform::Instagram),
            Platform::Facebook
        );
        assert_eq!(
            LoginPath::Native.grant_platform(Platform::Instagram),
            Platform::Instagram
        );
    }
}
