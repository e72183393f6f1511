//! The machine-readable formats of `lint502 check`: `json` against `schema/lint502-check-v1.schema.json`,
//! `sarif` against the official SARIF 2.1.0 schema (`schema/sarif-schema-2.1.0.json`), and `github` parsed back
//! with the workflow-command syntax. Everything is offline: the schemas are in the repository.

mod common;

use common::lint502;

use std::path::{Path, PathBuf};

use lint502::check::{Options, check};
use lint502::diagnostic::{Diagnostic, Label, Severity};
use lint502::report::{self, Summary};
use lint502::source::{SourceDb, SourceFile, Span};
use regex::Regex;
use serde_json::Value;

/// A way to break an output, and its name.
type Mutation = (&'static str, fn(&mut Value));

fn validator(file: &str) -> jsonschema::Validator {
    let path = common::root().join("schema").join(file);
    let text = std::fs::read_to_string(&path).expect("read schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn assert_valid(v: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

/// Case folders: every whole deployment and every `bad-*` rule case, as paths relative to the crate root (the
/// working directory of integration tests), so that output paths are relative as users see them.
fn corpus() -> Vec<PathBuf> {
    let root = common::root();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("testdata/deployments"))
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    for (_, case) in common::cases() {
        if case
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("bad-"))
        {
            dirs.push(case);
        }
    }
    dirs.sort();
    dirs.into_iter()
        .map(|p| p.strip_prefix(&root).map(Path::to_path_buf).unwrap_or(p))
        .collect()
}

/// What `check` reports for a folder, sorted as every format prints it.
fn run(dir: &Path) -> (SourceDb, Vec<Diagnostic>) {
    let out = check(&[dir.to_path_buf()], &Options::default());
    (out.db, out.diagnostics)
}

fn json_of(db: &SourceDb, diags: &[Diagnostic]) -> Value {
    let env = report::json::envelope(db, diags, Summary::of(diags, db.len()));
    serde_json::to_value(&env).expect("serialize")
}

fn sarif_of(db: &SourceDb, diags: &[Diagnostic]) -> Value {
    serde_json::from_str(&report::sarif::render(db, diags)).expect("sarif is JSON")
}

/// The primary path a SARIF location names, undoing the percent-encoding of [`report::sarif`].
fn sarif_path(loc: &Value) -> String {
    let art = &loc["physicalLocation"]["artifactLocation"];
    let uri = art["uri"].as_str().expect("uri");
    // Draft-04 has no `uri-reference` format, so the schema cannot check this: only RFC 3986 characters.
    assert!(
        uri.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&b)),
        "{uri}"
    );
    let path = match art.get("uriBaseId") {
        Some(base) => {
            assert_eq!(base, "%SRCROOT%");
            uri.to_owned()
        }
        None => uri.strip_prefix("file://").expect("absolute uris are file:").to_owned(),
    };
    percent_decode(&path)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(Ok(v)) = s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf-8")
}

fn region_of(loc: &Value) -> [u64; 4] {
    let r = &loc["physicalLocation"]["region"];
    ["startLine", "startColumn", "endLine", "endColumn"].map(|k| r[k].as_u64().expect(k))
}

fn range_of(r: &Value) -> [u64; 4] {
    [
        &r["start"]["line"],
        &r["start"]["column"],
        &r["end"]["line"],
        &r["end"]["column"],
    ]
    .map(|v| v.as_u64().expect("number"))
}

#[test]
fn json_output_follows_its_schema() {
    let v = validator("lint502-check-v1.schema.json");
    let (mut n, mut with_labels, mut with_notes) = (0, 0, 0);
    for dir in corpus() {
        let (db, diags) = run(&dir);
        let json = json_of(&db, &diags);
        assert_valid(&v, &json, &dir.display().to_string());
        for d in json["diagnostics"].as_array().expect("array") {
            n += 1;
            with_labels += usize::from(!d["labels"].as_array().expect("labels").is_empty());
            with_notes += usize::from(!d["notes"].as_array().expect("notes").is_empty());
        }
    }
    // The corpus exercises labels and notes (a `null` help is checked in the next test).
    assert!(
        n > 100 && with_labels > 0 && with_notes > 0,
        "{n} {with_labels} {with_notes}"
    );

    // The command line prints the same envelope.
    let out = lint502(
        &["check", "testdata/deployments/flask-gunicorn-502", "--format", "json"],
        &common::root(),
    );
    assert_eq!(out.status.code(), Some(1));
    let printed: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_valid(&v, &printed, "cli");
    assert_eq!(printed["diagnostics"][0]["code"], "NGX005");
}

