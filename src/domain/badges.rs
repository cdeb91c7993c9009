//! Badges: declared in config, each with a built-in rule kind, evaluated against a learner's figures.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum BadgeRule {
    FirstLesson,
    Lessons {
        count: u32,
    },
    /// A given course, or any course when none is named.
    CourseCompleted {
        course: Option<String>,
    },
    Streak {
        days: u32,
    },
    CorrectInARow {
        count: u32,
    },
    Accuracy {
        percent: u32,
        min_answers: u32,
    },
    ThreadReplies {
        count: u32,
    },
    PartnerCheckins {
        count: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BadgeDef {
    pub id: String,
    pub name: String,
    pub emoji: String,
    pub description: String,
    pub rule: BadgeRule,
}

/// What badge rules look at, for one learner.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LearnerFigures {
    pub lessons_completed: u32,
    pub courses_completed: Vec<String>,
    pub streak: u32,
    pub correct_in_a_row: u32,
    pub graded: u32,
    pub correct: u32,
    pub thread_replies: u32,
    pub partner_checkins: u32,
}

pub fn earned(rule: &BadgeRule, f: &LearnerFigures) -> bool {
    match rule {
        BadgeRule::FirstLesson => f.lessons_completed >= 1,
        BadgeRule::Lessons { count } => f.lessons_completed >= *count,
        BadgeRule::CourseCompleted { course: Some(c) } => f.courses_completed.contains(c),
        BadgeRule::CourseCompleted { course: None } => !f.courses_completed.is_empty(),
        BadgeRule::Streak { days } => f.streak >= *days,
        BadgeRule::CorrectInARow { count } => f.correct_in_a_row >= *count,
        BadgeRule::Accuracy {
            percent,
            min_answers,
        } => f.graded >= *min_answers && f.graded > 0 && f.correct * 100 >= percent * f.graded,
        BadgeRule::ThreadReplies { count } => f.thread_replies >= *count,
        BadgeRule::PartnerCheckins { count } => f.partner_checkins >= *count,
    }
}

/// The badges nibble ships with when the config declares none.
pub fn default_badges() -> Vec<BadgeDef> {
    let b = |id: &str, name: &str, emoji: &str, description: &str, rule| BadgeDef {
        id: id.into(),
        name: name.into(),
        emoji: emoji.into(),
        description: description.into(),
        rule,
    };
    vec![
        b(
            "first-steps",
            "First steps",
            "🌱",
            "Completed a first lesson",
            BadgeRule::FirstLesson,
        ),
        b(
            "five-lessons",
            "Regular",
            "📚",
            "Completed five lessons",
            BadgeRule::Lessons { count: 5 },
        ),
        b(
            "course-finisher",
            "Finisher",
            "🎓",
            "Completed a whole course",
            BadgeRule::CourseCompleted { course: None },
        ),
        b(
            "on-a-roll",
            "On a roll",
            "🔥",
            "Learned three days in a row",
            BadgeRule::Streak { days: 3 },
        ),
        b(
            "sharp",
            "Sharp",
            "🎯",
            "Five right answers in a row",
            BadgeRule::CorrectInARow { count: 5 },
        ),
        b(
            "accurate",
            "Accurate",
            "💎",
            "90% right over at least 10 answers",
            BadgeRule::Accuracy {
                percent: 90,
                min_answers: 10,
            },
        ),
        b(
            "contributor",
            "Contributor",
            "💬",
            "Five replies in discussion threads",
            BadgeRule::ThreadReplies { count: 5 },
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_look_at_the_right_figures() {
        let mut f = LearnerFigures::default();
        assert!(!earned(&BadgeRule::FirstLesson, &f));
        f.lessons_completed = 1;
        assert!(earned(&BadgeRule::FirstLesson, &f));
        assert!(!earned(&BadgeRule::Lessons { count: 5 }, &f));
        f.courses_completed = vec!["giving-feedback".into()];
        assert!(earned(&BadgeRule::CourseCompleted { course: None }, &f));
        assert!(!earned(
            &BadgeRule::CourseCompleted {
                course: Some("security-awareness".into())
            },
            &f
        ));
        f.graded = 10;
        f.correct = 9;
        assert!(earned(
            &BadgeRule::Accuracy {
                percent: 90,
                min_answers: 10
            },
            &f
        ));
        assert!(!earned(
            &BadgeRule::Accuracy {
                percent: 91,
                min_answers: 10
            },
            &f
        ));
        assert!(!earned(
            &BadgeRule::Accuracy {
                percent: 50,
                min_answers: 11
            },
            &f
        ));
    }

    #[test]
    fn badge_rules_parse_from_toml() {
        let b: BadgeDef = toml::from_str(
            "id = \"x\"\nname = \"X\"\nemoji = \"⭐\"\ndescription = \"d\"\nrule = { kind = \"streak\", days = 7 }\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(b.rule, BadgeRule::Streak { days: 7 });
        let bad: Result<BadgeDef, _> = toml::from_str(
            "id = \"x\"\nname = \"X\"\nemoji = \"⭐\"\ndescription = \"d\"\nrule = { kind = \"streak\", weeks = 7 }\n",
        );
        assert!(bad.is_err());
    }
}
