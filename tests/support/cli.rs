//! Running the `nibble` binary as a user would: one way to build the command, point it at the fake
//! Discord, and read what it printed.

use super::fake_discord::{FakeDiscord, TOKEN};
use std::path::Path;
use std::process::{Command, Output};

/// `nibble` run in `cwd`, without the caller's `NIBBLE_CONFIG` or `RUST_LOG` leaking in.
pub fn nibble_command(cwd: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nibble"));
    command
        .current_dir(cwd)
        .env_remove("NIBBLE_CONFIG")
        .env_remove("RUST_LOG");
    command
}

/// Points a `nibble run` at the fake Discord (its API, its certificate, a token), Discord enabled.
pub fn on_fake_discord<'c>(command: &'c mut Command, fake: &FakeDiscord) -> &'c mut Command {
    command
        .env("NIBBLE_DISCORD_ENABLED", "true")
        .env("NIBBLE_DISCORD_API_ADDRESS", fake.api_address())
        .env("NIBBLE_DISCORD_CA_FILE", fake.ca_file())
        .env("NIBBLE_DISCORD_TOKEN", TOKEN)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Everything printed, stdout first.
pub fn text(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}
