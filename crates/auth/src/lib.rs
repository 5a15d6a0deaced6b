//! Bearer token to user id: JWT/JWKS, token introspection, dev tokens.
//!
//! Users' bearer tokens are issued by the CreativeFlow auth service. This crate implements the
//! [`Authenticator`](socialpub_ports::Authenticator) port three ways, chosen by configuration:
//!
//! - [`JwtAuthenticator`] verifies signed JWTs locally: HS256 with a shared secret, or
//!   RS256/ES256 (and their longer siblings) with keys from the auth service's JWKS URL.
//! - [`IntrospectionAuthenticator`] asks the auth service about each token (RFC 7662), for
//!   opaque tokens or when revocation must take effect at once.
//! - [`DevTokenMinter`] mints HS256 tokens that the JWT authenticator accepts, for the
//!   `socialpub token` command, local runs and tests.
//!
//! [`build_authenticator`] turns [`AuthSettings`] into the configured authenticator for the
//! composition root. No token, secret or key reaches a Debug print, an error or a log line.

mod algorithm;
mod bearer;
mod dev_token;
mod error;
mod factory;
mod http;
mod introspection;
mod jwt;
mod settings;
mod upstream;

pub use algorithm::JwtAlgorithm;
pub use dev_token::{DevTokenMinter, MintError};
pub use error::AuthConfigError;
pub use factory::build_authenticator;
pub use http::auth_http_client;
pub use introspection::IntrospectionAuthenticator;
pub use jwt::JwtAuthenticator;
pub use settings::{AuthMode, AuthSettings};
