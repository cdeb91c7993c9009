//! Properties of pairing rounds over many seeded pools: no repeats until everyone has met, avoid
//! lists never broken, nobody left out, and the tie-breakers (oldest meeting, hours, mentors).

use super::*;
use crate::demo::Rng;

fn people(ids: &[i64]) -> Vec<Candidate> {
    ids.iter()
        .map(|id| Candidate {
            id: *id,
            utc_offset_minutes: None,
            needs_help: false,
            mastered: false,
        })
        .collect()
}

/// Runs `rounds` rounds, recording meetings; returns every round's groups.
fn run(input: &mut RoundInput, rounds: u32) -> Vec<Vec<Vec<i64>>> {
    let mut out = Vec::new();
    for r in 1..=rounds {
        input.round = r;
        let groups = plan_round(input);
        for g in &groups {
            for (k, a) in g.iter().enumerate() {
                for b in &g[k + 1..] {
                    input.last_met.insert(pair(*a, *b), r);
                }
            }
        }
        out.push(groups);
    }
    out
}

fn covers_everyone(groups: &[Vec<i64>], ids: &[i64]) -> bool {
    let mut seen: Vec<i64> = groups.iter().flatten().copied().collect();
    seen.sort_unstable();
    let mut want = ids.to_vec();
    want.sort_unstable();
    seen == want
}

#[test]
fn no_pair_repeats_until_everyone_has_met() {
    let mut rng = Rng::new(11);
    for n in (2..=12).step_by(2) {
        for _ in 0..5 {
            // Arbitrary ids, in arbitrary order.
            let ids: Vec<i64> = (0..n).map(|_| 1 + rng.below(1_000_000) as i64).collect();
            let mut unique = ids.clone();
            unique.sort_unstable();
            unique.dedup();
            if unique.len() != ids.len() {
                continue;
            }
            let mut input = RoundInput {
                members: people(&ids),
                group_size: 2,
                ..RoundInput::default()
            };
            let rounds = run(&mut input, n as u32 - 1);
            let mut met = HashSet::new();
            for (r, groups) in rounds.iter().enumerate() {
                assert!(covers_everyone(groups, &ids), "n={n} round {r}: {groups:?}");
                for g in groups {
                    assert_eq!(g.len(), 2, "n={n}: {groups:?}");
                    assert!(
                        met.insert(pair(g[0], g[1])),
                        "n={n} round {}: {g:?} met again",
                        r + 1
                    );
                }
            }
            assert_eq!(met.len(), n * (n - 1) / 2, "everyone met everyone (n={n})");
        }
    }
}

#[test]
fn an_odd_member_makes_a_trio_instead_of_being_left_out() {
    for n in [3usize, 5, 7, 9, 11] {
        let ids: Vec<i64> = (1..=n as i64).collect();
        let mut input = RoundInput {
            members: people(&ids),
            group_size: 2,
            ..RoundInput::default()
        };
        for groups in run(&mut input, 6) {
            assert!(covers_everyone(&groups, &ids), "{groups:?}");
            assert_eq!(
                groups.iter().filter(|g| g.len() == 3).count(),
                1,
                "{groups:?}"
            );
            assert!(groups.iter().all(|g| g.len() == 2 || g.len() == 3));
        }
    }
}

#[test]
fn avoid_lists_are_never_broken_and_nobody_is_left_out() {
    let mut rng = Rng::new(5);
    for case in 0..40 {
        let n = 4 + rng.below(9);
        let ids: Vec<i64> = (1..=n as i64).collect();
        let mut avoid = HashSet::new();
        // A few avoided pairs, never so many that someone has nobody left.
        for _ in 0..rng.below(n) {
            let (a, b) = (1 + rng.below(n) as i64, 1 + rng.below(n) as i64);
            if a != b {
                avoid.insert(pair(a, b));
            }
        }
        let mut input = RoundInput {
            members: people(&ids),
            avoid: avoid.clone(),
            group_size: 2,
            ..RoundInput::default()
        };
        for groups in run(&mut input, 8) {
            for g in &groups {
                for (k, a) in g.iter().enumerate() {
                    for b in &g[k + 1..] {
                        assert!(!avoid.contains(&pair(*a, *b)), "case {case}: {g:?} avoided");
                    }
                }
            }
            let placed = groups.iter().flatten().count();
            let can_meet = |id: i64| {
                ids.iter()
                    .any(|o| *o != id && !avoid.contains(&pair(id, *o)))
            };
            let placeable = ids.iter().filter(|id| can_meet(**id)).count();
            // Everyone who may meet someone is placed unless the avoid lists make it impossible.
            assert!(
                placed + 1 >= placeable.min(n),
                "case {case}: {groups:?} avoid {avoid:?}"
            );
        }
    }
}

