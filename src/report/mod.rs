//! Output formats. Only `text.rs` knows about codespan.

pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceDb;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Rich text with source excerpts (codespan).
    Text,
    /// One line per diagnostic: `path:line:col: severity[CODE] message`.
    Short,
    /// The versioned JSON envelope (see README, "JSON output"; schema/lint502-check-v1.schema.json).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…,line=…::message`): annotations in a workflow run.
    Github,
}

/// Sort diagnostics deterministically: path, start offset, code, message.
pub fn sort(db: &SourceDb, diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let pa = &db.get(a.primary.span.file).display;
        let pb = &db.get(b.primary.span.file).display;
        pa.cmp(pb)
            .then(a.primary.span.start.cmp(&b.primary.span.start))
            .then(a.code.cmp(b.code))
            .then(a.message.cmp(&b.message))
    });
}

/// Counts for the summary line and the JSON `summary` object.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub files_checked: usize,
    /// Findings left out by `per-file-ignores` and inline suppressions.
    pub suppressed: usize,
}

impl Summary {
    pub fn of(diags: &[Diagnostic], files_checked: usize) -> Summary {
        let mut s = Summary {
            files_checked,
            ..Summary::default()
        };
        for d in diags {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

/// `path:line:col: severity[CODE] message`.
pub fn short(db: &SourceDb, d: &Diagnostic) -> String {
    let f = db.get(d.primary.span.file);
    let (line, col) = f.line_col(d.primary.span.start as usize);
    format!(
        "{}:{}:{}: {}[{}] {}",
        esc_line(&f.display),
        line,
        col,
        d.severity.as_str(),
        d.code,
        esc_line(&d.message)
    )
}

/// Escape control characters in text a diagnostic quotes from the user's files, so that no format sends them raw to
/// a terminal, a log or a viewer: an ESC in a directive name must not recolour or rewrite the screen, a bare CR must
/// not hide the start of a line. Every C0 control (U+0000–U+001F), DEL and every C1 control (U+0080–U+009F) becomes
/// Rust's escape `\u{1b}`; a tab stays, and `\n` stays only when `keep_newline` (multi-line notes and help).
/// Every format applies it to the message, label texts, notes, help and the file's display path; JSON and SARIF
/// therefore carry the escape as text (`"\\u{1b}"`), not the raw character.
pub fn escape_controls(s: &str, keep_newline: bool) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\t' && !(keep_newline && c == '\n');
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `escape_controls` for a one-line text (message, label, path).
pub fn esc_line(s: &str) -> String {
    escape_controls(s, false).into_owned()
}

/// `escape_controls` for a text that may span lines (note, help).
pub fn esc_multi(s: &str) -> String {
    escape_controls(s, true).into_owned()
}

/// A copy of `d` with every user-visible text escaped (see [`escape_controls`]).
pub fn escaped(d: &Diagnostic) -> Diagnostic {
    let mut d = d.clone();
    d.message = esc_line(&d.message);
    d.primary.message = esc_line(&d.primary.message);
    for l in &mut d.labels {
        l.message = esc_line(&l.message);
    }
    for n in &mut d.notes {
        *n = esc_multi(n);
    }
    d.help = d.help.as_deref().map(esc_multi);
    d
}

/// Append each note and the help as `\nnote: …` / `\nhelp: …` lines: the
/// one-string message of the github, SARIF and LSP outputs.
pub fn push_notes_and_help(s: &mut String, d: &Diagnostic) {
    for n in &d.notes {
        s.push_str("\nnote: ");
        s.push_str(n);
    }
    if let Some(h) = &d.help {
        s.push_str("\nhelp: ");
        s.push_str(h);
    }
}

#[cfg(test)]
mod escape_tests {
    use super::*;

    #[test]
    fn controls_are_escaped_newlines_only_in_multi_line_text() {
        assert_eq!(
            esc_line("a\u{1b}[31mb\rc\u{7}\u{9b}\td"),
            "a\\u{1b}[31mb\\u{d}c\\u{7}\\u{9b}\td"
        );
        assert_eq!(esc_line("x\ny"), "x\\u{a}y");
        assert_eq!(esc_multi("x\ny\u{0}"), "x\ny\\u{0}");
        assert!(matches!(
            escape_controls("plain \"text\" …", false),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
