//! Splits a lesson body into message-sized parts that fit every platform's limits by construction.

use super::Block;

/// Most characters of text in one part: under Discord's 2,000-character content and Slack's
/// 3,000-character section limits, with room for a "(2/3)" marker.
pub const PART_MAX_CHARS: usize = 1900;
/// Most parts (messages) one lesson may need.
pub const MAX_PARTS: usize = 8;
/// Most images in one part (each is an embed on Discord, a block on Slack).
pub const MAX_IMAGES_PER_PART: usize = 4;
/// Most pictures from files beside the lesson in one part: Discord receives each as the message's
/// one attachment, so each such picture starts a part of its own when the current one has one.
pub const MAX_FILE_IMAGES_PER_PART: usize = 1;

/// Groups blocks into parts in order. Text longer than a part is cut at line breaks, then at words.
/// Fails with the offending word when one word alone is longer than a part.
pub fn split_into_parts(blocks: &[Block]) -> Result<Vec<Vec<Block>>, String> {
    let mut parts: Vec<Vec<Block>> = Vec::new();
    let mut current: Vec<Block> = Vec::new();
    let mut chars = 0usize;
    let mut images = 0usize;
    let mut file_images = 0usize;
    for block in blocks {
        for piece in pieces(block)? {
            let (len, is_image, is_file) = match &piece {
                Block::Image { file, .. } => (0, true, file.is_some()),
                Block::Heading(t) | Block::Text(t) => (t.chars().count() + 2, false, false),
            };
            let full = chars + len > PART_MAX_CHARS
                || (is_image && images >= MAX_IMAGES_PER_PART)
                || (is_file && file_images >= MAX_FILE_IMAGES_PER_PART);
            if full && !current.is_empty() {
                parts.push(std::mem::take(&mut current));
                chars = 0;
                images = 0;
                file_images = 0;
            }
            chars += len;
            images += usize::from(is_image);
            file_images += usize::from(is_file);
            current.push(piece);
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    Ok(parts)
}

/// A block cut into pieces that each fit in one part.
fn pieces(block: &Block) -> Result<Vec<Block>, String> {
    let (text, make): (&str, fn(String) -> Block) = match block {
        Block::Image { .. } => return Ok(vec![block.clone()]),
        Block::Heading(t) => (t, Block::Heading),
        Block::Text(t) => (t, Block::Text),
    };
    let limit = PART_MAX_CHARS - 2;
    if text.chars().count() <= limit {
        return Ok(vec![block.clone()]);
    }
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        for word in line.split_inclusive(' ') {
            let n = word.chars().count();
            if n > limit {
                return Err(word.trim().to_string());
            }
            if current.chars().count() + n > limit {
                out.push(make(current.trim_end().to_string()));
                current.clear();
            }
            current.push_str(word);
        }
    }
    if !current.trim().is_empty() {
        out.push(make(current.trim_end().to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_len(part: &[Block]) -> usize {
        part.iter()
            .map(|b| match b {
                Block::Heading(t) | Block::Text(t) => t.chars().count() + 2,
                Block::Image { .. } => 0,
            })
            .sum()
    }

    #[test]
    fn long_text_is_split_within_the_limit_and_keeps_every_word() {
        let para = "word ".repeat(1500);
        let blocks = vec![Block::Heading("Title".into()), Block::Text(para.clone())];
        let parts = split_into_parts(&blocks).unwrap_or_default();
        assert!(parts.len() >= 4);
        for part in &parts {
            assert!(text_len(part) <= PART_MAX_CHARS, "{}", text_len(part));
        }
        let words: usize = parts
            .iter()
            .flatten()
            .map(|b| match b {
                Block::Text(t) => t.split_whitespace().count(),
                _ => 0,
            })
            .sum();
        assert_eq!(words, 1500);
    }

    #[test]
    fn a_giant_word_cannot_be_split() {
        let blocks = vec![Block::Text("x".repeat(2500))];
        assert!(split_into_parts(&blocks).is_err());
    }

    #[test]
    fn images_are_capped_per_part() {
        let img = Block::Image {
            url: "https://x/a.png".into(),
            alt: "a".into(),
            file: None,
        };
        let parts = split_into_parts(&vec![img; 9]).unwrap_or_default();
        assert_eq!(parts.len(), 3);
    }

    #[test]
    fn each_picture_from_a_file_gets_a_part_of_its_own() {
        let file = |n: &str| Block::Image {
            url: format!("images/{n}.png"),
            alt: n.into(),
            file: Some(format!("/c/images/{n}.png").into()),
        };
        let blocks = vec![
            Block::Text("intro".into()),
            file("a"),
            Block::Text("between".into()),
            file("b"),
            Block::Text("end".into()),
        ];
        let parts = split_into_parts(&blocks).unwrap_or_default();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], blocks[..3].to_vec());
        assert_eq!(parts[1], blocks[3..].to_vec());
    }
}
