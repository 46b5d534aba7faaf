//! Fixed-window rate limit per API key, with the numbers Combell reports in `X-RateLimit-*`.
//! A window opens with the first request after the previous one ran out.

use std::collections::HashMap;
use std::time::Duration;

/// `N` requests per `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: u32,
    pub window: Duration,
}

/// Where a key stands after (or, for `peek`, without) counting a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub usage: u32,
    pub remaining: u32,
    /// Whole seconds until the window ends, rounded up so that waiting this long is enough.
    pub reset_secs: u64,
}

#[derive(Clone, Copy, Debug)]
struct Window {
    start_ms: i64,
    used: u32,
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    config: Option<RateLimit>,
    windows: HashMap<String, Window>,
}

impl RateLimiter {
    /// `None` switches limiting (and the headers) off.
    pub fn new(config: Option<RateLimit>) -> Self {
        RateLimiter {
            config,
            windows: HashMap::new(),
        }
    }

    pub fn clear(&mut self) {
        self.windows.clear();
    }

    fn window_ms(config: &RateLimit) -> i64 {
        i64::try_from(config.window.as_millis())
            .unwrap_or(i64::MAX)
            .max(1)
    }

    fn current(&self, config: &RateLimit, key: &str, now_ms: i64) -> Window {
        match self.windows.get(key) {
            Some(w) if now_ms < w.start_ms.saturating_add(Self::window_ms(config)) => *w,
            _ => Window {
                start_ms: now_ms,
                used: 0,
            },
        }
    }

    fn decision(config: &RateLimit, window: Window, allowed: bool, now_ms: i64) -> Decision {
        let left_ms = window
            .start_ms
            .saturating_add(Self::window_ms(config))
            .saturating_sub(now_ms)
            .max(0);
        Decision {
            allowed,
            limit: config.limit,
            usage: window.used,
            remaining: config.limit.saturating_sub(window.used),
            reset_secs: u64::try_from((left_ms + 999) / 1000).unwrap_or(0),
        }
    }

    /// Counts one request for `key`. A refused request does not count: usage stays at the limit.
    pub fn check(&mut self, key: &str, now_ms: i64) -> Option<Decision> {
        let config = self.config?;
        let mut window = self.current(&config, key, now_ms);
        let allowed = window.used < config.limit;
        if allowed {
            window.used += 1;
        }
        self.windows.insert(key.to_string(), window);
        Some(Self::decision(&config, window, allowed, now_ms))
    }

    /// The numbers for `key` without counting anything (for answers to unauthenticated requests).
    pub fn peek(&self, key: &str, now_ms: i64) -> Option<Decision> {
        let config = self.config?;
        let window = self.current(&config, key, now_ms);
        Some(Self::decision(&config, window, true, now_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(limit: u32, secs: u64) -> RateLimiter {
        RateLimiter::new(Some(RateLimit {
            limit,
            window: Duration::from_secs(secs),
        }))
    }

    #[test]
    fn counts_down_then_refuses_until_the_window_ends() {
        let mut rl = limiter(3, 60);
        let t0 = 1_000_000;
        let d = rl.check("k", t0).unwrap();
        assert_eq!(
            (d.allowed, d.usage, d.remaining, d.reset_secs),
            (true, 1, 2, 60)
        );
        let d = rl.check("k", t0 + 500).unwrap();
        assert_eq!((d.usage, d.remaining, d.reset_secs), (2, 1, 60));
        let d = rl.check("k", t0 + 1_000).unwrap();
        assert_eq!(
            (d.allowed, d.usage, d.remaining, d.reset_secs),
            (true, 3, 0, 59)
        );
        let d = rl.check("k", t0 + 30_001).unwrap();
        assert_eq!(
            (d.allowed, d.usage, d.remaining, d.reset_secs),
            (false, 3, 0, 30)
        );
        let d = rl.check("k", t0 + 59_999).unwrap();
        assert_eq!((d.allowed, d.reset_secs), (false, 1));
        // The window ends exactly 60 s after its first request.
        let d = rl.check("k", t0 + 60_000).unwrap();
        assert_eq!(
            (d.allowed, d.usage, d.remaining, d.reset_secs),
            (true, 1, 2, 60)
        );
    }

    #[test]
    fn keys_have_their_own_windows() {
        let mut rl = limiter(1, 10);
        assert!(rl.check("a", 0).unwrap().allowed);
        assert!(!rl.check("a", 1).unwrap().allowed);
        assert!(rl.check("b", 1).unwrap().allowed);
    }

    #[test]
    fn peek_counts_nothing_and_off_means_no_numbers() {
        let mut rl = limiter(2, 10);
        assert_eq!(rl.peek("k", 0).unwrap().usage, 0);
        rl.check("k", 0);
        assert_eq!(rl.peek("k", 5_000).unwrap().usage, 1);
        assert_eq!(rl.peek("k", 5_000).unwrap().reset_secs, 5);
        let mut off = RateLimiter::new(None);
        assert!(off.check("k", 0).is_none());
        assert!(off.peek("k", 0).is_none());
    }

    #[test]
    fn sub_second_windows_still_report_a_wait() {
        let mut rl = RateLimiter::new(Some(RateLimit {
            limit: 1,
            window: Duration::from_millis(200),
        }));
        let d = rl.check("k", 0).unwrap();
        assert_eq!(d.reset_secs, 1);
    }
}
