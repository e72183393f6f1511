#![no_main]
//! The whole `lint502::check::check` over a small repository written from
//! the input (see common::split for the format) into a folder under
//! /dev/shm, then the JSON and text reports.

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        base.join(format!("lint502-fuzz-{}", std::process::id())).join("repo")
    })
}

/// Where each input is copied before it runs. A stack overflow kills the
/// process before libFuzzer can save the input (its SIGSEGV handler does not
/// run on an alternate stack), so the input that crashed is this file:
/// `/dev/shm/lint502-fuzz-<pid>/last-input` of the process that died.
fn last_input() -> &'static PathBuf {
    static LAST: OnceLock<PathBuf> = OnceLock::new();
    LAST.get_or_init(|| {
        let last = dir().with_file_name("last-input");
        if let Some(parent) = last.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        last
    })
}

fuzz_target!(|data: &[u8]| {
    let dir = dir();
    let _ = std::fs::write(last_input(), data);
    common::write_repo(data, dir);
    common::check_dir(dir);
});
