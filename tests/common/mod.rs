//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use lint502::check::{Options, check};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `check` on `dir` and render each diagnostic as a short line with
/// paths relative to `dir`.
pub fn short_lines(dir: &Path, select: &[&str]) -> Vec<String> {
    let opts = Options {
        select: select.iter().map(|s| s.to_string()).collect(),
        ..Options::default()
    };
    let out = check(&[dir.to_path_buf()], &opts);
    let prefix = lint502::source::display_path(dir) + "/";
    out.diagnostics
        .iter()
        .map(|d| lint502::report::short(&out.db, d).replacen(&prefix, "", 1))
        .collect()
}

/// The codes `check` reports for `dir`, with all rules on.
pub fn codes(dir: &Path) -> Vec<&'static str> {
    let out = check(&[dir.to_path_buf()], &Options::default());
    let mut c: Vec<&'static str> = out.diagnostics.iter().map(|d| d.code).collect();
    c.sort_unstable();
    c.dedup();
    c
}

/// A fresh empty folder under the system temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let p = std::env::temp_dir().join(format!(
        "lint502-test-{}-{}-{}",
        tag,
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).expect("create temp dir");
    p
}

/// Case folders of `testdata/rules/<CODE>/`.
pub fn cases() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let base = root().join("testdata/rules");
    let Ok(codes) = std::fs::read_dir(&base) else {
        return out;
    };
    for code in codes.flatten() {
        let Ok(cases) = std::fs::read_dir(code.path()) else {
            continue;
        };
        for case in cases.flatten() {
            if case.path().is_dir() {
                out.push((code.file_name().to_string_lossy().into_owned(), case.path()));
            }
        }
    }
    out.sort();
    out
}

/// Run the built `lint502` binary in `cwd`, without colour.
pub fn lint502(args: &[&str], cwd: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_lint502"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run lint502")
}

/// Copy a folder tree (files and folders only).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).expect("copy");
        }
    }
}
