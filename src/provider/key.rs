//! `ApiKey`: a provider's key as found for an endpoint (its `api_key_env`,
//! the provider's default variables, or the config), with the variable to
//! name when it is missing. Its `Debug` never shows the key.

use super::{Endpoint, KeyStatus, ProviderError};

#[derive(Clone, Default)]
pub struct ApiKey {
    value: Option<String>,
    /// What to set when the key is missing.
    env: String,
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = if self.value.is_some() { "***" } else { "none" };
        write!(f, "ApiKey({shown}, {})", self.env)
    }
}

impl ApiKey {
    /// The key for `ep`: its `api_key_env`, else the first of
    /// `default_envs` that is set, else a key written in the config.
    pub fn find(ep: &Endpoint, default_envs: &[&str]) -> ApiKey {
        let (value, env) = ep.key(default_envs);
        ApiKey { value, env }
    }

    /// A key given directly (tests, tools).
    pub fn given(key: impl Into<String>) -> ApiKey {
        ApiKey {
            value: Some(key.into()),
            env: String::new(),
        }
    }

    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// The key, or the error that says what to set.
    pub fn require(&self) -> Result<&str, ProviderError> {
        self.value().ok_or_else(|| ProviderError::MissingKey {
            env_var: self.env.clone(),
        })
    }

    /// Set, missing (when `required`), or not needed.
    pub fn status(&self, required: bool) -> KeyStatus {
        match (&self.value, required) {
            (Some(_), _) => KeyStatus::Set,
            (None, true) => KeyStatus::Missing {
                env_var: self.env.clone(),
            },
            (None, false) => KeyStatus::NotNeeded,
        }
    }
}
