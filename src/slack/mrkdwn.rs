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
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(fit(&"é".repeat(100), 75).chars().count(), 75);
    }
}
