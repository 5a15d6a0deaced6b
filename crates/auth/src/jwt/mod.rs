//! Local verification of signed JWTs.

mod authenticator;
mod claims;
mod errors;
mod jwks;
mod key_set;

pub use authenticator::JwtAuthenticator;
