//! What simulated learners do: pick answers with their accuracy, tap buttons, try a forged click.

use super::DemoError;
use super::team::{Learner, Rng};
use crate::chat::{EventKind, Message, QuestionCard, Reply, UserRef, Verdict};

use super::sim::Sim;

impl Sim<'_> {
    pub(super) fn choose(&self, l: &Learner, card: &QuestionCard, rng: &mut Rng) -> Vec<usize> {
        let question = self
            .catalog
            .courses()
            .iter()
            .flat_map(|c| self.catalog.lessons_of(c))
            .flat_map(|lesson| lesson.questions.iter())
            .find(|q| q.prompt == card.prompt);
        let right: Vec<usize> = question
            .map(|q| {
                q.options
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| o.correct)
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default();
        if !right.is_empty() && rng.chance(l.accuracy) {
            return right;
        }
        let pick = rng.below(card.choices.len());
        if card.multi && !right.contains(&pick) {
            let mut v = right.clone();
            v.push(pick);
            v.sort_unstable();
            return v;
        }
        vec![if right == vec![pick] {
            (pick + 1) % card.choices.len()
        } else {
            pick
        }]
    }

    pub(super) async fn answer(
        &mut self,
        l: &Learner,
        card: &QuestionCard,
        rng: &mut Rng,
    ) -> Result<(usize, usize), DemoError> {
        let choices = self.choose(l, card, rng);
        let reply = self.click(&l.user, card, &choices).await?;
        let right = matches!(&reply, Reply::UpdateSource(Message::Feedback(f)) | Reply::Ephemeral(Message::Feedback(f)) if f.verdict == Verdict::Correct);
        if self.featured.contains(&l.user.id) {
            let labels: Vec<&str> = choices
                .iter()
                .filter_map(|i| card.choices.get(*i).map(|c| c.label.as_str()))
                .collect();
            writeln!(
                self.out,
                "{}  {} taps “{}”",
                self.time(),
                l.user.name,
                labels.join("” + “")
            )?;
            self.print_reply(&l.user, &reply)?;
        }
        Ok((1, usize::from(right)))
    }

    pub(super) async fn click(
        &mut self,
        user: &UserRef,
        card: &QuestionCard,
        choices: &[usize],
    ) -> Result<Reply, DemoError> {
        let kind = match &card.submit_action {
            Some(action) => EventKind::Button {
                payload: action.clone(),
                values: choices.iter().map(usize::to_string).collect(),
            },
            None => EventKind::Button {
                payload: choices
                    .first()
                    .and_then(|i| card.choices.get(*i))
                    .map(|c| c.payload.clone())
                    .unwrap_or_default(),
                values: Vec::new(),
            },
        };
        let event = self.event(user, kind);
        Ok(self.engine.handle(event).await?)
    }

    pub(super) async fn click_again(
        &mut self,
        l: &Learner,
        card: &QuestionCard,
    ) -> Result<bool, DemoError> {
        let reply = self.click(&l.user, card, &[card.choices.len() - 1]).await?;
        writeln!(
            self.out,
            "{}  {} taps another answer on the same question",
            self.time(),
            l.user.name
        )?;
        self.print_reply(&l.user, &reply)?;
        Ok(
            matches!(reply, Reply::UpdateSource(Message::Feedback(f)) if f.verdict == Verdict::AlreadyAnswered),
        )
    }

    /// Partner groups answer their check-ins: most met.
    pub(super) async fn answer_check_ins(&mut self, rng: &mut Rng) -> Result<(), DemoError> {
        for (who, choices) in std::mem::take(&mut self.check_ins) {
            let pick = if rng.chance(0.7) { 0 } else { 1 };
            let Some(choice) = choices.get(pick) else {
                continue;
            };
            let user = UserRef {
                id: who.clone(),
                name: self.names.get(&who).cloned().unwrap_or(who),
                time_zone: None,
                is_lead: false,
                is_moderator: false,
            };
            let event = self.event(
                &user,
                EventKind::Button {
                    payload: choice.payload.clone(),
                    values: Vec::new(),
                },
            );
            let reply = self.engine.handle(event).await?;
            writeln!(
                self.out,
                "{}  {} taps “{}”",
                self.time(),
                user.name,
                choice.label
            )?;
            self.print_reply(&user, &reply)?;
        }
        Ok(())
    }

    pub(super) async fn forge_click(&mut self, l: &Learner) -> Result<bool, DemoError> {
        let victim = self.featured[0].clone();
        let Some(card) = self
            .inbox
            .get(&victim)
            .and_then(|cards| cards.first().cloned())
        else {
            return Ok(false);
        };
        let reply = self.click(&l.user, &card, &[0]).await?;
        writeln!(
            self.out,
            "{}  {} presses a button copied from {}'s private quiz",
            self.time(),
            l.user.name,
            self.names[&victim]
        )?;
        self.print_reply(&l.user, &reply)?;
        Ok(matches!(reply, Reply::Ephemeral(Message::Text { .. })))
    }
}
