#![no_main]
//! PM2 `*.config.js` ecosystem files and Node entry files: `parse::pm2::parse_file` (Js) and `parse::nodecode::scan`.

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = common::js(data);
});
