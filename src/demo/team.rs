//! The demo's simulated team: a dozen learners with seeded, varied habits.

use crate::chat::UserRef;

/// A small deterministic random generator (SplitMix64): the same seed replays the same week.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

pub struct Learner {
    pub user: UserRef,
    /// Chance of doing the day's lesson.
    pub diligence: f64,
    /// Chance of picking the right answer.
    pub accuracy: f64,
    /// Pulls an extra lesson with /learn now and then.
    pub eager: bool,
    /// Answers the quizzes posted in the team channel.
    pub social: bool,
    /// Minutes after 09:00 (UTC) when they usually get to it.
    pub arrival: i64,
}

const PEOPLE: &[(&str, &str)] = &[
    ("Ana", "Europe/Lisbon"),
    ("Ben", "Europe/London"),
    ("Chiara", "Europe/Rome"),
    ("Dmitri", "Europe/Berlin"),
    ("Esther", "Africa/Nairobi"),
    ("Farid", "Asia/Dubai"),
    ("Grace", "America/New_York"),
    ("Hiro", "Asia/Tokyo"),
    ("Ines", "Europe/Madrid"),
    ("Jonas", "Europe/Stockholm"),
    ("Kavya", "Asia/Kolkata"),
    ("Liam", "America/Chicago"),
];

/// Twelve learners whose habits are drawn from the seed.
pub fn team(rng: &mut Rng) -> Vec<Learner> {
    PEOPLE
        .iter()
        .enumerate()
        .map(|(i, (name, zone))| Learner {
            user: UserRef {
                id: format!("U{:03}", i + 1),
                name: name.to_string(),
                time_zone: Some(zone.to_string()),
                is_lead: i == 0,
                // The team lead also moderates the team's community of practice.
                is_moderator: i == 0,
            },
            diligence: 0.45 + rng.unit() * 0.55,
            accuracy: 0.5 + rng.unit() * 0.45,
            eager: rng.chance(0.25),
            social: rng.chance(0.5),
            arrival: 5 + rng.below(8 * 60) as i64,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_team() {
        let a: Vec<f64> = team(&mut Rng::new(7)).iter().map(|l| l.accuracy).collect();
        let b: Vec<f64> = team(&mut Rng::new(7)).iter().map(|l| l.accuracy).collect();
        let c: Vec<f64> = team(&mut Rng::new(8)).iter().map(|l| l.accuracy).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.iter().all(|x| (0.5..0.95).contains(x)));
    }
}
