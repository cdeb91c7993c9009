//! What the command line writes: command output that reports a failed write instead of panicking
//! (a closed pipe, a full disk), and log colours only for a terminal.

use std::io::{IsTerminal, Write};

/// Standard output could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the output: {0}")]
pub struct OutputError(pub std::io::Error);

impl OutputError {
    /// The reader went away (`nibble report | head -1`): not worth a message.
    pub fn is_closed_pipe(&self) -> bool {
        self.0.kind() == std::io::ErrorKind::BrokenPipe
    }
}

/// The exit code of a command whose reader closed the pipe: 128 + SIGPIPE, as the shell reports
/// a process that signal ended.
pub const CLOSED_PIPE_EXIT: u8 = 141;

/// Writes `text` to standard output and flushes it.
pub fn write_stdout(text: &str) -> Result<(), OutputError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(OutputError)
}

/// Colours in log lines only for a person at a terminal: never in a redirected log, and never with
/// `NO_COLOR` set (no-color.org).
pub fn colour_logs() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stderr().is_terminal()
}
