//! The campaign commands' grammar: every subcommand, every usage message, and who may run what.
use super::*;
use crate::command::Command;

fn nibble(args: &str) -> Result<Command, UsageError> {
    Command::parse("nibble", args)
}

fn campaigns(c: CampaignCommand) -> Result<Command, UsageError> {
    Ok(Command::Campaigns(c))
}

fn manage(action: CampaignAction, key: CampaignKey, typed: &str) -> CampaignCommand {
    CampaignCommand::Manage {
        action,
        campaign: CampaignRef {
            key,
            typed: typed.into(),
        },
    }
}

fn words(w: &[&str]) -> Vec<String> {
    w.iter().map(|s| s.to_string()).collect()
}

#[test]
fn learners_snooze_pause_and_resume() {
    let snooze = |d| campaigns(CampaignCommand::Snooze(d));
    assert_eq!(nibble("snooze 3d"), snooze(Some(Duration::days(3))));
    assert_eq!(nibble("SNOOZE 12h"), snooze(Some(Duration::hours(12))));
    assert_eq!(nibble("snooze  off "), snooze(None));
    assert_eq!(nibble("pause"), campaigns(CampaignCommand::PauseLessons));
    assert_eq!(
        nibble("resume now"),
        campaigns(CampaignCommand::ResumeLessons)
    );
    for c in [
        CampaignCommand::Snooze(None),
        CampaignCommand::PauseLessons,
        CampaignCommand::ResumeLessons,
    ] {
        assert_eq!(c.permission(), Permission::Anyone);
    }
}

#[test]
fn a_snooze_needs_a_length_of_at_most_twelve_weeks() {
    for bad in ["", "soon", "13w", "OFF", "0d"] {
        assert_eq!(
            nibble(&format!("snooze {bad}")),
            Err(UsageError::new(Permission::Anyone, SNOOZE_USAGE)),
            "{bad}"
        );
    }
}

#[test]
fn quiet_hours_are_the_schedulers_value() {
    let q = QuietHours::parse("20:00-08:00").expect("hours");
    assert_eq!(
        nibble("quiet-hours 20:00-08:00"),
        campaigns(CampaignCommand::QuietHours(q))
    );
    assert_eq!(
        nibble("quiet-hours off"),
        campaigns(CampaignCommand::QuietHours(None))
    );
    assert_eq!(CampaignCommand::QuietHours(None).permission(), LEAD);
}

#[test]
fn quiet_hours_say_how_they_are_written() {
    assert_eq!(
        nibble("quiet-hours"),
        Err(UsageError::new(LEAD, QUIET_HOURS_USAGE))
    );
    assert_eq!(
        CampaignCommand::quiet_hours("8pm"),
        Err(UsageError::new(
            LEAD,
            "quiet hours are written HH:MM-HH:MM (for example 20:00-08:00); `8pm` is not."
        ))
    );
    assert_eq!(
        CampaignCommand::quiet_hours("09:00-09:00"),
        Err(UsageError::new(
            LEAD,
            "quiet hours `09:00-09:00` start and end at the same time."
        ))
    );
}

#[test]
fn campaign_verbs_name_campaigns_by_number_or_name() {
    use CampaignAction::*;
    assert_eq!(nibble("campaign list"), campaigns(CampaignCommand::List));
    assert_eq!(nibble("campaigns list"), campaigns(CampaignCommand::List));
    assert_eq!(
        nibble("campaign show 12"),
        campaigns(manage(Show, CampaignKey::Id(12), "12"))
    );
    assert_eq!(
        nibble("campaign send-next  #3 "),
        campaigns(manage(SendNext, CampaignKey::Id(3), "#3"))
    );
    assert_eq!(
        nibble("campaign pause Q1 push"),
        campaigns(manage(
            Pause,
            CampaignKey::Name("Q1 push".into()),
            "Q1 push"
        ))
    );
    // Written otherwise than a number is, it is a name.
    assert_eq!(
        nibble("campaign stop 012"),
        campaigns(manage(Stop, CampaignKey::Name("012".into()), "012"))
    );
    assert_eq!(
        CampaignCommand::parse("resume #-1"),
        Ok(manage(Resume, CampaignKey::Name("-1".into()), "#-1"))
    );
}

