//! The composition root: the only crate that names concrete adapters. It turns [`Settings`]
//! into a running application (pool, migrations, cipher, authenticator, services, HTTP app,
//! background loops). Nothing depends on it except the binary.

mod application;
mod dev_secrets;
pub mod insights;
pub mod logging;
mod platforms;
mod readiness;
pub mod settings;
pub mod simulator;
pub mod wiring;

pub use application::{Application, auth_settings, dev_token_minter, open_database};
pub use dev_secrets::{DevSecret, dev_jwt_secret, encryption_keys, private_dir};
pub use platforms::ConfiguredPlatforms;
pub use settings::{ConfigSources, Settings, SettingsError, load};
/// For the binary's `keygen` and `simulate` commands: the binary reaches adapters only through
/// this crate (`scripts/check-dependencies.py` holds it to that).
pub use socialpub_crypto::TokenKey;
pub use socialpub_platform_sim::run_standalone as run_simulator;