#[test]
fn the_json_schema_is_not_vacuous() {
    let v = validator("lint502-check-v1.schema.json");
    let (db, diags) = run(Path::new("testdata/deployments/flask-gunicorn-502"));
    let good = json_of(&db, &diags);
    assert_valid(&v, &good, "unchanged");
    let mut no_help = good.clone();
    no_help["diagnostics"][0]["help"] = Value::Null;
    assert_valid(&v, &no_help, "help: null");
    let mutations: [Mutation; 6] = [
        ("extra field", |j| j["diagnostics"][0]["extra"] = Value::Bool(true)),
        ("missing help", |j| {
            j["diagnostics"][0].as_object_mut().map(|o| o.remove("help"));
        }),
        ("unknown severity", |j| j["diagnostics"][0]["severity"] = "fatal".into()),
        ("column 0", |j| {
            j["diagnostics"][0]["range"]["start"]["column"] = 0.into()
        }),
        ("version 2", |j| j["version"] = 2.into()),
        ("lowercase code", |j| j["diagnostics"][0]["code"] = "ngx005".into()),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(!v.is_valid(&bad), "the schema accepts: {what}");
    }
}

#[test]
fn sarif_output_follows_the_official_schema_and_matches_the_json() {
    let v = validator("sarif-schema-2.1.0.json");
    let mut results = 0;
    for dir in corpus() {
        let (db, diags) = run(&dir);
        let sarif = sarif_of(&db, &diags);
        assert_valid(&v, &sarif, &dir.display().to_string());
        let json = json_of(&db, &diags);
        let run = &sarif["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        let res = run["results"].as_array().expect("results");
        let jd = json["diagnostics"].as_array().expect("diagnostics");
        assert_eq!(res.len(), jd.len(), "{}", dir.display());
        for (r, d) in res.iter().zip(jd) {
            results += 1;
            assert_eq!(r["ruleId"], d["code"]);
            let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(rules[idx]["id"], d["code"]);
            let level = match d["severity"].as_str() {
                Some("error") => "error",
                Some("warning") => "warning",
                _ => "note",
            };
            assert_eq!(r["level"], level);
            let text = r["message"]["text"].as_str().expect("text");
            assert!(text.starts_with(d["message"].as_str().expect("message")));
            for note in d["notes"].as_array().expect("notes") {
                assert!(text.contains(note.as_str().expect("note")), "{text}");
            }
            let locs = r["locations"].as_array().expect("locations");
            assert_eq!(locs.len(), 1);
            assert_eq!(sarif_path(&locs[0]), d["path"].as_str().expect("path"));
            assert_eq!(region_of(&locs[0]), range_of(&d["range"]));
            let related = r["relatedLocations"].as_array().map(Vec::as_slice).unwrap_or_default();
            let labels = d["labels"].as_array().expect("labels");
            assert_eq!(related.len(), labels.len());
            for (rl, l) in related.iter().zip(labels) {
                assert_eq!(sarif_path(rl), l["path"].as_str().expect("path"));
                assert_eq!(region_of(rl), range_of(&l["range"]));
                assert_eq!(rl["message"]["text"], l["message"]);
            }
        }
    }
    assert!(results > 100, "{results}");
}

#[test]
fn sarif_describes_every_rule_and_is_deterministic() {
    let out = lint502(
        &["check", "testdata/deployments/flask-gunicorn-502", "--format", "sarif"],
        &common::root(),
    );
    assert_eq!(out.status.code(), Some(1));
    let again = lint502(
        &["check", "testdata/deployments/flask-gunicorn-502", "--format", "sarif"],
        &common::root(),
    );
    assert_eq!(out.stdout, again.stdout, "same input, same bytes");
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let v = validator("sarif-schema-2.1.0.json");
    assert_valid(&v, &sarif, "cli");
    // The official schema does reject what SARIF forbids, down in the results.
    let mutations: [Mutation; 4] = [
        ("level fatal", |s| s["runs"][0]["results"][0]["level"] = "fatal".into()),
        ("column 0", |s| {
            s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0.into()
        }),
        ("unknown property", |s| {
            s["runs"][0]["tool"]["driver"]["rules"][0]["severity"] = "error".into()
        }),
        ("helpUri not a uri", |s| {
            s["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "lints/X.md".into()
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = sarif.clone();
        mutate(&mut bad);
        assert!(!v.is_valid(&bad), "the SARIF schema accepts: {what}");
    }
    assert_eq!(sarif["version"], "2.1.0");
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "lint502");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), lint502::rules::RULES.len());
    for (r, rule) in rules.iter().zip(lint502::rules::RULES) {
        let m = rule.meta;
        assert_eq!(r["id"], m.code);
        assert_eq!(r["name"], m.name);
        assert_eq!(r["shortDescription"]["text"], m.summary);
        assert!(
            r["helpUri"]
                .as_str()
                .is_some_and(|u| u.ends_with(&format!("/lints/{}.md", m.code)))
        );
        assert!(
            r["help"]["markdown"]
                .as_str()
                .is_some_and(|h| h.contains("## What it does")),
            "{}",
            m.code
        );
        assert!(
            !r["fullDescription"]["text"]
                .as_str()
                .unwrap_or_default()
                .contains("## "),
            "{}",
            m.code
        );
        let level = match m.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        assert_eq!(r["defaultConfiguration"]["level"], level);
        assert_eq!(r["properties"]["tags"][0], m.group.as_str());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains(&*common::root().to_string_lossy()),
        "no absolute paths of this machine"
    );
}

/// Columns count code points, in every format; a path with a space is percent-encoded in SARIF only.
#[test]
fn columns_count_code_points_and_paths_are_encoded() {
    let dir = common::temp_dir("formats-unicode");
    let line = "    location /café-🙂 { proxy_pass http://missing_upstream; }";
    let text = format!("server {{\n    listen 80;\n{line}\n}}\n");
    std::fs::create_dir_all(dir.join("my site/conf.d")).expect("mkdir");
    std::fs::write(dir.join("my site/conf.d/app.conf"), text).expect("write");
    let byte_col = line.find("http://").expect("find") + 1;
    let char_col = line[..byte_col - 1].chars().count() + 1;
    assert_ne!(byte_col, char_col);

    let out = lint502(&["check", ".", "--format", "sarif", "--select", "NGX005"], &dir);
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_valid(&validator("sarif-schema-2.1.0.json"), &sarif, "unicode");
    let loc = &sarif["runs"][0]["results"][0]["locations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        "my%20site/conf.d/app.conf"
    );
    assert_eq!(region_of(loc)[..2], [3, char_col as u64]);

    let out = lint502(&["check", ".", "--format", "json", "--select", "NGX005"], &dir);
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["diagnostics"][0]["range"]["start"]["column"], char_col);
    assert_eq!(json["diagnostics"][0]["path"], "my site/conf.d/app.conf");

    let out = lint502(&["check", ".", "--format", "github", "--select", "NGX005"], &dir);
    let gh = String::from_utf8_lossy(&out.stdout);
    assert!(
        gh.starts_with(&format!("::error file=my site/conf.d/app.conf,line=3,col={char_col},")),
        "{gh}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// One parsed workflow command.
struct Annotation {
    command: String,
    props: Vec<(String, String)>,
    message: String,
}

impl Annotation {
    fn get(&self, k: &str) -> Option<&str> {
        self.props.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str())
    }
}

/// The runner's decoding of `%25`, `%0D`, `%0A` (and `%3A`, `%2C` in properties); nothing else is an escape.
fn unescape(s: &str, property: bool) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let esc = rest.get(i..i + 3).unwrap_or("");
        let c = match esc {
            "%25" => Some('%'),
            "%0D" => Some('\r'),
            "%0A" => Some('\n'),
            "%3A" if property => Some(':'),
            "%2C" if property => Some(','),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[i + 3..];
            }
            None => panic!("`%` not escaped in {s:?}"),
        }
    }
    out.push_str(rest);
    out
}

