//! Compiles the bundled tables into static arrays, so that a run does not split ~300 KB of TSV at
//! start-up (that was most of the instructions of a small deployment's check; see the README's
//! performance section):
//! - `data/python/*.tsv` into sorted arrays looked up by binary search (`src/model/pydata.rs`
//!   documents the columns);
//! - `data/nginx/directives.tsv` into its rows, fields and flag names already split
//!   (`src/model/directives.rs` turns flag names into bits).
//!
//! The TSV files stay the source of truth. Rows without the expected columns are skipped, as the
//! runtime readers did.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

fn rows(text: &str, n: usize) -> Vec<Vec<&str>> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|c| c.len() == n)
        .collect()
}

/// A Python `(major, minor)` version.
type Version = (u8, u8);

fn version(s: &str) -> Option<Version> {
    let (a, b) = s.split_once('.')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

fn read(path: &str) -> String {
    println!("cargo::rerun-if-changed={path}");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("build.rs: cannot read {path}: {e}"))
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let stdlib = read("data/python/stdlib.tsv");
    let names = read("data/python/import-names.tsv");
    let extras = read("data/python/extras.tsv");
    let closures = read("data/python/closures.tsv");
    let mut out = String::new();

    let mut std_rows: BTreeMap<&str, (Version, Version)> = BTreeMap::new();
    for c in rows(&stdlib, 3) {
        if let (Some(first), Some(last)) = (version(c[1]), version(c[2])) {
            std_rows.insert(c[0], (first, last));
        }
    }
    out.push_str("/// stdlib.tsv: (module, first, last), sorted by module.\n");
    out.push_str("pub static STDLIB: &[(&str, (u8, u8), (u8, u8))] = &[\n");
    for (name, (f, l)) in &std_rows {
        let _ = writeln!(out, "    ({name:?}, ({}, {}), ({}, {})),", f.0, f.1, l.0, l.1);
    }
    out.push_str("];\n");

    // Modules in table order within each distribution.
    let mut modules: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in rows(&names, 4) {
        let mods = modules.entry(c[0]).or_default();
        if c[1] != "-" {
            mods.push(c[1]);
        }
    }
    out.push_str("/// import-names.tsv: (distribution, modules), sorted by distribution.\n");
    out.push_str("pub static MODULES: &[(&str, &[&str])] = &[\n");
    for (dist, mods) in &modules {
        let _ = writeln!(out, "    ({dist:?}, &{mods:?}),");
    }
    out.push_str("];\n");

    // closures.tsv first, then extras.tsv, which wins where both have a row.
    let mut closure_rows: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for text in [&closures, &extras] {
        for c in rows(text, 4) {
            let brings = if c[3] == "-" {
                Vec::new()
            } else {
                c[3].split(',').collect()
            };
            closure_rows.insert((c[0], c[1]), brings);
        }
    }
    out.push_str("/// extras.tsv over closures.tsv: (distribution, extra or \"-\", closure), sorted.\n");
    out.push_str("pub static EXTRAS: &[(&str, &str, &[&str])] = &[\n");
    for ((dist, extra), brings) in &closure_rows {
        let _ = writeln!(out, "    ({dist:?}, {extra:?}, &{brings:?}),");
    }
    out.push_str("];\n");

    let dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&dir).join("pydata_tables.rs"), out).expect("write pydata_tables.rs");

    // nginx directives: (name, module, module type, flag names, origin), sorted
    // by name; rows of one name keep their file order (a stable sort), which
    // `Table::from_commands` relies on for its binary search.
    let tsv = read("data/nginx/directives.tsv");
    let mut rows: Vec<[&str; 5]> = Vec::new();
    for line in tsv.lines() {
        if line.starts_with('#') || line.starts_with("name\t") || line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if let [name, module, mtype, flags, origin] = f[..] {
            rows.push([name, module, mtype, flags, origin]);
        }
    }
    rows.sort_by_key(|r| r[0]);
    // Each row is a call of the const fn `directives::command`, evaluated at
    // compile time.
    let mut out = String::from("pub static COMMANDS: &[Option<super::Command>] = &[\n");
    for [name, module, mtype, flags, origin] in rows {
        let flags: Vec<&str> = flags.split('|').collect();
        let _ = writeln!(
            out,
            "    super::command({name:?}, {module:?}, {mtype:?}, &{flags:?}, {origin:?}),"
        );
    }
    out.push_str("];\n");
    std::fs::write(Path::new(&dir).join("nginx_directives.rs"), out).expect("write nginx_directives.rs");
}
