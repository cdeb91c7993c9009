//! Fire-time tests across DST changes, zones and quiet hours.

use super::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn fires(schedule: &Schedule, from: &str, until: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = utc(from);
    while let Some(next) = schedule.next_after(at) {
        if next > utc(until) {
            break;
        }
        out.push(next.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        at = next;
    }
    out
}

#[test]
fn weekdays_at_nine_across_the_autumn_change_in_berlin() {
    // Europe/Berlin leaves summer time on Sunday 25 October 2026: 09:00 is 07:00 UTC before, 08:00 after.
    let s = Schedule::parse("0 0 9 * * Mon-Fri", "Europe/Berlin").unwrap();
    assert_eq!(
        fires(&s, "2026-10-21T12:00:00Z", "2026-10-28T23:00:00Z"),
        [
            "2026-10-22T07:00:00Z",
            "2026-10-23T07:00:00Z",
            "2026-10-26T08:00:00Z",
            "2026-10-27T08:00:00Z",
            "2026-10-28T08:00:00Z",
        ]
    );
}

#[test]
fn a_slot_in_the_spring_gap_fires_once_at_the_next_valid_time() {
    // 29 March 2026: Berlin jumps from 02:00 to 03:00; 02:30 does not exist that day.
    let s = Schedule::parse("30 2 * * *", "Europe/Berlin").unwrap();
    assert_eq!(
        fires(&s, "2026-03-27T12:00:00Z", "2026-03-30T12:00:00Z"),
        [
            "2026-03-28T01:30:00Z",
            "2026-03-29T01:00:00Z", // 03:00 CEST, the first valid time after the gap
            "2026-03-30T00:30:00Z",
        ]
    );
    // Several slots inside the gap still fire once.
    let every_quarter = Schedule::parse("*/15 2 * * *", "Europe/Berlin").unwrap();
    let on_the_day = fires(
        &every_quarter,
        "2026-03-28T23:00:00Z",
        "2026-03-29T12:00:00Z",
    );
    assert_eq!(on_the_day, ["2026-03-29T01:00:00Z"]);
}

#[test]
fn a_repeated_hour_fires_once_not_twice() {
    // 25 October 2026: Berlin's 02:00-03:00 happens twice; 02:30 fires at its first occurrence only.
    let s = Schedule::parse("30 2 * * *", "Europe/Berlin").unwrap();
    assert_eq!(
        fires(&s, "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z"),
        ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]
    );
}

#[test]
fn the_same_expression_follows_each_zone() {
    let s = Schedule::parse("0 9 * * *", "UTC").unwrap();
    let tokyo = s.in_zone(parse_zone("Asia/Tokyo").unwrap());
    let ny = s.in_zone(parse_zone("America/New_York").unwrap());
    let after = utc("2026-12-01T12:00:00Z");
    assert_eq!(tokyo.next_after(after), Some(utc("2026-12-02T00:00:00Z")));
    assert_eq!(ny.next_after(after), Some(utc("2026-12-01T14:00:00Z")));
}

#[test]
fn preview_lists_local_times_and_leap_days_are_found() {
    let s = Schedule::parse("0 9 29 2 *", "Europe/Berlin").unwrap();
    let p = s.preview(utc("2026-11-26T00:00:00Z"), 2);
    let shown: Vec<String> = p
        .iter()
        .map(|t| t.format("%Y-%m-%d %H:%M %Z").to_string())
        .collect();
    assert_eq!(shown, ["2028-02-29 09:00 CET", "2032-02-29 09:00 CET"]);
}

#[test]
fn unknown_zones_are_refused_by_name() {
    let e = Schedule::parse("0 9 * * *", "Europe/Berlni").unwrap_err();
    assert!(
        e.to_string()
            .contains("`Europe/Berlni` is not an IANA time zone")
    );
}

#[test]
fn quiet_hours_hold_a_dm_until_the_window_ends() {
    let q = QuietHours::parse("20:00-08:00").unwrap().unwrap();
    let berlin = parse_zone("Europe/Berlin").unwrap();
    // 22:00 Berlin (21:00 UTC) waits until 08:00 Berlin next day (07:00 UTC).
    assert_eq!(
        q.next_allowed(utc("2026-12-01T21:00:00Z"), berlin),
        utc("2026-12-02T07:00:00Z")
    );
    // 06:00 Berlin waits until 08:00 the same day.
    assert_eq!(
        q.next_allowed(utc("2026-12-02T05:00:00Z"), berlin),
        utc("2026-12-02T07:00:00Z")
    );
    let noon = utc("2026-12-02T11:00:00Z");
    assert_eq!(q.next_allowed(noon, berlin), noon);
    assert_eq!(QuietHours::parse("off").unwrap(), None);
    assert!(QuietHours::parse("8-20").is_err());
    assert!(QuietHours::parse("08:00-08:00").is_err());
}
