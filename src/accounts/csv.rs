//! A small CSV reader that keeps line numbers, for the shipped tables and the sector map.
//!
//! The files are plain RFC 4180: comma separated, fields optionally in double quotes with `""`
//! for a quote inside. Lines starting with `#` are comments (the sector map has them; the data
//! files have none). Quoted fields never span lines in these files, so one record is one line.

use super::AccountsError;

/// One record: its 1-based line number in the file and its fields.
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// A parsed file: the header's column names and the records after it.
pub struct Csv {
    pub file: String,
    pub header: Vec<String>,
    pub line_of_header: usize,
    pub records: Vec<Record>,
}

impl Csv {
    pub fn parse(file: &str, text: &str) -> Result<Csv, AccountsError> {
        let mut header = None;
        let mut records = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let raw = raw.trim_end_matches('\r');
            if raw.trim().is_empty() || raw.starts_with('#') {
                continue;
            }
            let fields = split(raw).map_err(|message| AccountsError::at(file, line, message))?;
            match header {
                None => header = Some((line, fields)),
                Some((_, ref names)) => {
                    if fields.len() != names.len() {
                        return Err(AccountsError::at(
                            file,
                            line,
                            format!("{} fields, the header has {}", fields.len(), names.len()),
                        ));
                    }
                    records.push(Record { line, fields });
                }
            }
        }
        let (line_of_header, header) =
            header.ok_or_else(|| AccountsError::at(file, 1, "no header line".to_string()))?;
        Ok(Csv {
            file: file.to_string(),
            header,
            line_of_header,
            records,
        })
    }

    /// The index of a column, or an error naming the file and the column.
    pub fn column(&self, name: &str) -> Result<usize, AccountsError> {
        self.header.iter().position(|h| h == name).ok_or_else(|| {
            AccountsError::at(
                &self.file,
                self.line_of_header,
                format!("no column `{name}` in the header"),
            )
        })
    }

    /// A field as a number, or an error naming file, line, column and the text found.
    pub fn number(&self, record: &Record, column: usize) -> Result<f64, AccountsError> {
        let text = record.fields[column].trim();
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(AccountsError::at(
                &self.file,
                record.line,
                format!(
                    "column `{}`: `{text}` is not a finite number",
                    self.header[column]
                ),
            )),
        }
    }
}

fn split(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                    if !matches!(chars.peek(), None | Some(',')) {
                        return Err("text after a closing quote".to_string());
                    }
                }
            } else {
                field.push(c);
            }
        } else if c == ',' {
            fields.push(std::mem::take(&mut field));
            at_start = true;
            continue;
        } else if c == '"' && at_start {
            quoted = true;
        } else {
            field.push(c);
        }
        at_start = false;
    }
    if quoted {
        return Err("a quote is not closed".to_string());
    }
    fields.push(field);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_quoted_fields() {
        assert_eq!(
            split(r#"A01,"Crop, animal ""x""",1.5"#).unwrap(),
            vec!["A01", r#"Crop, animal "x""#, "1.5"]
        );
        assert_eq!(split("a,,b").unwrap(), vec!["a", "", "b"]);
        assert!(split(r#"a,"b"#).is_err());
        assert!(split(r#"a,"b"c"#).is_err());
    }
}
