//! Discord's REST rate limits as the fake enforces them (discord.com/developers/docs/topics/rate-limits):
//! a global limit per bot (interaction endpoints exempt), per-route buckets per top-level resource
//! announced in `X-RateLimit-*` headers on every response, and 429s with `Retry-After` and a
//! `{"message", "retry_after", "global"}` body. Windows scale with `time_scale` so tests stay fast.

use axum::http::HeaderMap;
use axum::http::header::HeaderValue;
use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// `limit` requests per `per`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub limit: u32,
    pub per: Duration,
}

impl Window {
    pub const fn new(limit: u32, per: Duration) -> Self {
        Self { limit, per }
    }
}

#[derive(Debug, Clone)]
pub struct Limits {
    /// Requests per second per bot over all routes but the interaction endpoints (Discord: 50).
    pub global_per_second: u32,
    /// `POST /channels/{id}/messages` per channel (community-observed: 5 per 5 s).
    pub channel_messages: Window,
    /// Any other route, per top-level resource (Discord announces these only in headers).
    pub default_bucket: Window,
    /// Per-route overrides, keyed by route template ("POST /users/@me/channels").
    pub routes: HashMap<String, Window>,
    /// How long an interaction token takes follow-ups (Discord: 15 minutes).
    pub interaction_token_ttl: Duration,
    /// How long `enforce_nonce` remembers a nonce per author (Discord: "the past few minutes").
    pub nonce_window: Duration,
    /// Every window, wait and lifetime above is multiplied by this (1.0: Discord's real times).
    pub time_scale: f64,
}

impl Limits {
    /// Discord's limits at its real speed.
    pub fn discord() -> Self {
        Self {
            global_per_second: 50,
            channel_messages: Window::new(5, Duration::from_secs(5)),
            default_bucket: Window::new(50, Duration::from_secs(1)),
            routes: HashMap::new(),
            interaction_token_ttl: Duration::from_secs(15 * 60),
            nonce_window: Duration::from_secs(5 * 60),
            time_scale: 1.0,
        }
    }

    /// The same limits with time running `1 / scale` times faster.
    pub fn scaled(mut self, scale: f64) -> Self {
        self.time_scale = scale;
        self
    }

    pub fn scale(&self, d: Duration) -> Duration {
        d.mul_f64(self.time_scale)
    }

    pub fn token_ttl(&self) -> Duration {
        self.scale(self.interaction_token_ttl)
    }

    pub fn nonce_ttl(&self) -> Duration {
        self.scale(self.nonce_window)
    }

    fn window_of(&self, route: &str) -> Window {
        if let Some(w) = self.routes.get(route) {
            return *w;
        }
        if route == "POST /channels/{channel_id}/messages" {
            self.channel_messages
        } else {
            self.default_bucket
        }
    }
}

/// What the limiter decided for one request.
pub enum Verdict {
    /// Allowed; these headers go on the response.
    Allowed(HeaderMap),
    /// Refused with 429 after this many (scaled) seconds.
    Limited {
        headers: HeaderMap,
        retry_after: f64,
        global: bool,
    },
}

/// A 429 the fake answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Throttle {
    pub route: String,
    pub global: bool,
}

#[derive(Default)]
pub struct Meter {
    /// bucket key → (window start, requests counted in it).
    buckets: HashMap<String, (Instant, u32)>,
    global: Option<(Instant, u32)>,
    pub throttled: Vec<Throttle>,
}

/// Discord's bucket id: a hash of the route, not of its top-level resource.
fn bucket_id(route: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    route.hash(&mut h);
    format!("{:016x}", h.finish())
}

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

fn put(headers: &mut HeaderMap, name: &'static str, value: String) {
    if let Ok(v) = HeaderValue::from_str(&value) {
        headers.insert(name, v);
    }
}

/// Discord sends `Retry-After` in whole seconds: the scaled equivalent of that.
fn retry_after_header(limits: &Limits, wait: Duration) -> String {
    let whole = (wait.as_secs_f64() / limits.time_scale).ceil().max(1.0);
    if limits.time_scale == 1.0 {
        format!("{whole}")
    } else {
        format!("{:.3}", whole * limits.time_scale)
    }
}

impl Meter {
    /// Counts a request to `route` on the top-level resource `major`.
    pub fn check(
        &mut self,
        limits: &Limits,
        route: &str,
        major: &str,
        global_exempt: bool,
    ) -> Verdict {
        let now = Instant::now();
        let mut headers = HeaderMap::new();
        if !global_exempt {
            let per = limits.scale(Duration::from_secs(1));
            let (start, count) = match self.global {
                Some((start, count)) if now < start + per => (start, count),
                _ => (now, 0),
            };
            self.global = Some((start, count));
            if count >= limits.global_per_second {
                let wait = start + per - now;
                put(
                    &mut headers,
                    "retry-after",
                    retry_after_header(limits, wait),
                );
                put(&mut headers, "x-ratelimit-global", "true".into());
                put(&mut headers, "x-ratelimit-scope", "global".into());
                self.throttled.push(Throttle {
                    route: route.into(),
                    global: true,
                });
                return Verdict::Limited {
                    headers,
                    retry_after: wait.as_secs_f64(),
                    global: true,
                };
            }
        }
        let window = limits.window_of(route);
        let per = limits.scale(window.per);
        let key = format!("{route} {major}");
        let (start, count) = match self.buckets.get(&key) {
            Some(&(start, count)) if now < start + per => (start, count),
            _ => (now, 0),
        };
        let reset_after = start + per - now;
        let reset_at = SystemTime::now() + reset_after;
        let reset_epoch = reset_at.duration_since(UNIX_EPOCH).unwrap_or_default();
        put(&mut headers, "x-ratelimit-limit", window.limit.to_string());
        put(&mut headers, "x-ratelimit-reset", secs(reset_epoch));
        put(&mut headers, "x-ratelimit-reset-after", secs(reset_after));
        put(&mut headers, "x-ratelimit-bucket", bucket_id(route));
        if count >= window.limit {
            put(&mut headers, "x-ratelimit-remaining", "0".into());
            put(
                &mut headers,
                "retry-after",
                retry_after_header(limits, reset_after),
            );
            put(&mut headers, "x-ratelimit-scope", "user".into());
            self.buckets.insert(key, (start, count));
            self.throttled.push(Throttle {
                route: route.into(),
                global: false,
            });
            return Verdict::Limited {
                headers,
                retry_after: reset_after.as_secs_f64(),
                global: false,
            };
        }
        self.buckets.insert(key, (start, count + 1));
        if let Some((_, n)) = self.global.as_mut().filter(|_| !global_exempt) {
            *n += 1;
        }
        put(
            &mut headers,
            "x-ratelimit-remaining",
            (window.limit - count - 1).to_string(),
        );
        Verdict::Allowed(headers)
    }
}
