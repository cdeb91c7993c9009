//! Grades a member's choice against a question: right, wrong, or recorded (polls).

use crate::content::{Question, QuestionKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    #[error("choice {0} does not exist on this question")]
    NoSuchChoice(usize),
    #[error("this question takes exactly one choice")]
    NeedsOneChoice,
    #[error("no choice was made")]
    Empty,
}

/// Some(true/false) for questions with a right answer, None for a poll.
pub fn grade(question: &Question, choices: &[usize]) -> Result<Option<bool>, GradeError> {
    if choices.is_empty() {
        return Err(GradeError::Empty);
    }
    if let Some(&bad) = choices.iter().find(|&&c| c >= question.options.len()) {
        return Err(GradeError::NoSuchChoice(bad));
    }
    if question.kind != QuestionKind::Multiple && choices.len() != 1 {
        return Err(GradeError::NeedsOneChoice);
    }
    if !question.kind.has_right_answer() {
        return Ok(None);
    }
    let right: Vec<usize> = question
        .options
        .iter()
        .enumerate()
        .filter(|(_, o)| o.correct)
        .map(|(i, _)| i)
        .collect();
    let mut chosen = choices.to_vec();
    chosen.sort_unstable();
    chosen.dedup();
    Ok(Some(chosen == right))
}

/// Choice indexes as stored ("0,2").
pub fn encode_choices(choices: &[usize]) -> String {
    choices
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Parses stored choices, skipping anything malformed.
pub fn decode_choices(stored: &str) -> Vec<usize> {
    stored.split(',').filter_map(|s| s.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::QuizOption;

    fn question(kind: QuestionKind, correct: &[bool]) -> Question {
        Question {
            id: "q".into(),
            kind,
            prompt: "?".into(),
            explain: None,
            options: correct
                .iter()
                .enumerate()
                .map(|(i, &c)| QuizOption {
                    text: format!("o{i}"),
                    correct: c,
                    explain: None,
                })
                .collect(),
        }
    }

    #[test]
    fn single_choice() {
        let q = question(QuestionKind::Single, &[false, true, false]);
        assert_eq!(grade(&q, &[1]), Ok(Some(true)));
        assert_eq!(grade(&q, &[0]), Ok(Some(false)));
        assert_eq!(grade(&q, &[0, 1]), Err(GradeError::NeedsOneChoice));
        assert_eq!(grade(&q, &[3]), Err(GradeError::NoSuchChoice(3)));
        assert_eq!(grade(&q, &[]), Err(GradeError::Empty));
    }

    #[test]
    fn multiple_select_needs_the_exact_set() {
        let q = question(QuestionKind::Multiple, &[true, false, true]);
        assert_eq!(grade(&q, &[0, 2]), Ok(Some(true)));
        assert_eq!(grade(&q, &[2, 0, 2]), Ok(Some(true)));
        assert_eq!(grade(&q, &[0]), Ok(Some(false)));
        assert_eq!(grade(&q, &[0, 1, 2]), Ok(Some(false)));
    }

    #[test]
    fn polls_and_true_false() {
        let poll = question(QuestionKind::Poll, &[false, false]);
        assert_eq!(grade(&poll, &[1]), Ok(None));
        let tf = question(QuestionKind::TrueFalse, &[false, true]);
        assert_eq!(grade(&tf, &[1]), Ok(Some(true)));
        assert_eq!(grade(&tf, &[0]), Ok(Some(false)));
    }

    #[test]
    fn choices_round_trip() {
        assert_eq!(decode_choices(&encode_choices(&[0, 3])), vec![0, 3]);
        assert_eq!(decode_choices("1,x"), vec![1]);
    }
}
