//! Small text helpers every feature shares: lengths, mentions, quotes, numbers, plurals, channels.

use chrono::Duration;

/// `3d`, `12h`, `2w`: at least an hour, at most 12 weeks.
pub(crate) fn parse_length(text: &str) -> Option<Duration> {
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

pub(crate) const NOT_MODERATOR: &str = "Only community moderators can do that. Ask one of them, or see `/nibble help` for what you can do.";

/// Strips one pair of surrounding quotes (straight or curly).
pub(crate) fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix(['"', '“'])
        .and_then(|x| x.strip_suffix(['"', '”']))
        .unwrap_or(s)
        .trim()
}

pub(crate) fn number(s: &str) -> Option<i64> {
    s.trim()
        .trim_start_matches('#')
        .parse()
        .ok()
        .filter(|n| *n > 0)
}

pub(crate) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

/// "1 reply", "2 replies".
pub(crate) fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A channel as a mention (`<#C123>`), or as is when it is already a name (`#learning`).
pub(crate) fn channel_ref(channel: &str) -> String {
    if channel.starts_with('#') {
        channel.to_string()
    } else {
        format!("<#{channel}>")
    }
}
