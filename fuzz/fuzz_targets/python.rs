#![no_main]
//! Python files: `parse::python::parse_module` and `parse_script`.

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::python(data);
});
