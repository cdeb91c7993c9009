//! Socket Mode: envelopes in (messages, joins, slash commands, button clicks), acknowledged in time.

use super::render::render;
use super::reply::{Work, show_reply};
use super::{Connector, SlackError, SlackPlatform};
use crate::chat::{Event, EventKind, Message, Platform, Reply, UserRef};
use crate::engine::Engine;
use slack_morphism::prelude::*;
use std::sync::Arc;

pub(super) struct Inbound {
    pub(super) platform: Arc<SlackPlatform>,
    engine: Engine,
}

/// The running Socket Mode connection(s).
pub struct SlackListener {
    listener: SlackClientSocketModeListener<Connector>,
}

impl SlackListener {
    /// Opens Socket Mode with the app token and starts delivering events to the engine.
    pub async fn start(
        platform: Arc<SlackPlatform>,
        engine: Engine,
        connections: u32,
    ) -> Result<Self, SlackError> {
        platform.preflight().await?;
        let inbound = Arc::new(Inbound {
            platform: platform.clone(),
            engine,
        });
        let environment = Arc::new(
            SlackClientEventsListenerEnvironment::new(platform.client.clone())
                .with_error_handler(on_error)
                .with_user_state(inbound),
        );
        let callbacks = SlackSocketModeListenerCallbacks::new()
            .with_hello_events(on_hello)
            .with_push_events(on_push)
            .with_command_events(on_command)
            .with_interaction_events(on_interaction);
        let config = SlackClientSocketModeConfig::new()
            .with_max_connections_count(connections.max(1))
            .with_initial_backoff_in_seconds(platform.config.reconnect_backoff_secs.max(1))
            .with_reconnect_timeout_in_seconds(platform.config.reconnect_backoff_secs.max(1));
        let listener = SlackClientSocketModeListener::new(&config, environment, callbacks);
        listener
            .listen_for(&platform.app)
            .await
            .map_err(|e| SlackError::Connect(super::describe(&e)))?;
        listener.start().await;
        tracing::info!("Slack Socket Mode started");
        Ok(Self { listener })
    }

    pub async fn shutdown(&self) {
        self.listener.shutdown().await;
    }
}

/// Slack says hello on every (re)connection. (Generic: slack-morphism does not export the hello
/// event's type under a reachable path.)
async fn on_hello<Hello>(
    _hello: Hello,
    _client: Arc<SlackClient<Connector>>,
    state: SlackClientEventsUserState,
) {
    if let Some(inbound) = inbound(&state).await {
        inbound.platform.connection.set_connected(true);
    }
}

/// slack-morphism reports a broken socket here (then reconnects, and Slack says hello again): until
/// that hello, `/healthz` says the connection is down.
fn on_error(
    err: Box<dyn std::error::Error + Send + Sync>,
    _client: Arc<SlackClient<Connector>>,
    state: SlackClientEventsUserState,
) -> HttpStatusCode {
    tracing::warn!(error = %err, "Slack listener error");
    let socket_failed = err
        .downcast_ref::<slack_morphism::errors::SlackClientError>()
        .is_some_and(|e| {
            matches!(
                e,
                slack_morphism::errors::SlackClientError::SocketModeProtocolError(_)
            )
        });
    if socket_failed
        && let Ok(storage) = state.try_read()
        && let Some(inbound) = storage.get_user_state::<Arc<Inbound>>()
    {
        inbound.platform.connection.set_connected(false);
    }
    HttpStatusCode::OK
}

async fn inbound(state: &SlackClientEventsUserState) -> Option<Arc<Inbound>> {
    state.read().await.get_user_state::<Arc<Inbound>>().cloned()
}

impl Inbound {
    async fn user(&self, id: &str) -> UserRef {
        if id.is_empty() {
            // A deletion whose author Slack did not include: the engine acts on the message.
            return UserRef {
                id: String::new(),
                name: String::new(),
                time_zone: None,
                is_lead: false,
                is_moderator: false,
            };
        }
        // The acknowledgement is due within 3 s: wait a second at most for users.info.
        let person = self
            .platform
            .person(id, Some(std::time::Duration::from_secs(1)))
            .await;
        UserRef {
            id: id.to_string(),
            name: person.name.unwrap_or_default(),
            time_zone: person.time_zone,
            is_lead: person.is_lead,
            is_moderator: person.is_moderator,
        }
    }

    async fn event(
        &self,
        key: String,
        team: &str,
        channel: &str,
        user: &str,
        kind: EventKind,
    ) -> Event {
        Event {
            key,
            platform: Platform::Slack,
            tenant: team.to_string(),
            channel: channel.to_string(),
            is_dm: channel.starts_with('D'),
            user: self.user(user).await,
            kind,
        }
    }

    /// Hands the event to the engine; the work goes on in its own task whatever happens here.
    fn start(&self, event: Event) -> Work {
        let engine = self.engine.clone();
        Work(tokio::spawn(async move {
            engine.handle(event).await.unwrap_or_else(|e| {
                tracing::error!(error = %e, "Slack event failed");
                Reply::Ephemeral(Message::text(e.user_message()))
            })
        }))
    }
}

