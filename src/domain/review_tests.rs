//! FSRS scheduling checked against the published reference sequence (py-fsrs / ts-fsrs long-term
//! scheduler values for the FSRS-5 weights below) and against the behaviour learners rely on.

use super::*;
use chrono::{Duration, TimeZone};
use rs_fsrs::Rating::{Again, Good};

/// The weights the FSRS reference implementations test the long-term scheduler with.
const REFERENCE_WEIGHTS: [f64; 19] = [
    0.4197, 1.1869, 3.0412, 15.2441, 7.1434, 0.6477, 1.0007, 0.0674, 1.6597, 0.1712, 1.1178,
    2.0225, 0.0904, 0.3025, 2.1214, 0.2498, 2.9466, 0.4891, 0.6468,
];

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 11, 29, 12, 30, 0)
        .single()
        .unwrap_or_default()
}

/// Reviews on each due date; returns (interval days, stability, difficulty) after each.
fn run(rules: &ReviewRules, ratings: &[Rating]) -> Vec<(i64, f64, f64)> {
    let mut now = start();
    let mut card = CardState::new(now);
    let mut out = Vec::new();
    for r in ratings {
        card = review(rules, &card, *r, now);
        let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
        out.push((
            card.scheduled_days,
            round(card.stability),
            round(card.difficulty),
        ));
        now = card.due;
    }
    out
}

#[test]
fn matches_the_reference_fsrs_values() {
    let rules = ReviewRules {
        weights: REFERENCE_WEIGHTS.to_vec(),
        maximum_interval_days: 36_500,
        ..ReviewRules::default()
    };
    let ratings = [
        Good, Good, Good, Good, Good, Good, Again, Again, Good, Good, Good, Good, Good,
    ];
    let got = run(&rules, &ratings);
    let intervals: Vec<i64> = got.iter().map(|g| g.0).collect();
    assert_eq!(
        intervals,
        [3, 13, 48, 155, 445, 1158, 17, 3, 9, 27, 74, 190, 457]
    );
    let stability: Vec<f64> = got.iter().map(|g| g.1).collect();
    assert_eq!(
        stability,
        [
            3.0412, 13.0913, 48.1585, 154.9373, 445.0556, 1158.0778, 16.6306, 2.9888, 9.4633,
            26.9474, 73.9723, 189.7037, 457.4379
        ]
    );
    let difficulty: Vec<f64> = got.iter().map(|g| g.2).collect();
    assert_eq!(
        difficulty,
        [
            4.4909, 4.2666, 4.0575, 3.8624, 3.6804, 3.5108, 5.219, 6.8122, 6.4314, 6.0763, 5.7452,
            5.4363, 5.1483
        ]
    );
}

#[test]
fn right_answers_space_out_and_a_wrong_one_comes_back_soon() {
    let rules = ReviewRules::default();
    let got = run(&rules, &[Good, Good, Good, Again, Good]);
    let days: Vec<i64> = got.iter().map(|g| g.0).collect();
    assert!(days[0] < days[1] && days[1] < days[2], "{days:?}");
    assert!(days[3] < days[2], "a lapse shrinks the interval: {days:?}");
    assert!(days[4] > days[3], "{days:?}");
    let wrong_first = run(&rules, &[Again]);
    assert_eq!(
        wrong_first[0].0, 1,
        "a wrong first answer is relearned the next day"
    );
}

#[test]
fn lower_retention_means_longer_intervals() {
    let strict = run(&ReviewRules::default(), &[Good, Good, Good]);
    let relaxed = run(
        &ReviewRules {
            desired_retention: 0.8,
            ..ReviewRules::default()
        },
        &[Good, Good, Good],
    );
    assert!(relaxed[2].0 > strict[2].0, "{relaxed:?} vs {strict:?}");
}

#[test]
fn a_card_retires_once_stable_and_intervals_are_capped() {
    let rules = ReviewRules {
        retire_after_days: 40.0,
        maximum_interval_days: 30,
        ..ReviewRules::default()
    };
    let mut now = start();
    let mut card = CardState::new(now);
    let mut reviews = 0;
    while !card.retired(&rules) {
        card = review(&rules, &card, Good, now);
        assert!(card.scheduled_days <= 30);
        now += Duration::days(card.scheduled_days);
        reviews += 1;
        assert!(reviews < 20, "never retired");
    }
    assert!(reviews >= 2, "retired after {reviews}");
}

#[test]
fn bad_settings_are_named() {
    let bad = ReviewRules {
        desired_retention: 1.5,
        ..ReviewRules::default()
    };
    assert!(
        bad.problem()
            .is_some_and(|p| p.contains("desired_retention"))
    );
    let bad = ReviewRules {
        weights: vec![1.0; 3],
        ..ReviewRules::default()
    };
    assert!(bad.problem().is_some_and(|p| p.contains("weights")));
    assert_eq!(ReviewRules::default().problem(), None);
}
