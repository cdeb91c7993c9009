//! What the adapter remembers about people: DM channels, time zones and roles (from users.info).
//!
//! users.info is a Tier 4 method (about 100 calls a minute per workspace), so under Slack's pacing a
//! lookup can wait. A lookup is never thrown away: it runs in its own task and fills the cache when
//! it completes, retried a few times on failure; an event that cannot wait for it uses what was
//! known before (a stale entry), never a downgraded role or a raw id for a name.

use super::{Connector, send_error};
use crate::chat::{SendError, TokenBucket};
use slack_morphism::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How long a looked-up person is taken as current (names and roles change rarely).
const FRESH_FOR: Duration = Duration::from_secs(3600);
/// Attempts of one lookup before it gives up (a later event starts a new one).
const ATTEMPTS: u32 = 3;

#[derive(Debug, Clone, Default)]
pub struct Person {
    /// None when Slack has not said yet: the stored name is kept.
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub is_lead: bool,
    pub is_moderator: bool,
    pub is_bot: bool,
}

type Lookup = watch::Receiver<Option<Person>>;

pub struct Directory {
    /// Where roles are remembered across restarts (given by the dispatcher).
    store: std::sync::OnceLock<crate::store::Store>,
    dms: Mutex<HashMap<String, String>>,
    /// conversations.open's Tier 3, as a queue: waiters are served in turn at exactly the tier's
    /// rate (slack-morphism's throttle lets concurrent waiters drift well under it).
    opens: TokenBucket,
    people: Mutex<HashMap<String, (Person, Instant)>>,
    in_flight: Mutex<HashMap<String, Lookup>>,
    team_leads: HashSet<String>,
    moderators: HashSet<String>,
}

impl Directory {
    pub fn new(
        team_leads: HashSet<String>,
        moderators: HashSet<String>,
        opens: crate::chat::Rate,
    ) -> Self {
        Self {
            store: std::sync::OnceLock::new(),
            dms: Mutex::default(),
            opens: TokenBucket::new(opens),
            people: Mutex::default(),
            in_flight: Mutex::default(),
            team_leads,
            moderators,
        }
    }

    /// The DM channel with a member (or, for `a,b`, a group DM), opened once with conversations.open.
    pub async fn dm_channel(
        &self,
        session: &SlackClientSession<'_, Connector>,
        user: &str,
    ) -> Result<String, SendError> {
        if let Some(c) = self.dms.lock().unwrap_or_else(|e| e.into_inner()).get(user) {
            return Ok(c.clone());
        }
        // `users` is a comma-separated string in Slack's spec. Paced here, not by slack-morphism.
        let request = serde_json::json!({ "users": user });
        self.opens.acquire().await;
        let opened: SlackApiConversationsOpenResponse<SlackBasicChannelInfo> = session
            .http_session_api
            .http_post("conversations.open", &request, None)
            .await
            .map_err(send_error)?;
        let channel = opened.channel.id.to_string();
        self.remember_dm(user, &channel);
        Ok(channel)
    }

    pub fn attach(&self, store: &crate::store::Store) {
        let _ = self.store.set(store.clone());
    }

    /// A DM channel known from before (the store remembers them across restarts).
    pub fn remember_dm(&self, user: &str, channel: &str) {
        self.dms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(user.to_string(), channel.to_string());
    }

    /// What config alone says of a member.
    fn configured(&self, user: &str) -> Person {
        Person {
            is_lead: self.team_leads.contains(user),
            is_moderator: self.moderators.contains(user),
            ..Person::default()
        }
    }

