//! Finding the line of a key in scenario text, for error messages.

use std::collections::HashMap;

use toml::de::{DeTable, DeValue};

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Lines of every key in a document, by dotted path; array elements are numbered from 0, so
/// `events.2.day` is the `day` key of the third `[[events]]` table.
pub struct Locator {
    lines: HashMap<String, usize>,
}

impl Locator {
    /// Indexes `text`. Text that does not parse gives an empty index.
    pub fn new(text: &str) -> Self {
        let mut lines = HashMap::new();
        if let Ok(root) = DeTable::parse(text) {
            walk_table(text, root.get_ref(), "", &mut lines);
        }
        Self { lines }
    }

    /// The line of `path` (`a.b[2].c` and `a.b.2.c` are both understood), or of its nearest
    /// ancestor that is in the file.
    pub fn line(&self, path: &str) -> Option<usize> {
        let mut path = path.replace('[', ".").replace(']', "");
        loop {
            if let Some(line) = self.lines.get(&path) {
                return Some(*line);
            }
            match path.rsplit_once('.') {
                Some((parent, _)) => path = parent.to_owned(),
                None => return None,
            }
        }
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk_table(text: &str, table: &DeTable<'_>, prefix: &str, lines: &mut HashMap<String, usize>) {
    for (key, value) in table {
        let path = join(prefix, key.get_ref());
        lines
            .entry(path.clone())
            .or_insert_with(|| line_of(text, key.span().start));
        walk_value(text, value.get_ref(), &path, lines);
    }
}

fn walk_value(text: &str, value: &DeValue<'_>, path: &str, lines: &mut HashMap<String, usize>) {
    match value {
        DeValue::Table(t) => walk_table(text, t, path, lines),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{path}.{i}");
                lines.insert(item_path.clone(), line_of(text, item.span().start));
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
}
