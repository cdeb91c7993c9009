//! `/nibble campaign create …`: the `key=value` words a team lead (or an operator at the command
//! line) describes a campaign with, read and checked into a value before anything is created.

use super::values::{Mention, parse_mention};
use crate::domain::campaign::{CampaignError, CampaignSpec, NewCampaign, RawCampaign, split_words};
use chrono::NaiveDate;

/// A campaign to create, as asked: every value read and checked. Which channel "here" is, and the
/// start date's default (today), are settled by `into_spec` where the command runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateCampaign {
    /// Its settings; the channel is `channel`'s to say (left None here).
    pub campaign: NewCampaign,
    pub channel: ChannelChoice,
}

/// Where a campaign's lessons go (or, for a DM campaign, whose joiners it enrols).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelChoice {
    /// No `channel=`: the channel the command was typed in, unless it was typed in a DM (or the
    /// command line) or the campaign goes by DM.
    Unsaid,
    /// `channel=here`: the channel the command was typed in.
    Here,
    /// A channel picked from the platform's list (its id).
    Id(String),
}

/// What a team lead is told when a campaign cannot be created as described.
pub fn not_created(e: &CampaignError) -> String {
    format!(
        "Campaign not created: {e}.\n{}",
        super::campaigns::CAMPAIGN_USAGE
    )
}

impl CreateCampaign {
    /// Reads the words after `create` as typed in chat (values may be quoted).
    pub fn parse(text: &str) -> Result<Self, CampaignError> {
        Self::from_words(split_words(text)?)
    }

    /// Reads words already split (the shell split them for the command line): one setting each.
    pub fn from_words(words: impl IntoIterator<Item = String>) -> Result<Self, CampaignError> {
        let mut raw = raw_campaign_of(words)?;
        let channel = match raw.channel.take() {
            None => ChannelChoice::Unsaid,
            Some(c) if c == "here" => ChannelChoice::Here,
            Some(c) => ChannelChoice::Id(escaped_id(
                &c,
                "channel",
                "a channel picked from the list that opens as you type #",
            )?),
        };
        raw.members = raw
            .members
            .iter()
            .map(|m| {
                escaped_id(
                    m,
                    "members",
                    "members picked from the list that opens as you type @",
                )
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            campaign: raw.check()?,
            channel,
        })
    }

    /// The campaign to create, typed in `channel` (`in_dm`: a DM or the command line), with `today`
    /// giving the current date in a zone.
    pub fn into_spec(
        self,
        channel: &str,
        in_dm: bool,
        today: impl Fn(chrono_tz::Tz) -> NaiveDate,
    ) -> Result<CampaignSpec, CampaignError> {
        let mut campaign = self.campaign;
        campaign.channel = match self.channel {
            ChannelChoice::Here => Some(channel.to_string()),
            ChannelChoice::Unsaid if !in_dm && !campaign.dm => Some(channel.to_string()),
            ChannelChoice::Unsaid => None,
            ChannelChoice::Id(id) => Some(id),
        };
        campaign.complete(today)
    }
}

/// A campaign description read from chat text, before validation (the fuzz targets read it too).
pub fn raw_campaign(text: &str) -> Result<RawCampaign, CampaignError> {
    raw_campaign_of(split_words(text)?)
}

/// Reads `key=value` words; flags stand alone (`dm`, `draft`) or take yes/no.
fn raw_campaign_of(words: impl IntoIterator<Item = String>) -> Result<RawCampaign, CampaignError> {
    let mut raw = RawCampaign::default();
    for word in words {
        let (key, value) = match word.split_once('=') {
            Some((k, v)) => (k.to_lowercase().replace('_', "-"), v.to_string()),
            None => (word.to_lowercase().replace('_', "-"), "yes".to_string()),
        };
        let flag = |name: &'static str| {
            flag_value(&value).ok_or_else(|| CampaignError::BadValue {
                key: name,
                value: value.clone(),
                expected: "flags take yes/no, true/false or on/off (or stand alone)",
            })
        };
        match key.as_str() {
            "name" => raw.name = Some(value),
            "course" => raw.course = Some(value),
            "channel" => raw.channel = Some(value),
            "dm" => raw.dm = flag("dm")?,
            "members" => raw.members.extend(
                value
                    .split([',', ' '])
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            ),
            "cron" | "schedule" => raw.cron = Some(value),
            "zone" | "tz" => raw.zone = Some(value),
            "learner-time" => raw.learner_time = flag("learner-time")?,
            "start" => raw.start = Some(value),
            "end" => raw.end = Some(value),
            "due" => raw.due = Some(value),
            "catch-up" => raw.catch_up = Some(value),
            "when-done" => raw.when_done = Some(value),
            "draft" => raw.draft = flag("draft")?,
            _ => {
                let key = word.split('=').next().unwrap_or(&word).to_string();
                return Err(CampaignError::UnknownKey(key));
            }
        }
    }
    Ok(raw)
}

fn flag_value(value: &str) -> Option<bool> {
    match value.to_lowercase().as_str() {
        "yes" | "true" | "on" | "1" => Some(true),
        "no" | "false" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// The id in an escaped mention (or a bare id); a plain `@name` / `#name` names nobody nibble can
/// be sure of, so it is refused rather than taken for an id.
fn escaped_id(
    text: &str,
    key: &'static str,
    expected: &'static str,
) -> Result<String, CampaignError> {
    let sigil = if key == "channel" { '#' } else { '@' };
    match parse_mention(text, sigil) {
        Some(Mention::Id(id)) => Ok(id),
        _ => Err(CampaignError::BadValue {
            key,
            value: text.to_string(),
            expected,
        }),
    }
}

#[cfg(test)]
#[path = "campaign_spec_tests.rs"]
mod tests;
