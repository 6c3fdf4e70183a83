//! Finding the line of a key in scenario text, for error messages.

use std::cell::OnceCell;
use std::collections::HashMap;

use toml::de::{DeTable, DeValue};

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Lines of every key in a document, by dotted path; array elements are numbered from 0, so
/// `events.2.day` is the `day` key of the third `[[events]]` table.
///
/// The index is made the first time a line is asked for: a valid scenario never asks, and a
/// sweep or a sensitivity analysis parses its scenario once a run (indexing it every time took
/// about a twelfth of a village-sized run's CPU time).
pub struct Locator {
    text: String,
    lines: OnceCell<HashMap<String, usize>>,
}

impl Locator {
    /// Keeps `text` to index when a line is first asked for. Text that does not parse gives an
    /// empty index.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            lines: OnceCell::new(),
        }
    }

    /// The line of `path` (`a.b[2].c` and `a.b.2.c` are both understood), or of its nearest
    /// ancestor that is in the file.
    pub fn line(&self, path: &str) -> Option<usize> {
        let lines = self.lines.get_or_init(|| index(&self.text));
        let mut path = path.replace('[', ".").replace(']', "");
        loop {
            if let Some(line) = lines.get(&path) {
                return Some(*line);
            }
            match path.rsplit_once('.') {
                Some((parent, _)) => path = parent.to_owned(),
                None => return None,
            }
        }
    }
}

/// The line of every key and array element of `text`, by dotted path.
fn index(text: &str) -> HashMap<String, usize> {
    let mut lines = HashMap::new();
    if let Ok(root) = DeTable::parse(text) {
        let starts = LineStarts::new(text);
        walk_table(&starts, root.get_ref(), "", &mut lines);
    }
    lines
}

/// The byte offsets at which the lines of a text start, to find the line of an offset by a
/// binary search instead of counting the newlines before it (which made indexing quadratic in
/// the length of the file).
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        let newlines = text.bytes().enumerate().filter(|&(_, b)| b == b'\n');
        Self(
            std::iter::once(0)
                .chain(newlines.map(|(i, _)| i + 1))
                .collect(),
        )
    }

    /// 1-based line of a byte offset, as [`line_of`] gives it.
    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk_table(
    text: &LineStarts,
    table: &DeTable<'_>,
    prefix: &str,
    lines: &mut HashMap<String, usize>,
) {
    for (key, value) in table {
        let path = join(prefix, key.get_ref());
        lines
            .entry(path.clone())
            .or_insert_with(|| text.line(key.span().start));
        walk_value(text, value.get_ref(), &path, lines);
    }
}

fn walk_value(
    text: &LineStarts,
    value: &DeValue<'_>,
    path: &str,
    lines: &mut HashMap<String, usize>,
) {
    match value {
        DeValue::Table(t) => walk_table(text, t, path, lines),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{path}.{i}");
                lines.insert(item_path.clone(), text.line(item.span().start));
                walk_value(text, item.get_ref(), &item_path, lines);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_in_tables_and_arrays_of_tables() {
        let text = "a = 1\n[food]\nx = 2\n\n[[events]]\nday = 3\n[[events]]\nday = 4\n";
        let l = Locator::new(text);
        assert_eq!(l.line("a"), Some(1));
        assert_eq!(l.line("food.x"), Some(3));
        assert_eq!(l.line("food.missing"), Some(2));
        assert_eq!(l.line("events.1.day"), Some(8));
        assert_eq!(l.line("events[0].day"), Some(6));
        assert_eq!(l.line("nowhere"), None);
    }

    #[test]
    fn line_starts_agree_with_counting_newlines() {
        for text in ["", "a", "\n", "a\nb", "a\n\nb\n", "\n\nx = 1\r\ny = 2\n"] {
            let starts = LineStarts::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    starts.line(offset),
                    line_of(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }
}