/// Parse `::command k=v,k=v::message` as documented; panics on anything else.
fn parse_annotation(line: &str) -> Annotation {
    let re = Regex::new(r"^::(error|warning|notice) ([A-Za-z]+=[^,:\r\n]*(?:,[A-Za-z]+=[^,:\r\n]*)*)::([^\r\n]*)$")
        .expect("regex");
    let c = re
        .captures(line)
        .unwrap_or_else(|| panic!("not a workflow command: {line:?}"));
    let props = c[2]
        .split(',')
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("k=v");
            assert!(
                ["file", "line", "col", "endLine", "endColumn", "title"].contains(&k),
                "unknown property {k}"
            );
            (k.to_owned(), unescape(v, true))
        })
        .collect();
    Annotation {
        command: c[1].to_owned(),
        props,
        message: unescape(&c[3], false),
    }
}

#[test]
fn github_annotations_parse_back_to_the_diagnostics() {
    let mut n = 0;
    for dir in corpus() {
        let (db, diags) = run(&dir);
        let out = report::github::render(&db, &diags);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), diags.len(), "{}", dir.display());
        assert!(out.is_empty() || out.ends_with('\n'));
        let json = json_of(&db, &diags);
        for (line, d) in lines.iter().zip(json["diagnostics"].as_array().expect("array")) {
            n += 1;
            let a = parse_annotation(line);
            let command = match d["severity"].as_str() {
                Some("error") => "error",
                Some("warning") => "warning",
                _ => "notice",
            };
            assert_eq!(a.command, command);
            assert_eq!(a.get("file"), d["path"].as_str());
            let [l, c, el, ec] = range_of(&d["range"]);
            assert_eq!(a.get("line"), Some(l.to_string().as_str()));
            assert_eq!(a.get("endLine"), Some(el.to_string().as_str()));
            if l == el {
                assert_eq!(a.get("col"), Some(c.to_string().as_str()));
                assert_eq!(a.get("endColumn"), Some(ec.to_string().as_str()));
            } else {
                assert_eq!((a.get("col"), a.get("endColumn")), (None, None));
            }
            let title = format!(
                "{} {}",
                d["code"].as_str().expect("code"),
                d["name"].as_str().expect("name")
            );
            assert_eq!(a.get("title"), Some(title.as_str()));
            assert!(a.message.starts_with(d["message"].as_str().expect("message")), "{line}");
            for l in d["labels"].as_array().expect("labels") {
                let shown = format!(
                    "{}:{}:{}: {}",
                    l["path"].as_str().expect("path"),
                    l["range"]["start"]["line"],
                    l["range"]["start"]["column"],
                    l["message"].as_str().expect("message")
                );
                assert!(a.message.contains(&shown), "{shown:?} not in {:?}", a.message);
            }
            if let Some(h) = d["help"].as_str() {
                assert!(a.message.ends_with(&format!("help: {h}")), "{:?}", a.message);
            }
        }
    }
    assert!(n > 100, "{n}");
}

