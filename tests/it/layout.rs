//! The model's folders depend on each other in one direction only.
//!
//! `src/model/` is laid out by mechanism: `kernel/` holds the types every mechanism reads, and
//! each other folder (population, labour, food, ...) holds one mechanism. A folder may import
//! from the kernel and from mechanisms below it, never in a circle, and never from the model's
//! root (`model/mod.rs`, which assembles the schedule from every folder). This test reads the
//! sources, draws the graph of imports between folders (test code left out) and fails on a cycle,
//! naming it. Test code (after a file's first `#[cfg(test)]`, and files named `*tests.rs`,
//! which are declared under `#[cfg(test)]`) is left out: a test may drive the whole simulation.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The non-test code of a source file: everything before its first `#[cfg(test)]`, without
/// comments.
fn code(text: &str) -> String {
    let before_tests = text.split("#[cfg(test)]").next().unwrap_or("");
    before_tests
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The folders, or root items, that `code` names through `crate::model::<name>`.
fn references(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::model::") {
        let rest = &code[i + "crate::model::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    // `crate::model::{a, b}` names several at once.
    for (i, _) in code.match_indices("crate::model::{") {
        let rest = &code[i + "crate::model::{".len()..];
        let group = &rest[..rest.find('}').unwrap_or(rest.len())];
        for part in group.split(',') {
            let name: String = part
                .trim()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out.remove("");
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && !path.to_string_lossy().ends_with("tests.rs")
        {
            // Files of tests (`*_tests.rs`, declared under `#[cfg(test)]`) may reach anywhere.
            out.push(path);
        }
    }
}

/// The import graph among `src/model/`'s folders, and each folder's references to anything that
/// is not a folder (the root's own items).
fn model_graph() -> (Graph, BTreeMap<String, BTreeSet<String>>) {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model");
    let folders: BTreeSet<String> = std::fs::read_dir(&model)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut graph = Graph::new();
    let mut upward = BTreeMap::new();
    for folder in &folders {
        let mut files = Vec::new();
        rust_files(&model.join(folder), &mut files);
        let mut deps = BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(
                !code(&text).contains("super::super"),
                "{} reaches out of its folder with super::super; name the folder instead",
                file.display()
            );
            for name in references(&code(&text)) {
                if folders.contains(&name) {
                    if &name != folder {
                        deps.insert(name);
                    }
                } else {
                    upward
                        .entry(folder.clone())
                        .or_insert_with(BTreeSet::new)
                        .insert(name);
                }
            }
        }
        graph.insert(folder.clone(), deps);
    }
    (graph, upward)
}

/// A cycle in `graph`, as the list of its nodes with the first repeated at the end, if any.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(node) {
            Some(2) => return None,
            Some(1) => {
                let start = path.iter().position(|n| n == node).unwrap();
                let mut cycle = path[start..].to_vec();
                cycle.push(node.to_owned());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(node.to_owned(), 1);
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, state, path) {
                return Some(cycle);
            }
        }
        path.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut state, &mut Vec::new()) {
            return Some(cycle);
        }
    }
    None
}

fn describe(graph: &Graph) -> String {
    graph
        .iter()
        .map(|(k, v)| {
            format!(
                "  {k} -> {}",
                v.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_model_folders_import_each_other_without_a_cycle() {
    let (graph, _) = model_graph();
    assert!(
        graph.len() >= 10,
        "expected the mechanism folders, found {graph:?}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import cycle among src/model/ folders: {}\nthe graph:\n{}",
            cycle.join(" -> "),
            describe(&graph)
        );
    }
}

#[test]
fn the_kernel_imports_no_mechanism_and_no_folder_imports_the_root() {
    let (graph, upward) = model_graph();
    assert!(
        graph["kernel"].is_empty(),
        "kernel/ imports {:?}; it must stay below every mechanism",
        graph["kernel"]
    );
    assert!(
        upward.is_empty(),
        "folders import the model's root items (move them into a folder, or import from the \
         folder that defines them): {upward:?}"
    );
}

#[test]
fn the_cycle_finder_finds_cycles_and_only_cycles() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g = Graph::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    let dag = graph(&[("food", "kernel"), ("labour", "food"), ("labour", "kernel")]);
    assert_eq!(find_cycle(&dag), None);
    let circle = graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "kernel")]);
    let cycle = find_cycle(&circle).expect("a cycle");
    assert_eq!(cycle.first(), cycle.last());
    assert_eq!(cycle.len(), 4);
    assert_eq!(
        references(
            "use crate::model::{food, kernel::goods::Good};\nlet x = crate::model::rail::f();"
        ),
        ["food", "kernel", "rail"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}
