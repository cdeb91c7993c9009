//! What the adapter remembers about people: DM channels, time zones and roles (from users.info).

use super::{Connector, send_error};
use crate::chat::SendError;
use slack_morphism::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub struct Person {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub is_lead: bool,
    pub is_moderator: bool,
    pub is_bot: bool,
}

pub struct Directory {
    dms: Mutex<HashMap<String, String>>,
    people: Mutex<HashMap<String, Person>>,
    team_leads: HashSet<String>,
    moderators: HashSet<String>,
}

impl Directory {
    pub fn new(team_leads: HashSet<String>, moderators: HashSet<String>) -> Self {
        Self {
            dms: Mutex::default(),
            people: Mutex::default(),
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
        // `users` is a comma-separated string in Slack's spec.
        let request = serde_json::json!({ "users": user });
        let opened: SlackApiConversationsOpenResponse<SlackBasicChannelInfo> = session
            .http_session_api
            .http_post(
                "conversations.open",
                &request,
                Some(&SLACK_TIER3_METHOD_CONFIG),
            )
            .await
            .map_err(send_error)?;
        let channel = opened.channel.id.to_string();
        self.dms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(user.to_string(), channel.clone());
        Ok(channel)
    }

    /// Time zone and role from users.info, cached; a slow or failing lookup yields what config knows.
    pub async fn person(&self, session: &SlackClientSession<'_, Connector>, user: &str) -> Person {
        if let Some(p) = self
            .people
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(user)
        {
            return p.clone();
        }
        let request = SlackApiUsersInfoRequest::new(user.to_string().into());
        let mut person = Person {
            is_lead: self.team_leads.contains(user),
            is_moderator: self.moderators.contains(user),
            ..Person::default()
        };
        match tokio::time::timeout(Duration::from_millis(500), session.users_info(&request)).await {
            Ok(Ok(info)) => {
                let u = info.user;
                person.time_zone = u.tz.clone();
                person.name = u.real_name.clone().or(u.name.clone());
                let flags = &u.flags;
                person.is_bot = flags.is_bot == Some(true) || flags.is_app_user == Some(true);
                person.is_lead |= flags.is_admin == Some(true)
                    || flags.is_owner == Some(true)
                    || flags.is_primary_owner == Some(true);
                self.people
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(user.to_string(), person.clone());
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "users.info failed"),
            Err(_) => tracing::warn!("users.info timed out"),
        }
        person
    }
}
