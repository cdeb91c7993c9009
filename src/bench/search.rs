//! `nibble bench --search`: writes 1,000 generated lesson files (real format, 2-7 minute bodies),
//! loads them through the real parser, then times `/learn <words>` searches over them.

use super::BenchError;
use crate::content::load_catalog;
use crate::demo::Rng;
use std::fmt::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// Searches timed.
const QUERIES: usize = 20_000;
const LESSONS_PER_COURSE: usize = 10;
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da", "qui", "bre", "sto", "fla", "gri",
    "mon", "tal", "ver", "dex", "pho",
];

fn word(rng: &mut Rng) -> String {
    (0..2 + rng.below(3))
        .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
        .collect()
}

fn words(rng: &mut Rng, vocabulary: &[String], n: usize) -> String {
    let picks: Vec<&str> = (0..n)
        .map(|_| vocabulary[rng.below(vocabulary.len())].as_str())
        .collect();
    picks.join(" ")
}

fn lesson_file(rng: &mut Rng, vocabulary: &[String], id: &str) -> String {
    let mut body = String::new();
    for _ in 0..(3 + rng.below(4)) {
        let _ = writeln!(
            body,
            "## {}\n\n{}\n",
            words(rng, vocabulary, 4),
            words(rng, vocabulary, 120)
        );
    }
    format!(
        "+++\nid = \"{id}\"\ntitle = \"{}\"\nobjective = \"{}\"\nminutes = {}\ntags = [\"{}\", \"{}\"]\n\n\
         [[questions]]\nid = \"q1\"\nkind = \"true_false\"\nprompt = \"{}?\"\nanswer = true\n+++\n\n{body}",
        words(rng, vocabulary, 5),
        words(rng, vocabulary, 14),
        2 + rng.below(6),
        vocabulary[rng.below(vocabulary.len())],
        vocabulary[rng.below(vocabulary.len())],
        words(rng, vocabulary, 8),
    )
}

/// Writes `lessons` lesson files under `dir` in courses of ten.
fn generate(dir: &Path, lessons: usize, rng: &mut Rng) -> Result<Vec<String>, BenchError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |reason| BenchError::Io { path, reason }
    };
    let vocabulary: Vec<String> = (0..3000).map(|_| word(rng)).collect();
    for c in 0..lessons.div_ceil(LESSONS_PER_COURSE) {
        let course_dir = dir.join(format!("course-{c:03}"));
        std::fs::create_dir_all(&course_dir).map_err(io(&course_dir))?;
        let ids: Vec<String> = (0..LESSONS_PER_COURSE.min(lessons - c * LESSONS_PER_COURSE))
            .map(|l| format!("lesson-{c:03}-{l:02}"))
            .collect();
        for (n, id) in ids.iter().enumerate() {
            let path = course_dir.join(format!("{:02}-{id}.md", n + 1));
            std::fs::write(&path, lesson_file(rng, &vocabulary, id)).map_err(io(&path))?;
        }
        let listed: Vec<String> = ids.iter().map(|i| format!("\"{i}\"")).collect();
        let course = format!(
            "title = \"{}\"\ndescription = \"{}\"\nlessons = [{}]\n",
            words(rng, &vocabulary, 3),
            words(rng, &vocabulary, 12),
            listed.join(", ")
        );
        let path = course_dir.join("course.toml");
        std::fs::write(&path, course).map_err(io(&path))?;
    }
    Ok(vocabulary)
}

pub fn run(lessons: usize) -> Result<String, BenchError> {
    let dir = std::env::temp_dir().join(format!("nibble-bench-search-{}", std::process::id()));
    let mut rng = Rng::new(7);
    let vocabulary = generate(&dir, lessons, &mut rng)?;
    let started = Instant::now();
    let loaded = load_catalog(&dir).map_err(BenchError::Lessons);
    let load_time = started.elapsed();
    // Clean up before reporting, whatever happened.
    let _ = std::fs::remove_dir_all(&dir);
    let catalog = loaded?;

    let mut times: Vec<Duration> = Vec::with_capacity(QUERIES);
    let mut found = 0usize;
    for i in 0..QUERIES {
        // One to three words, a quarter of them typed only partly (prefix search).
        let mut query = words(&mut rng, &vocabulary, 1 + i % 3);
        if i % 4 == 0 {
            query.truncate(query.len().saturating_sub(2).max(3));
        }
        let t = Instant::now();
        let hits = catalog.search(&query, 5);
        times.push(t.elapsed());
        found += usize::from(!hits.is_empty());
    }
    times.sort();
    let pick = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "nibble bench --search: {} lessons, {QUERIES} queries",
        catalog.lesson_count()
    );
    let _ = writeln!(out, "| measure | value |\n|---|---|");
    let _ = writeln!(
        out,
        "| load and index (parse every file) | {:.0} ms |",
        ms(load_time)
    );
    let _ = writeln!(
        out,
        "| queries with a result | {:.1}% |",
        found as f64 * 100.0 / QUERIES as f64
    );
    for (label, q) in [("p50", 0.5), ("p99", 0.99)] {
        let _ = writeln!(out, "| search {label} | {:.3} ms |", ms(pick(q)));
    }
    let _ = writeln!(out, "| search max | {:.3} ms |", ms(times[times.len() - 1]));
    let _ = writeln!(out, "target: p99 under 2 ms");
    Ok(out)
}
