//! The scenario reference (`docs/scenario-reference.md`), written from the parameter declarations
//! (`model::kernel::decl`) and the defaults: `commune reference` prints it, and a test fails when the
//! checked-in file differs from what the declarations say.

use std::fmt::Write;

use crate::model::Params;
use crate::model::kernel::decl;
use crate::model::kernel::decl::{Check, Decl, Live};
use crate::model::kernel::params::setting::ParamValue;

use super::SECTIONS;
use super::events::KINDS;

/// The top-level keys, which belong to the scenario rather than to the model.
const TOP: &[(&str, &str, &str, &str)] = &[
    (
        "name",
        "text",
        "the file name",
        "Results go to `output/<name>/`; letters, digits, `-`, `_`, `.`.",
    ),
    (
        "description",
        "text",
        "`\"\"`",
        "What the scenario asks, in a sentence or two (shown by `run` and the dashboard).",
    ),
    (
        "seed",
        "whole number, or a string of digits",
        "1",
        "Root seed of every random stream, 0 to 18446744073709551615. Seeds above \
         9223372036854775807 (the largest TOML integer) are written as strings.",
    ),
    ("ticks", "days", "365", "Days to simulate (1 to 36500)."),
];

/// A number short enough for a table: at most four significant digits.
fn compact(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = 3 - x.abs().log10().floor() as i32;
    let rounded = if digits > 0 {
        let scale = 10f64.powi(digits);
        (x * scale).round() / scale
    } else {
        x.round()
    };
    format!("{rounded}")
}

fn shown(value: &ParamValue) -> String {
    match value {
        ParamValue::Float(x) => compact(*x),
        ParamValue::List(items) if items.is_empty() => "`[]`".to_owned(),
        other => format!("`{other}`"),
    }
}

fn allowed(d: &Decl) -> String {
    match d.check {
        Check::Free => "see meaning".to_owned(),
        Check::Share => "0 to 1".to_owned(),
        Check::Range(lo, hi) => format!("{} to {}", compact(lo), compact(hi)),
        Check::Count(lo, hi) => format!("{lo} to {hi}, whole"),
        Check::Choice(words) => words
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The reference, as Markdown.
pub fn markdown() -> String {
    let leaves = Params::default().leaves();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Scenario reference\n\n\
         Every key a scenario file may hold: its unit, default, allowed values, whether a `set` \
         event or a dashboard lever may change it during a run, what it means, and where its \
         default comes from. A source of \"assumption\" (or none) marks a modelling choice not \
         yet backed by a published figure.\n\n\
         This file is generated from the parameter declarations (each section's `DECLS`, beside \
         the section's struct in `src/model/`): do not edit it by hand. After changing a \
         declaration, run `cargo run -- reference > docs/scenario-reference.md`; `cargo test` \
         fails while it is out of date.\n\n\
         A `*` in a key stands for each good (`[goods]`, `[inputs]`), each energy source \
         (`[energy]`) or each assembly level (`community`, `region`, `world`): the default column \
         then lists each one's default.\n"
    );
    let _ = writeln!(out, "## Top level\n");
    let _ = writeln!(out, "| key | unit | default | meaning |\n|---|---|---|---|");
    for (key, unit, default, doc) in TOP {
        let _ = writeln!(out, "| `{key}` | {unit} | {default} | {doc} |");
    }
    for section in SECTIONS
        .iter()
        .filter(|s| !matches!(**s, "sweep" | "sensitivity" | "decompose" | "events"))
    {
        let _ = writeln!(out, "\n## `[{section}]`\n");
        let _ = writeln!(
            out,
            "| key | unit | default | allowed | during a run | meaning | source |\n\
             |---|---|---|---|---|---|---|"
        );
        let prefix = format!("{section}.");
        for d in decl::all().filter(|d| d.path.starts_with(&prefix)) {
            let values: Vec<(&str, &ParamValue)> = leaves
                .iter()
                .filter(|(p, _)| d.matches(p))
                .map(|(p, v)| (p.as_str(), v))
                .collect();
            let default = if d.path.contains('*') {
                let mut parts: Vec<String> = values
                    .iter()
                    .map(|(p, v)| {
                        let star = d.path.split('.').position(|s| s == "*").unwrap_or(0);
                        let name = p.split('.').nth(star).unwrap_or(p);
                        format!("{name} {}", shown(v))
                    })
                    .collect();
                if parts.len() > 12 {
                    let n = parts.len();
                    parts.truncate(6);
                    parts.push(format!(
                        "… ({n} in all; `scenario.toml` of a run lists each)"
                    ));
                }
                parts.join(", ")
            } else {
                values.first().map(|(_, v)| shown(v)).unwrap_or_default()
            };
            let live = match d.live {
                Live::Yes => "yes".to_owned(),
                Live::No(why) => format!("no: {why}"),
            };
            let source = if d.source.is_empty() {
                "assumption".to_owned()
            } else {
                d.source.to_owned()
            };
            let key = d.path.strip_prefix(&prefix).unwrap_or(d.path);
            let _ = writeln!(
                out,
                "| `{key}` | {} | {} | {} | {} | {} | {} |",
                cell(d.unit),
                cell(&default),
                cell(&allowed(d)),
                cell(&live),
                cell(d.doc),
                cell(&source)
            );
        }
    }
    let _ = writeln!(out, "\n## `[[events]]`\n");
    let _ = writeln!(
        out,
        "Each event is a table with `day` (the day it happens on, from 0, before the last day \
         of the run) and `kind`. A `set` event changes one parameter whose \"during a run\" is \
         yes; it changes nothing else (the assemblies' decisions stand unless it sets the very \
         parameter a decision is about, in which case it overrides that decision and the log \
         says so).\n\n| kind | keys (`?`: optional) |\n|---|---|"
    );
    for (kind, keys) in KINDS {
        let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        let _ = writeln!(out, "| `{kind}` | {} |", keys.join(", "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_parameter_is_in_the_reference() {
        let text = markdown();
        for d in decl::all() {
            let key = d.path.split_once('.').map_or(d.path, |(_, k)| k);
            assert!(text.contains(&format!("| `{key}` |")), "{}", d.path);
        }
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(compact(12.0 / 365.0), "0.03288");
        assert_eq!(compact(2100.0), "2100");
        assert_eq!(compact(0.0001), "0.0001");
        assert_eq!(compact(1e15), "1000000000000000");
    }
}
