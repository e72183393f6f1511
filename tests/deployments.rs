//! Whole example deployments (`testdata/deployments/<scenario>/`): with all
//! rules on, the output equals the scenario's `expected.txt` (short format,
//! paths relative to the scenario), or is empty when there is none.
//! `LINT502_BLESS=1` rewrites the expected files that exist.

mod common;

#[test]
fn deployments_match_their_expected_output() {
    let base = common::root().join("testdata/deployments");
    let mut dirs: Vec<_> = std::fs::read_dir(&base)
        .expect("testdata/deployments")
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 2);
    let mut failures = Vec::new();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        let got: String = common::short_lines(dir, &[]).iter().map(|l| format!("{l}\n")).collect();
        let expected_path = dir.join("expected.txt");
        if std::env::var_os("LINT502_BLESS").is_some() && expected_path.exists() {
            std::fs::write(&expected_path, &got).expect("write");
        }
        let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != want {
            failures.push(format!("{}:\n--- expected\n{want}--- got\n{got}", dir.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
