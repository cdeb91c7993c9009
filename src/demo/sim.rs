//! The simulation's state and plumbing: lesson pushes, events, sending, and printing the transcript.

use super::DemoError;
use crate::chat::{
    Destination, Dispatcher, Event, EventKind, Message, Platform, QuestionCard, Reply, UserRef,
};
use crate::clock::{Clock, ManualClock};
use crate::content::Catalog;
use crate::engine::Engine;
use crate::local::{LocalPlatform, render_brief};
use crate::store::Store;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

pub(super) const TENANT: &str = "demo-team";
pub(super) const CHANNEL: &str = "#learning";
pub(super) const DRIP_COURSE: &str = "security-awareness";
pub(super) const CHANNEL_COURSE: &str = "giving-feedback";

pub(super) struct Sim<'o> {
    pub(super) out: &'o mut dyn Write,
    pub(super) engine: Engine,
    pub(super) dispatcher: Dispatcher,
    pub(super) platform: Arc<LocalPlatform>,
    pub(super) clock: Arc<ManualClock>,
    pub(super) store: Store,
    pub(super) catalog: Arc<Catalog>,
    pub(super) cursor: usize,
    /// Quiz cards each learner has in their DMs, not yet answered.
    pub(super) inbox: HashMap<String, Vec<QuestionCard>>,
    pub(super) channel_cards: Vec<QuestionCard>,
    pub(super) names: HashMap<String, String>,
    pub(super) featured: Vec<String>,
    pub(super) seq: u64,
    pub(super) retried: usize,
    /// Partner check-ins waiting for an answer: (who answers, the buttons).
    pub(super) check_ins: Vec<(String, Vec<crate::chat::Choice>)>,
    /// The latest discussion thread's key (its starter message's reference on the local platform).
    pub(super) thread: Option<String>,
}

impl Sim<'_> {
    pub(super) fn time(&self) -> String {
        self.clock.now().format("%a %H:%M").to_string()
    }

    pub(super) fn next_key(&mut self) -> String {
        self.seq += 1;
        format!("demo-evt-{}", self.seq)
    }

    pub(super) fn event(&mut self, user: &UserRef, kind: EventKind) -> Event {
        Event {
            key: self.next_key(),
            platform: Platform::Local,
            tenant: TENANT.into(),
            channel: CHANNEL.into(),
            is_dm: false,
            user: user.clone(),
            kind,
        }
    }

    pub(super) async fn command(
        &mut self,
        user: &UserRef,
        name: &str,
        args: &str,
    ) -> Result<(), DemoError> {
        let event = self.event(
            user,
            EventKind::Command {
                name: name.into(),
                args: args.into(),
            },
        );
        let reply = self.engine.handle(event).await?;
        writeln!(
            self.out,
            "{}  {} types /{name} {args}",
            self.time(),
            user.name
        )?;
        self.print_reply(user, &reply)
    }

    pub(super) async fn flush(&mut self) -> Result<(), DemoError> {
        // Badges earned by the answers so far are announced with this flush.
        self.engine.fold_now().await?;
        loop {
            let report = self.dispatcher.drain().await?;
            self.retried += report.retried;
            if report.retried > 0 {
                writeln!(
                    self.out,
                    "{}  outbox: {} sends deferred (rate limit or platform error): retrying, nothing lost",
                    self.time(),
                    report.retried
                )?;
            }
            match self.store.next_due().await? {
                Some(at) => {
                    if at > self.clock.now() {
                        self.clock.set(at);
                    }
                }
                None => break,
            }
        }
        for posted in self.platform.posted_since(self.cursor) {
            self.cursor += 1;
            let (who, full) = match &posted.destination {
                Destination::Member { user } => (
                    format!(
                        "{} (DM)",
                        self.names
                            .get(user)
                            .cloned()
                            .unwrap_or_else(|| user.clone())
                    ),
                    self.featured.contains(user),
                ),
                Destination::Channel { channel } | Destination::Thread { channel, .. } => {
                    (channel.clone(), true)
                }
                Destination::Group { users } => {
                    let names: Vec<String> = users
                        .iter()
                        .map(|u| self.names.get(u).cloned().unwrap_or_else(|| u.clone()))
                        .collect();
                    // Check-ins are answered by the first member of each group.
                    if let Message::Menu { choices, .. } = &posted.message {
                        self.check_ins.push((users[0].clone(), choices.clone()));
                    }
                    (format!("{} (group DM)", names.join(" + ")), true)
                }
            };
            if let (Message::Text { text }, Destination::Channel { .. }) =
                (&posted.message, &posted.destination)
                && text.starts_with("💬 **Discussion**")
            {
                self.thread = Some(posted.reference.clone());
            }
            if let Message::Question(card) = &posted.message {
                match &posted.destination {
                    Destination::Member { user } => self
                        .inbox
                        .entry(user.clone())
                        .or_default()
                        .push(card.clone()),
                    _ => self.channel_cards.push(card.clone()),
                }
            }
            if full {
                let mut text = render_brief(&posted.message).replace('\n', "\n            ");
                // Mentions read as names in the transcript (a chat client would show them so).
                for (id, name) in &self.names {
                    text = text.replace(&format!("<@{id}>"), &format!("@{name}"));
                }
                writeln!(self.out, "{}  bot → {who}: {text}", self.time())?;
            }
        }
        Ok(())
    }

    pub(super) fn print_reply(&mut self, user: &UserRef, reply: &Reply) -> Result<(), DemoError> {
        let (how, message) = match reply {
            Reply::None => return Ok(()),
            Reply::Ephemeral(m) => ("(only they see it)", m),
            Reply::UpdateSource(m) => ("(replaces the quiz)", m),
        };
        let text = render_brief(message).replace('\n', "\n            ");
        writeln!(
            self.out,
            "{}  bot → {} {how}: {text}",
            self.time(),
            user.name
        )?;
        Ok(())
    }
}
