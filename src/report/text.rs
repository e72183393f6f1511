//! Rich text through codespan-reporting, colour when the output is a
//! terminal and `NO_COLOR` is unset.

use std::io::Write;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream, WriteColor};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, SourceDb};

/// codespan's view of the source database, with control characters made harmless for a terminal: names escaped
/// like messages (`super::escape_controls`), source excerpts with each control byte (C0 but tab, newline and the CR
/// of a CRLF; DEL; the two bytes of a C1 control) replaced by `?` so byte offsets and columns stay where they were.
struct DbFiles<'a> {
    db: &'a SourceDb,
    names: Vec<std::borrow::Cow<'a, str>>,
    sources: Vec<std::borrow::Cow<'a, str>>,
}

impl<'a> DbFiles<'a> {
    fn new(db: &'a SourceDb) -> DbFiles<'a> {
        let names = db
            .iter()
            .map(|(_, f)| super::escape_controls(&f.display, false))
            .collect();
        let sources = db.iter().map(|(_, f)| safe_excerpt_text(&f.text)).collect();
        DbFiles { db, names, sources }
    }
}

/// `text` with control characters replaced by `?`, byte for byte (see [`DbFiles`]).
fn safe_excerpt_text(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let bad = |i: usize, c: char| {
        c.is_control() && c != '\t' && c != '\n' && !(c == '\r' && bytes.get(i + 1) == Some(&b'\n'))
    };
    if !text.char_indices().any(|(i, c)| bad(i, c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if bad(i, c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl<'a> Files<'a> for DbFiles<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(self.names.get(id.0 as usize).map(|c| c.as_ref()).unwrap_or(""))
    }
    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(self.sources.get(id.0 as usize).map(|c| c.as_ref()).unwrap_or(""))
    }
    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.db.get(id).line_index(byte_index))
    }
    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let f = self.db.get(id);
        let starts = f.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len() - 1,
        })?;
        let end = starts.get(line_index + 1).copied().unwrap_or(f.text.len());
        Ok(start..end)
    }
}

fn to_codespan(d: &Diagnostic) -> CsDiagnostic<FileId> {
    let d = &super::escaped(d);
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    };
    let mut labels =
        vec![CsLabel::primary(d.primary.span.file, d.primary.span.range()).with_message(&d.primary.message)];
    for l in &d.labels {
        labels.push(CsLabel::secondary(l.span.file, l.span.range()).with_message(&l.message));
    }
    let mut notes: Vec<String> = d.notes.iter().map(|n| format!("note: {n}")).collect();
    if let Some(h) = &d.help {
        notes.push(format!("help: {h}"));
    }
    notes.push(format!("see: lint502 explain {}", d.code));
    CsDiagnostic::new(severity)
        .with_code(d.code)
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// Render to a string without colour (tests and snapshots).
pub fn render_plain(db: &SourceDb, diags: &[Diagnostic]) -> String {
    let files = DbFiles::new(db);
    let config = term::Config::default();
    let mut out = String::new();
    for d in diags {
        let _ = term::emit_to_string(&mut out, &config, &files, &to_codespan(d));
    }
    out
}

/// Render to stdout, coloured when it is a terminal and NO_COLOR is unset.
pub fn render_stdout(db: &SourceDb, diags: &[Diagnostic], color: bool) -> std::io::Result<()> {
    let choice = if color { ColorChoice::Auto } else { ColorChoice::Never };
    let stream = StandardStream::stdout(choice);
    let mut lock = stream.lock();
    let files = DbFiles::new(db);
    let config = term::Config::default();
    for d in diags {
        term::emit_to_write_style(&mut lock, &config, &files, &to_codespan(d)).map_err(std::io::Error::other)?;
    }
    lock.flush()?;
    let _ = lock.reset();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_keep_their_length_and_lose_their_controls() {
        let t = "a\u{1b}[31mb\r\nc\rd\u{9b}\te\n";
        let s = safe_excerpt_text(t);
        assert_eq!(s, "a?[31mb\r\nc?d??\te\n");
        assert_eq!(s.len(), t.len());
    }
}
