//! Environment files: `.env` (python-dotenv, Node's dotenv), compose
//! `env_file`, systemd `EnvironmentFile=`. One reader for the subset the
//! three agree on, with a span for every value (the dotenv crates give
//! values without positions, and lint502 points at them).
//!
//! - one `NAME=value` per line; blank lines and lines starting with `#` are
//!   skipped (`;` too: systemd's other comment leader);
//! - an optional `export ` in front of the name (python-dotenv, dotenv);
//! - `"double"` quotes: `\n`, `\"`, `\\` escapes; `'single'` quotes: literal;
//! - an unquoted value ends at ` #` (an inline comment) and is trimmed;
//! - `${NAME}` / `$NAME` references are kept as written (no expansion).
//!
//! Where they differ (systemd's backslash line continuations, python-dotenv's
//! multi-line quoted values, compose's `${NAME:-default}` interpolation) the
//! line is read as far as the subset goes; a line that is not `NAME=value` is
//! skipped, never an error: these files are read for their values only.

use crate::model::value::Spanned;
use crate::source::{FileId, Span};

/// One variable: its name and value, with spans.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvEntry {
    pub name: Spanned<String>,
    pub value: Spanned<String>,
}

/// Read an environment file. Later entries win when names repeat (callers
/// look up from the end).
pub fn parse(file: FileId, text: &str) -> Vec<EnvEntry> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let lead = line.len() - line.trim_start().len();
        let mut rest = &line[lead..];
        let mut at = start + lead;
        if rest.is_empty() || rest.starts_with('#') || rest.starts_with(';') {
            continue;
        }
        if let Some(r) = rest.strip_prefix("export ") {
            let skip = rest.len() - r.trim_start().len();
            at += skip;
            rest = &rest[skip..];
        }
        let Some(eq) = rest.find('=') else { continue };
        let name = rest[..eq].trim_end();
        if name.is_empty()
            || !name
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'-')
            || name.as_bytes()[0].is_ascii_digit()
        {
            continue;
        }
        let name = Spanned::new(name.to_owned(), Span::new(file, at, at + name.len()));
        let after = &rest[eq + 1..];
        let vlead = after.len() - after.trim_start().len();
        let vtext = &after[vlead..];
        let vstart = at + eq + 1 + vlead;
        let value = match vtext.chars().next() {
            Some(q @ ('"' | '\'')) => quoted(vtext, q).map(|(v, len)| (v, Span::new(file, vstart, vstart + len))),
            _ => {
                let end = vtext.find(" #").or_else(|| vtext.find("\t#")).unwrap_or(vtext.len());
                let v = vtext[..end].trim_end();
                Some((v.to_owned(), Span::new(file, vstart, vstart + v.len())))
            }
        };
        if let Some((v, span)) = value {
            out.push(EnvEntry {
                name,
                value: Spanned::new(v, span),
            });
        }
    }
    out
}

/// A quoted value: its text and the length of the quoted part (quotes
/// included). None when the quote is not closed on this line.
fn quoted(s: &str, q: char) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        if c == q {
            return Some((out, i + 1));
        }
        if c == '\\' && q == '"' {
            match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, other)) => out.push(other),
                None => return None,
            }
            continue;
        }
        out.push(c);
    }
    None
}

/// The last value of `name`.
pub fn lookup<'e>(entries: &'e [EnvEntry], name: &str) -> Option<&'e EnvEntry> {
    entries.iter().rev().find(|e| e.name.value == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String, String)> {
        parse(FileId(0), text)
            .into_iter()
            .map(|e| {
                let shown = text[e.value.span.start as usize..e.value.span.end as usize].to_owned();
                (e.name.value, e.value.value, shown)
            })
            .collect()
    }

    #[test]
    fn forms() {
        let text = "# comment\n\nPORT=8001\nexport HOST=0.0.0.0\nNAME=\"a \\\"b\\\"\" # c\nRAW='x#y'\n\
                    URL=http://x # trailing\n; systemd comment\nnot a line\n  SPACED = 5  \r\nEMPTY=\n";
        assert_eq!(
            pairs(text),
            vec![
                ("PORT".into(), "8001".into(), "8001".into()),
                ("HOST".into(), "0.0.0.0".into(), "0.0.0.0".into()),
                ("NAME".into(), "a \"b\"".into(), "\"a \\\"b\\\"\"".into()),
                ("RAW".into(), "x#y".into(), "'x#y'".into()),
                ("URL".into(), "http://x".into(), "http://x".into()),
                ("SPACED".into(), "5".into(), "5".into()),
                ("EMPTY".into(), "".into(), "".into()),
            ]
        );
    }

    #[test]
    fn unclosed_quote_is_skipped_and_later_wins() {
        let e = parse(FileId(0), "A=\"open\nA=1\nA=2\n");
        assert_eq!(lookup(&e, "A").map(|e| e.value.value.as_str()), Some("2"));
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn never_panics() {
        let alphabet = [
            "A", "=", "\"", "'", "\\", "#", " ", "\n", "export ", "é", "\r", "${X}", ";",
        ];
        for text in crate::text::random_texts(7, 2000, 40, &alphabet) {
            let _ = parse(FileId(0), &text);
        }
    }
}
