//! The crate's layout rules, read from the source: `config` and `ops` sit on no dependency cycle
//! between top-level modules, SQL lives only in `src/store/`, and `src/lib.rs`'s layout doc lists
//! every module after the modules it uses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `path` (or `path` itself when it is a file).
fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    let entries = std::fs::read_dir(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for entry in entries {
        let p = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if p.is_dir() {
            files.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            files.push(p);
        }
    }
    files
}

/// The file's code outside its unit tests (`*_tests.rs`, `tests.rs`, a trailing `#[cfg(test)] mod`)
/// and outside comments: tests may reach anywhere.
fn production_code(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == "tests.rs" || name.ends_with("_tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let code = text.split("#[cfg(test)]\nmod ").next().unwrap_or("");
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules (`src/<name>.rs` or `src/<name>/`) named after `crate::` in `code`.
fn crate_paths(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for part in code.split("crate::").skip(1) {
        let names: Vec<&str> = match part.strip_prefix('{') {
            Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
            None => vec![part],
        };
        for name in names {
            let ident: String = name
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if modules.contains(&ident) {
                found.insert(ident);
            }
        }
    }
    found
}

/// Top-level module → the top-level modules its production code uses.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let entries = std::fs::read_dir(src()).unwrap_or_else(|e| panic!("src: {e}"));
    let modules: BTreeMap<String, PathBuf> = entries
        .map(|e| e.unwrap_or_else(|e| panic!("{e}")).path())
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_string();
            let module = p.is_dir() || p.extension().is_some_and(|x| x == "rs");
            (module && name != "lib" && name != "main").then_some((name, p))
        })
        .collect();
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(name, path)| {
            let mut uses = BTreeSet::new();
            for file in rust_files(path) {
                uses.extend(crate_paths(&production_code(&file), &names));
            }
            uses.remove(name);
            (name.clone(), uses)
        })
        .collect()
}

/// The modules `from` reaches through its uses, directly or not.
fn reachable(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(m) = todo.pop() {
        for next in graph.get(&m).into_iter().flatten() {
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    seen
}

#[test]
fn config_and_ops_depend_on_nothing_that_depends_on_them() {
    let graph = module_graph();
    for low in ["config", "ops"] {
        assert!(graph.contains_key(low), "no module `{low}` in src/");
        let back: Vec<String> = reachable(&graph, low)
            .into_iter()
            .filter(|m| reachable(&graph, m).contains(low))
            .collect();
        assert!(
            back.is_empty(),
            "`{low}` is on a dependency cycle with {back:?} (it uses {:?})",
            graph[low]
        );
    }
}

#[test]
fn the_module_graph_sees_a_known_edge() {
    // Guards the scan itself: the engine reads the store, so an empty graph cannot pass the test above.
    let graph = module_graph();
    assert!(graph["engine"].contains("store"), "{graph:?}");
    assert!(graph["engine"].contains("config"), "{graph:?}");
}

#[test]
fn sql_lives_only_in_the_store() {
    let store = src().join("store");
    let outside: Vec<PathBuf> = rust_files(&src())
        .into_iter()
        .filter(|f| !f.starts_with(&store))
        .filter(|f| {
            let code = production_code(f);
            code.contains("sqlx::") || code.contains("QueryBuilder")
        })
        .collect();
    assert!(outside.is_empty(), "SQL outside src/store/: {outside:?}");
}

/// The modules in the order `src/lib.rs`'s layout doc lists them (`//! - [`name`]: …` lines); the
/// modules named on one line share a rank.
fn documented_order() -> BTreeMap<String, usize> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap_or_else(|e| panic!("{e}"));
    let mut ranks = BTreeMap::new();
    let entries = lib.lines().filter_map(|l| l.strip_prefix("//! - [`"));
    for (rank, entry) in entries.enumerate() {
        let names = entry.split("]: ").next().unwrap_or("");
        for name in names
            .split("[`")
            .map(|n| n.trim_end_matches([',', ' ', ']', '`']))
        {
            ranks.insert(name.to_string(), rank);
        }
    }
    ranks
}

#[test]
fn the_layout_doc_lists_every_module_after_the_ones_it_uses() {
    let graph = module_graph();
    let ranks = documented_order();
    for (module, uses) in &graph {
        let rank = ranks
            .get(module)
            .unwrap_or_else(|| panic!("`{module}` is missing from src/lib.rs's layout doc"));
        for used in uses {
            assert!(
                ranks.get(used).is_some_and(|r| r < rank),
                "`{module}` uses `{used}`, which src/lib.rs's layout doc lists after it (or not at all)"
            );
        }
    }
}

/// Engine folder (`src/engine/<name>/`) → the engine folders its production code uses.
fn engine_folder_graph() -> BTreeMap<String, BTreeSet<String>> {
    let engine = src().join("engine");
    let folders: BTreeMap<String, PathBuf> = std::fs::read_dir(&engine)
        .unwrap_or_else(|e| panic!("src/engine: {e}"))
        .map(|e| e.unwrap_or_else(|e| panic!("{e}")).path())
        .filter(|p| p.is_dir())
        .filter_map(|p| Some((p.file_name()?.to_str()?.to_string(), p)))
        .collect();
    folders
        .iter()
        .map(|(name, path)| {
            let mut uses = BTreeSet::new();
            for file in rust_files(path) {
                let code = production_code(&file);
                for part in code.split("crate::engine::").skip(1) {
                    let ident: String = part
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if folders.contains_key(&ident) && ident != *name {
                        uses.insert(ident);
                    }
                }
            }
            (name.clone(), uses)
        })
        .collect()
}

#[test]
fn engine_features_are_folders_without_cycles_over_a_core_that_uses_none() {
    let graph = engine_folder_graph();
    // Guards the scan: the recognition fold updates review cards, and every feature uses the core.
    assert!(graph["recognition"].contains("reviews"), "{graph:?}");
    assert!(graph["campaigns"].contains("core"), "{graph:?}");
    assert!(
        graph["core"].is_empty(),
        "the engine's core uses features: {:?}",
        graph["core"]
    );
    for folder in graph.keys() {
        assert!(
            !reachable(&graph, folder).contains(folder),
            "engine feature `{folder}` is on a dependency cycle: {graph:?}"
        );
    }
}
