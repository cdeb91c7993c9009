//! A token bucket per tenant: sends leave at a steady rate with a small burst, so a large fan-out
//! never trips a platform's limit in the first place (a 429 still pauses the tenant for `Retry-After`).

use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// A send rate: `per_second` on average, at most `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
}

impl Rate {
    pub fn per_second(per_second: f64) -> Self {
        Self {
            per_second,
            // A second's worth, at least one.
            burst: per_second.max(1.0),
        }
    }
}

pub struct TokenBucket {
    rate: Rate,
    /// (tokens available, when they were counted).
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    pub fn new(rate: Rate) -> Self {
        Self {
            rate,
            state: Mutex::new((rate.burst, Instant::now())),
        }
    }

    /// Takes one token, waiting until one is available. Waiters are served in turn: a taker reserves
    /// its token (the count may go negative) and sleeps until the refill covers it.
    pub async fn acquire(&self) {
        let wait = {
            let mut state = self.state.lock().await;
            let now = Instant::now();
            let (tokens, at) = *state;
            let refilled = (tokens + now.duration_since(at).as_secs_f64() * self.rate.per_second)
                .min(self.rate.burst);
            let left = refilled - 1.0;
            *state = (left, now);
            if left >= 0.0 {
                Duration::ZERO
            } else {
                Duration::from_secs_f64(-left / self.rate.per_second)
            }
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_burst_then_the_steady_rate() {
        let bucket = TokenBucket::new(Rate {
            per_second: 10.0,
            burst: 5.0,
        });
        let start = Instant::now();
        for _ in 0..5 {
            bucket.acquire().await;
        }
        assert!(
            start.elapsed() < Duration::from_millis(1),
            "the burst is immediate"
        );
        for _ in 0..20 {
            bucket.acquire().await;
        }
        // 20 more at 10/s take two seconds.
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(1990) && took <= Duration::from_millis(2100),
            "{took:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_takers_share_the_rate() {
        let bucket = std::sync::Arc::new(TokenBucket::new(Rate {
            per_second: 100.0,
            burst: 1.0,
        }));
        let start = Instant::now();
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let b = bucket.clone();
                tokio::spawn(async move {
                    for _ in 0..25 {
                        b.acquire().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        // 100 tokens at 100/s with a burst of 1: about 0.99 s, never faster.
        assert!(
            start.elapsed() >= Duration::from_millis(980),
            "{:?}",
            start.elapsed()
        );
    }
}
