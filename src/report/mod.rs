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
        f.display,
        line,
        col,
        d.severity.as_str(),
        d.code,
        d.message
    )
}
