use std::collections::BTreeMap;
use std::path::PathBuf;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};

use super::{RawSettings, Settings, SettingsError};

/// Where settings come from. Tests point these at temporary files and a fake environment.
#[derive(Debug, Clone)]
pub struct ConfigSources {
    /// Optional TOML file with lowercase variable names as keys.
    pub toml_file: PathBuf,
    /// Optional dotenv file.
    pub dotenv_file: PathBuf,
    /// The process environment (or a stand-in).
    pub environment: Vec<(String, String)>,
}

impl ConfigSources {
    /// `socialpub.toml` (or `$SOCIALPUB_CONFIG`) and `.env` in the working directory, and the
    /// real environment.
    pub fn from_process() -> Self {
        let environment: Vec<_> = std::env::vars().collect();
        let toml_file = environment
            .iter()
            .find(|(k, _)| k == "SOCIALPUB_CONFIG")
            .map_or_else(
                || PathBuf::from("socialpub.toml"),
                |(_, v)| PathBuf::from(v),
            );
        Self {
            toml_file,
            dotenv_file: PathBuf::from(".env"),
            environment,
        }
    }
}

/// Only our own variables are taken from the environment and `.env`, so an unrelated
/// variable (`HOME`, `PATH`) can never be mistaken for a setting.
fn ours(pairs: impl IntoIterator<Item = (String, String)>) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .filter(|(k, _)| RawSettings::VARIABLES.contains(&k.as_str()))
        .collect()
}

/// Loads and parses the settings. The error names the variable (or file) at fault.
pub fn load(sources: &ConfigSources) -> Result<Settings, SettingsError> {
    let dotenv = if sources.dotenv_file.exists() {
        let iter = dotenvy::from_path_iter(&sources.dotenv_file)
            .map_err(|e| SettingsError::file(&sources.dotenv_file, e.to_string()))?;
        let mut pairs = Vec::new();
        for item in iter {
            pairs.push(item.map_err(|e| SettingsError::file(&sources.dotenv_file, e.to_string()))?);
        }
        ours(pairs)
    } else {
        BTreeMap::new()
    };
    let raw: RawSettings = Figment::new()
        .merge(Serialized::defaults(RawSettings::default()))
        .merge(Toml::file(&sources.toml_file))
        .merge(Serialized::defaults(dotenv))
        .merge(Serialized::defaults(ours(
            sources.environment.iter().cloned(),
        )))
        .extract()
        .map_err(|e| SettingsError::file(&sources.toml_file, e.to_string()))?;
    // `Env` is not used directly: it would read the real process environment, which tests
    // must be able to replace.
    let _ = Env::raw;
    Settings::parse(&raw)
}
