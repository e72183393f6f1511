//! `lint502 check --fix`: apply the edits rules attach to their diagnostics.
//!
//! Only fixes that are safe to apply without a choice run by default (add a
//! missing requirement line). A fix that changes one end of a cross-file
//! disagreement (a port on the nginx side or on the backend side) runs only
//! when `--fix-side` names that end: lint502 cannot know which one is right.
//!
//! Each fix is applied whole or not at all; a fix whose edits overlap an
//! edit already chosen is skipped (the next run picks it up). Files are
//! written through a temporary file in the same folder and renamed over the
//! original, so a crash never leaves half a file. A file whose bytes are not
//! valid UTF-8 is never edited (rules offer no fixes there).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Edit, FixSide};
use crate::source::{FileId, SourceDb};

#[derive(Debug, Default)]
pub struct Outcome {
    /// The titles of the fixes applied, in order.
    pub applied: Vec<String>,
    /// Findings whose fixes need `--fix-side`, when none was given.
    pub needs_side: usize,
    /// Fixes skipped because they overlap another fix.
    pub overlapping: usize,
    /// Files that could not be written: path and error.
    pub errors: Vec<(PathBuf, String)>,
    pub files_changed: Vec<PathBuf>,
}

/// Two edits touch the same bytes. Insertions at one point do not overlap:
/// they are applied in the order they were chosen.
fn overlaps(a: &Edit, b: &Edit) -> bool {
    let insert = |e: &Edit| e.span.start == e.span.end;
    if a.span.file != b.span.file || (insert(a) && insert(b)) {
        return false;
    }
    a.span.start < b.span.end.max(b.span.start + 1) && b.span.start < a.span.end.max(a.span.start + 1)
}

/// Apply the fixes of `diagnostics` allowed by `side`.
pub fn apply(db: &SourceDb, diagnostics: &[Diagnostic], side: Option<FixSide>) -> Outcome {
    let mut out = Outcome::default();
    let mut chosen: Vec<Edit> = Vec::new();
    for d in diagnostics {
        // A finding whose only fixes change one end, with no end chosen.
        if side.is_none() && !d.fixes.is_empty() && d.fixes.iter().all(|f| f.side.is_some()) {
            out.needs_side += 1;
        }
        for fix in &d.fixes {
            if fix.side.is_some() && fix.side != side {
                continue;
            }
            if fix
                .edits
                .iter()
                .any(|e| chosen.iter().any(|c| overlaps(c, e) && c != e))
            {
                out.overlapping += 1;
                continue;
            }
            // The same edit offered twice (one fix for two findings) is one edit.
            for e in &fix.edits {
                if !chosen.contains(e) {
                    chosen.push(e.clone());
                }
            }
            out.applied.push(fix.title.clone());
        }
    }
    let mut by_file: BTreeMap<FileId, Vec<(usize, &Edit)>> = BTreeMap::new();
    for (i, e) in chosen.iter().enumerate() {
        by_file.entry(e.span.file).or_default().push((i, e));
    }
    for (file, mut edits) in by_file {
        let f = db.get(file);
        if f.lossy {
            continue;
        }
        // From the end of the file backwards, so earlier offsets stay valid;
        // at one point, the later-chosen insertion first, so the text reads
        // in the chosen order.
        edits.sort_by_key(|(i, e)| std::cmp::Reverse((e.span.start, e.span.end, *i)));
        let mut text = f.text.clone();
        let mut ok = true;
        for (_, e) in edits {
            let (s, t) = (e.span.start as usize, e.span.end as usize);
            if t > text.len() || s > t || !text.is_char_boundary(s) || !text.is_char_boundary(t) {
                ok = false;
                break;
            }
            text.replace_range(s..t, &e.text);
        }
        if !ok {
            out.errors
                .push((f.path.clone(), "an edit falls outside the file".into()));
            continue;
        }
        match write_atomically(&f.path, text.as_bytes()) {
            Ok(()) => out.files_changed.push(f.path.clone()),
            Err(e) => out.errors.push((f.path.clone(), e.to_string())),
        }
    }
    out
}

fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.lint502-fix.tmp"));
    std::fs::write(&tmp, bytes)?;
    // Keep the original's permissions (a script stays executable).
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