#[test]
fn repeats_go_to_the_pairs_who_met_longest_ago() {
    let ids = [1, 2, 3, 4];
    let mut input = RoundInput {
        members: people(&ids),
        group_size: 2,
        round: 10,
        ..RoundInput::default()
    };
    input.last_met.extend([
        ((1, 2), 9),
        ((3, 4), 9),
        ((1, 3), 8),
        ((2, 4), 8),
        ((1, 4), 2),
        ((2, 3), 2),
    ]);
    let mut groups = plan_round(&input);
    groups.iter_mut().for_each(|g| g.sort_unstable());
    groups.sort();
    assert_eq!(groups, [vec![1, 4], vec![2, 3]]);
}

#[test]
fn working_hours_and_mentors_break_ties() {
    let mut members = people(&[1, 2, 3, 4]);
    for (m, offset) in members.iter_mut().zip([0, 540, 0, 540]) {
        m.utc_offset_minutes = Some(offset);
    }
    let input = RoundInput {
        members: members.clone(),
        group_size: 2,
        round: 1,
        ..RoundInput::default()
    };
    let mut groups = plan_round(&input);
    groups.iter_mut().for_each(|g| g.sort_unstable());
    groups.sort();
    assert_eq!(groups, [vec![1, 3], vec![2, 4]], "same hours together");

    for m in &mut members {
        m.utc_offset_minutes = None;
    }
    members[0].needs_help = true;
    members[1].needs_help = true;
    members[2].mastered = true;
    members[3].mastered = true;
    let input = RoundInput {
        members,
        group_size: 2,
        round: 1,
        mentor_mode: true,
        ..RoundInput::default()
    };
    for g in plan_round(&input) {
        assert!(
            g.contains(&1) || g.contains(&2),
            "a learner in every pair: {g:?}"
        );
        assert!(
            g.contains(&3) || g.contains(&4),
            "a mentor in every pair: {g:?}"
        );
    }
}

#[test]
fn groups_of_three() {
    for (n, sizes) in [(9usize, vec![3, 3, 3]), (6, vec![3, 3]), (7, vec![2, 2, 3])] {
        let ids: Vec<i64> = (1..=n as i64).collect();
        let input = RoundInput {
            members: people(&ids),
            group_size: 3,
            round: 1,
            ..RoundInput::default()
        };
        let groups = plan_round(&input);
        assert!(covers_everyone(&groups, &ids));
        let mut got: Vec<usize> = groups.iter().map(Vec::len).collect();
        got.sort_unstable();
        assert_eq!(got, sizes, "{groups:?}");
    }
}

#[test]
fn a_large_pool_is_paired_whole_with_few_repeats() {
    let ids: Vec<i64> = (1..=300).collect();
    let mut input = RoundInput {
        members: people(&ids),
        group_size: 2,
        ..RoundInput::default()
    };
    let rounds = run(&mut input, 5);
    let mut met = HashSet::new();
    let mut repeats = 0;
    for groups in &rounds {
        assert!(covers_everyone(groups, &ids));
        for g in groups {
            if !met.insert(pair(g[0], g[1])) {
                repeats += 1;
            }
        }
    }
    assert_eq!(repeats, 0);
    assert!(
        plan_round(&RoundInput {
            members: people(&[7]),
            ..RoundInput::default()
        })
        .is_empty()
    );
}
