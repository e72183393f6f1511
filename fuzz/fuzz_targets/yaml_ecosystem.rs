#![no_main]
//! PM2 ecosystem files in JSON/JSON5 and YAML: `parse::pm2::parse_file` (Json, Yaml).

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = common::ecosystem(data);
});
