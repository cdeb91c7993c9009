//! The report's CSV: fields quoted only when they must be, exactly as before the `csv` crate wrote it.

use super::community::SuggestionLine;
use super::model::{CourseLine, LearnerLine, QuestionLine, Report, WeekLine};
use super::render::csv;

fn report() -> Report {
    Report {
        tenant: "slack:T1".into(),
        generated_at: "2026-03-10T09:00:00Z".into(),
        since: None,
        course: None,
        courses: vec![CourseLine {
            course_id: "feedback".into(),
            title: "Feedback, kindly".into(),
            lessons: 3,
            enrolled: 4,
            delivered: 12,
            answered: 9,
            completed: 2,
            completion_rate: 0.5,
            accuracy: Some(1.0),
        }],
        campaigns: vec![],
        questions: vec![QuestionLine {
            course_id: "feedback".into(),
            lesson_id: "01-intro".into(),
            question_id: "q1".into(),
            prompt: "Which is \"best\"?\nPick one".into(),
            answers: 5,
            share_correct: None,
            top_wrong_choice: Some("B\r".into()),
            top_wrong_count: 2,
        }],
        learners: vec![LearnerLine {
            member: "U1".into(),
            name: "Ada; Lovelace".into(),
            lessons_done: 1,
            answers: 2,
            accuracy: Some(0.25),
            streak: 0,
            points: -3,
            last_activity: None,
            needs_help: true,
        }],
        weeks: vec![WeekLine {
            week: "2026-W10".into(),
            active_learners: 1,
            answers: 2,
            lessons_completed: 0,
        }],
        threads: vec![],
        suggestions: vec![SuggestionLine {
            topic: "".into(),
            votes: 0,
        }],
    }
}

#[test]
fn fields_are_quoted_only_when_they_must_be() {
    let expected = "\
section,tenant,course_id,title,lessons,enrolled,delivered,answered,completed,completion_rate,accuracy
courses,slack:T1,feedback,\"Feedback, kindly\",3,4,12,9,2,0.5,1

section,tenant,campaign_id,name,course_id,state,recipients,lessons_sent,answered,completed,completion_rate,accuracy

section,tenant,course_id,lesson_id,question_id,prompt,answers,share_correct,top_wrong_choice,top_wrong_count
questions,slack:T1,feedback,01-intro,q1,\"Which is \"\"best\"\"?\nPick one\",5,,\"B\r\",2

section,tenant,member,name,lessons_done,answers,accuracy,streak,points,last_activity,needs_help
learners,slack:T1,U1,Ada; Lovelace,1,2,0.25,0,-3,,true

section,tenant,week,active_learners,answers,lessons_completed
weeks,slack:T1,2026-W10,1,2,0

section,tenant,thread_id,kind,title,channel,course_id,state,created_at,replies,members,featured

section,tenant,topic,votes
suggestions,slack:T1,,0
";
    assert_eq!(csv(&[report()]).expect("csv"), expected);
}

#[test]
fn no_reports_give_the_headers_alone() {
    let text = csv(&[]).expect("csv");
    assert_eq!(text.matches("section,tenant,").count(), 7, "{text}");
    assert_eq!(text.lines().filter(|l| l.is_empty()).count(), 6, "{text}");
}
