//! Values shared by every feature's grammar: lengths of time, mentions, quoted text and numbers.
//!
//! Mentions in command text come escaped (`<@U1|ana>`, `<#C1|general>`, Discord `<@!1>`), as Slack
//! sends them for commands registered with `should_escape: true` and Discord always does, or plain
//! (`@ana`), as Slack sends them otherwise. Only the escaped form carries an id; a plain name is
//! looked up among the workspace's members by the handler, and never taken for an id.

use chrono::Duration;

/// `3d`, `12h`, `2w`: at least an hour, at most 12 weeks.
pub fn parse_length(text: &str) -> Option<Duration> {
    let t = text.trim().to_lowercase();
    // By characters: the last one may be anything a user types, not just ASCII.
    let unit = t.chars().last()?;
    let n: i64 = t[..t.len() - unit.len_utf8()]
        .trim()
        .parse()
        .ok()
        .filter(|n| *n > 0)?;
    let d = match unit {
        'h' => Duration::hours(n),
        'd' => Duration::days(n),
        'w' => Duration::weeks(n),
        _ => return None,
    };
    (d <= Duration::weeks(12)).then_some(d)
}

/// Strips chat mention markup: `<#C1|general>` → `C1`, `<@U1>` / `<@!1>` → `U1` / `1`.
pub fn mention_id(text: &str) -> String {
    let t = text.trim();
    let inner = t
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(t);
    let inner = inner.trim_start_matches(['#', '@', '!']);
    inner.split('|').next().unwrap_or(inner).to_string()
}

/// Strips one pair of surrounding quotes (straight or curly).
pub fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix(['"', '“'])
        .and_then(|x| x.strip_suffix(['"', '”']))
        .unwrap_or(s)
        .trim()
}

/// A positive number, with or without a leading `#` (`12`, `#12`).
pub fn number(s: &str) -> Option<i64> {
    s.trim()
        .trim_start_matches('#')
        .parse()
        .ok()
        .filter(|n| *n > 0)
}

/// What a command is told when it names no member.
pub const WHO: &str = "Who? Mention a member, e.g. @ana.";

/// A member or channel as a command names it: escaped (`<@U1|ana>`, `<#C1|general>`, Discord
/// `<@!1>`), as Slack sends them for commands registered with `should_escape: true` and Discord
/// always does, or plain (`@ana`), as Slack sends them otherwise. Only the escaped form carries an
/// id; who a plain name is must be looked up among the workspace's members (never invented).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mention {
    /// The platform's id, from markup or typed bare (or a Discord user option).
    Id(String),
    /// A plain `@name` / `#name`: who it is must be looked up.
    Name(String),
}

/// Does this look like a platform id (Slack `U0123ABC`, `C0123ABC`; Discord digits) rather than a
/// word someone typed? Ids never hold lower-case letters.
fn looks_like_id(text: &str) -> bool {
    let mut chars = text.chars();
    let first = chars.next();
    first.is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

/// Reads one mention of a member (`sigil` `@`) or a channel (`#`); None for empty text, for a
/// mention of something else (`<!here>`, a role `<@&1>`, a channel where a member is asked for),
/// and for markup whose id does not look like one.
pub fn parse_mention(text: &str, sigil: char) -> Option<Mention> {
    let t = text.trim();
    if let Some(inner) = t.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
        let inner = inner.strip_prefix(sigil)?;
        let inner = if sigil == '@' {
            inner.strip_prefix('!').unwrap_or(inner)
        } else {
            inner
        };
        let id = inner.split('|').next().unwrap_or(inner);
        return looks_like_id(id).then(|| Mention::Id(id.to_string()));
    }
    match t.strip_prefix(sigil) {
        Some(name) if !name.is_empty() => Some(Mention::Name(name.to_string())),
        Some(_) => None,
        None if t.is_empty() => None,
        None if looks_like_id(t) => Some(Mention::Id(t.to_string())),
        None => Some(Mention::Name(t.to_string())),
    }
}

/// The member a command's text names, or [`WHO`] when it names none.
pub fn member(text: &str) -> Result<Mention, &'static str> {
    parse_mention(text, '@').ok_or(WHO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_and_plain_forms() {
        let id = |s: &str| Some(Mention::Id(s.into()));
        let name = |s: &str| Some(Mention::Name(s.into()));
        assert_eq!(parse_mention("<@U123|ana>", '@'), id("U123"));
        assert_eq!(parse_mention("<@U123>", '@'), id("U123"));
        assert_eq!(parse_mention("<@!81234>", '@'), id("81234"));
        assert_eq!(parse_mention("<#C1|general>", '#'), id("C1"));
        assert_eq!(parse_mention(" U123 ", '@'), id("U123"));
        assert_eq!(parse_mention("@ana", '@'), name("ana"));
        assert_eq!(parse_mention("#general", '#'), name("general"));
        // A bare word is a name to look up, never an id.
        assert_eq!(parse_mention("ana", '@'), name("ana"));
        assert_eq!(parse_mention("@", '@'), None);
        assert_eq!(parse_mention("<@>", '@'), None);
        assert_eq!(parse_mention("", '@'), None);
    }

    #[test]
    fn mentions_of_other_things_are_no_member() {
        for text in [
            "<!here>",
            "<!subteam^S1|devs>",
            "<@&81234>",
            "<#C1|general>",
            "<@ana>",
        ] {
            assert_eq!(parse_mention(text, '@'), None, "{text}");
            assert_eq!(member(text), Err(WHO), "{text}");
        }
        assert_eq!(parse_mention("<@U1>", '#'), None);
        assert_eq!(member(" <@U1> "), Ok(Mention::Id("U1".into())));
    }
}
