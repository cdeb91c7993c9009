//! A stored campaign as a schedule: a recipient's next slot, its window, quiet hours and reminders.

use crate::domain::campaign::WhenDone;
use crate::engine::core::errors::EngineError;
use crate::scheduler::{CatchUp, QuietHours, Schedule, parse_zone, resolve_local};
use crate::store::{CampaignId, CampaignRecord, CampaignTarget, StoreError};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

/// What the scheduler needs from a campaign row.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub id: CampaignId,
    pub tenant_id: i64,
    pub course: String,
    pub dm: bool,
    pub schedule: Schedule,
    pub learner_zone: bool,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub catch_up: CatchUp,
    pub when_done: WhenDone,
}

fn invalid(rec: &CampaignRecord, what: &str) -> EngineError {
    EngineError::Store(StoreError::Invalid(format!(
        "campaign {} has an invalid {what}",
        rec.id
    )))
}

impl Plan {
    pub fn from_record(rec: &CampaignRecord) -> Result<Self, EngineError> {
        let date =
            |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| invalid(rec, "date"));
        Ok(Self {
            id: rec.id,
            tenant_id: rec.tenant_id,
            course: rec.course_id.clone(),
            dm: rec.target_kind == CampaignTarget::Members,
            schedule: Schedule::parse(&rec.cron, &rec.time_zone)
                .map_err(|_| invalid(rec, "schedule"))?,
            learner_zone: rec.learner_zone,
            starts_on: date(&rec.starts_on)?,
            ends_on: rec.ends_on.as_deref().map(date).transpose()?,
            due_on: rec.due_on.as_deref().map(date).transpose()?,
            catch_up: CatchUp::parse(&rec.catch_up).ok_or_else(|| invalid(rec, "catch-up"))?,
            when_done: WhenDone::parse(&rec.when_done).ok_or_else(|| invalid(rec, "when-done"))?,
        })
    }

    /// The zone a recipient's slots are in: their own when the campaign says so and it is known.
    pub fn zone_for(&self, member_zone: Option<&str>) -> Tz {
        if self.learner_zone {
            self.quiet_zone(member_zone)
        } else {
            self.schedule.zone
        }
    }

    /// The zone quiet hours are read in: always the learner's own when known.
    pub fn quiet_zone(&self, member_zone: Option<&str>) -> Tz {
        member_zone
            .and_then(|z| parse_zone(z).ok())
            .unwrap_or(self.schedule.zone)
    }

    fn day_start(&self, day: NaiveDate) -> Option<DateTime<Utc>> {
        resolve_local(self.schedule.zone, day.and_time(NaiveTime::MIN))
    }

    /// Whether the campaign's last day (a date in the campaign's zone) is over.
    pub fn ended(&self, now: DateTime<Utc>) -> bool {
        self.ends_on
            .and_then(|d| self.day_start(d + Duration::days(1)))
            .is_some_and(|end| now >= end)
    }

    /// A recipient's next slot strictly after `after`, within the campaign's dates (in the campaign's
    /// zone), moved out of quiet hours (in the learner's zone) for DMs; None once the window is over.
    pub fn next_slot(
        &self,
        after: DateTime<Utc>,
        member_zone: Option<&str>,
        quiet: Option<QuietHours>,
    ) -> Option<DateTime<Utc>> {
        let start = self.day_start(self.starts_on)?;
        let from = after.max(start - Duration::seconds(1));
        let slot = self
            .schedule
            .in_zone(self.zone_for(member_zone))
            .next_after(from)?;
        let end = self
            .ends_on
            .and_then(|d| self.day_start(d + Duration::days(1)));
        if end.is_some_and(|end| slot >= end) {
            return None;
        }
        Some(match quiet.filter(|_| self.dm) {
            Some(q) => q.next_allowed(slot, self.quiet_zone(member_zone)),
            None => slot,
        })
    }

    /// The first due-date reminder for a learner enrolled at `now`.
    pub fn first_reminder(&self, now: DateTime<Utc>, days_before: i64) -> Option<DateTime<Utc>> {
        let due = self.day_start(self.due_on?)?;
        Some((due - Duration::days(days_before)).max(now))
    }

    /// The campaign's next `n` slots in its own zone (the preview shown on create).
    pub fn preview(&self, now: DateTime<Utc>, n: usize) -> Vec<DateTime<Tz>> {
        let mut out = Vec::with_capacity(n);
        let mut at = now;
        while out.len() < n {
            match self.next_slot(at, None, None) {
                Some(slot) => {
                    out.push(slot.with_timezone(&self.schedule.zone));
                    at = slot;
                }
                None => break,
            }
        }
        out
    }
}