#[test]
fn a_campaign_verb_without_a_campaign_finds_none() {
    for (args, typed) in [("campaign show", ""), ("campaign stop #", "#")] {
        assert_eq!(
            nibble(args),
            Err(UsageError::new(
                LEAD,
                format!("There is no campaign `{typed}` here: `/nibble campaign list` shows them.")
            ))
        );
    }
}

#[test]
fn any_other_word_is_the_campaign_help() {
    for args in [
        "campaign",
        "campaigns",
        "campaign help",
        "campaign Create x",
        "campaign dance",
    ] {
        assert_eq!(nibble(args), campaigns(CampaignCommand::Help), "{args}");
    }
    for c in [CampaignCommand::Help, CampaignCommand::List] {
        assert_eq!(c.permission().refusal_for(false, true), Some(NOT_A_LEAD));
        assert_eq!(c.permission().refusal_for(true, false), None);
    }
}

#[test]
fn a_description_that_does_not_read_is_not_created_and_leads_are_asked_first() {
    let e = nibble("campaign create course=c").expect_err("no cron");
    assert_eq!(
        e.message,
        format!(
            "Campaign not created: `cron` is missing (for example cron=\"0 9 * * Mon-Fri\").\n{CAMPAIGN_USAGE}"
        )
    );
    // A learner typing it is told who may, not how to write it.
    assert_eq!(e.permission.refusal_for(false, false), Some(NOT_A_LEAD));
    let Ok(Command::Campaigns(CampaignCommand::Create(create))) =
        nibble("campaign create course=c channel=<#C1> cron=\"0 9 * * *\" zone=UTC")
    else {
        panic!("a description that reads is a create command");
    };
    assert_eq!(create.campaign.course, "c");
}

#[test]
fn the_command_line_builds_the_same_values_from_shell_words() {
    use CampaignAction::*;
    assert_eq!(
        CampaignCommand::from_words(&words(&["show", "Q1 push"])),
        Ok(manage(Show, CampaignKey::Name("Q1 push".into()), "Q1 push"))
    );
    assert_eq!(
        CampaignCommand::from_words(&words(&["pause", "1"])),
        CampaignCommand::parse("pause 1")
    );
    assert_eq!(
        CampaignCommand::from_words(&words(&["list"])),
        Ok(CampaignCommand::List)
    );
    assert_eq!(
        CampaignCommand::from_words(&words(&["bogus"])),
        Ok(CampaignCommand::Help)
    );
    let create = |w: &[&str]| CampaignCommand::from_words(&words(w));
    assert_eq!(
        create(&[
            "create",
            "course=c",
            "channel=C1",
            "cron=0 9 * * 1-5",
            "zone=UTC"
        ]),
        CampaignCommand::parse("create course=c channel=C1 cron=\"0 9 * * 1-5\" zone=UTC"),
    );
    let e = create(&[
        "create",
        "course=c",
        "channel=C1",
        "cron=0 9 * * Mon-Fry",
        "zone=UTC",
    ])
    .expect_err("bad cron");
    assert!(e.message.starts_with("Campaign not created: "), "{e}");
    assert!(e.message.contains("cron field 5 (day of week)"), "{e}");
}

#[test]
fn a_number_also_names_the_campaign_called_that() {
    let by = |text| CampaignRef::parse(text).expect("a campaign");
    assert!(by("#3").matches(3, "phishing"));
    assert!(by("3").matches(1, "3"));
    assert!(!by("3").matches(4, "phishing"));
    assert!(by("phishing").matches(4, "phishing"));
    assert!(!by("phishing").matches(4, "Phishing"));
    assert!(!by("012").matches(12, "x"));
}
