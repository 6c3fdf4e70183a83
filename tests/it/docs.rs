//! The README documents every scenario key and every metric column the code has.

use commune::model::goods::Good;
use commune::model::{COLUMNS, Params};
use commune::scenario::{Meta, Scenario};

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
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
                    commune::model::decl::find(&path).is_some(),
                    "{path} has no declaration"
                );
            }
        } else {
            assert!(reference.contains(&format!("| `{key}` |")), "{key}");
        }
    }
}

#[test]
fn readme_documents_every_metric_column() {
    let readme = readme();
    // Per-good columns are documented once as a pattern, `<good>_needed` and so on.
    let pattern = |name: &str| {
        Good::ALL.iter().find_map(|g| {
            name.strip_prefix(g.name())
                .and_then(|rest| rest.strip_prefix('_'))
                .filter(|suffix| ["needed", "delivered", "satisfaction", "hours"].contains(suffix))
                .map(|suffix| format!("`<good>_{suffix}`"))
        })
    };
    let missing: Vec<_> = COLUMNS
        .iter()
        .map(|c| c.name)
        .filter(|name| {
            let documented = match pattern(name) {
                Some(p) => readme.contains(&p),
                None => readme.contains(&format!("`{name}`")),
            };
            !documented
        })
        .collect();
    assert!(missing.is_empty(), "README lacks {missing:?}");
}

#[test]
fn readme_documents_every_community_column() {
    let readme = readme();
    let missing: Vec<_> = commune::model::community_metrics::COMMUNITY_COLUMNS
        .iter()
        .map(|c| c.name)
        .filter(|name| !readme.contains(&format!("`{name}`")))
        .collect();
    assert!(missing.is_empty(), "README lacks {missing:?}");
}
