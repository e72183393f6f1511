//! `--format json`: `{"version": 1, "diagnostics": [...], "summary": {...}}`.
//! Lines and columns are 1-based; columns count characters; offsets are
//! bytes; paths are relative to the working directory. The schema is
//! documented in the README ("JSON output").

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::report::Summary;
use crate::source::{SourceDb, Span};

#[derive(Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

#[derive(Serialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

#[derive(Serialize)]
pub struct JsonLabel {
    pub path: String,
    pub range: Range,
    pub message: String,
}

#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub path: String,
    pub range: Range,
    pub labels: Vec<JsonLabel>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

#[derive(Serialize)]
pub struct Envelope {
    pub version: u32,
    pub diagnostics: Vec<JsonDiagnostic>,
    pub summary: Summary,
}

pub fn range(db: &SourceDb, span: Span) -> Range {
    let f = db.get(span.file);
    let pos = |o: usize| {
        let (line, column) = f.line_col(o);
        Position {
            line,
            column,
            offset: o,
        }
    };
    Range {
        start: pos(span.start as usize),
        end: pos(span.end as usize),
    }
}

fn label(db: &SourceDb, l: &Label) -> JsonLabel {
    JsonLabel {
        path: super::esc_line(&db.get(l.span.file).display),
        range: range(db, l.span),
        message: super::esc_line(&l.message),
    }
}

pub fn envelope(db: &SourceDb, diags: &[Diagnostic], summary: Summary) -> Envelope {
    Envelope {
        version: 1,
        diagnostics: diags
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code,
                name: d.name,
                severity: d.severity,
                message: super::esc_line(&d.message),
                path: super::esc_line(&db.get(d.primary.span.file).display),
                range: range(db, d.primary.span),
                labels: d.labels.iter().map(|l| label(db, l)).collect(),
                notes: d.notes.iter().map(|n| super::esc_multi(n)).collect(),
                help: d.help.as_deref().map(super::esc_multi),
            })
            .collect(),
        summary,
    }
}

pub fn render(db: &SourceDb, diags: &[Diagnostic], summary: Summary) -> String {
    serde_json::to_string_pretty(&envelope(db, diags, summary)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
