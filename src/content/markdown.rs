//! Turns a lesson's Markdown body into neutral blocks (headings, light-Markdown text, images).

use super::Block;
use super::images::{check_path_syntax, is_web_url};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// What the body parse found: the blocks, `lesson:` links to resolve, pictures beside the lesson to
/// check on disk, and problems at byte offsets.
#[derive(Default)]
pub struct BodyParse {
    pub blocks: Vec<Block>,
    pub lesson_links: Vec<(String, usize)>,
    pub local_images: Vec<LocalImage>,
    pub problems: Vec<(usize, String)>,
}

/// A picture written as a path beside the lesson (`![alt](images/x.png)`).
pub struct LocalImage {
    /// Index of its `Block::Image` in `blocks`.
    pub block: usize,
    pub path: String,
    /// Byte offset in the body, for the problem's line.
    pub at: usize,
}

/// Converts Markdown to blocks, ignoring problems (used for explanations and free text).
pub fn to_blocks(markdown: &str) -> Vec<Block> {
    parse_body(markdown).blocks
}

#[derive(Default)]
struct State {
    out: BodyParse,
    text: String,
    depth: usize,
    lists: Vec<Option<u64>>,
    quote: bool,
    heading: bool,
    link: Option<(String, usize)>,
    image: Option<(String, String, usize)>,
}

impl State {
    fn push_str(&mut self, s: &str) {
        if let Some((_, alt, _)) = &mut self.image {
            alt.push_str(s);
        } else {
            self.text.push_str(s);
        }
    }

    fn flush(&mut self) {
        let text = self.text.trim_end().to_string();
        self.text.clear();
        if text.trim().is_empty() {
            return;
        }
        if self.heading {
            self.out
                .blocks
                .push(Block::Heading(text.trim().to_string()));
        } else {
            self.out.blocks.push(Block::Text(text));
        }
    }

    fn line_start(&mut self) {
        if self.quote && (self.text.is_empty() || self.text.ends_with('\n')) {
            self.text.push_str("> ");
        }
    }
}

pub fn parse_body(markdown: &str) -> BodyParse {
    let mut st = State::default();
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        let at = range.start;
        match event {
            Event::Start(tag) => start(&mut st, tag, at),
            Event::End(tag) => end(&mut st, tag, at),
            Event::Text(t) => {
                st.line_start();
                st.push_str(&t);
            }
            Event::Code(t) => st.push_str(&format!("`{t}`")),
            Event::SoftBreak => st.push_str(" "),
            Event::HardBreak => {
                st.push_str("\n");
                st.line_start();
            }
            Event::Rule => {
                st.flush();
                st.out.blocks.push(Block::Text("———".into()));
            }
            Event::Html(_) | Event::InlineHtml(_) => st.out.problems.push((
                at,
                "raw HTML is not supported in lessons: use Markdown".into(),
            )),
            _ => {}
        }
    }
    st.flush();
    st.out
}

fn start(st: &mut State, tag: Tag<'_>, at: usize) {
    match tag {
        Tag::Heading { .. } => {
            st.flush();
            st.heading = true;
        }
        Tag::Paragraph if st.depth == 0 && !st.quote => st.flush(),
        Tag::BlockQuote(_) => {
            st.flush();
            st.quote = true;
        }
        Tag::CodeBlock(_) => {
            st.flush();
            st.text.push_str("```\n");
        }
        Tag::List(first) => {
            if st.lists.is_empty() {
                st.flush();
            } else if !st.text.ends_with('\n') {
                st.text.push('\n');
            }
            st.lists.push(first);
            st.depth += 1;
        }
        Tag::Item => {
            let indent = "  ".repeat(st.lists.len().saturating_sub(1));
            st.line_start();
            let marker = match st.lists.last_mut() {
                Some(Some(n)) => {
                    let m = format!("{n}. ");
                    *n += 1;
                    m
                }
                _ => "• ".to_string(),
            };
            st.text.push_str(&format!("{indent}{marker}"));
        }
        Tag::Emphasis => st.push_str("_"),
        Tag::Strong => st.push_str("**"),
        Tag::Strikethrough => st.push_str("~"),
        Tag::Link { dest_url, .. } => {
            st.link = Some((dest_url.to_string(), st.text.len()));
        }
        Tag::Image { dest_url, .. } => {
            st.image = Some((dest_url.to_string(), String::new(), at));
        }
        _ => {}
    }
}

