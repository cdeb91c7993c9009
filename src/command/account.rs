//! Commands about nibble itself and one's own data: `/nibble help` and `/nibble forget-me`.

use super::{Permission, UsageError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountCommand {
    Help,
    /// Erases the member's personal data only with `confirm`; otherwise explains what it would erase.
    ForgetMe {
        confirmed: bool,
    },
}

impl AccountCommand {
    /// `/nibble help`, `/nibble forget-me [confirm]`; None for another feature's subcommand.
    pub fn parse_sub(sub: &str, rest: &str) -> Option<Result<Self, UsageError>> {
        match sub {
            "help" => Some(Ok(AccountCommand::Help)),
            "forget-me" => Some(Ok(AccountCommand::ForgetMe {
                confirmed: rest == "confirm",
            })),
            _ => None,
        }
    }

    pub fn permission(&self) -> Permission {
        Permission::Anyone
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;

    #[test]
    fn nibble_alone_is_help_and_help_takes_subcommands_too() {
        let help = Ok(Command::Account(AccountCommand::Help));
        assert_eq!(Command::parse("nibble", ""), help);
        assert_eq!(Command::parse("/help", " "), help);
        assert_eq!(Command::parse("nibble", "HELP"), help);
    }

    #[test]
    fn forget_me_erases_only_with_confirm() {
        let forget = |confirmed| Ok(Command::Account(AccountCommand::ForgetMe { confirmed }));
        assert_eq!(Command::parse("nibble", "forget-me"), forget(false));
        assert_eq!(
            Command::parse("nibble", "forget-me  confirm "),
            forget(true)
        );
        assert_eq!(Command::parse("nibble", "forget-me yes"), forget(false));
    }

    #[test]
    fn unknown_commands_and_subcommands_are_usage_errors_with_the_list() {
        let e = Command::parse("/dance", "now").expect_err("unknown");
        assert!(
            e.message.starts_with("I don't know the command `/dance`."),
            "{e}"
        );
        assert!(e.message.contains("• `/learn`"), "{e}");
        assert_eq!(e.permission, Permission::Anyone);
        let e = Command::parse("nibble", "Dance now").expect_err("unknown");
        assert!(
            e.message.starts_with("I don't know `/nibble dance`."),
            "{e}"
        );
    }
}
