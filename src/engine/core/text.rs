//! Small text helpers every feature shares: clipping, plurals, channel references.

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
