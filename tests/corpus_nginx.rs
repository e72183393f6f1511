//! Differential test against `nginx -t`: for every file of the shared corpus
//! whose syntax verdict nginx gave (`nginx-syntax.tsv`), lint502's parser must
//! agree, and for syntax errors give nginx's message and line.

use std::path::PathBuf;

use lint502::parse::nginx;
use lint502::source::{FileId, SourceFile};

/// The corpus lives beside the repository (`../shared/corpus`); CI points
/// `LINT502_CORPUS` at it. A missing corpus fails the test: it must not pass
/// by checking nothing.
fn corpus() -> PathBuf {
    if let Ok(p) = std::env::var("LINT502_CORPUS") {
        return PathBuf::from(p);
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for c in [here.join("../shared/corpus"), PathBuf::from("/work/shared/corpus")] {
        if c.join("nginx-syntax.tsv").exists() {
            return c;
        }
    }
    panic!("corpus not found: set LINT502_CORPUS to the shared corpus folder");
}

/// Rows where the TSV's verdict is not about the file's own syntax, with why.
const TSV_EXCEPTIONS: &[(&str, &str)] = &[(
    "nginx/certbot__certbot__certbot__src__certbot___internal__tests__plugins__nginx__testdata__etc_nginx__broken.conf",
    "nginx stopped at an error inside the included foo.conf (its `http` block's post-configuration) before reading \
     the stray `@@@` on the last line, so the TSV says `no`; the file itself does end in an unterminated statement",
)];

#[test]
fn nginx_syntax_verdicts_match_nginx_t() {
    let root = corpus();
    let tsv = std::fs::read_to_string(root.join("nginx-syntax.tsv")).expect("read nginx-syntax.tsv");
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (c_file, c_syntax, c_cat, c_msg, c_deep_cat, c_deep_msg) = (
        col("file"),
        col("syntax_error"),
        col("category"),
        col("message"),
        col("deep_category"),
        col("deep_message"),
    );
    let mut checked = 0;
    let mut failures = Vec::new();
    for row in lines {
        let f: Vec<&str> = row.split('\t').collect();
        let verdict = f[c_syntax];
        if verdict == "undetermined" || TSV_EXCEPTIONS.iter().any(|(file, _)| *file == f[c_file]) {
            continue;
        }
        let path = root.join(f[c_file]);
        let bytes = std::fs::read(&path).expect("read corpus file");
        let src = SourceFile::new(path.clone(), f[c_file].into(), bytes);
        let parsed = nginx::parse(FileId(0), &src.text);
        checked += 1;
        match (verdict, &parsed.error) {
            ("no", None) => {}
            ("no", Some(e)) => failures.push(format!("{}: nginx parses it, lint502 says {:?}", f[c_file], e.message)),
            ("yes", None) => failures.push(format!("{}: nginx says syntax error, lint502 accepts", f[c_file])),
            ("yes", Some(e)) => {
                let (cat, msg) = if f[c_cat].starts_with("syntax") {
                    (f[c_cat], f[c_msg])
                } else {
                    (f[c_deep_cat], f[c_deep_msg])
                };
                assert!(cat.starts_with("syntax"));
                let (want_msg, want_line) = msg.rsplit_once(" in ").expect("message ends in ` in file:line`");
                let want_line: u32 = want_line.rsplit(':').next().and_then(|l| l.parse().ok()).expect("line");
                let line = e.line.unwrap_or_else(|| src.line_col(e.span.start as usize).0 as u32);
                if want_msg != e.message || want_line != line {
                    failures.push(format!(
                        "{}: nginx `{}` at line {}, lint502 `{}` at line {}",
                        f[c_file], want_msg, want_line, e.message, line
                    ));
                }
            }
            _ => unreachable!("unknown verdict {verdict}"),
        }
    }
    assert!(checked >= 700, "only {checked} corpus files checked");
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_corpus_file_parses_without_panic() {
    let root = corpus().join("nginx");
    let mut n = 0;
    for entry in std::fs::read_dir(&root).expect("corpus/nginx") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let src = SourceFile::new(path, String::new(), bytes);
        let _ = nginx::parse(FileId(0), &src.text);
        n += 1;
    }
    assert_eq!(n, 942);
}

/// "not allowed here" and "unknown directive": for every file nginx read to
/// the end or stopped at one of these two errors, lint502 (checking the file
/// in the context the TSV wrapped it in) must reach the same verdict for at
/// least 95% of them. Every disagreement is printed with the test output.
#[test]
fn context_and_unknown_directive_verdicts_match_nginx_t() {
    use lint502::model::directives::Context;
    use lint502::model::nginx::{ProblemKind, check_in_context};
    use lint502::source::SourceDb;

    let root = corpus();
    let tsv = std::fs::read_to_string(root.join("nginx-syntax.tsv")).expect("read nginx-syntax.tsv");
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (c_file, c_wrap, c_cat, c_deep_cat, c_full, c_msg, c_deep_msg) = (
        col("file"),
        col("wrap"),
        col("category"),
        col("deep_category"),
        col("parsed_fully"),
        col("message"),
        col("deep_message"),
    );
    let (mut total, mut agree) = (0, 0);
    let mut disagreements = Vec::new();
    for row in lines {
        let f: Vec<&str> = row.split('\t').collect();
        let (cat, msg) = if f[c_deep_cat].is_empty() {
            (f[c_cat], f[c_msg])
        } else {
            (f[c_deep_cat], f[c_deep_msg])
        };
        let expected = match cat {
            "not-allowed-here" => "not-allowed",
            "unknown-directive" => "unknown",
            _ if f[c_full] == "yes" => "none",
            _ => continue,
        };
        let cx = match f[c_wrap] {
            "main" | "main+events" => Some(Context::MAIN),
            "http" => Some(Context::HTTP),
            "server" => Some(Context::SERVER),
            "location" => Some(Context::LOCATION),
            // map/types bodies go to nginx's custom handlers: no directive table.
            _ => None,
        };
        let mut db = SourceDb::new();
        let model = check_in_context(&mut db, &root.join(f[c_file]), cx).expect("read corpus file");
        if !model.syntax_errors.is_empty() && expected == "none" {
            continue; // covered by the syntax test
        }
        let mut problems: Vec<_> = model
            .problems
            .iter()
            .filter(|p| matches!(p.kind, ProblemKind::NotAllowed { .. } | ProblemKind::Unknown { .. }))
            .filter(|p| p.span.file == lint502::source::FileId(0))
            .collect();
        problems.sort_by_key(|p| p.span.start);
        let got = match problems.first().map(|p| &p.kind) {
            Some(ProblemKind::NotAllowed { .. }) => "not-allowed",
            Some(ProblemKind::Unknown { .. }) => "unknown",
            _ => "none",
        };
        total += 1;
        if got == expected {
            agree += 1;
        } else {
            let ours = problems
                .first()
                .map(|p| p.nginx_message())
                .unwrap_or_else(|| "nothing".into());
            disagreements.push(format!(
                "{}: nginx ({}) `{}`; lint502 `{}`",
                f[c_file],
                f[c_wrap],
                if msg.is_empty() { "ok" } else { msg },
                ours
            ));
        }
    }
    let rate = agree as f64 / total as f64;
    println!("agreement: {agree}/{total} = {:.1}%", rate * 100.0);
    for d in &disagreements {
        println!("disagree: {d}");
    }
    assert!(total >= 700, "only {total} files compared");
    assert!(
        rate >= 0.95,
        "agreement {:.1}% < 95%:\n{}",
        rate * 100.0,
        disagreements.join("\n")
    );
}

/// Templates (Jinja, Liquid, ERB, consul-template) are recognised and not
/// parsed as nginx; no real nginx file is taken for a template.
#[test]
fn templates_are_recognised_and_nginx_files_are_not() {
    use lint502::discover::{FileKind, classify};
    let root = corpus();
    let mut templated = 0;
    for e in std::fs::read_dir(root.join("nginx-templated")).expect("nginx-templated") {
        let path = e.expect("entry").path();
        let found = classify(&path, true).expect("classified");
        assert_eq!(found.kind, FileKind::Template, "{}", path.display());
        templated += 1;
    }
    assert_eq!(templated, 25);
    for e in std::fs::read_dir(root.join("nginx")).expect("nginx") {
        let path = e.expect("entry").path();
        if let Some(found) = classify(&path, true) {
            assert_ne!(found.kind, FileKind::Template, "{}", path.display());
        }
    }
}