fn end(st: &mut State, tag: TagEnd, at: usize) {
    match tag {
        TagEnd::Heading(_) => {
            st.flush();
            st.heading = false;
        }
        TagEnd::Paragraph => {
            if st.depth == 0 && !st.quote {
                st.flush();
            } else {
                st.text.push('\n');
            }
        }
        TagEnd::BlockQuote(_) => {
            st.flush();
            st.quote = false;
        }
        TagEnd::CodeBlock => {
            st.text.push_str("```");
            st.flush();
        }
        TagEnd::List(_) => {
            st.lists.pop();
            st.depth = st.depth.saturating_sub(1);
            if st.lists.is_empty() {
                st.flush();
            }
        }
        TagEnd::Item if !st.text.ends_with('\n') => st.text.push('\n'),
        TagEnd::Emphasis => st.push_str("_"),
        TagEnd::Strong => st.push_str("**"),
        TagEnd::Strikethrough => st.push_str("~"),
        TagEnd::Link => end_link(st, at),
        TagEnd::Image => {
            if let Some((url, alt, at)) = st.image.take() {
                end_image(st, url, alt, at);
            }
        }
        _ => {}
    }
}

fn end_image(st: &mut State, url: String, alt: String, at: usize) {
    // A picture beside the lesson is checked on disk later, only if its path is well written.
    let mut local = false;
    if !is_web_url(&url) {
        match check_path_syntax(&url) {
            Ok(()) => local = true,
            Err(problem) => st.out.problems.push((at, problem)),
        }
    }
    if url.chars().count() > 3000 {
        st.out.problems.push((
            at,
            "an image URL may be at most 3,000 characters (Slack's limit)".to_string(),
        ));
    }
    if alt.trim().is_empty() {
        st.out.problems.push((
            at,
            format!("image `{url}` has no alt text: write ![what it shows](url)"),
        ));
    }
    let heading = std::mem::take(&mut st.heading);
    st.flush();
    st.heading = heading;
    if local {
        st.out.local_images.push(LocalImage {
            block: st.out.blocks.len(),
            path: url.clone(),
            at,
        });
    }
    st.out.blocks.push(Block::Image {
        url,
        alt: alt.trim().to_string(),
        file: None,
    });
}

fn end_link(st: &mut State, at: usize) {
    let Some((url, label_start)) = st.link.take() else {
        return;
    };
    let label = st.text.split_off(label_start.min(st.text.len()));
    if let Some(id) = url.strip_prefix("lesson:") {
        st.out.lesson_links.push((id.to_string(), at));
        st.text.push_str(&format!("{label} (`/learn {id}`)"));
    } else if url.starts_with("https://")
        || url.starts_with("http://")
        || url.starts_with("mailto:")
    {
        st.text.push_str(&format!("[{label}]({url})"));
    } else {
        st.out.problems.push((
            at,
            format!("link `{url}`: only http(s), mailto: and lesson:<id> links are allowed"),
        ));
        st.text.push_str(&label);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_images_links_and_lists_become_blocks() {
        let md = "Hello **world** and _you_.\n\n![An infographic](https://x.org/a.png)\n\n- one\n- two [video](https://v.org/1)\n\nSee [next](lesson:next-one).\n";
        let parsed = parse_body(md);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        assert_eq!(
            parsed.blocks,
            vec![
                Block::Text("Hello **world** and _you_.".into()),
                Block::Image {
                    url: "https://x.org/a.png".into(),
                    alt: "An infographic".into(),
                    file: None,
                },
                Block::Text("• one\n• two [video](https://v.org/1)".into()),
                Block::Text("See next (`/learn next-one`).".into()),
            ]
        );
        assert_eq!(parsed.lesson_links.len(), 1);
        assert_eq!(parsed.lesson_links[0].0, "next-one");
    }

    #[test]
    fn bad_links_images_and_html_are_problems() {
        let md = "Intro\n\n![](ftp://x/a.png)\n\n<b>bold</b>\n\n[x](javascript:alert(1))\n";
        let parsed = parse_body(md);
        let messages: Vec<_> = parsed.problems.iter().map(|p| p.1.clone()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("must be an http(s) URL or a path beside the lesson"))
        );
        assert!(messages.iter().any(|m| m.contains("no alt text")));
        assert!(messages.iter().any(|m| m.contains("raw HTML")));
        assert!(messages.iter().any(|m| m.contains("only http(s)")));
    }

    #[test]
    fn pictures_beside_the_lesson_are_listed_for_checking() {
        let parsed = parse_body("Intro\n\n![A chart](images/chart.png)\n\n![Up](../up.png)\n");
        assert_eq!(parsed.local_images.len(), 1);
        assert_eq!(parsed.local_images[0].path, "images/chart.png");
        assert_eq!(
            parsed.blocks[parsed.local_images[0].block],
            Block::Image {
                url: "images/chart.png".into(),
                alt: "A chart".into(),
                file: None
            }
        );
        let messages: Vec<_> = parsed.problems.iter().map(|p| p.1.clone()).collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].contains("inside the course folder"));
    }

    #[test]
    fn headings_and_numbered_lists() {
        let parsed = parse_body("## Why\n\n1. a\n2. b\n\n> quoted\n");
        assert_eq!(
            parsed.blocks,
            vec![
                Block::Heading("Why".into()),
                Block::Text("1. a\n2. b".into()),
                Block::Text("> quoted".into()),
            ]
        );
    }
}
