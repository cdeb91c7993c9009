//! Button payloads: short opaque ids (at most 100 characters), the same scheme on every platform.

/// What a click asks for. Everything else (lesson, question, who may answer) is looked up server-side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A quiz question of a delivered lesson.
    Answer { prompt_id: i64, choices: Vec<usize> },
    /// A spaced-repetition review of a question.
    Review { prompt_id: i64, choices: Vec<usize> },
    /// "Send me this lesson" (a search result).
    Open { lesson_id: String },
    /// Join a partner pool (its announcement's button).
    JoinPool { pool_id: i64 },
    /// A partner group's check-in answer.
    CheckIn {
        group_id: i64,
        outcome: CheckInOutcome,
    },
    /// A vote for a topic suggestion.
    Vote { suggestion_id: i64 },
}

/// "Did you meet?"
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInOutcome {
    Met,
    NotYet,
    Skip,
}

impl CheckInOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckInOutcome::Met => "met",
            CheckInOutcome::NotYet => "not_yet",
            CheckInOutcome::Skip => "skip",
        }
    }

    fn code(self) -> &'static str {
        match self {
            CheckInOutcome::Met => "m",
            CheckInOutcome::NotYet => "n",
            CheckInOutcome::Skip => "s",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("unrecognised button payload")]
    Malformed,
}

const PREFIX: &str = "nb1";

/// Payload of the button for one choice of a single-answer question.
pub fn encode_answer(prompt_id: i64, choice: usize) -> String {
    format!("{PREFIX}:a:{prompt_id}:{choice}")
}

/// Action id under which a multiple-select question submits its ticked values (choice indexes).
pub fn multi_action_id(prompt_id: i64) -> String {
    format!("{PREFIX}:m:{prompt_id}")
}

/// Payload of one choice of a single-answer review.
pub fn encode_review(prompt_id: i64, choice: usize) -> String {
    format!("{PREFIX}:r:{prompt_id}:{choice}")
}

/// Action id under which a multiple-select review submits its ticked values.
pub fn multi_review_action_id(prompt_id: i64) -> String {
    format!("{PREFIX}:rm:{prompt_id}")
}

/// Payload of a pool announcement's Join button.
pub fn encode_join_pool(pool_id: i64) -> String {
    format!("{PREFIX}:pj:{pool_id}")
}

/// Payload of a check-in button.
pub fn encode_check_in(group_id: i64, outcome: CheckInOutcome) -> String {
    format!("{PREFIX}:pc:{group_id}:{}", outcome.code())
}

/// Payload of a suggestion's vote button.
pub fn encode_vote(suggestion_id: i64) -> String {
    format!("{PREFIX}:v:{suggestion_id}")
}

/// Payload of a button that sends a lesson (lesson ids are at most 40 characters).
pub fn encode_open(lesson_id: &str) -> String {
    format!("{PREFIX}:l:{lesson_id}")
}

