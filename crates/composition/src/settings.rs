//! Configuration: figment layers raw text settings (defaults < `socialpub.toml` < `.env` <
//! environment), then [`Settings::parse`] turns them into typed values, naming the variable
//! of the first bad one. Variable names are those of `.env.example`.

mod layers;
mod platform;
mod raw;
mod typed;

pub use layers::{ConfigSources, load};
pub use platform::{PlatformSettings, platform_config};
pub use raw::RawSettings;
pub use typed::{AuthMode, LogFormat, Settings, SettingsError, SimulatorMode};
