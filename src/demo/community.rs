//! The demo's community of practice: a scheduled discussion prompt opens a thread, learners reply,
//! the moderator features a reply with a ⭐, a story is shared, and Friday's digest sums it up.

use super::DemoError;
use super::sim::Sim;
use super::team::{Learner, Rng};
use crate::chat::EventKind;
use crate::clock::Clock;
use chrono::{DateTime, Duration, Utc};

/// What learners write in the discussion threads (a "+1" shows that very short replies earn nothing).
const REPLIES: &[&str] = &[
    "The SBI structure helped me keep it factual: I described what happened and the impact, and it landed.",
    "I asked my lead for one thing to improve after the demo. Getting specific feedback felt odd at first, but useful.",
    "Praising something specific worked better than 'great job': my colleague repeated it in the next review.",
    "Hardest part for me is timing. I now give feedback within a day instead of saving it for the 1:1.",
    "+1",
    "In our remote team a short written note plus a call works best: the note keeps it concrete.",
];

impl Sim<'_> {
    /// The evening's community hour: due prompts and digests, replies in the open thread, a feature.
    pub(super) async fn community_evening(
        &mut self,
        learners: &[Learner],
        morning: DateTime<Utc>,
        day: u32,
        rng: &mut Rng,
    ) -> Result<(), DemoError> {
        self.at(morning + Duration::minutes(9 * 60 + 5)); // 18:00, after everyone's lessons
        let report = self.engine.run_due().await?;
        if report.threads > 0 {
            self.line(&format!(
                "community: {} discussion prompt(s) posted",
                report.threads
            ))?;
        }
        self.flush().await?;
        if let Some(thread) = self.thread.clone().filter(|_| report.threads > 0) {
            let mut first = None;
            for (n, l) in learners.iter().filter(|l| l.social).enumerate() {
                if !rng.chance(0.8) {
                    continue;
                }
                self.at(morning + Duration::minutes(9 * 60 + 10 + 7 * n as i64));
                let text = REPLIES[(n + day as usize) % REPLIES.len()];
                let id = format!("reply-{day}-{n}");
                let kind = EventKind::Message {
                    id: id.clone(),
                    text: text.into(),
                    thread: Some(thread.clone()),
                };
                let event = self.event(&l.user, kind);
                self.engine.handle(event).await?;
                self.line(&format!("{} replies in the thread: “{text}”", l.user.name))?;
                // The moderator features someone else's thoughtful reply.
                if text.len() > 40 && l.user.id != learners[0].user.id {
                    first.get_or_insert(id);
                }
            }
            if let Some(id) = first {
                let moderator = learners[0].user.clone();
                let kind = EventKind::Reaction {
                    message: id,
                    emoji: "⭐".into(),
                    added: true,
                };
                let event = self.event(&moderator, kind);
                self.engine.handle(event).await?;
                self.line(&format!(
                    "{} (moderator) reacts ⭐ to the first thoughtful reply: featured, bonus points",
                    moderator.name
                ))?;
            }
        }
        if day == 2 {
            let sharer = &learners[2].user;
            self.command(
                sharer,
                "share",
                "I used SBI with a colleague who kept interrupting in meetings. We agreed on a signal, and our standups are shorter now.",
            )
            .await?;
        }
        self.at(morning + Duration::minutes(10 * 60 + 5)); // 19:00: Friday's digest
        let report = self.engine.run_due().await?;
        if report.digests > 0 {
            self.line("community: the weekly digest is posted")?;
        }
        self.flush().await
    }

    fn at(&self, at: DateTime<Utc>) {
        if at > self.clock.now() {
            self.clock.set(at);
        }
    }

    fn line(&mut self, text: &str) -> Result<(), DemoError> {
        writeln!(self.out, "{}  {text}", self.time())?;
        Ok(())
    }
}
