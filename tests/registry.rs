//! Meta-tests over the rule registry, pages and cases.

mod common;

use lint502::rules::{Group, RULES};

#[test]
fn codes_and_names_are_unique_sorted_and_well_formed() {
    let mut codes: Vec<&str> = RULES.iter().map(|r| r.meta.code).collect();
    let sorted = {
        let mut s = codes.clone();
        s.sort_unstable();
        s
    };
    assert_eq!(codes, sorted, "RULES must be sorted by code");
    codes.dedup();
    assert_eq!(codes.len(), RULES.len(), "duplicate codes");
    let mut names: Vec<&str> = RULES.iter().map(|r| r.meta.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), RULES.len(), "duplicate names");
    for r in RULES {
        let m = r.meta;
        assert!(
            m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}: name not kebab-case",
            m.code
        );
        let prefix: String = m.code.chars().take_while(|c| c.is_ascii_uppercase()).collect();
        let digits = &m.code[prefix.len()..];
        assert!(
            digits.len() == 3 && digits.chars().all(|c| c.is_ascii_digit()),
            "{}: three digits",
            m.code
        );
        match prefix.as_str() {
            "LNT" => assert_eq!(m.group, Group::Tool, "{}", m.code),
            "NGX" => assert_eq!(m.inputs, &[lint502::discover::FileKind::Nginx], "{}", m.code),
            // Cross-file rules compare nginx with backends; they run whenever
            // nginx is present and stay silent without a backend.
            "GUN" => assert_eq!(m.inputs, &[lint502::discover::FileKind::Gunicorn], "{}", m.code),
            "PM" => assert_eq!(m.inputs, &[lint502::discover::FileKind::Pm2], "{}", m.code),
            "PY" => assert_eq!(m.inputs, &[lint502::discover::FileKind::Requirements], "{}", m.code),
            "X" => assert!(!m.inputs.is_empty(), "{}", m.code),
            other => panic!("{}: unknown prefix {other}", m.code),
        }
        assert!(!m.summary.ends_with('.'), "{}: summary ends with a period", m.code);
    }
}

const HEADINGS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Exceptions",
    "## Suppression",
    "## Observed",
    "## References",
];

#[test]
fn every_rule_has_a_page_with_the_headings() {
    for r in RULES {
        let m = r.meta;
        let first = m.doc.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!("# {} {}", m.code, m.name),
            "{}: first line of lints/{}.md",
            m.code,
            m.code
        );
        let mut at = 0;
        for h in HEADINGS {
            let pos = m.doc[at..]
                .find(&format!("\n{h}\n"))
                .unwrap_or_else(|| panic!("{}: missing or misplaced `{h}`", m.code));
            at += pos + 1;
        }
    }
}

#[test]
fn every_rule_has_bad_and_good_cases_and_no_orphans() {
    let cases = common::cases();
    for r in RULES {
        let code = r.meta.code;
        let names: Vec<String> = cases
            .iter()
            .filter(|(c, _)| c == code)
            .map(|(_, p)| p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned())
            .collect();
        assert!(names.iter().any(|n| n.starts_with("bad-")), "{code}: no bad-* case");
        assert!(names.iter().any(|n| n.starts_with("good-")), "{code}: no good-* case");
    }
    for (code, dir) in &cases {
        assert!(
            lint502::rules::find(code).is_some(),
            "orphan case folder {}",
            dir.display()
        );
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let has_expected = dir.join("expected.txt").exists();
        assert_eq!(
            has_expected,
            name.starts_with("bad-"),
            "{}: expected.txt belongs to bad-* cases only",
            dir.display()
        );
    }
}

#[test]
fn lints_readme_is_generated_from_the_registry() {
    let path = common::root().join("lints/README.md");
    let want = lint502::cli::rules_listing(lint502::cli::RulesFormat::Markdown);
    if std::env::var_os("LINT502_BLESS").is_some() {
        std::fs::write(&path, &want).expect("write lints/README.md");
    }
    let got = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        got, want,
        "lints/README.md is stale: run `lint502 rules --format markdown > lints/README.md`"
    );
}
