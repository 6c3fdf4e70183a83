//! The README documents every scenario key and every metric column the code has.

use commune::model::goods::Good;
use commune::model::{COLUMNS, Params};
use commune::scenario::{Meta, Scenario};

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

#[test]
fn readme_documents_every_scenario_key() {
    let readme = readme();
    let defaults = Scenario {
        meta: Meta::default(),
        params: Params::default(),
        sweep: None,
        events: Vec::new(),
        schedule: Vec::new(),
    };
    let table: toml::Table = toml::from_str(&defaults.to_toml()).unwrap();
    let mut missing = Vec::new();
    for (key, value) in &table {
        match value {
            toml::Value::Table(section) => {
                assert!(
                    readme.contains(&format!("### `[{key}]`")),
                    "section [{key}]"
                );
                for leaf in section.keys() {
                    if !readme.contains(&format!("| `{leaf}` |")) {
                        missing.push(format!("{key}.{leaf}"));
                    }
                }
            }
            _ => {
                if !readme.contains(&format!("| `{key}` |")) {
                    missing.push(key.clone());
                }
            }
        }
    }
    assert!(missing.is_empty(), "README lacks rows for {missing:?}");
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
