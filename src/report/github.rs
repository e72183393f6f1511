//! `--format github`: one GitHub Actions workflow command per diagnostic, which the runner turns into an
//! annotation on the file and line:
//!
//! ```text
//! ::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=CODE name::message
//! ```
//!
//! Syntax and parameters: <https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands>
//! ("Setting an error message", "Setting a warning message", "Setting a notice message"). The escaping is the one
//! the runner undoes and that `@actions/core` applies (`escapeData` / `escapeProperty` in
//! `actions/toolkit`, `packages/core/src/command.ts`): in the message `%`, CR and LF become `%25`, `%0D`, `%0A`;
//! in a property value `:` and `,` also become `%3A` and `%2C`. `col`/`endColumn` are sent only when the span
//! starts and ends on one line (the toolkit's `AnnotationProperties`: they "cannot be sent when `startLine` and
//! `endLine` are different values").
//!
//! Severities: error → `::error`, warning → `::warning`, info → `::notice`. The message carries the primary
//! label, the secondary labels as `path:line:col: text`, then the notes and the help, one per line.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceDb;

/// The workflow command for a severity.
pub fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escape a command's message (the part after `::`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a property value (`file=…`, `title=…`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The annotation's text, before escaping.
pub fn message(db: &SourceDb, d: &Diagnostic) -> String {
    let d = &super::escaped(d);
    let mut s = d.message.clone();
    if !d.primary.message.is_empty() {
        s.push('\n');
        s.push_str(&d.primary.message);
    }
    for l in &d.labels {
        let f = db.get(l.span.file);
        let (line, col) = f.line_col(l.span.start as usize);
        s.push_str(&format!(
            "\n{}:{}:{}: {}",
            super::esc_line(&f.display),
            line,
            col,
            l.message
        ));
    }
    super::push_notes_and_help(&mut s, d);
    s
}

/// One line, without the newline.
pub fn line(db: &SourceDb, d: &Diagnostic) -> String {
    let f = db.get(d.primary.span.file);
    let (line, col) = f.line_col(d.primary.span.start as usize);
    let (end_line, end_col) = f.line_col(d.primary.span.end.max(d.primary.span.start) as usize);
    let mut props = format!("file={},line={line}", escape_property(&super::esc_line(&f.display)));
    if end_line == line {
        props.push_str(&format!(",col={col},endLine={end_line},endColumn={end_col}"));
    } else {
        props.push_str(&format!(",endLine={end_line}"));
    }
    props.push_str(&format!(
        ",title={}",
        escape_property(&format!("{} {}", d.code, d.name))
    ));
    format!("::{} {}::{}", command(d.severity), props, escape_data(&message(db, d)))
}

pub fn render(db: &SourceDb, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&line(db, d));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
    }
}
