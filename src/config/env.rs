//! `NIBBLE_<SECTION>_<KEY>` environment overrides, applied one variable at a time. Every table of
//! the config file can be overridden; any other `NIBBLE_*` variable is a mistake and refused.

use super::ConfigError;
use super::fields::Section;

/// Secrets are read by the adapters themselves, never merged into the settings.
pub const SECRET_VARS: &[&str] = &[
    "NIBBLE_SLACK_BOT_TOKEN",
    "NIBBLE_SLACK_APP_TOKEN",
    "NIBBLE_DISCORD_TOKEN",
    "NIBBLE_XAPI_PASSWORD",
];

/// Variables read elsewhere: the config file's path (by the command line) and the test fakes'
/// request recording (a test run passes its environment on to the `nibble` it starts).
pub const OTHER_VARS: &[&str] = &["NIBBLE_CONFIG", "NIBBLE_FAKE_RECORD_DIR"];

/// The variable names the environment may set, and where each lands.
pub(super) struct EnvMap {
    sections: Vec<(&'static str, Section)>,
}

/// Where a setting variable lands: `[section] key`.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Target {
    pub section: &'static str,
    pub key: &'static str,
}

impl EnvMap {
    pub fn new(sections: Vec<(&'static str, Section)>) -> Self {
        Self { sections }
    }

    /// The setting `var` overrides; `None` for variables that are not nibble's or are read
    /// elsewhere; an error naming the variable (and the closest known one) for any other.
    pub fn target(&self, var: &str) -> Result<Option<Target>, ConfigError> {
        let Some(rest) = var.strip_prefix("NIBBLE_") else {
            return Ok(None);
        };
        if SECRET_VARS.contains(&var) || OTHER_VARS.contains(&var) {
            return Ok(None);
        }
        let lower = rest.to_lowercase();
        // The longest section name first, so `campaigns_…` is never read as `campaign` + `s_…`.
        let mut candidates: Vec<&(&'static str, Section)> = self.sections.iter().collect();
        candidates.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
        let found = candidates.into_iter().find_map(|(name, section)| {
            let key = lower.strip_prefix(name)?.strip_prefix('_')?;
            Some((*name, section, key))
        });
        let unknown = |what: String| ConfigError::Env {
            var: var.to_string(),
            message: format!("{what}; did you mean {}?", self.closest(var)),
        };
        match found {
            None => Err(unknown("not a nibble setting".into())),
            Some((name, Section::Array, _)) => Err(ConfigError::Env {
                var: var.to_string(),
                message: format!(
                    "`[[{name}]]` tables are declared in the config file only, not in the environment"
                ),
            }),
            Some((name, Section::Table(keys), key)) => match keys.iter().find(|k| **k == key) {
                Some(key) => Ok(Some(Target { section: name, key })),
                None => Err(ConfigError::Env {
                    var: var.to_string(),
                    message: format!(
                        "[{name}] has no setting `{key}`; did you mean {}?",
                        closest_in(name, keys, var)
                    ),
                }),
            },
        }
    }

    /// Every variable nibble reads.
    fn known(&self) -> impl Iterator<Item = String> + '_ {
        let settings = self
            .sections
            .iter()
            .flat_map(|(name, section)| match section {
                Section::Table(keys) => keys
                    .iter()
                    .map(|k| format!("NIBBLE_{name}_{k}").to_uppercase())
                    .collect(),
                Section::Array => Vec::new(),
            });
        settings.chain(SECRET_VARS.iter().chain(OTHER_VARS).map(|v| v.to_string()))
    }

    /// The known variable nearest to `var` in spelling.
    fn closest(&self, var: &str) -> String {
        self.known()
            .min_by_key(|known| edit_distance(known, var))
            .unwrap_or_default()
    }
}

/// Sets `[section] key` from a variable's value. Values are read as TOML scalars (numbers,
/// booleans, quoted strings) or arrays of them when they parse, else as the text itself. TOML's
/// dates and times are kept as text: `09:00` is a setting's text, not a TOML local time.
pub(super) fn apply_env(
    table: &mut toml::Table,
    var: &str,
    target: &Target,
    value: String,
) -> Result<(), ConfigError> {
    let parsed = format!("v = {value}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .filter(|v| match v {
            toml::Value::Table(_) | toml::Value::Datetime(_) => false,
            toml::Value::Array(items) => items
                .iter()
                .all(|i| !i.is_table() && !i.is_array() && !i.is_datetime()),
            _ => true,
        })
        .unwrap_or(toml::Value::String(value));
    set(table, var, target, parsed)
}

/// Sets `[section] key` to the variable's value as text, whatever it looks like: for a text
/// setting given a value that reads as a number or a boolean (a user name `12345`, a folder `2024`).
pub(super) fn apply_text(
    table: &mut toml::Table,
    var: &str,
    target: &Target,
    value: String,
) -> Result<(), ConfigError> {
    set(table, var, target, toml::Value::String(value))
}

fn set(
    table: &mut toml::Table,
    var: &str,
    target: &Target,
    value: toml::Value,
) -> Result<(), ConfigError> {
    let entry = table
        .entry(target.section.to_string())
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let Some(section_table) = entry.as_table_mut() else {
        return Err(ConfigError::Env {
            var: var.to_string(),
            message: format!("`{}` in the config file is not a table", target.section),
        });
    };
    section_table.insert(target.key.to_string(), value);
    Ok(())
}

