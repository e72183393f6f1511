//! The tool's own diagnostics.
pub mod parse_error;
