//! What a rule reports. Renderers (src/report/) turn these into text, JSON…;
//! only `report/text.rs` knows about codespan.

use serde::Serialize;

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A span with a message; secondary labels may be in other files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// Lowercase, no trailing period: what was found and what was expected.
    pub message: String,
    pub primary: Label,
    pub labels: Vec<Label>,
    /// Why it matters (nginx's own wording goes here too).
    pub notes: Vec<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// Edits `lint502 check --fix` may apply (see `crate::fix`).
    pub fixes: Vec<Fix>,
}

/// Which end of a cross-file disagreement a fix changes: the user chooses
/// with `--fix-side`, because either can be the intended one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FixSide {
    Nginx,
    Backend,
}

/// A set of edits that resolves one diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What it does, for the report: "add `PyYAML==6.0.2` to requirements.txt".
    pub title: String,
    /// None: safe to apply with plain `--fix`; Some: only with that
    /// `--fix-side`.
    pub side: Option<FixSide>,
    pub edits: Vec<Edit>,
}

/// Replace the bytes of `span` (empty: insert at its start) with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

impl Diagnostic {
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }
}
