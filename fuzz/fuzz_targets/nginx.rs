#![no_main]
//! nginx configuration files: `lint502::parse::nginx::parse` (see common::nginx).

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::nginx(data);
});
