//! The reports feature's command: `/nibble report [course]` (team leads).

use super::{Permission, UsageError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportCommand {
    /// The team's learning report, for one course or all.
    Report { course: Option<String> },
}

const NOT_A_LEAD: &str = "Only team leads can see the team's report; `/progress` shows your own.";

impl ReportCommand {
    /// `/nibble report [course]`; None for another feature's subcommand.
    pub fn parse_sub(sub: &str, rest: &str) -> Option<Result<Self, UsageError>> {
        (sub == "report").then(|| {
            Ok(ReportCommand::Report {
                course: (!rest.is_empty()).then(|| rest.to_string()),
            })
        })
    }

    pub fn permission(&self) -> Permission {
        Permission::Lead {
            refusal: NOT_A_LEAD,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;

    #[test]
    fn a_report_is_for_one_course_or_all_and_for_team_leads() {
        let report = ReportCommand::Report {
            course: Some("security".into()),
        };
        assert_eq!(
            Command::parse("nibble", "report  security"),
            Ok(Command::Report(report.clone()))
        );
        assert_eq!(
            Command::parse("nibble", "REPORT"),
            Ok(Command::Report(ReportCommand::Report { course: None }))
        );
        assert_eq!(report.permission().refusal_for(true, false), None);
        assert_eq!(
            report.permission().refusal_for(false, true),
            Some(NOT_A_LEAD)
        );
    }
}
