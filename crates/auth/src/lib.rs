//! Bearer token to user id: JWT/JWKS, token introspection, dev tokens.
