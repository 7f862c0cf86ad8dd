//! Per-client-IP limit on comment POSTs (token bucket, in memory).
//!
//! The state is per process: with N server processes behind a load balancer a
//! client can post up to N times the limit. That is acceptable for spam
//! damping; a shared limit belongs in the reverse proxy.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Above this many tracked clients, idle entries are dropped on the next call.
const MAX_TRACKED: usize = 10_000;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl RateLimiter {
    /// `per_minute == 0` disables limiting.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `ip`; `Err(seconds)` says when the next one is due.
    /// A client may burst up to the per-minute limit, then refills steadily.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        self.check_at(ip, Instant::now())
    }

    fn check_at(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_sec = capacity / 60.0;
        // A poisoned lock only means another request panicked mid-update;
        // the map is still usable.
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_TRACKED {
            map.retain(|_, b| {
                b.tokens + now.duration_since(b.updated).as_secs_f64() * per_sec < capacity
            });
        }
        let b = map.entry(ip).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let elapsed = now.duration_since(b.updated).as_secs_f64();
        b.tokens = (b.tokens + elapsed * per_sec).min(capacity);
        b.updated = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - b.tokens) / per_sec).ceil() as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bursts_then_refills() {
        let rl = RateLimiter::new(3);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(rl.check_at(ip, t0).is_ok());
        }
        let wait = rl.check_at(ip, t0).unwrap_err();
        assert_eq!(wait, 20);
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(rl.check_at(other, t0).is_ok());
        assert!(rl.check_at(ip, t0 + Duration::from_secs(21)).is_ok());
    }

    #[test]
    fn zero_disables() {
        let rl = RateLimiter::new(0);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..1000 {
            assert!(rl.check(ip).is_ok());
        }
    }
}
