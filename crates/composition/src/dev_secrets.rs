//! With nothing configured, `just run` must still work: the first start writes a random
//! encryption key and a random dev JWT secret under the data directory and reuses them
//! afterwards, so tokens sealed yesterday still open today. Production sets both explicitly:
//! outside development mode a generated secret is refused, because a key lying beside the
//! data it protects (and lost with a redeploy) is no key.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};
use socialpub_crypto::{KeyRing, TokenKey};
use socialpub_domain::SecretString;

use crate::Settings;

/// A secret and where it came from, so start-up can log loudly when it was generated.
pub struct DevSecret {
    pub value: SecretString,
    /// Set when the secret was read from (or just written to) this file.
    pub file: Option<PathBuf>,
    pub generated: bool,
}

/// Creates `dir` (and any missing parent) readable by the owner only: it holds the dev
/// secrets and the SQLite database, OAuth states and PKCE verifiers included.
pub fn private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))
}

/// Reads a secret file, or creates it (owner-only permissions) with `make()`.
fn file_secret(
    path: &Path,
    make: impl FnOnce() -> anyhow::Result<SecretString>,
) -> anyhow::Result<DevSecret> {
    if path.exists() {
        let text =
            fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        return Ok(DevSecret {
            value: SecretString::new(text.trim()),
            file: Some(path.to_owned()),
            generated: false,
        });
    }
    if let Some(dir) = path.parent() {
        private_dir(dir)?;
    }
    let value = make()?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(value.expose().as_bytes())?;
    Ok(DevSecret {
        value,
        file: Some(path.to_owned()),
        generated: true,
    })
}

/// The key ring from AES_ENCRYPTION_KEYS / AES_ENCRYPTION_KEY, or the dev key under the
/// data directory when neither is set.
pub fn encryption_keys(settings: &Settings) -> anyhow::Result<(KeyRing, Option<DevSecret>)> {
    let list = settings
        .aes_encryption_keys
        .as_ref()
        .map(SecretString::expose);
    let single = settings
        .aes_encryption_key
        .as_ref()
        .map(SecretString::expose);
    if list.is_some() || single.is_some() {
        let ring = KeyRing::from_config(list, single)
            .map_err(|e| anyhow::anyhow!("invalid setting {e}"))?;
        return Ok((ring, None));
    }
    if !settings.development_mode {
        anyhow::bail!(
            "invalid setting AES_ENCRYPTION_KEYS: required outside development mode (a key \
             generated under DATA_DIR is for development only); `socialpub keygen` makes one"
        );
    }
    let dev = file_secret(&settings.data_dir.join("dev-encryption.key"), || {
        Ok(TokenKey::generate(1)
            .context("generating a development encryption key")?
            .to_config_string())
    })?;
    let ring = KeyRing::from_config(None, Some(dev.value.expose())).map_err(|e| {
        anyhow::anyhow!("the dev key file is damaged ({e}); delete it to make a new one")
    })?;
    Ok((ring, Some(dev)))
}

/// AUTH_JWT_SECRET, or a dev secret under the data directory when JWT mode has neither a
/// secret nor a JWKS URL.
pub fn dev_jwt_secret(settings: &Settings) -> anyhow::Result<Option<DevSecret>> {
    if let Some(secret) = &settings.auth_jwt_secret {
        return Ok(Some(DevSecret {
            value: secret.clone(),
            file: None,
            generated: false,
        }));
    }
    if settings.auth_jwks_url.is_some() {
        return Ok(None);
    }
    if !settings.development_mode {
        anyhow::bail!(
            "invalid setting AUTH_JWT_SECRET: required outside development mode, unless \
             AUTH_JWKS_URL is set (a secret generated under DATA_DIR is for development only)"
        );
    }
    file_secret(&settings.data_dir.join("dev-jwt-secret"), || {
        let mut bytes = [0u8; 32];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| anyhow::anyhow!("no system randomness"))?;
        Ok(SecretString::new(
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
        ))
    })
    .map(Some)
}
