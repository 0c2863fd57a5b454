//! Per-provider concurrency limits that adapt (AIMD): a 429 halves the
//! provider's limit (never below 1), each success adds one back up to the
//! configured ceiling. Permits are released when dropped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;

#[derive(Debug)]
struct State {
    limit: usize,
    ceiling: usize,
    in_flight: usize,
}

/// One provider's adaptive limit.
#[derive(Debug)]
pub struct Aimd {
    state: Mutex<State>,
    freed: Notify,
}

impl Aimd {
    pub fn new(ceiling: usize) -> Self {
        let ceiling = ceiling.max(1);
        Aimd {
            state: Mutex::new(State {
                limit: ceiling,
                ceiling,
                in_flight: 0,
            }),
            freed: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until fewer than `limit` calls are in flight and takes a slot.
    pub async fn acquire(self: &Arc<Self>) -> AimdPermit {
        loop {
            // Registered before the check, so a release in between wakes us.
            let freed = self.freed.notified();
            {
                let mut s = self.lock();
                if s.in_flight < s.limit {
                    s.in_flight += 1;
                    return AimdPermit(self.clone());
                }
            }
            freed.await;
        }
    }

    /// The current limit.
    pub fn limit(&self) -> usize {
        self.lock().limit
    }

    /// Calls in flight now.
    pub fn in_flight(&self) -> usize {
        self.lock().in_flight
    }

    /// Multiplicative decrease: the server said "too many requests".
    pub fn on_rate_limited(&self) {
        let mut s = self.lock();
        s.limit = (s.limit / 2).max(1);
    }

    /// Additive increase: a call went through.
    pub fn on_success(&self) {
        let grew = {
            let mut s = self.lock();
            let before = s.limit;
            s.limit = (s.limit + 1).min(s.ceiling);
            s.limit > before
        };
        if grew {
            self.freed.notify_waiters();
        }
    }
}

/// A slot taken from an `Aimd`; dropping it frees the slot.
#[derive(Debug)]
pub struct AimdPermit(Arc<Aimd>);

impl Drop for AimdPermit {
    fn drop(&mut self) {
        {
            let mut s = self.0.lock();
            s.in_flight = s.in_flight.saturating_sub(1);
        }
        self.0.freed.notify_waiters();
    }
}

/// The limiters of all providers, created on first use with the ceiling
/// `ceiling_for(provider)` gives.
pub struct ProviderLimits {
    ceiling_for: Box<dyn Fn(&str) -> usize + Send + Sync>,
    by_provider: Mutex<HashMap<String, Arc<Aimd>>>,
}

impl ProviderLimits {
    pub fn new(ceiling_for: impl Fn(&str) -> usize + Send + Sync + 'static) -> Self {
        ProviderLimits {
            ceiling_for: Box::new(ceiling_for),
            by_provider: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, provider: &str) -> Arc<Aimd> {
        let mut map = self.by_provider.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(provider.to_string())
            .or_insert_with(|| Arc::new(Aimd::new((self.ceiling_for)(provider))))
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn halves_on_429_never_below_one_and_grows_back_by_one() {
        let a = Aimd::new(8);
        a.on_rate_limited();
        assert_eq!(a.limit(), 4);
        a.on_rate_limited();
        a.on_rate_limited();
        assert_eq!(a.limit(), 1);
        a.on_rate_limited();
        assert_eq!(a.limit(), 1, "never below one");
        a.on_success();
        assert_eq!(a.limit(), 2);
        for _ in 0..20 {
            a.on_success();
        }
        assert_eq!(a.limit(), 8, "capped at the configured ceiling");
        assert_eq!(Aimd::new(0).limit(), 1, "a ceiling of 0 means 1");
    }

    #[tokio::test]
    async fn blocks_at_the_limit_and_wakes_on_release_or_growth() {
        let a = Arc::new(Aimd::new(2));
        let p1 = a.acquire().await;
        let p2 = a.acquire().await;
        assert_eq!(a.in_flight(), 2);
        let waiting = tokio::time::timeout(Duration::from_millis(50), a.acquire()).await;
        assert!(waiting.is_err(), "a third caller waits");
        drop(p1);
        let p3 = tokio::time::timeout(Duration::from_secs(2), a.acquire())
            .await
            .expect("a release wakes a waiter");
        // Shrink to 1 with two in flight: a newcomer waits until fewer
        // than `limit` are in flight, or until the limit grows.
        a.on_rate_limited();
        assert_eq!(a.limit(), 1);
        drop(p2);
        let blocked = tokio::time::timeout(Duration::from_millis(50), a.acquire()).await;
        assert!(blocked.is_err(), "still one in flight at limit 1");
        let a2 = a.clone();
        let waiter = tokio::spawn(async move { a2.acquire().await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        a.on_success();
        let p4 = tokio::time::timeout(Duration::from_secs(2), waiter)
            .await
            .expect("growth wakes a waiter")
            .expect("task ran");
        assert_eq!(a.in_flight(), 2);
        drop((p3, p4));
        assert_eq!(a.in_flight(), 0);
    }

    #[test]
    fn one_limiter_per_provider_with_its_own_ceiling() {
        let limits = ProviderLimits::new(|p| if p == "openai" { 8 } else { 4 });
        assert_eq!(limits.get("openai").limit(), 8);
        assert_eq!(limits.get("ollama").limit(), 4);
        limits.get("openai").on_rate_limited();
        assert_eq!(
            limits.get("openai").limit(),
            4,
            "the same limiter is shared"
        );
        assert_eq!(limits.get("ollama").limit(), 4);
    }
}
