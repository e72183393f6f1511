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

/// Append one UTF-16 code unit of a JavaScript string escape (`\uD83D\uDE00`)
/// to `out`: a high surrogate waits in `pending` for its low half; a lone
/// surrogate becomes U+FFFD (as JavaScript's string-to-UTF-8 conversion
/// does). Shared by the PM2 file reader and the Node entry-file scanner.
pub(crate) fn push_utf16_unit(out: &mut String, pending: &mut Option<u32>, u: u32) {
    if (0xD800..0xDC00).contains(&u) {
        if pending.replace(u).is_some() {
            out.push('\u{FFFD}');
        }
        return;
    }
    if (0xDC00..0xE000).contains(&u) {
        match pending.take() {
            Some(h) => out.push(char::from_u32(0x10000 + ((h - 0xD800) << 10) + (u - 0xDC00)).unwrap_or('\u{FFFD}')),
            None => out.push('\u{FFFD}'),
        }
        return;
    }
    if pending.take().is_some() {
        out.push('\u{FFFD}');
    }
    out.push(char::from_u32(u).unwrap_or('\u{FFFD}'));
}
