//! Mentions in command text: escaped (`<@U1|ana>`, `<#C1|general>`, Discord `<@!1>`), as Slack sends
//! them for commands registered with `should_escape: true` and Discord always does, or plain
//! (`@ana`), as Slack sends them otherwise. Only the escaped form carries an id; a plain name is
//! looked up among the workspace's members, and never invents one.

use super::EngineError;
use crate::store::{Store, Tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mention {
    /// The platform's id, from markup or typed bare.
    Id(String),
    /// A plain `@name` / `#name`: who it is must be looked up.
    Name(String),
}

/// Reads one mention; None for empty text.
pub fn parse_mention(text: &str) -> Option<Mention> {
    let t = text.trim();
    if let Some(inner) = t.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
        let inner = inner.trim_start_matches(['#', '@', '!']);
        let id = inner.split('|').next().unwrap_or(inner);
        return (!id.is_empty()).then(|| Mention::Id(id.to_string()));
    }
    match t.strip_prefix(['@', '#']) {
        Some(name) if !name.is_empty() => Some(Mention::Name(name.to_string())),
        Some(_) => None,
        None => (!t.is_empty()).then(|| Mention::Id(t.to_string())),
    }
}

/// The member a mention names in this workspace: `Ok(Err(text))` tells the member why not.
pub(super) async fn member_id(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    text: &str,
) -> Result<Result<String, String>, EngineError> {
    Ok(match parse_mention(text) {
        Some(Mention::Id(id)) => Ok(id),
        Some(Mention::Name(name)) => {
            let found = Store::members_named(tx, tenant_id, &name).await?;
            match found.as_slice() {
                [one] => Ok(one.clone()),
                [] => Err(format!(
                    "I don't know anyone called @{name} here. Pick them from the list that opens as you type @, so the app sends who they are."
                )),
                _ => Err(format!(
                    "Several members are called @{name}: pick the one you mean from the list that opens as you type @."
                )),
            }
        }
        None => Err("Who? Mention a member, e.g. @ana.".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_and_plain_forms() {
        let id = |s: &str| Some(Mention::Id(s.into()));
        assert_eq!(parse_mention("<@U123|ana>"), id("U123"));
        assert_eq!(parse_mention("<@U123>"), id("U123"));
        assert_eq!(parse_mention("<@!81234>"), id("81234"));
        assert_eq!(parse_mention("<#C1|general>"), id("C1"));
        assert_eq!(parse_mention(" U123 "), id("U123"));
        assert_eq!(parse_mention("@ana"), Some(Mention::Name("ana".into())));
        assert_eq!(
            parse_mention("#general"),
            Some(Mention::Name("general".into()))
        );
        assert_eq!(parse_mention("@"), None);
        assert_eq!(parse_mention("<@>"), None);
        assert_eq!(parse_mention(""), None);
    }
}