    /// Time zone and role, waiting at most `patience` for users.info; on a timeout, what was known
    /// before (or config alone), while the lookup goes on to fill the cache.
    pub async fn person(
        self: &Arc<Self>,
        client: &Arc<SlackClient<Connector>>,
        token: &SlackApiToken,
        user: &str,
        patience: Option<Duration>,
    ) -> Person {
        let known = self
            .people
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(user)
            .cloned();
        if let Some((p, at)) = &known
            && at.elapsed() < FRESH_FOR
        {
            return p.clone();
        }
        let mut lookup = self.lookup(client, token, user);
        let done = lookup.wait_for(Option::is_some);
        let found = match patience {
            Some(limit) => tokio::time::timeout(limit, done)
                .await
                .ok()
                .and_then(|r| r.ok().and_then(|p| p.clone())),
            None => done.await.ok().and_then(|p| p.clone()),
        };
        match (found, known) {
            (Some(p), _) if p.name.is_some() => p,
            (_, Some((p, _))) => {
                tracing::warn!(
                    user,
                    "users.info did not answer in time: using what was known"
                );
                p
            }
            _ => {
                // Never seen since the start: the roles Slack gave last time, kept in the store.
                let mut person = self.configured(user);
                let team = token.team_id.as_ref().map(|t| t.to_string());
                if let (Some(store), Some(team)) = (self.store.get(), team)
                    && let Ok(Some((lead, moderator))) =
                        store.remembered_roles("slack", &team, user).await
                {
                    person.is_lead |= lead;
                    person.is_moderator |= moderator;
                }
                tracing::warn!(
                    user,
                    "users.info did not answer in time: roles as last known"
                );
                person
            }
        }
    }

    /// The running lookup for a member, started if none is.
    fn lookup(
        self: &Arc<Self>,
        client: &Arc<SlackClient<Connector>>,
        token: &SlackApiToken,
        user: &str,
    ) -> Lookup {
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(rx) = in_flight.get(user) {
            return rx.clone();
        }
        let (tx, rx) = watch::channel(None);
        in_flight.insert(user.to_string(), rx.clone());
        let (me, client, token, user) = (
            self.clone(),
            client.clone(),
            token.clone(),
            user.to_string(),
        );
        tokio::spawn(async move {
            let person = me.fetch(&client, &token, &user).await;
            if let Some(p) = &person {
                me.people
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(user.clone(), (p.clone(), Instant::now()));
            }
            me.in_flight
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&user);
            // Waiters learn the outcome: a person, or the configured roles after giving up.
            let _ = tx.send(Some(person.unwrap_or_else(|| me.configured(&user))));
        });
        rx
    }

    /// users.info, retried on failure (a 429 waits for its Retry-After).
    async fn fetch(
        &self,
        client: &SlackClient<Connector>,
        token: &SlackApiToken,
        user: &str,
    ) -> Option<Person> {
        let session = client.open_session(token);
        let request = SlackApiUsersInfoRequest::new(user.to_string().into());
        for attempt in 1..=ATTEMPTS {
            match session.users_info(&request).await {
                Ok(info) => {
                    let u = info.user;
                    let flags = &u.flags;
                    let mut person = self.configured(user);
                    person.time_zone = u.tz.clone();
                    // The name Slack shows (and a plain `@name` carries), else the real name.
                    let shown = u.profile.as_ref().and_then(|p| p.display_name.clone());
                    person.name = shown
                        .filter(|n| !n.is_empty())
                        .or(u.real_name.clone())
                        .or(u.name.clone());
                    person.is_bot = flags.is_bot == Some(true) || flags.is_app_user == Some(true);
                    person.is_lead |= flags.is_admin == Some(true)
                        || flags.is_owner == Some(true)
                        || flags.is_primary_owner == Some(true);
                    return Some(person);
                }
                Err(e) => {
                    let wait = match send_error(e) {
                        SendError::RateLimited { retry_after } => retry_after,
                        SendError::Permanent(why) => {
                            tracing::warn!(user, error = %why, "users.info refused");
                            return None;
                        }
                        SendError::Transient(why) => {
                            tracing::warn!(user, attempt, error = %why, "users.info failed");
                            Duration::from_millis(200 * u64::from(attempt))
                        }
                    };
                    tokio::time::sleep(wait).await;
                }
            }
        }
        None
    }
}
