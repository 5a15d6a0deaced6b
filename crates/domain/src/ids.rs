use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A string was not a valid id of the kind expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a valid {kind}")]
pub struct IdParseError {
    pub kind: &'static str,
    pub input: String,
}

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id (UUIDv7), so rows sort roughly by creation.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self).map_err(|_| IdParseError {
                    kind: $kind,
                    input: s.chars().take(64).collect(),
                })
            }
        }
    };
}

uuid_id!(
    /// Identifies one connected, publishable account.
    ConnectionId,
    "connection id"
);
uuid_id!(
    /// Identifies one publish job.
    JobId,
    "job id"
);
uuid_id!(
    /// Identifies one post: a piece of content sent to one or more connections, each a job.
    PostId,
    "post id"
);
uuid_id!(
    /// Identifies one attempt of a publish job.
    AttemptId,
    "attempt id"
);

/// The CreativeFlow user that owns connections and jobs.
///
/// Issued by the CreativeFlow auth service (the token's `sub`), so its shape is theirs: any
/// non-empty string without control characters, at most 255 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct UserId(String);

/// A user id was empty, too long or held control characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserIdError {
    #[error("user id is empty")]
    Empty,
    #[error("user id is longer than 255 bytes")]
    TooLong,
    #[error("user id contains control characters")]
    ControlCharacters,
}

impl UserId {
    pub fn parse(raw: impl Into<String>) -> Result<Self, UserIdError> {
        let raw = raw.into();
        if raw.trim().is_empty() {
            return Err(UserIdError::Empty);
        }
        if raw.len() > 255 {
            return Err(UserIdError::TooLong);
        }
        if raw.chars().any(char::is_control) {
            return Err(UserIdError::ControlCharacters);
        }
        Ok(Self(raw))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for UserId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        UserId::parse(raw).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Names the worker process holding a job's lease (host, pid and a random suffix).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WorkerId(String);

impl WorkerId {
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WorkerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_ids_parse_and_print_the_same() {
        let id = JobId::new();
        assert_eq!(id.to_string().parse::<JobId>().unwrap(), id);
    }

    #[test]
    fn a_malformed_id_names_its_kind() {
        let err = "not-a-uuid".parse::<ConnectionId>().unwrap_err();
        assert_eq!(err.kind, "connection id");
        assert_eq!(err.to_string(), "`not-a-uuid` is not a valid connection id");
    }

    #[test]
    fn user_ids_refuse_empty_long_and_control_input() {
        assert_eq!(UserId::parse(""), Err(UserIdError::Empty));
        assert_eq!(UserId::parse("   "), Err(UserIdError::Empty));
        assert_eq!(UserId::parse("a".repeat(256)), Err(UserIdError::TooLong));
        assert_eq!(UserId::parse("a\nb"), Err(UserIdError::ControlCharacters));
        assert_eq!(UserId::parse("user-42").unwrap().as_str(), "user-42");
    }
}
uuid_id!(
    /// Identifies one webhook endpoint a user registered.
    WebhookEndpointId,
    "webhook id"
);
uuid_id!(
    /// Identifies one lifecycle event: the `webhook-id` every delivery and retry of it carries.
    WebhookEventId,
    "webhook event id"
);
uuid_id!(
    /// Identifies the delivery of one event to one endpoint (all its attempts).
    WebhookDeliveryId,
    "webhook delivery id"
);
