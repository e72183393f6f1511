//! Inputs found by (or written for) the fuzz targets in `fuzz/`: every file
//! in `testdata/fuzz/<target>/` goes through the same entry points and
//! invariants as the target (`fuzz/fuzz_targets/common/mod.rs`, included
//! here), and must not panic. A file name starting with `err-` / `ok-`
//! (`yaml-err-`, `json-ok-`, … for the ecosystem target; `exit0-` /
//! `exit1-` for `check`) also says what the result must be.

mod common;

#[path = "../fuzz/fuzz_targets/common/mod.rs"]
mod fuzzcheck;

use std::path::PathBuf;

/// The files of `testdata/fuzz/<target>/`, sorted, with their names.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = common::root().join("testdata/fuzz").join(target);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no inputs in {}", dir.display());
    paths
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, bytes)
        })
        .collect()
}

/// What the name promises about a syntax error: Some(true) for `<p>err-`,
/// Some(false) for `<p>ok-`, None otherwise.
fn expects_error(name: &str, prefix: &str) -> Option<bool> {
    let rest = name.strip_prefix(prefix)?;
    if rest.starts_with("err-") {
        Some(true)
    } else if rest.starts_with("ok-") {
        Some(false)
    } else {
        None
    }
}

#[test]
fn nginx() {
    let mut bad = Vec::new();
    for (name, data) in inputs("nginx") {
        let file = fuzzcheck::nginx(&data);
        if let Some(err) = expects_error(&name, "")
            && file.error.is_some() != err
        {
            bad.push(format!("{name}: error {:?}", file.error));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn js() {
    let mut bad = Vec::new();
    for (name, data) in inputs("js") {
        let (eco, _code) = fuzzcheck::js(&data);
        if let Some(err) = expects_error(&name, "")
            && eco.is_err() != err
        {
            bad.push(format!("{name}: {:?}", eco.as_ref().err()));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn yaml_ecosystem() {
    let mut bad = Vec::new();
    for (name, data) in inputs("yaml_ecosystem") {
        let (json, yaml) = fuzzcheck::ecosystem(&data);
        if let Some(err) = expects_error(&name, "json-")
            && json.is_err() != err
        {
            bad.push(format!("{name}: {:?}", json.as_ref().err()));
        }
        if let Some(err) = expects_error(&name, "yaml-")
            && yaml.is_err() != err
        {
            bad.push(format!("{name}: {:?}", yaml.as_ref().err()));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn python() {
    let mut bad = Vec::new();
    for (name, data) in inputs("python") {
        let (module, _script) = fuzzcheck::python(&data);
        if let Some(err) = expects_error(&name, "")
            && module.error.is_some() != err
        {
            bad.push(format!("{name}: error {:?}", module.error));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn requirements() {
    let mut bad = Vec::new();
    for (name, data) in inputs("requirements") {
        let (file, manifests) = fuzzcheck::requirements(&data);
        let Some(err) = expects_error(&name, "") else {
            continue;
        };
        // `.toml` inputs are judged as pyproject.toml, the rest as pip files.
        let errors = if name.ends_with(".toml") {
            &manifests[0].errors
        } else {
            &file.errors
        };
        if errors.is_empty() == err {
            bad.push(format!("{name}: errors {errors:?}"));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// `check` inputs, through the `lint502` binary: written out as the fuzz
/// target writes them, then `lint502 check . --format json`, which must end
/// with exit code 0 or 1 (not 101, a panic, nor a signal) and print a JSON
/// report; then in-process, with the span invariants of every diagnostic.
#[test]
fn check() {
    for (name, data) in inputs("check") {
        run_check(&name, &data);
    }
}

fn run_check(name: &str, data: &[u8]) {
    let dir = common::temp_dir("fuzz-check");
    fuzzcheck::write_repo(data, &dir);
    let out = common::lint502(&["check", ".", "--format", "json"], &dir);
    let code = out.status.code();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(code, Some(0 | 1)), "{name}: exit {code:?}\n{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{name}: JSON report does not parse: {e}\n{stderr}"));
    assert!(report["diagnostics"].is_array(), "{name}: {report}");
    if let Some(expected) = name.strip_prefix("exit").and_then(|r| r.chars().next()) {
        let want = expected.to_digit(10).map(|d| d as i32);
        assert_eq!(code, want, "{name}: {}", String::from_utf8_lossy(&out.stdout));
    }
    let json = fuzzcheck::check_dir(&dir);
    assert!(json.contains("\"diagnostics\""), "{name}: {json}");
    let _ = std::fs::remove_dir_all(&dir);
}
