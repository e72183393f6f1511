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
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
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
