//! Each rule against its cases in `testdata/rules/<CODE>/`:
//! - `bad-*`: with only that rule selected, the output equals `expected.txt`
//!   (short format, paths relative to the case); with all rules, only that
//!   rule fires. `LINT502_BLESS=1` rewrites `expected.txt`.
//! - `good-*`: silent, with that rule alone and with all rules.

mod common;

#[test]
fn rule_cases() {
    let bless = std::env::var_os("LINT502_BLESS").is_some();
    let cases = common::cases();
    assert!(!cases.is_empty(), "no cases under testdata/rules");
    let mut failures = Vec::new();
    for (code, dir) in &cases {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let lines = common::short_lines(dir, &[code]);
        let all = common::codes(dir);
        if name.starts_with("bad-") {
            let expected_path = dir.join("expected.txt");
            let got = lines.join("\n") + "\n";
            if bless {
                std::fs::write(&expected_path, &got).expect("write expected.txt");
            }
            let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
            if lines.is_empty() {
                failures.push(format!("{code}/{name}: the rule does not fire"));
            } else if want != got {
                failures.push(format!(
                    "{code}/{name}: output differs from expected.txt\n--- expected\n{want}--- got\n{got}"
                ));
            }
            if all != vec![code.as_str()] {
                failures.push(format!("{code}/{name}: with all rules, fired {all:?}"));
            }
        } else if name.starts_with("good-") {
            if !lines.is_empty() || !all.is_empty() {
                failures.push(format!("{code}/{name}: expected silence, got {lines:?} / {all:?}"));
            }
        } else {
            failures.push(format!("{code}/{name}: case names start with bad- or good-"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Messages are lowercase and have no trailing period (clippy's meta-test).
#[test]
fn messages_are_lowercase_without_period() {
    let mut bad = Vec::new();
    for (code, dir) in common::cases() {
        let out = lint502::check::check(std::slice::from_ref(&dir), &lint502::check::Options::default());
        for d in &out.diagnostics {
            let first = d.message.chars().next().unwrap_or('a');
            if first.is_uppercase() || d.message.ends_with('.') {
                bad.push(format!("{code}: {}", d.message));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
