//! The tool's own diagnostics.
pub mod invalid_suppression;
pub mod outside_checked_folders;
pub mod parse_error;
pub mod suppression_without_reason;
pub mod unused_suppression;

/// Suppressions can stand in any file lint502 reads.
pub const SUPPRESSION_INPUTS: &[crate::discover::FileKind] = &[
    crate::discover::FileKind::Nginx,
    crate::discover::FileKind::Pm2,
    crate::discover::FileKind::Gunicorn,
    crate::discover::FileKind::Launch,
    crate::discover::FileKind::Requirements,
    crate::discover::FileKind::Deploy,
];
