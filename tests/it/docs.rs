//! The documentation: the generated scenario reference is current, the user guide documents
//! every metric column the code has, the README stays a short front door, every relative link
//! leads somewhere, and nothing cites a file outside the repository.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use commune::model::kernel::goods::Good;
use commune::model::{COLUMNS, Params};
use commune::scenario::{Meta, Scenario};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Most lines the README may have: it says what `commune` is, how to set it up and where the
/// rest is, and leaves the rest to `docs/`.
const README_MAX_LINES: usize = 260;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn readme() -> String {
    read(&Path::new(ROOT).join("README.md"))
}

/// The user guide lists the output files and their columns.
fn user_guide() -> String {
    read(&Path::new(ROOT).join("docs/user-guide.md"))
}

#[test]
fn the_scenario_reference_is_generated_from_the_declarations() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario-reference.md");
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    let generated = commune::scenario::reference::markdown();
    assert!(
        on_disk == generated,
        "docs/scenario-reference.md is out of date with the parameter declarations: run \
         `cargo run -- reference > docs/scenario-reference.md`"
    );
}

#[test]
fn every_scenario_key_has_one_declaration_in_the_reference() {
    let defaults = Scenario {
        meta: Meta::default(),
        params: Params::default(),
        sweep: None,
        decompose: None,
        events: Vec::new(),
        schedule: Vec::new(),
        warnings: Vec::new(),
    };
    let reference = commune::scenario::reference::markdown();
    let table: toml::Table = toml::from_str(&defaults.to_toml()).unwrap();
    for (key, value) in &table {
        if let toml::Value::Table(section) = value {
            assert!(reference.contains(&format!("## `[{key}]`")), "[{key}]");
            for leaf in section.keys() {
                let path = format!("{key}.{leaf}");
                // Tables of goods, sources and levels are declared leaf by leaf.
                if section[leaf].is_table() {
                    continue;
                }
                assert!(
                    commune::model::kernel::decl::find(&path).is_some(),
                    "{path} has no declaration"
                );
            }
        } else {
            assert!(reference.contains(&format!("| `{key}` |")), "{key}");
        }
    }
}

#[test]
fn user_guide_documents_every_metric_column() {
    let guide = user_guide();
    // Per-good columns are documented once as a pattern, `<good>_needed` and so on (a column
    // that only starts with a good's name, like `energy_traded_kwh`, by its own name).
    let pattern = |name: &str| {
        Good::ALL.iter().find_map(|g| {
            name.strip_prefix(g.name())
                .and_then(|rest| rest.strip_prefix('_'))
                .map(|suffix| format!("`<good>_{suffix}`"))
        })
    };
    let missing: Vec<_> = COLUMNS
        .iter()
        .map(|c| c.name)
        .filter(|name| {
            let documented = guide.contains(&format!("`{name}`"))
                || pattern(name).is_some_and(|p| guide.contains(&p));
            !documented
        })
        .collect();
    assert!(missing.is_empty(), "docs/user-guide.md lacks {missing:?}");
}

#[test]
fn user_guide_documents_every_community_column() {
    let guide = user_guide();
    let missing: Vec<_> = commune::model::metrics::community::COMMUNITY_COLUMNS
        .iter()
        .map(|c| c.name)
        .filter(|name| !guide.contains(&format!("`{name}`")))
        .collect();
    assert!(missing.is_empty(), "docs/user-guide.md lacks {missing:?}");
}

#[test]
fn readme_is_a_short_front_door() {
    let lines = readme().lines().count();
    assert!(
        lines <= README_MAX_LINES,
        "README.md has {lines} lines, more than {README_MAX_LINES}: move the details to docs/"
    );
}

