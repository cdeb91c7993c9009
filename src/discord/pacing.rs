//! Spaces REST calls evenly so nibble never exceeds a requests-per-second budget (Discord's global
//! limit is 50/s per bot; DM channel creation is throttled further by Discord).

use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

pub struct Pacer {
    gap: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    pub fn per_second(n: u32) -> Self {
        Self {
            gap: Duration::from_secs(1) / n.max(1),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for the next free slot.
    pub async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let slot = (*next).max(Instant::now());
            *next = slot + self.gap;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_budget_per_second() {
        let pacer = Pacer::per_second(40);
        let start = Instant::now();
        for _ in 0..120 {
            pacer.wait().await;
        }
        // 120 calls at 40/s need at least 119 gaps of 25 ms.
        assert!(
            start.elapsed() >= Duration::from_millis(119 * 25),
            "{:?}",
            start.elapsed()
        );
    }
}