/// Hostile text round-trips through the escaping: paths with `,` `:` `%`, messages with newlines, and a span
/// over two lines (no columns then); the same diagnostic is valid SARIF.
#[test]
fn escaping_round_trips() {
    let mut db = SourceDb::new();
    let path = "odd,dir/50%:x.conf";
    let file = db.add(SourceFile::new(
        PathBuf::from(path),
        path.to_owned(),
        b"server {\n  listen 80;\n}\n".to_vec(),
    ));
    let meta = lint502::rules::RULES[0].meta;
    let message = "found \"a:b,c\" at 100%\r\nexpected %0A literally";
    let d = Diagnostic {
        code: meta.code,
        name: meta.name,
        severity: Severity::Info,
        message: message.to_owned(),
        primary: Label {
            span: Span::new(file, 2, 14),
            message: "here, 50%".to_owned(),
        },
        labels: vec![Label {
            span: Span::new(file, 11, 17),
            message: "and: there".to_owned(),
        }],
        notes: vec!["a\nnote".to_owned()],
        help: Some("do %s".to_owned()),
        fixes: Vec::new(),
    };
    let out = report::github::render(&db, std::slice::from_ref(&d));
    assert_eq!(out.lines().count(), 1, "{out}");
    let a = parse_annotation(out.trim_end_matches('\n'));
    assert_eq!(a.command, "notice");
    assert_eq!(a.get("file"), Some(path));
    assert_eq!(
        (a.get("line"), a.get("endLine"), a.get("col")),
        (Some("1"), Some("2"), None)
    );
    assert_eq!(a.get("title"), Some(format!("{} {}", meta.code, meta.name).as_str()));
    assert_eq!(a.message, report::github::message(&db, &d));
    // A message is one line: its CR and LF are escaped as user text (report::escape_controls), then for the runner.
    assert!(a.message.starts_with(&report::esc_line(message)));
    assert!(
        a.message
            .contains("\nhere, 50%\nodd,dir/50%:x.conf:2:3: and: there\nnote: a\nnote\nhelp: do %s")
    );
    for s in ["", "%", "%25", "a:b,c", "\r\n", "100%0A", "::error::x"] {
        assert_eq!(unescape(&report::github::escape_property(s), true), s);
        assert_eq!(unescape(&report::github::escape_data(s), false), s);
    }

    let sarif = sarif_of(&db, std::slice::from_ref(&d));
    assert_valid(&validator("sarif-schema-2.1.0.json"), &sarif, "hostile");
    let r = &sarif["runs"][0]["results"][0];
    assert_eq!(r["level"], "note");
    let loc = &r["locations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        "odd,dir/50%25%3Ax.conf"
    );
    assert_eq!(sarif_path(loc), path);
    assert_eq!(region_of(loc), [1, 3, 2, 6]);
    assert_eq!(loc["message"]["text"], "here, 50%");
    assert_eq!(
        r["message"]["text"],
        format!("{}\nnote: a\nnote\nhelp: do %s", report::esc_line(message))
    );
}
