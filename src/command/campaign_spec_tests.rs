//! The create grammar: every message a bad description gets, and where a campaign's lessons go.
use super::*;
use crate::scheduler::{CatchUp, Schedule};

const BASE: &str = "course=c channel=C1 cron=\"0 9 * * *\" zone=UTC";

fn today(_: chrono_tz::Tz) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).expect("date")
}

/// The message a description gets, read in chat (no database, no clock).
fn error(text: &str) -> String {
    CreateCampaign::parse(text).expect_err(text).to_string()
}

/// The message a description read without errors gets once created in channel C9.
fn resolve_error(text: &str, in_dm: bool) -> String {
    let create = CreateCampaign::parse(text).expect(text);
    create
        .into_spec("C9", in_dm, today)
        .expect_err(text)
        .to_string()
}

fn spec(text: &str, channel: &str, in_dm: bool) -> CampaignSpec {
    CreateCampaign::parse(text)
        .expect(text)
        .into_spec(channel, in_dm, today)
        .expect(text)
}

#[test]
fn a_description_reads_into_typed_values() {
    let create = CreateCampaign::parse(
        "course=c channel=<#C1|general> cron=“0 9 * * Mon-Fri” zone=Europe/Berlin start=2027-01-04 catch-up=skip when-done=wait learner_time draft=no name=Bob's",
    )
    .expect("reads");
    assert_eq!(create.channel, ChannelChoice::Id("C1".into()));
    let c = &create.campaign;
    assert_eq!(c.channel, None, "the channel is the choice's to say");
    assert_eq!(
        c.schedule,
        Schedule::parse("0 9 * * Mon-Fri", "Europe/Berlin").expect("schedule")
    );
    assert_eq!(c.start, NaiveDate::from_ymd_opt(2027, 1, 4));
    assert_eq!(c.catch_up, CatchUp::Skip);
    assert_eq!(c.name.as_deref(), Some("Bob's"));
    assert!(c.learner_time && !c.draft && !c.dm);
    let s = create.into_spec("C9", false, today).expect("spec");
    assert_eq!(s.channel.as_deref(), Some("C1"));
    assert_eq!(s.starts_on.to_string(), "2027-01-04");
}

#[test]
fn the_command_lines_words_are_one_setting_each() {
    let words = [
        "name=Q1 push",
        "course=c",
        "channel=C1",
        "cron=0 9 * * 1-5",
        "zone=UTC",
    ];
    let create = CreateCampaign::from_words(words.map(String::from)).expect("reads");
    assert_eq!(create.campaign.name.as_deref(), Some("Q1 push"));
    assert_eq!(create.campaign.schedule.cron.to_string(), "0 9 * * 1-5");
    assert_eq!(
        CreateCampaign::from_words(["colour=red".to_string()])
            .expect_err("unknown")
            .to_string(),
        "`colour` is not a campaign setting (settings: name, course, channel, dm, members, cron, zone, learner-time, start, end, due, catch-up, when-done, draft)"
    );
}

#[test]
fn where_the_lessons_go() {
    // No channel: the channel typed in, unless typed in a DM or for a DM campaign.
    assert_eq!(
        spec("course=c cron=\"0 9 * * *\" zone=UTC", "C9", false)
            .channel
            .as_deref(),
        Some("C9")
    );
    let dm = "course=c dm members=<@U1>,<@U2> cron=\"0 9 * * *\" zone=UTC";
    let s = spec(dm, "C9", false);
    assert_eq!(
        (s.channel, s.members),
        (None, vec!["U1".to_string(), "U2".to_string()])
    );
    // `here` is the channel typed in, even for a DM campaign.
    let s = spec(&format!("{dm} channel=here"), "C9", false);
    assert_eq!(s.channel.as_deref(), Some("C9"));
    // Typed in a DM (or the command line, in no channel at all): a channel must be named.
    assert_eq!(
        resolve_error("course=c cron=\"0 9 * * *\" zone=UTC", true),
        "`channel` is missing (for example channel=#general)"
    );
    // `here` on the command line, which is in no channel: none.
    let here = CreateCampaign::parse("course=c cron=\"0 9 * * *\" zone=UTC channel=here");
    let e = here
        .expect("reads")
        .into_spec("", true, today)
        .expect_err("no channel");
    assert_eq!(
        e.to_string(),
        "`channel` is missing (for example channel=#general)"
    );
    assert_eq!(
        resolve_error("course=c dm cron=\"0 9 * * *\" zone=UTC", false),
        "a DM campaign needs members or a channel whose joiners it enrols"
    );
    assert_eq!(spec(BASE, "C9", false).name, "c", "named after its course");
}