impl Action {
    /// Parses a payload and, for a multiple-select submit, its selected values.
    pub fn decode(payload: &str, values: &[String]) -> Result<Self, PayloadError> {
        if payload.len() > 100 {
            return Err(PayloadError::Malformed);
        }
        let parts: Vec<&str> = payload.split(':').collect();
        let number = |s: &str| s.parse::<i64>().ok().filter(|n| *n > 0);
        let index = |s: &str| s.parse::<usize>().ok().filter(|n| *n < 64);
        let single = |prompt: &str, choice: &str| {
            Ok::<_, PayloadError>((
                number(prompt).ok_or(PayloadError::Malformed)?,
                vec![index(choice).ok_or(PayloadError::Malformed)?],
            ))
        };
        match parts.as_slice() {
            [PREFIX, "a", prompt, choice] => {
                let (prompt_id, choices) = single(prompt, choice)?;
                Ok(Action::Answer { prompt_id, choices })
            }
            [PREFIX, "r", prompt, choice] => {
                let (prompt_id, choices) = single(prompt, choice)?;
                Ok(Action::Review { prompt_id, choices })
            }
            [PREFIX, "v", id] => Ok(Action::Vote {
                suggestion_id: number(id).ok_or(PayloadError::Malformed)?,
            }),
            [PREFIX, "pj", pool] => Ok(Action::JoinPool {
                pool_id: number(pool).ok_or(PayloadError::Malformed)?,
            }),
            [PREFIX, "pc", group, code] => Ok(Action::CheckIn {
                group_id: number(group).ok_or(PayloadError::Malformed)?,
                outcome: match *code {
                    "m" => CheckInOutcome::Met,
                    "n" => CheckInOutcome::NotYet,
                    "s" => CheckInOutcome::Skip,
                    _ => return Err(PayloadError::Malformed),
                },
            }),
            [PREFIX, "l", lesson] if crate::content::is_valid_id(lesson, 40) => Ok(Action::Open {
                lesson_id: lesson.to_string(),
            }),
            [PREFIX, kind @ ("m" | "rm"), prompt] => {
                let mut choices = values
                    .iter()
                    .map(|v| index(v).ok_or(PayloadError::Malformed))
                    .collect::<Result<Vec<_>, _>>()?;
                choices.sort_unstable();
                choices.dedup();
                if choices.is_empty() {
                    return Err(PayloadError::Malformed);
                }
                let prompt_id = number(prompt).ok_or(PayloadError::Malformed)?;
                Ok(if *kind == "m" {
                    Action::Answer { prompt_id, choices }
                } else {
                    Action::Review { prompt_id, choices }
                })
            }
            _ => Err(PayloadError::Malformed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_stays_short() {
        let p = encode_answer(i64::MAX, 9);
        assert!(p.len() <= 100);
        assert_eq!(
            Action::decode(&p, &[]),
            Ok(Action::Answer {
                prompt_id: i64::MAX,
                choices: vec![9]
            })
        );
        let m = multi_action_id(7);
        let values = vec!["2".to_string(), "0".to_string(), "2".to_string()];
        assert_eq!(
            Action::decode(&m, &values),
            Ok(Action::Answer {
                prompt_id: 7,
                choices: vec![0, 2]
            })
        );
    }

    #[test]
    fn vote_buttons_round_trip_and_refuse_forgeries() {
        assert_eq!(
            Action::decode(&encode_vote(42), &[]),
            Ok(Action::Vote { suggestion_id: 42 })
        );
        for bad in ["nb1:v:", "nb1:v:0", "nb1:v:-3", "nb1:v:x", "nb1:v:1:2"] {
            assert_eq!(
                Action::decode(bad, &[]),
                Err(PayloadError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn reviews_and_lesson_buttons_round_trip() {
        assert_eq!(
            Action::decode(&encode_review(12, 3), &[]),
            Ok(Action::Review {
                prompt_id: 12,
                choices: vec![3]
            })
        );
        assert_eq!(
            Action::decode(&multi_review_action_id(5), &["1".to_string()]),
            Ok(Action::Review {
                prompt_id: 5,
                choices: vec![1]
            })
        );
        assert_eq!(
            Action::decode(&encode_open("spot-phishing"), &[]),
            Ok(Action::Open {
                lesson_id: "spot-phishing".into()
            })
        );
        assert_eq!(
            Action::decode(&encode_check_in(9, CheckInOutcome::NotYet), &[]),
            Ok(Action::CheckIn {
                group_id: 9,
                outcome: CheckInOutcome::NotYet
            })
        );
        assert_eq!(
            Action::decode(&encode_join_pool(4), &[]),
            Ok(Action::JoinPool { pool_id: 4 })
        );
        for bad in [
            "nb1:pc:3:x",
            "nb1:pj:-1",
            "nb1:l:",
            "nb1:l:Bad Id",
            "nb1:l:../x",
            "nb1:r:0:1",
            "nb1:rm:x",
        ] {
            assert_eq!(
                Action::decode(bad, &["1".into()]),
                Err(PayloadError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn forged_payloads_are_rejected() {
        for bad in [
            "",
            "nb1:a:x:1",
            "nb1:a:-3:1",
            "nb1:a:3:999",
            "other:a:1:1",
            "nb1:a:1:1:1",
        ] {
            assert_eq!(
                Action::decode(bad, &[]),
                Err(PayloadError::Malformed),
                "{bad}"
            );
        }
        assert_eq!(Action::decode("nb1:m:3", &[]), Err(PayloadError::Malformed));
        assert_eq!(
            Action::decode(&"9".repeat(200), &[]),
            Err(PayloadError::Malformed)
        );
    }
}
