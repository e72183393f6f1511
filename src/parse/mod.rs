//! Parsers. pest's parse trees never leave this module: each format turns
//! them into its own spanned AST.

pub mod command;
pub mod dotenv;
pub mod launch;
pub mod manifest;
pub mod nginx;
pub mod nodecode;
pub mod pm2;
pub mod python;
pub mod requirements;

/// A syntax error, in the wording of the program that owns the format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The message as the real program prints it (nginx: without ` in file:line`).
    pub message: String,
    /// Where the reader stopped.
    pub span: crate::source::Span,
    /// The 1-based line the real program reports, when it differs from the
    /// line of `span.start` (nginx reports some errors at a token's first line).
    pub line: Option<u32>,
}
