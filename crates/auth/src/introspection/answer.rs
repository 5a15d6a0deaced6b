use std::time::Duration;

use serde::Deserialize;
use socialpub_domain::UserId;
use socialpub_ports::AuthError;

/// The parts of an RFC 7662 introspection response (section 2.2) that decide whether we
/// accept the token. Unknown members are ignored, as the RFC requires.
#[derive(Debug, Deserialize)]
pub(crate) struct IntrospectionAnswer {
    active: bool,
    #[serde(default)]
    sub: Option<String>,
    /// Seconds since the epoch; some servers send fractions, so read as a float.
    #[serde(default)]
    exp: Option<f64>,
    #[serde(default)]
    nbf: Option<f64>,
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    aud: Option<Audience>,
    #[serde(default)]
    token_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains(&self, wanted: &str) -> bool {
        match self {
            Self::One(aud) => aud == wanted,
            Self::Many(auds) => auds.iter().any(|aud| aud == wanted),
        }
    }
}

/// What the answer is checked against.
pub(crate) struct Expectations<'a> {
    pub(crate) now_seconds: f64,
    pub(crate) leeway: Duration,
    pub(crate) issuer: Option<&'a str>,
    pub(crate) audience: Option<&'a str>,
}

/// An accepted token: its user, and how long it stays valid (when the answer says).
#[derive(Debug)]
pub(crate) struct Accepted {
    pub(crate) user_id: UserId,
    pub(crate) remaining: Option<Duration>,
}

impl IntrospectionAnswer {
    /// Applies the checks a resource server owes the answer (RFC 7662 section 4): `active`,
    /// then the time window, then issuer and audience when we know what to expect and the
    /// server says. `iss`/`aud` absent from the answer are not held against the token: the
    /// auth service vouching for it is the point of asking.
    pub(crate) fn evaluate(&self, expect: &Expectations<'_>) -> Result<Accepted, AuthError> {
        if !self.active {
            return Err(AuthError::Invalid("the token is not active".into()));
        }
        let leeway = expect.leeway.as_secs_f64();
        let remaining = match self.exp {
            Some(exp) if exp + leeway < expect.now_seconds => return Err(AuthError::Expired),
            Some(exp) => Some(Duration::from_secs_f64((exp - expect.now_seconds).max(0.0))),
            None => None,
        };
        if self
            .nbf
            .is_some_and(|nbf| nbf > expect.now_seconds + leeway)
        {
            return Err(AuthError::Invalid("the token is not valid yet".into()));
        }
        if let (Some(wanted), Some(iss)) = (expect.issuer, &self.iss)
            && iss != wanted
        {
            return Err(AuthError::Invalid("wrong issuer".into()));
        }
        if let (Some(wanted), Some(aud)) = (expect.audience, &self.aud)
            && !aud.contains(wanted)
        {
            return Err(AuthError::Invalid("wrong audience".into()));
        }
        if self
            .token_type
            .as_deref()
            .is_some_and(|kind| kind.eq_ignore_ascii_case("refresh_token"))
        {
            return Err(AuthError::Invalid("not an access token".into()));
        }
        let sub = self
            .sub
            .as_deref()
            .ok_or_else(|| AuthError::Invalid("the introspection answer has no `sub`".into()))?;
        let user_id = UserId::parse(sub)
            .map_err(|err| AuthError::Invalid(format!("`sub` is not a valid user id: {err}")))?;
        Ok(Accepted { user_id, remaining })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_700_000_000.0;

    fn expect() -> Expectations<'static> {
        Expectations {
            now_seconds: NOW,
            leeway: Duration::from_secs(30),
            issuer: Some("https://auth.creativeflow.test"),
            audience: Some("socialpub"),
        }
    }

    fn answer(json: &str) -> IntrospectionAnswer {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn an_active_token_yields_its_user_and_remaining_lifetime() {
        let accepted =
            answer(r#"{"active":true,"sub":"u-1","exp":1700000100,"aud":["x","socialpub"]}"#)
                .evaluate(&expect())
                .unwrap();
        assert_eq!(accepted.user_id.as_str(), "u-1");
        assert_eq!(accepted.remaining, Some(Duration::from_secs(100)));
    }

    #[test]
    fn refusals_say_why() {
        let cases = [
            (r#"{"active":false}"#, "not active"),
            (r#"{"active":true}"#, "no `sub`"),
            (r#"{"active":true,"sub":""}"#, "not a valid user id"),
            (
                r#"{"active":true,"sub":"u","nbf":1700000100}"#,
                "not valid yet",
            ),
            (
                r#"{"active":true,"sub":"u","iss":"https://evil.test"}"#,
                "wrong issuer",
            ),
            (
                r#"{"active":true,"sub":"u","aud":"other"}"#,
                "wrong audience",
            ),
            (
                r#"{"active":true,"sub":"u","token_type":"refresh_token"}"#,
                "not an access token",
            ),
        ];
        for (json, reason) in cases {
            match answer(json).evaluate(&expect()) {
                Err(AuthError::Invalid(got)) => assert!(got.contains(reason), "{json}: {got}"),
                other => panic!("{json}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_past_exp_beyond_the_leeway_is_expired() {
        assert!(matches!(
            answer(r#"{"active":true,"sub":"u","exp":1699999900}"#).evaluate(&expect()),
            Err(AuthError::Expired)
        ));
        // Within the leeway it is still accepted, with nothing left to cache.
        let accepted = answer(r#"{"active":true,"sub":"u","exp":1699999990}"#)
            .evaluate(&expect())
            .unwrap();
        assert_eq!(accepted.remaining, Some(Duration::ZERO));
    }
}
