//! RFC 7662 token introspection against the CreativeFlow auth service.

mod answer;
mod authenticator;
mod cache;

pub use authenticator::IntrospectionAuthenticator;
