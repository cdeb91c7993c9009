//! Reloading lessons while the daemon runs: edits and additions apply, nothing loaded is lost.
//!
//! A deploy that swaps the lessons folder, or a checkout in progress, shows a reload a missing,
//! empty or half-written folder for a moment. Taken literally that would drop courses, and every
//! running campaign on them would end. So a reload only ever adds and changes: a broken file keeps
//! its previous version, and a course or lesson no longer on disk is kept as loaded (and reported)
//! until nibble restarts.

use super::catalog::{Catalog, scan};
use super::{Problem, Problems};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The catalog to serve after a reload, and what was wrong or kept.
pub struct ReloadOutcome {
    pub catalog: Catalog,
    pub problems: Problems,
}

impl Catalog {
    /// Loads `dir` again on top of this catalog (see the module note for what is kept).
    pub fn reload(&self, dir: &Path) -> ReloadOutcome {
        let (mut fresh, mut problems) = scan(dir);
        let broken: HashSet<PathBuf> = problems.0.iter().map(|p| p.file.clone()).collect();
        for old in self.lessons.values() {
            if broken.contains(&old.source) && !fresh.lessons.contains_key(&old.id) {
                fresh.lessons.insert(old.id.clone(), old.clone());
            }
        }
        let gone: Vec<String> = self
            .courses
            .iter()
            .filter(|old| fresh.course(&old.id).is_none())
            .map(|old| old.id.clone())
            .collect();
        if !gone.is_empty() && gone.len() == self.courses.len() {
            problems.push(Problem::new(
                dir,
                1,
                format!(
                    "none of the {} loaded courses is in this folder (missing, empty or being replaced?): \
                     keeping every lesson loaded before; fix the folder and reload again",
                    self.courses.len()
                ),
            ));
        } else {
            for id in &gone {
                problems.push(Problem::new(
                    &dir.join(id),
                    1,
                    format!(
                        "course `{id}` is no longer in the lessons folder: kept as loaded until nibble \
                         restarts, so its campaigns go on"
                    ),
                ));
            }
        }
        for id in &gone {
            if let Some(old) = self.course(id) {
                fresh.courses.push(old.clone());
            }
        }
        for (course, old) in &self.diagnostics {
            if !fresh.diagnostics.contains_key(course) {
                fresh.diagnostics.insert(course.clone(), old.clone());
            }
        }
        // Lessons a course (fresh or kept) lists whose files are gone or unreadable.
        let missing: Vec<(String, String)> = fresh
            .courses
            .iter()
            .flat_map(|c| c.lesson_ids.iter().map(move |l| (c.id.clone(), l.clone())))
            .filter(|(_, l)| !fresh.lessons.contains_key(l))
            .collect();
        for (course, id) in missing {
            let Some(old) = self.lessons.get(&id) else {
                continue;
            };
            if !gone.contains(&course) {
                problems.push(Problem::new(
                    &old.source,
                    1,
                    format!("lesson `{id}` of course `{course}` cannot be read now: the loaded version is kept"),
                ));
            }
            fresh.lessons.insert(id, old.clone());
        }
        fresh.courses.sort_by(|a, b| a.id.cmp(&b.id));
        problems.sort();
        ReloadOutcome {
            catalog: fresh.indexed(),
            problems,
        }
    }
}
