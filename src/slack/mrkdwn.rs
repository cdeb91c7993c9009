//! Converts nibble's light Markdown into Slack mrkdwn (`*bold*`, `<url|label>`, escaped `&<>`).

/// Slack limits, from Block Kit's reference.
pub const SECTION_TEXT_MAX: usize = 3000;
pub const HEADER_TEXT_MAX: usize = 150;
pub const BUTTON_TEXT_MAX: usize = 75;
pub const ALT_TEXT_MAX: usize = 2000;
pub const CONTEXT_TEXT_MAX: usize = 2000;
pub const OPTION_TEXT_MAX: usize = 150;

pub fn to_mrkdwn(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**") {
            out.push('*');
            rest = after;
        } else if let Some((label, url, after)) = link_at(rest) {
            out.push_str(&format!("<{}|{}>", url, escape(label)));
            rest = after;
        } else if let Some((mention, after)) = mention_at(rest) {
            out.push_str(mention);
            rest = after;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push_str(&escape(&c.to_string()));
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// `[label](url)` at the start of `s`: (label, url, rest).
fn link_at(s: &str) -> Option<(&str, &str, &str)> {
    let inner = s.strip_prefix('[')?;
    let close = inner.find("](")?;
    let label = &inner[..close];
    if label.contains('\n') {
        return None;
    }
    let after = &inner[close + 2..];
    let end = after.find(')')?;
    let url = &after[..end];
    if url.contains(char::is_whitespace) || !(url.starts_with("http") || url.starts_with("mailto:"))
    {
        return None;
    }
    Some((label, url, &after[end + 1..]))
}

/// A member or channel mention nibble wrote (`<@U123>`, `<#C123>`, `<#C123|name>`) at the start of
/// `s`: kept as it is so Slack renders it. `<!channel>` and anything else stay escaped.
fn mention_at(s: &str) -> Option<(&str, &str)> {
    let end = s.find('>')?;
    let token = &s[..=end];
    let inner = token
        .strip_prefix("<@")
        .or_else(|| token.strip_prefix("<#"))?;
    let inner = &inner[..inner.len() - 1];
    let (id, label) = inner.split_once('|').unwrap_or((inner, ""));
    let id_ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let label_ok = !label.contains(['<', '&', '\n']);
    (id_ok && label_ok).then(|| (token, &s[end + 1..]))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Cuts to at most `max` characters, ending with "…" when it had to cut.
pub fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_bold_links_and_escapes() {
        assert_eq!(
            to_mrkdwn("**Bold** & [a video](https://v.org/x) <b>"),
            "*Bold* &amp; <https://v.org/x|a video> &lt;b&gt;"
        );
        assert_eq!(to_mrkdwn("_it_ and `code`"), "_it_ and `code`");
        assert_eq!(to_mrkdwn("[not a link] (x)"), "[not a link] (x)");
    }

    #[test]
    fn keeps_mentions_and_escapes_broadcasts() {
        assert_eq!(
            to_mrkdwn("from <@U003> in <#C1|general>: <!channel> <@ x> a<b"),
            "from <@U003> in <#C1|general>: &lt;!channel&gt; &lt;@ x&gt; a&lt;b"
        );
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(fit(&"é".repeat(100), 75).chars().count(), 75);
    }
}
