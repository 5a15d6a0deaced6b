use socialpub_ports::AuthError;

/// Real tokens from the auth service are a few hundred bytes to a few KiB; anything far larger
/// is refused before it costs a signature check or a network call.
const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// Cheap checks every authenticator makes before doing real work.
pub(crate) fn precheck(token: &str) -> Result<(), AuthError> {
    if token.trim().is_empty() {
        return Err(AuthError::Invalid("empty token".into()));
    }
    if token.len() > MAX_TOKEN_BYTES {
        return Err(AuthError::Invalid("token too long".into()));
    }
    Ok(())
}
