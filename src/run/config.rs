//! `RunnerConfig`: how many calls run at once (per provider and overall),
//! how often and how patiently failed calls are retried, and when a call
//! times out. Built from `[runner]` in pwb.toml, or `Default`.

use crate::workspace::RunnerSettings;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct RunnerConfig {
    /// Calls in flight per provider, unless overridden below.
    pub concurrency: usize,
    /// Per-provider ceilings, e.g. `openai` -> 8.
    pub concurrency_per_provider: BTreeMap<String, usize>,
    /// Calls in flight across all providers.
    pub max_parallel: usize,
    /// Retries after the first attempt (0 = never retry).
    pub max_retries: u32,
    /// The whole call, retry waits included, from when it starts sending.
    pub timeout: Duration,
    /// Longest silence (no streamed event) before the call is given up.
    pub stall_timeout: Duration,
    /// First backoff step; attempt n waits a random time in
    /// `[0, base * 2^(n-1)]` (full jitter) unless the server said how long.
    pub backoff_base: Duration,
    /// The longest single wait, whatever the server asks for.
    pub max_wait: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        RunnerConfig {
            concurrency: 4,
            concurrency_per_provider: BTreeMap::new(),
            max_parallel: 16,
            max_retries: 3,
            timeout: Duration::from_secs(120),
            stall_timeout: Duration::from_secs(30),
            backoff_base: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
        }
    }
}

impl RunnerConfig {
    /// The defaults with whatever `[runner]` sets laid over them.
    pub fn from_settings(s: &RunnerSettings) -> Self {
        let d = RunnerConfig::default();
        RunnerConfig {
            concurrency: s.concurrency.unwrap_or(d.concurrency),
            concurrency_per_provider: s.concurrency_per_provider.clone(),
            max_parallel: s.max_parallel.unwrap_or(d.max_parallel),
            max_retries: s.max_retries.unwrap_or(d.max_retries),
            timeout: s.timeout_secs.map_or(d.timeout, Duration::from_secs),
            stall_timeout: s.stall_secs.map_or(d.stall_timeout, Duration::from_secs),
            ..d
        }
    }

    /// The concurrency ceiling for one provider (at least 1). The
    /// in-process model answers one call at a time unless set otherwise:
    /// each answer already uses every core, so calls side by side only
    /// slow each other down.
    pub fn concurrency_for(&self, provider: &str) -> usize {
        let default = match provider {
            "local" => 1,
            _ => self.concurrency,
        };
        self.concurrency_per_provider
            .get(provider)
            .copied()
            .unwrap_or(default)
            .max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_override_defaults() {
        let mut s = RunnerSettings {
            concurrency: Some(2),
            timeout_secs: Some(5),
            ..Default::default()
        };
        s.concurrency_per_provider.insert("openai".into(), 8);
        let c = RunnerConfig::from_settings(&s);
        assert_eq!(c.concurrency_for("openai"), 8);
        assert_eq!(c.concurrency_for("ollama"), 2);
        assert_eq!(c.concurrency_for("local"), 1);
        s.concurrency_per_provider.insert("local".into(), 3);
        assert_eq!(RunnerConfig::from_settings(&s).concurrency_for("local"), 3);
        assert_eq!(c.timeout, Duration::from_secs(5));
        assert_eq!(c.stall_timeout, Duration::from_secs(30));
        assert_eq!(c.max_retries, 3);
        assert_eq!(
            RunnerConfig::from_settings(&RunnerSettings::default()),
            RunnerConfig::default()
        );
    }
}
