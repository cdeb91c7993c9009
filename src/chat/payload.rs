//! Button payloads: short opaque ids (at most 100 characters), the same scheme on every platform.

/// What a click asks for. Everything else (lesson, question, who may answer) is looked up server-side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Answer { prompt_id: i64, choices: Vec<usize> },
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

impl Action {
    /// Parses a payload and, for a multiple-select submit, its selected values.
    pub fn decode(payload: &str, values: &[String]) -> Result<Self, PayloadError> {
        if payload.len() > 100 {
            return Err(PayloadError::Malformed);
        }
        let parts: Vec<&str> = payload.split(':').collect();
        let number = |s: &str| s.parse::<i64>().ok().filter(|n| *n > 0);
        let index = |s: &str| s.parse::<usize>().ok().filter(|n| *n < 64);
        match parts.as_slice() {
            [PREFIX, "a", prompt, choice] => Ok(Action::Answer {
                prompt_id: number(prompt).ok_or(PayloadError::Malformed)?,
                choices: vec![index(choice).ok_or(PayloadError::Malformed)?],
            }),
            [PREFIX, "m", prompt] => {
                let mut choices = values
                    .iter()
                    .map(|v| index(v).ok_or(PayloadError::Malformed))
                    .collect::<Result<Vec<_>, _>>()?;
                choices.sort_unstable();
                choices.dedup();
                if choices.is_empty() {
                    return Err(PayloadError::Malformed);
                }
                Ok(Action::Answer {
                    prompt_id: number(prompt).ok_or(PayloadError::Malformed)?,
                    choices,
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
