//! Values shared by every feature's grammar: lengths of time, mentions, quoted text and numbers.

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
