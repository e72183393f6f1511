#![no_main]
//! pip requirements files (`parse::requirements::parse`) and manifests (`parse::manifest::parse`).

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::requirements(data);
});
