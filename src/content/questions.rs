//! Validates quiz questions and their options (kinds, right answers, lengths, duplicates).

use super::lesson_file::{
    MAX_EXPLAIN, MAX_OPTION_TEXT, MAX_OPTIONS, MAX_PROMPT, RawKind, RawOption, RawQuestion,
};
use super::{Question, QuestionKind, QuizOption, is_valid_id};
use std::collections::HashSet;
use toml::Spanned;

pub(super) fn check_text(
    check: &mut impl FnMut(bool, usize, String),
    key: &str,
    value: &Spanned<String>,
    max: usize,
) {
    let len = value.get_ref().trim().chars().count();
    check(len > 0, value.span().start, format!("`{key}` is empty"));
    check(
        len <= max,
        value.span().start,
        format!("`{key}` is {len} characters long, the limit is {max}"),
    );
}

pub(super) fn build_question(
    q: &RawQuestion,
    check: &mut impl FnMut(bool, usize, String),
) -> Question {
    let id = q.id.get_ref();
    let at = q.id.span().start;
    check(
        is_valid_id(id, 20),
        at,
        format!("invalid question id `{id}`: use 1-20 lowercase letters, digits and '-'"),
    );
    check_text(check, "prompt", &q.prompt, MAX_PROMPT);
    if let Some(explain) = &q.explain {
        check_text(check, "explain", explain, MAX_EXPLAIN);
    }
    let kind = match q.kind {
        RawKind::Single => QuestionKind::Single,
        RawKind::Multiple => QuestionKind::Multiple,
        RawKind::TrueFalse => QuestionKind::TrueFalse,
        RawKind::Poll => QuestionKind::Poll,
    };
    let options = if kind == QuestionKind::TrueFalse {
        check(
            q.options.is_empty(),
            at,
            format!("question `{id}`: a true_false question takes `answer`, not options"),
        );
        check(
            q.answer.is_some(),
            at,
            format!(
                "question `{id}`: a true_false question needs `answer = true` or `answer = false`"
            ),
        );
        let answer = q.answer.as_ref().is_some_and(|a| *a.get_ref());
        [("True", answer), ("False", !answer)]
            .into_iter()
            .map(|(text, correct)| QuizOption {
                text: text.into(),
                correct,
                explain: None,
            })
            .collect()
    } else {
        check(
            q.answer.is_none(),
            at,
            format!(
                "question `{id}`: `answer` is only for true_false questions; mark options with `correct = true`"
            ),
        );
        build_options(id, at, kind, &q.options, check)
    };
    Question {
        id: id.clone(),
        kind,
        prompt: q.prompt.get_ref().trim().to_string(),
        explain: q.explain.as_ref().map(|e| e.get_ref().trim().to_string()),
        options,
    }
}

fn build_options(
    id: &str,
    at: usize,
    kind: QuestionKind,
    raw: &[Spanned<RawOption>],
    check: &mut impl FnMut(bool, usize, String),
) -> Vec<QuizOption> {
    check(
        (2..=MAX_OPTIONS).contains(&raw.len()),
        at,
        format!(
            "question `{id}` has {} options, it needs 2 to {MAX_OPTIONS}",
            raw.len()
        ),
    );
    let correct = raw.iter().filter(|o| o.get_ref().correct).count();
    match kind {
        QuestionKind::Single => check(
            correct == 1,
            at,
            format!(
                "question `{id}`: a single-choice question needs exactly one option with `correct = true`, found {correct}"
            ),
        ),
        QuestionKind::Multiple => check(
            correct >= 1,
            at,
            format!(
                "question `{id}` has no correct option: mark at least one with `correct = true`"
            ),
        ),
        _ => check(
            correct == 0,
            at,
            format!("question `{id}`: a poll has no right answer, remove `correct = true`"),
        ),
    }
    let mut texts = HashSet::new();
    raw.iter()
        .map(|o| {
            let o = o.get_ref();
            check_text(check, "text", &o.text, MAX_OPTION_TEXT);
            let text = o.text.get_ref().trim().to_string();
            check(
                texts.insert(text.clone()),
                o.text.span().start,
                format!("question `{id}`: option `{text}` appears twice"),
            );
            if let Some(explain) = &o.explain {
                check_text(check, "explain", explain, MAX_EXPLAIN);
            }
            QuizOption {
                text,
                correct: o.correct,
                explain: o.explain.as_ref().map(|e| e.get_ref().trim().to_string()),
            }
        })
        .collect()
}
