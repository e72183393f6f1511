//! Every PM2 ecosystem file of the shared corpus (`corpus/pm2/`) is read
//! without panicking; the malformed ones give a syntax error, all others
//! parse. Prints what the model found (apps, and how many of their options
//! are statically known).
//!
//! Decisions:
//! - `lib/templates/*.tpl` are the JavaScript files `pm2 init` writes out as
//!   `ecosystem.config.js`; they are read as JavaScript and must parse.
//! - Syntax errors: `examples/misc-examples/malformated.json` (an
//!   unterminated string) and `test/fixtures/process.json`, which holds a
//!   single newline: PM2 evaluates `(` + text + `)`, and `(\n)` is not an
//!   expression.
//! - `test/fixtures/yaml-configuration/malformated.yml` is `{ "ASDSDASD":
//!   "ASDSADSAD" }`, a valid YAML flow mapping (js-yaml, PyYAML and
//!   yaml-rust2 all read it). PM2's e2e test (`yaml-configuration.sh`)
//!   expects 0 processes because the one "app" has no `script` ("No script
//!   path - aborting"), not because of YAML syntax. So it must parse, and the
//!   model must find one app without a script whose only key is unknown.

use std::path::{Path, PathBuf};

use lint502::model::pm2::{self as model, Pm2App};
use lint502::model::value::{Spanned, Value};
use lint502::parse::pm2::{self, Pm2Format};
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
        if c.join("pm2").is_dir() {
            return c;
        }
    }
    panic!("corpus not found: set LINT502_CORPUS to the shared corpus folder");
}

/// Files that must give a syntax error.
const SYNTAX_ERRORS: &[&str] = &[
    "Unitech__pm2__examples__misc-examples__malformated.json",
    "Unitech__pm2__test__fixtures__process.json",
];

const MALFORMED_YAML: &str = "Unitech__pm2__test__fixtures__yaml-configuration__malformated.yml";

fn format_for(path: &Path) -> Option<Pm2Format> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    if name.ends_with(".tpl") {
        return Some(Pm2Format::Js);
    }
    if let Some(f) = pm2::format_of(path) {
        return Some(f);
    }
    // Corpus names flatten the path: `…__process.config.js` ends in
    // `.config.js` already; plain `.js` / `.cjs` / `.mjs` are read as JS too.
    [".js", ".cjs", ".mjs"]
        .iter()
        .any(|e| name.ends_with(e))
        .then_some(Pm2Format::Js)
}

/// Known / env lookup / unknown counts for one option.
#[derive(Default)]
struct Tally {
    present: usize,
    known: usize,
    env: usize,
    unknown: usize,
}

impl Tally {
    fn add(&mut self, v: Option<&Spanned<Value>>) {
        let Some(v) = v else { return };
        self.present += 1;
        match v.value {
            Value::Unknown(_) => self.unknown += 1,
            Value::Env { .. } => self.env += 1,
            _ => self.known += 1,
        }
    }
    fn line(&self, what: &str) -> String {
        format!(
            "{what:<16} present {:>3}  known {:>3}  env lookup {:>2}  unknown {:>2}",
            self.present, self.known, self.env, self.unknown
        )
    }
}

#[test]
fn every_corpus_ecosystem_file_reads() {
    let dir = corpus().join("pm2");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read corpus/pm2")
        .map(|e| e.expect("dir entry").path())
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 100,
        "expected the 124 files of corpus/pm2, found {}",
        paths.len()
    );

    let mut failures = Vec::new();
    let mut files = 0;
    let mut apps: Vec<Pm2App> = Vec::new();
    let mut unread = 0;
    let mut unknown_keys = 0;
    for path in &paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(format) = format_for(path) else {
            failures.push(format!("{name}: no format for this file"));
            continue;
        };
        files += 1;
        let bytes = std::fs::read(path).expect("read corpus file");
        let src = SourceFile::new(path.clone(), name.clone(), bytes);
        let result = std::panic::catch_unwind(|| pm2::parse(FileId(0), &src.text, format));
        let parsed = match result {
            Ok(r) => r,
            Err(_) => {
                failures.push(format!("{name}: panicked"));
                continue;
            }
        };
        let must_fail = SYNTAX_ERRORS.contains(&name.as_str());
        match (must_fail, parsed) {
            (true, Err(e)) => {
                let (line, col) = src.line_col(e.span.start as usize);
                println!("syntax error as expected: {name}:{line}:{col}: {}", e.message);
            }
            (true, Ok(_)) => failures.push(format!("{name}: parsed, expected a syntax error")),
            (false, Err(e)) => {
                let (line, col) = src.line_col(e.span.start as usize);
                failures.push(format!("{name}:{line}:{col}: {}", e.message));
            }
            (false, Ok(value)) => {
                let file = model::read(&value);
                if name == MALFORMED_YAML {
                    let ok = file.apps.len() == 1
                        && file.apps[0].script.is_none()
                        && file.apps[0]
                            .unknown_keys
                            .iter()
                            .map(|k| k.key.value.as_str())
                            .eq(["ASDSDASD"]);
                    if !ok {
                        failures.push(format!(
                            "{name}: expected one app without a script, got {:?}",
                            file.apps
                        ));
                    }
                }
                unread += file.unread.len();
                unknown_keys += file.apps.iter().map(|a| a.unknown_keys.len()).sum::<usize>();
                apps.extend(file.apps);
            }
        }
    }

    let mut script = Tally::default();
    let mut args = Tally::default();
    let mut instances = Tally::default();
    let mut exec_mode = Tally::default();
    let mut env = Tally::default();
    let mut args_split = 0;
    for app in &apps {
        script.add(app.script.as_ref());
        args.add(app.args.as_ref().map(|a| &a.raw));
        args_split += app.args.as_ref().is_some_and(|a| a.list.is_some()) as usize;
        instances.add(app.instances.as_ref());
        exec_mode.add(app.exec_mode.as_ref());
        let maps = app.env.iter().chain(app.env_variants.iter().map(|v| &v.env));
        for m in maps {
            match &m.value {
                Value::Map(entries) => entries.iter().for_each(|(_, v)| env.add(Some(v))),
                _ => env.add(Some(m)),
            }
        }
    }
    println!("files read: {files} (syntax errors expected: {})", SYNTAX_ERRORS.len());
    println!(
        "apps found: {} (entries where an app was expected but unreadable: {unread})",
        apps.len()
    );
    println!("unknown app keys: {unknown_keys}");
    println!("{}", script.line("script"));
    println!("{}  (split into a list: {args_split})", args.line("args"));
    println!("{}", instances.line("instances"));
    println!("{}", exec_mode.line("exec_mode"));
    println!("{}", env.line("env entries"));

    assert!(
        failures.is_empty(),
        "{} corpus files failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        apps.len() >= 150,
        "expected the corpus' apps, found only {}",
        apps.len()
    );
}
