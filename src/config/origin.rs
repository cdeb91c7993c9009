//! Where a setting came from, so a value out of range is blamed on its line in the config file or
//! on the environment variable that set it.

use super::ConfigError;
use std::collections::HashMap;

/// The config file's text and the variables that overrode its settings.
pub(super) struct Origins<'a> {
    pub path: &'a str,
    pub text: &'a str,
    /// `section.key` → the variable that set it last.
    pub overrides: HashMap<String, String>,
}

impl Origins<'_> {
    /// Turns a problem with `key` (`section.key`, or a whole `section`) into an error naming where
    /// the value was set: its variable, else its line, else the key alone (a default).
    pub fn locate(&self, key: &str, message: &str) -> ConfigError {
        let located = format!("`{key}` {message}");
        let (section, field) = match key.split_once('.') {
            Some((s, f)) => (s, Some(f)),
            None => (key, None),
        };
        let var = match field {
            Some(_) => self.overrides.get(key),
            None => self
                .overrides
                .iter()
                .filter(|(k, _)| k.split('.').next() == Some(section))
                .map(|(_, v)| v)
                .min(),
        };
        if let Some(var) = var {
            return ConfigError::Env {
                var: var.clone(),
                message: located,
            };
        }
        match line_of(self.text, section, field) {
            Some(line) => ConfigError::Parse {
                path: self.path.to_string(),
                line,
                message: located,
            },
            None => ConfigError::Invalid {
                key: key.to_string(),
                message: message.to_string(),
            },
        }
    }
}

/// The line (from 1) that sets `[section] field` in a TOML text, or that opens `section` when no
/// field is given. Understands `[section]` / `[[section]]` headers and dotted keys.
pub(super) fn line_of(text: &str, section: &str, field: Option<&str>) -> Option<usize> {
    let mut table = String::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            table = normalise(line.trim_start_matches('[').split(']').next().unwrap_or(""));
            if field.is_none() && table == section {
                return Some(index + 1);
            }
            continue;
        }
        let Some((name, _)) = line.split_once('=') else {
            continue;
        };
        let name = normalise(name);
        let full = if table.is_empty() {
            name
        } else {
            format!("{table}.{name}")
        };
        let wanted = match field {
            Some(f) => full == format!("{section}.{f}"),
            None => full == section || full.starts_with(&format!("{section}.")),
        };
        if wanted {
            return Some(index + 1);
        }
    }
    None
}

/// `a . "b"` → `a.b`.
fn normalise(dotted: &str) -> String {
    dotted
        .split('.')
        .map(|part| part.trim().trim_matches('"').trim_matches('\''))
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# nibble\n[database]\nurl = \"x\"\n\n[points]\n# comment\ncorrect_answer = 5\n\n[[badge]]\nid = \"a\"\n[reviews]\nper_day = 0\n";

    #[test]
    fn finds_a_key_under_its_table_or_dotted() {
        assert_eq!(line_of(TEXT, "database", Some("url")), Some(3));
        assert_eq!(line_of(TEXT, "points", Some("correct_answer")), Some(7));
        assert_eq!(line_of(TEXT, "points", Some("poll_answer")), None);
        assert_eq!(line_of(TEXT, "badge", None), Some(9));
        assert_eq!(line_of(TEXT, "reviews", None), Some(11));
        assert_eq!(
            line_of("log.filter = \"x\"\n", "log", Some("filter")),
            Some(1)
        );
        assert_eq!(line_of("ops = { listen = \"\" }\n", "ops", None), Some(1));
    }

    #[test]
    fn blame_goes_to_the_variable_then_the_line_then_the_key() {
        let mut origins = Origins {
            path: "n.toml",
            text: TEXT,
            overrides: HashMap::new(),
        };
        let e = origins.locate("points.correct_answer", "must be between 0 and 1000");
        assert_eq!(
            e.to_string(),
            "n.toml:7: `points.correct_answer` must be between 0 and 1000"
        );
        let e = origins.locate("reviews", "per_day must be at least 1");
        assert!(e.to_string().starts_with("n.toml:11:"), "{e}");
        let e = origins.locate("outbox.max_attempts", "must be between 1 and 100");
        assert!(
            e.to_string()
                .starts_with("config key `outbox.max_attempts`"),
            "{e}"
        );
        origins.overrides.insert(
            "points.correct_answer".into(),
            "NIBBLE_POINTS_CORRECT_ANSWER".into(),
        );
        let e = origins.locate("points.correct_answer", "must be between 0 and 1000");
        assert!(
            e.to_string().contains("NIBBLE_POINTS_CORRECT_ANSWER"),
            "{e}"
        );
        let e = origins.locate("points", "is wrong");
        assert!(
            e.to_string().contains("NIBBLE_POINTS_CORRECT_ANSWER"),
            "{e}"
        );
    }
}
