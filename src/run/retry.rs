//! Which failures are worth another attempt, and how long to wait first:
//! the server's hint when it gave one, else exponential backoff with full
//! jitter. Only failures before anything streamed are ever retried.

use super::RunnerConfig;
use crate::provider::{ProviderError, TimeoutKind};
use std::time::Duration;

/// Why a failed attempt may be tried again.
#[derive(Debug, Clone, PartialEq)]
pub struct Retryable {
    /// The wait the server asked for.
    pub hint: Option<Duration>,
    /// A 429 (or a rate-limit error event): the provider's limit shrinks.
    pub rate_limited: bool,
}

/// `Some` for transient failures: HTTP 429, 5xx (incl. Anthropic's 529),
/// connection failures, overload/rate-limit error events and streams cut
/// before any text. `None` for everything else (4xx, bad keys, timeouts).
pub fn classify(err: &ProviderError) -> Option<Retryable> {
    let plain = Retryable {
        hint: None,
        rate_limited: false,
    };
    match err {
        ProviderError::Http {
            status,
            retry_after,
            ..
        } => match status {
            429 => Some(Retryable {
                hint: *retry_after,
                rate_limited: true,
            }),
            500..=599 => Some(Retryable {
                hint: *retry_after,
                rate_limited: false,
            }),
            _ => None,
        },
        ProviderError::Connect { .. } | ProviderError::Timeout(TimeoutKind::Connect(_)) => {
            Some(plain)
        }
        ProviderError::Stream(_) => Some(plain),
        ProviderError::Api { kind, .. } => match kind.as_str() {
            "rate_limit_error" => Some(Retryable {
                hint: None,
                rate_limited: true,
            }),
            "overloaded_error" | "api_error" => Some(plain),
            _ => None,
        },
        _ => None,
    }
}

/// The wait before retry number `retry` (1-based): the server's hint, or a
/// uniformly random time in `[0, base * 2^(retry-1)]`; never over `max_wait`.
pub fn wait_before(retry: u32, hint: Option<Duration>, cfg: &RunnerConfig) -> Duration {
    let wait = match hint {
        Some(h) => h,
        None => {
            let ceiling = cfg
                .backoff_base
                .saturating_mul(1u32 << retry.saturating_sub(1).min(20));
            let ceiling = ceiling.min(cfg.max_wait);
            ceiling.mul_f64(fastrand::f64())
        }
    };
    wait.min(cfg.max_wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(status: u16, retry_after: Option<Duration>) -> ProviderError {
        ProviderError::Http {
            status,
            url: "u".into(),
            message: "m".into(),
            retry_after,
        }
    }

    #[test]
    fn transient_failures_are_retryable_others_are_not() {
        let hint = Some(Duration::from_secs(1));
        assert_eq!(
            classify(&http(429, hint)),
            Some(Retryable {
                hint,
                rate_limited: true
            })
        );
        for s in [500, 502, 503, 529] {
            assert!(classify(&http(s, None)).is_some(), "{s}");
        }
        for s in [400, 401, 403, 404, 422] {
            assert_eq!(classify(&http(s, None)), None, "{s}");
        }
        let connect = ProviderError::Connect {
            url: "u".into(),
            reason: "refused".into(),
        };
        assert!(classify(&connect).is_some());
        let overloaded = ProviderError::Api {
            kind: "overloaded_error".into(),
            message: "m".into(),
        };
        assert!(classify(&overloaded).is_some());
        assert_eq!(
            classify(&ProviderError::Timeout(TimeoutKind::Stall(Duration::ZERO))),
            None
        );
        assert_eq!(
            classify(&ProviderError::MissingKey {
                env_var: "K".into()
            }),
            None
        );
    }

    #[test]
    fn waits_follow_the_hint_or_jittered_backoff_and_are_capped() {
        let cfg = RunnerConfig {
            backoff_base: Duration::from_millis(100),
            max_wait: Duration::from_secs(1),
            ..Default::default()
        };
        assert_eq!(
            wait_before(1, Some(Duration::from_millis(300)), &cfg),
            Duration::from_millis(300)
        );
        assert_eq!(
            wait_before(1, Some(Duration::from_secs(360)), &cfg),
            Duration::from_secs(1),
            "a hint is capped"
        );
        for _ in 0..200 {
            assert!(wait_before(1, None, &cfg) <= Duration::from_millis(100));
            assert!(wait_before(3, None, &cfg) <= Duration::from_millis(400));
            assert!(wait_before(30, None, &cfg) <= Duration::from_secs(1));
        }
    }
}
