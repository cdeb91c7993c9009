//! Campaign descriptions: parsing, defaults and the messages bad input gets.
use super::*;

fn parse(args: &str) -> Result<CampaignSpec, CampaignError> {
    crate::command::campaign_spec::raw_campaign(args)?
        .validate(|_| NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
}

#[test]
fn a_full_description_reads_with_quotes_and_defaults() {
    let s = parse("course=giving-feedback channel=C1 cron=“0 9 * * Mon-Fri” zone=Europe/Berlin due=2027-01-15")
        .unwrap();
    assert_eq!(s.name, "giving-feedback");
    assert_eq!(s.schedule.cron.to_string(), "0 9 * * Mon-Fri");
    assert_eq!(s.starts_on.to_string(), "2026-11-26");
    assert_eq!(s.catch_up, CatchUp::Once);
    assert_eq!(
        s.due_on.map(|d| d.to_string()).as_deref(),
        Some("2027-01-15")
    );
}

#[test]
fn bad_input_names_what_is_wrong() {
    let e = |a: &str| parse(a).unwrap_err().to_string();
    let base = "course=c channel=C1 zone=UTC";
    assert!(e(&format!("{base} cron=\"0 9 * *\"")).contains("5 fields"));
    assert!(
        e("course=c channel=C1 cron=\"0 9 * * *\" zone=Mars/Base")
            .contains("`Mars/Base` is not an IANA")
    );
    assert_eq!(
        e(&format!(
            "{base} cron=\"0 9 * * *\" start=2027-02-01 end=2027-01-01"
        )),
        "the end date 2027-01-01 is before the start date 2027-02-01"
    );
    assert!(
        e(&format!("{base} cron=\"0 9 * * *\" colour=red"))
            .contains("`colour` is not a campaign setting")
    );
    assert!(e(&format!("{base} cron=\"0 9 * * *\" start=01/02/2027")).contains("YYYY-MM-DD"));
    assert!(e("channel=C1 cron=\"0 9 * * *\" zone=UTC").contains("`course` is missing"));
    assert!(e(&format!("{base} cron=\"0 9 * * *")).contains("unclosed quote"));
    assert!(e(&format!("{base} cron=\"0 9 * * *\" dm=maybe")).contains("yes/no"));
}

#[test]
fn flags_read_yes_and_no_and_apostrophes_are_letters() {
    let s =
        parse("course=c channel=C1 cron=\"0 9 * * *\" zone=UTC dm=false learner_time name=Bob's")
            .unwrap();
    assert!(!s.dm && s.learner_time);
    assert_eq!(s.name, "Bob's");
}
