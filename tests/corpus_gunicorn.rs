//! The shared corpus of real gunicorn config files: every file must be read
//! without a syntax error (all are valid Python), and, as a differential
//! check against Python's own parser, lint502 must find the same top-level
//! assignments as `ast` does, with the same value wherever `ast.literal_eval`
//! accepts the expression. The oracle is testdata/parse/python/
//! gunicorn-oracle.tsv, written by scripts/gunicorn_oracle.py (no Python is
//! needed to run this test).

use std::collections::BTreeMap;
use std::path::PathBuf;

use lint502::model::gunicorn;
use lint502::model::value::Value;
use lint502::parse::python::{self, py_float_repr};
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
        if c.join("gunicorn").is_dir() {
            return c;
        }
    }
    panic!("corpus not found: set LINT502_CORPUS to the shared corpus folder");
}

/// A value as scripts/gunicorn_oracle.py renders one (None: not a literal).
fn render(v: &Value) -> Option<String> {
    Some(match v {
        Value::Str(s) => serde_json::to_string(s).ok()?,
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("float:{}", py_float_repr(*f)),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::List(xs) => {
            let items: Option<Vec<String>> = xs.iter().map(|x| render(&x.value)).collect();
            format!("[{}]", items?.join(", "))
        }
        Value::Map(xs) => {
            let items: Option<Vec<String>> = xs
                .iter()
                .map(|(k, v)| {
                    Some(format!(
                        "{}: {}",
                        serde_json::to_string(&k.value).ok()?,
                        render(&v.value)?
                    ))
                })
                .collect();
            format!("{{{}}}", items?.join(", "))
        }
        Value::Env { .. } | Value::Symbolic(_) | Value::Unknown(_) => return None,
    })
}

/// What kind of value a setting got, for the summary.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Env { default: Some(d), .. } => match kind(&d.value) {
            "known" => "env (known default)",
            _ => "env (default not known)",
        },
        Value::Env { default: None, .. } => "env (no default)",
        Value::Symbolic(_) => "symbolic",
        Value::Unknown(_) => "unknown",
        v if render(v).is_some() => "known",
        _ => "known in part",
    }
}

struct Row {
    line: usize,
    name: String,
    conditional: bool,
    value: String,
}

#[test]
fn gunicorn_corpus_matches_python_ast() {
    let root = corpus();
    let oracle_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/parse/python/gunicorn-oracle.tsv");
    let tsv = std::fs::read_to_string(&oracle_path).expect("read gunicorn-oracle.tsv");
    let mut lines = tsv.lines();
    assert_eq!(lines.next(), Some("file\tline\tname\tconditional\tvalue"));
    let mut oracle: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for row in lines {
        let f: Vec<&str> = row.split('\t').collect();
        assert_eq!(f.len(), 5, "{row}");
        oracle.entry(f[0].to_owned()).or_default().push(Row {
            line: f[1].parse().expect("line"),
            name: f[2].to_owned(),
            conditional: f[3] == "1",
            value: f[4].to_owned(),
        });
    }

    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("gunicorn"))
        .expect("read corpus/gunicorn")
        .map(|e| e.expect("dir entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no files in corpus/gunicorn");

    let mut failures = Vec::new();
    let mut compared = 0;
    let mut kinds: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut unknown_reasons: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut misspelled = Vec::new();
    let mut hooks = 0;
    let mut seen = Vec::new();
    for path in &files {
        let rel = format!(
            "gunicorn/{}",
            path.file_name().and_then(|n| n.to_str()).expect("file name")
        );
        let bytes = std::fs::read(path).expect("read corpus file");
        let src = SourceFile::new(path.clone(), rel.clone(), bytes);
        let module = python::parse_module(FileId(0), &src.text);
        if let Some(e) = &module.error {
            let (line, col) = src.line_col(e.span.start as usize);
            failures.push(format!("{rel}:{line}:{col}: unexpected syntax error `{}`", e.message));
        }
        seen.push(rel.clone());

        // Same assignments as Python's ast, in the same order.
        let ours: Vec<(usize, &str, bool, &Value)> = module
            .assignments
            .iter()
            .map(|a| {
                let (line, _) = src.line_col(a.target.span.start as usize);
                (line, a.target.value.as_str(), a.conditional, &a.value.value)
            })
            .collect();
        let theirs = oracle.get(&rel).map(Vec::as_slice).unwrap_or_default();
        let ours_keys: Vec<(usize, &str, bool)> = ours.iter().map(|(l, n, c, _)| (*l, *n, *c)).collect();
        let theirs_keys: Vec<(usize, &str, bool)> = theirs
            .iter()
            .map(|r| (r.line, r.name.as_str(), r.conditional))
            .collect();
        if ours_keys != theirs_keys {
            failures.push(format!(
                "{rel}: assignments differ\n  python:  {theirs_keys:?}\n  lint502: {ours_keys:?}"
            ));
        } else {
            for (r, (_, _, _, v)) in theirs.iter().zip(&ours) {
                if r.value == "?" {
                    continue;
                }
                compared += 1;
                let got = render(v);
                if got.as_deref() != Some(r.value.as_str()) {
                    failures.push(format!(
                        "{rel}:{}: `{}`: python {}, lint502 {:?}",
                        r.line, r.name, r.value, v
                    ));
                }
            }
        }

        let cfg = gunicorn::read(&module);
        hooks += cfg.hooks.len();
        for (name, value) in &cfg.settings {
            let computed = cfg.env_dependent.iter().any(|(n, _)| n.span == name.span);
            let k = if computed && kind(&value.value) == "known" {
                "known (default of a value computed from env)"
            } else {
                kind(&value.value)
            };
            if let Value::Env { name: var, .. } = &value.value {
                assert!(!var.contains(','), "{rel}: {var}");
            }
            *kinds.entry(k).or_default() += 1;
            if let Value::Unknown(reason) = &value.value {
                let (line, _) = src.line_col(value.span.start as usize);
                unknown_reasons
                    .entry(reason.clone())
                    .or_default()
                    .push(format!("{rel}:{line} {}", name.value));
            }
        }
        for (name, setting) in &cfg.misspelled {
            let (line, _) = src.line_col(name.span.start as usize);
            misspelled.push(format!("{rel}:{line}: `{}` (gunicorn setting `{setting}`)", name.value));
        }
    }
    for file in oracle.keys() {
        if !seen.contains(file) {
            failures.push(format!(
                "{file}: in the oracle but not in the corpus (regenerate the oracle)"
            ));
        }
    }

    let total: usize = kinds.values().sum();
    println!(
        "{} files, {compared} literal values compared with Python's ast",
        files.len()
    );
    println!("{total} setting assignments, {hooks} hooks written with def:");
    for (k, n) in &kinds {
        println!("  {n:4}  {k}");
    }
    println!("unknown setting values, by reason:");
    for (reason, at) in &unknown_reasons {
        println!("  {reason}: {}", at.join(", "));
    }
    println!("misspelled settings:");
    for m in &misspelled {
        println!("  {m}");
    }

    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(compared > 300, "only {compared} values compared");
    // The corpus README names these two.
    for name in ["`acceslogformat`", "`log_level`"] {
        assert!(
            misspelled.iter().any(|m| m.contains(name)),
            "{name} not reported as misspelled"
        );
    }
}
