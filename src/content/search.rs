//! Lesson search for `/learn <words>`: an inverted index built when lessons load, ranked with BM25
//! over weighted fields (title, tags, objective, course, body), with prefix matching so `phish`
//! finds "phishing".

use super::{Block, Course, Lesson};
use std::collections::{BTreeMap, HashMap};

/// Field weights: a word in the title says more about the lesson than one in its body.
const TITLE: f32 = 3.0;
const TAGS: f32 = 2.5;
const OBJECTIVE: f32 = 2.0;
const COURSE: f32 = 1.0;
const BODY: f32 = 1.0;
/// A query word that only starts an indexed word counts this much of a whole-word match.
const PREFIX_WEIGHT: f32 = 0.6;
const K1: f32 = 1.2;
const B: f32 = 0.75;

const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "com", "do", "for", "from", "how",
    "http", "https", "i", "in", "into", "is", "it", "its", "of", "on", "or", "that", "the", "this",
    "to", "what", "when", "with", "www", "you", "your",
];

/// The index: terms to (lesson, weighted term frequency), kept sorted for prefix lookups.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    postings: BTreeMap<String, Vec<(u32, f32)>>,
    lesson_ids: Vec<String>,
    lengths: Vec<f32>,
    average_length: f32,
}

/// Lowercased words without stop words, with plural and verb endings trimmed.
pub fn terms(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| stem(&w.to_lowercase()))
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// A light suffix trim, the same for lessons and queries ("passphrases" and "passphrase" meet).
fn stem(word: &str) -> String {
    for suffix in ["ing", "ies", "es", "ed", "s"] {
        if let Some(root) = word.strip_suffix(suffix)
            && root.chars().count() >= 4
            && !root.ends_with('s')
        {
            return if suffix == "ies" {
                format!("{root}y")
            } else {
                root.to_string()
            };
        }
    }
    word.to_string()
}

fn body_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Heading(t) | Block::Text(t) => out.push_str(t),
            Block::Image { alt, .. } => out.push_str(alt),
        }
        out.push('\n');
    }
    out
}

impl SearchIndex {
    pub fn build<'a>(lessons: impl Iterator<Item = (&'a Course, &'a Lesson)>) -> Self {
        let mut index = SearchIndex::default();
        for (doc, (course, lesson)) in lessons.enumerate() {
            let mut weights: HashMap<String, f32> = HashMap::new();
            let mut length = 0.0;
            let fields = [
                (lesson.title.clone(), TITLE),
                (lesson.tags.join(" "), TAGS),
                (lesson.objective.clone(), OBJECTIVE),
                (
                    format!("{} {}", course.title, course.tags.join(" ")),
                    COURSE,
                ),
                (body_text(&lesson.blocks), BODY),
            ];
            for (text, weight) in fields {
                for t in terms(&text) {
                    *weights.entry(t).or_default() += weight;
                    length += weight;
                }
            }
            for (term, w) in weights {
                index
                    .postings
                    .entry(term)
                    .or_default()
                    .push((doc as u32, w));
            }
            index.lesson_ids.push(lesson.id.clone());
            index.lengths.push(length);
        }
        let n = index.lengths.len().max(1) as f32;
        index.average_length = (index.lengths.iter().sum::<f32>() / n).max(1.0);
        index
    }

    /// Lesson ids ranked by relevance to `query`, best first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<(&str, f32)> {
        let words = terms(query);
        if words.is_empty() {
            return Vec::new();
        }
        let n = self.lesson_ids.len() as f32;
        let mut scores: HashMap<u32, (f32, usize)> = HashMap::new();
        for word in &words {
            // Every indexed term the word is or starts, with its weight.
            let matches = self
                .postings
                .range(word.clone()..)
                .take_while(|(t, _)| t.starts_with(word.as_str()))
                .map(|(t, p)| (p, if t == word { 1.0 } else { PREFIX_WEIGHT }));
            let mut best: HashMap<u32, f32> = HashMap::new();
            for (postings, weight) in matches {
                let df = postings.len() as f32;
                let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                for (doc, tf) in postings {
                    let len = self.lengths[*doc as usize] / self.average_length;
                    let score = weight * idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len));
                    let slot = best.entry(*doc).or_default();
                    *slot = slot.max(score);
                }
            }
            for (doc, s) in best {
                let e = scores.entry(doc).or_insert((0.0, 0));
                e.0 += s;
                e.1 += 1; // query words this lesson matched
            }
        }
        let total = words.len() as f32;
        let mut ranked: Vec<(&str, f32)> = scores
            .into_iter()
            .map(|(doc, (score, matched))| {
                // Lessons that match every word of the query come first.
                let coverage = matched as f32 / total;
                (
                    self.lesson_ids[doc as usize].as_str(),
                    score * coverage * coverage,
                )
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        ranked.truncate(limit);
        ranked
    }
}