/// The variable of `[section]` (its keys and secrets) nearest to `var` in spelling: a wrong key is
/// suggested one of its own section's variables, not a similar name from another section.
fn closest_in(section: &str, keys: &[&str], var: &str) -> String {
    let prefix = format!("NIBBLE_{}_", section.to_uppercase());
    let secrets = SECRET_VARS
        .iter()
        .filter(|v| v.starts_with(&prefix))
        .map(|v| v.to_string());
    keys.iter()
        .map(|k| format!("NIBBLE_{section}_{k}").to_uppercase())
        .chain(secrets)
        .min_by_key(|known| edit_distance(known, var))
        .unwrap_or_else(|| format!("NIBBLE_{}_…", section.to_uppercase()))
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> EnvMap {
        EnvMap::new(super::super::fields::sections::<super::super::Config>())
    }

    fn target(var: &str) -> Option<(&'static str, &'static str)> {
        map()
            .target(var)
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|t| (t.section, t.key))
    }

    fn refusal(var: &str) -> String {
        match map().target(var) {
            Err(e) => e.to_string(),
            Ok(t) => panic!("{var} accepted as {t:?}"),
        }
    }

    #[test]
    fn every_table_of_the_file_maps_from_the_environment() {
        assert_eq!(
            target("NIBBLE_CAMPAIGNS_QUIET_HOURS"),
            Some(("campaigns", "quiet_hours"))
        );
        assert_eq!(
            target("NIBBLE_RECOGNITION_TIME_ZONE"),
            Some(("recognition", "time_zone"))
        );
        assert_eq!(
            target("NIBBLE_COMMUNITIES_DAILY_REPLY_CAP"),
            Some(("communities", "daily_reply_cap"))
        );
        assert_eq!(target("NIBBLE_DATABASE_URL"), Some(("database", "url")));
        assert_eq!(
            target("NIBBLE_DISCORD_API_ADDRESS"),
            Some(("discord", "api_address"))
        );
        assert_eq!(target("NIBBLE_OPS_LISTEN"), Some(("ops", "listen")));
    }

    #[test]
    fn secrets_and_variables_read_elsewhere_pass_untouched() {
        for var in SECRET_VARS.iter().chain(OTHER_VARS) {
            assert_eq!(target(var), None, "{var}");
        }
        assert_eq!(target("HOME"), None);
        assert_eq!(target("NIBBLEX"), None);
    }

    #[test]
    fn a_misspelled_variable_is_refused_with_the_nearest_name() {
        let e = refusal("NIBBLE_DATABSE_URL");
        assert!(
            e.contains("NIBBLE_DATABSE_URL") && e.contains("did you mean NIBBLE_DATABASE_URL?"),
            "{e}"
        );
        let e = refusal("NIBBLE_DATABASE_COLOUR");
        assert!(
            e.contains("`colour`") && e.contains("NIBBLE_DATABASE_"),
            "{e}"
        );
        let e = refusal("NIBBLE_SLACK_BOT_TOKN");
        assert!(e.contains("did you mean NIBBLE_SLACK_BOT_TOKEN?"), "{e}");
        let e = refusal("NIBBLE_CAMPAIGN_NAME");
        assert!(e.contains("[[campaign]]"), "{e}");
        let e = refusal("NIBBLE_");
        assert!(e.contains("NIBBLE_"), "{e}");
    }

    #[test]
    fn values_are_toml_scalars_or_arrays_else_text() {
        let mut table = toml::Table::new();
        let t = |section, key| Target { section, key };
        let set = |table: &mut toml::Table, key, value: &str| {
            apply_env(table, "V", &t("recognition", key), value.to_string())
                .unwrap_or_else(|e| panic!("{e}"));
        };
        set(&mut table, "freezes_per_week", "2");
        set(&mut table, "streak_milestones", "[5, 10]");
        set(&mut table, "time_zone", "Europe/Berlin");
        set(&mut table, "leaderboards", "false");
        let r = table["recognition"].as_table().expect("table");
        assert_eq!(r["freezes_per_week"].as_integer(), Some(2));
        assert_eq!(r["streak_milestones"].as_array().map(Vec::len), Some(2));
        assert_eq!(r["time_zone"].as_str(), Some("Europe/Berlin"));
        assert_eq!(r["leaderboards"].as_bool(), Some(false));
    }

    #[test]
    fn a_wrong_key_is_suggested_a_key_of_its_own_section() {
        let e = refusal("NIBBLE_CAMPAIGNS_QUIET_HOUR");
        assert!(
            e.contains("did you mean NIBBLE_CAMPAIGNS_QUIET_HOURS?"),
            "{e}"
        );
        let e = refusal("NIBBLE_XAPI_FOLE");
        assert!(e.contains("did you mean NIBBLE_XAPI_FILE?"), "{e}");
        let e = refusal("NIBBLE_CAMPAIGNS_FOO");
        assert!(e.contains("did you mean NIBBLE_CAMPAIGNS_"), "{e}");
    }

    #[test]
    fn times_and_dates_are_kept_as_text() {
        let mut table = toml::Table::new();
        let target = Target {
            section: "reviews",
            key: "time",
        };
        apply_env(&mut table, "V", &target, "09:00".to_string()).unwrap_or_else(|e| panic!("{e}"));
        let reviews = table["reviews"].as_table().expect("table");
        assert_eq!(reviews["time"].as_str(), Some("09:00"));
        apply_env(&mut table, "V", &target, "2026-12-01".to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        let reviews = table["reviews"].as_table().expect("table");
        assert_eq!(reviews["time"].as_str(), Some("2026-12-01"));
    }

    #[test]
    fn edit_distance_counts_single_changes() {
        assert_eq!(edit_distance("DATABASE", "DATABSE"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