#[test]
fn words_that_do_not_read_say_why() {
    assert_eq!(
        error(&format!("{BASE} name=\"open")),
        format!("unclosed quote in `{BASE} name=\"open`")
    );
    assert!(error(&format!("{BASE} colour=red")).starts_with("`colour` is not a campaign setting"));
    for flag in ["dm", "learner-time", "draft"] {
        assert_eq!(
            error(&format!("{BASE} {flag}=maybe")),
            format!("`{flag}=maybe`: flags take yes/no, true/false or on/off (or stand alone)")
        );
    }
}

#[test]
fn channels_and_members_must_be_picked_from_the_platforms_list() {
    assert_eq!(
        error("course=c channel=#general cron=\"0 9 * * *\" zone=UTC"),
        "`channel=#general`: a channel picked from the list that opens as you type #"
    );
    assert_eq!(
        error("course=c channel= cron=\"0 9 * * *\" zone=UTC"),
        "`channel=`: a channel picked from the list that opens as you type #"
    );
    assert_eq!(
        error(&format!("{BASE} dm members=<@U1>,@ana")),
        "`members=@ana`: members picked from the list that opens as you type @"
    );
}

#[test]
fn missing_settings_are_named_with_an_example() {
    assert_eq!(
        error("channel=C1 cron=\"0 9 * * *\" zone=UTC course="),
        "`course` is missing (for example course=security-awareness)"
    );
    assert_eq!(
        error("course=c channel=C1 zone=UTC"),
        "`cron` is missing (for example cron=\"0 9 * * Mon-Fri\")"
    );
    assert_eq!(
        error("course=c channel=C1 cron=\"0 9 * * *\""),
        "`zone` is missing (for example zone=Europe/Berlin)"
    );
}

#[test]
fn schedules_dates_and_policies_are_checked_without_a_database() {
    assert!(error("course=c channel=C1 zone=UTC cron=\"0 9 * *\"").contains("5 fields"));
    assert!(
        error("course=c channel=C1 cron=\"0 9 * * *\" zone=Mars/Base")
            .starts_with("`Mars/Base` is not an IANA time zone")
    );
    for key in ["start", "end", "due"] {
        assert_eq!(
            error(&format!("{BASE} {key}=01/02/2027")),
            format!("`{key}=01/02/2027`: dates are written YYYY-MM-DD")
        );
    }
    assert_eq!(
        error(&format!("{BASE} start=2027-02-01 end=2027-01-01")),
        "the end date 2027-01-01 is before the start date 2027-02-01"
    );
    assert_eq!(
        error(&format!("{BASE} start=2027-02-01 due=2027-01-01")),
        "the due date 2027-01-01 is before the start date 2027-02-01"
    );
    assert_eq!(
        error(&format!("{BASE} catch-up=twice")),
        "`catch-up=twice`: use skip or once"
    );
    assert_eq!(
        error(&format!("{BASE} when-done=loop")),
        "`when-done=loop`: use finish or wait"
    );
}

#[test]
fn a_default_start_is_today_once_the_date_is_known() {
    // Read without a date: only creating it (today is 2026-11-26 here) finds the end before it.
    assert_eq!(
        resolve_error(&format!("{BASE} end=2026-11-01"), false),
        "the end date 2026-11-01 is before the start date 2026-11-26"
    );
    assert_eq!(
        resolve_error(&format!("{BASE} due=2026-11-01"), false),
        "the due date 2026-11-01 is before the start date 2026-11-26"
    );
    assert_eq!(spec(BASE, "C9", false).starts_on.to_string(), "2026-11-26");
}

#[test]
fn not_created_quotes_the_reason_and_the_usage() {
    let text = not_created(&CampaignError::NoAudience);
    assert!(
        text.starts_with("Campaign not created: a DM campaign needs members"),
        "{text}"
    );
    assert!(
        text.ends_with(super::super::campaigns::CAMPAIGN_USAGE),
        "{text}"
    );
}