#[test]
fn readme_set_up_commands_run_a_shipped_scenario() {
    let readme = readme();
    for command in [
        "cargo run --release -- run scenarios/village.toml",
        "cargo test",
    ] {
        assert!(readme.contains(command), "README lacks `{command}`");
    }
    // Every scenario the README's commands name is shipped.
    for word in readme.split(|c: char| c.is_whitespace() || c == '`') {
        if let Some(name) = word.strip_prefix("scenarios/") {
            let name = name.trim_end_matches(|c: char| !c.is_alphanumeric());
            if name.is_empty() {
                continue;
            }
            assert!(
                Path::new(ROOT).join("scenarios").join(name).is_file(),
                "README names scenarios/{name}, which is not shipped"
            );
        }
    }
}

/// The markdown files whose links are checked: the README, ARCHITECTURE.md and docs/*.md.
fn markdown_files() -> Vec<PathBuf> {
    let root = Path::new(ROOT);
    let mut files = vec![root.join("README.md"), root.join("ARCHITECTURE.md")];
    let mut docs: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// The lines of a markdown text outside fenced code blocks.
fn prose_lines(text: &str) -> Vec<&str> {
    let mut fenced = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            lines.push(line);
        }
    }
    lines
}

/// GitHub's anchor for a heading: lower case, spaces to hyphens, punctuation other than `-` and
/// `_` dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The anchors of a markdown file's headings, with GitHub's `-1`, `-2` for repeated ones.
fn anchors(text: &str) -> HashSet<String> {
    let mut anchors = HashSet::new();
    for line in prose_lines(text) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
            let base = slug(&line[hashes..]);
            let mut anchor = base.clone();
            let mut n = 0;
            while !anchors.insert(anchor.clone()) {
                n += 1;
                anchor = format!("{base}-{n}");
            }
        }
    }
    anchors
}

/// The targets of a markdown text's inline links and images, `[text](target)`, outside code.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    for line in prose_lines(text) {
        // Drop inline code spans, which may hold brackets that are not links.
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let end = rest.find(')').unwrap_or(rest.len());
            targets.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    targets
}

#[test]
fn every_relative_link_leads_to_a_file_and_heading_that_exist() {
    let mut broken = Vec::new();
    for file in markdown_files() {
        let text = read(&file);
        let dir = file.parent().unwrap();
        let name = file.strip_prefix(ROOT).unwrap().display().to_string();
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (target.as_str(), None),
            };
            let linked = if path.is_empty() {
                file.clone()
            } else {
                dir.join(path)
            };
            if !linked.exists() {
                broken.push(format!("{name}: {target}: no such file"));
                continue;
            }
            if let Some(anchor) = anchor
                && linked.extension().is_some_and(|x| x == "md")
                && !anchors(&read(&linked)).contains(anchor)
            {
                broken.push(format!("{name}: {target}: no such heading"));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_anchor_of_a_heading_is_githubs() {
    assert_eq!(
        slug(" The essay's society vs the status quo"),
        "the-essays-society-vs-the-status-quo"
    );
    assert_eq!(slug(" `[[events]]`"), "events");
    assert_eq!(
        slug(" Over several machines: shards and Slurm"),
        "over-several-machines-shards-and-slurm"
    );
    let text = "# A\n```sh\n# not a heading\n```\n## A\n";
    let found = anchors(text);
    assert!(found.contains("a") && found.contains("a-1") && !found.contains("not-a-heading"));
    assert_eq!(
        link_targets("see [x](a.md#b), `[y](not.md)` and ![z](c.png)"),
        ["a.md#b", "c.png"]
    );
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, files);
        } else {
            files.push(path);
        }
    }
}

#[test]
fn nothing_cites_a_file_outside_the_repository() {
    let root = Path::new(ROOT);
    let mut files = vec![root.join("README.md")];
    for dir in ["scenarios", "docs", "src"] {
        files_under(&root.join(dir), &mut files);
    }
    let outside = "../shared";
    let citing: Vec<_> = files
        .iter()
        .filter(|f| {
            std::fs::read(f).is_ok_and(|bytes| String::from_utf8_lossy(&bytes).contains(outside))
        })
        .map(|f| f.strip_prefix(root).unwrap().display().to_string())
        .collect();
    assert!(
        citing.is_empty(),
        "{citing:?} cite {outside}, which is not in a clone: cite docs/calibration.md"
    );
}