#[tracing::instrument(name = "slack.push", skip_all, fields(event_id = %ev.event_id))]
async fn on_push(
    ev: SlackPushEventCallback,
    _c: Arc<SlackClient<Connector>>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    let received = std::time::Instant::now();
    let Some(inbound) = inbound(&state).await else {
        return Ok(());
    };
    let team = ev.team_id.to_string();
    let key = ev.event_id.to_string();
    let event = match ev.event {
        SlackEventCallbackBody::Message(m) => {
            let Some((channel, user, kind)) = super::message_kinds::message_kind(m) else {
                return Ok(());
            };
            inbound.event(key, &team, &channel, &user, kind).await
        }
        // Only reactions that can feature a reply reach the engine.
        SlackEventCallbackBody::ReactionAdded(r)
            if inbound.engine.is_feature_reaction(&r.reaction.0) =>
        {
            let Some((channel, kind)) = super::message_kinds::reaction(r.item, r.reaction, true)
            else {
                return Ok(());
            };
            inbound
                .event(key, &team, &channel, r.user.as_ref(), kind)
                .await
        }
        SlackEventCallbackBody::ReactionRemoved(r)
            if inbound.engine.is_feature_reaction(&r.reaction.0) =>
        {
            let Some((channel, kind)) = super::message_kinds::reaction(r.item, r.reaction, false)
            else {
                return Ok(());
            };
            inbound
                .event(key, &team, &channel, r.user.as_ref(), kind)
                .await
        }
        SlackEventCallbackBody::MemberJoinedChannel(j) => {
            inbound
                .event(
                    key,
                    &team,
                    j.channel.as_ref(),
                    j.user.as_ref(),
                    EventKind::MemberJoined,
                )
                .await
        }
        _ => return Ok(()),
    };
    let mut work = inbound.start(event);
    work.within_budget(received).await;
    Ok(())
}

#[tracing::instrument(name = "slack.command", skip_all, fields(command = %ev.command))]
async fn on_command(
    ev: SlackCommandEvent,
    _c: Arc<SlackClient<Connector>>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<SlackCommandEventResponse> {
    let received = std::time::Instant::now();
    let ephemeral = |m: &Message| {
        SlackCommandEventResponse::new(render(m))
            .with_response_type(SlackMessageResponseType::Ephemeral)
    };
    let Some(inbound) = inbound(&state).await else {
        return Ok(ephemeral(&Message::text(
            "nibble is starting up, please try again in a moment.",
        )));
    };
    let kind = EventKind::Command {
        name: ev.command.to_string().trim_start_matches('/').to_string(),
        args: ev.text.clone().unwrap_or_default(),
    };
    let key = format!("slack:{}", ev.trigger_id);
    let event = inbound
        .event(
            key,
            ev.team_id.as_ref(),
            ev.channel_id.as_ref(),
            ev.user_id.as_ref(),
            kind,
        )
        .await;
    let (channel, user) = (ev.channel_id.to_string(), ev.user_id.to_string());
    let mut work = inbound.start(event);
    Ok(match work.within_budget(received).await {
        Some(Reply::Ephemeral(m)) | Some(Reply::UpdateSource(m)) => ephemeral(&m),
        Some(Reply::None) => SlackCommandEventResponse::new(SlackMessageContent::new()),
        None => {
            // Too slow for the acknowledgement: the answer follows as an ephemeral message.
            tokio::spawn(async move {
                let reply = work.finish().await;
                show_reply(&inbound, &channel, &user, None, Some(reply)).await;
            });
            ephemeral(&Message::text("⏳ On it, the answer follows in a moment."))
        }
    })
}

#[tracing::instrument(name = "slack.interaction", skip_all)]
async fn on_interaction(
    ev: SlackInteractionEvent,
    _c: Arc<SlackClient<Connector>>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    let received = std::time::Instant::now();
    let (Some(inbound), SlackInteractionEvent::BlockActions(ev)) = (inbound(&state).await, ev)
    else {
        return Ok(());
    };
    let Some(click) = super::clicks::click_of(&ev) else {
        return Ok(());
    };
    let event = inbound
        .event(
            format!("slack:{}", click.trigger_id),
            &click.team,
            &click.channel,
            &click.user,
            EventKind::Button {
                payload: click.payload,
                values: click.values,
            },
        )
        .await;
    let (channel, user, ts) = (click.channel, click.user, click.message_ts);
    let mut work = inbound.start(event);
    let early = work.within_budget(received).await;
    // The acknowledgement goes out when this returns; the visible answer follows right after,
    // however long the engine took.
    tokio::spawn(async move {
        let reply = match early {
            Some(reply) => reply,
            None => work.finish().await,
        };
        show_reply(&inbound, &channel, &user, ts, Some(reply)).await;
    });
    Ok(())
}
