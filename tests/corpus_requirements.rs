//! Every requirements file of the shared corpus (`corpus/requirements/`) is
//! read without panicking, and what lint502 finds is compared with three
//! oracles:
//!
//! 1. **pip itself** (the authority): `testdata/parse/requirements/pip-oracle.tsv`,
//!    written by `scripts/requirements_oracle.py`, which runs pip 26.3's own
//!    preprocessing, line parser and requirement constructors on every
//!    logical line. Compared row by row: kind, canonical name, extras,
//!    specifiers, marker (packaging's normal form), target, hashes, and the
//!    error message.
//! 2. **requirements-parser** (`corpus/requirements-expected/*.expected`, its
//!    own test expectations): names, extras, specifiers, editable flags.
//! 3. **uv's requirements-txt parser** (`corpus/requirements-expected/parse-*.snap`,
//!    insta snapshots of its Debug output): names, extras, specifiers,
//!    whether there is a marker, editable flags, hashes, errors.
//!
//! Where an oracle disagrees with pip, pip's rules decide, and the
//! disagreement is listed below with the reason; an unlisted disagreement
//! fails the test.

use std::collections::{BTreeMap, HashMap};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use lint502::parse::requirements::{
    self, IncludeKind, OptionKind, Requirement, RequirementsFile, Target, canonical_name,
};
use lint502::source::{FileId, SourceFile};

/// The corpus lives beside the repository (`../shared/corpus`); CI points
/// `LINT502_CORPUS` at it. Without it the corpus tests say so and pass.
fn corpus() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("LINT502_CORPUS") {
        let p = PathBuf::from(p);
        return p.join("requirements").is_dir().then_some(p);
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [here.join("../shared/corpus"), PathBuf::from("/work/shared/corpus")]
        .into_iter()
        .find(|c| c.join("requirements").is_dir())
}

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read corpus dir")
        .map(|e| e.expect("dir entry").path())
        .collect();
    paths.sort();
    paths
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

// ------------------------------------------------------------------ rows

/// One row as `scripts/requirements_oracle.py` writes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    kind: String,
    name: String,
    extras: String,
    specifier: String,
    marker: String,
    target: String,
    hashes: String,
    message: String,
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn target_of(r: &Requirement) -> String {
    match &r.target {
        Target::Index => "index".into(),
        Target::Url { url, .. } => format!("url:{url}"),
        Target::Path { .. } => "path".into(),
    }
}

/// lint502's rows for one file, keyed by line, in the oracle's terms.
fn our_rows(f: &RequirementsFile, src: &SourceFile) -> BTreeMap<u32, Vec<Row>> {
    let mut rows: BTreeMap<u32, Vec<Row>> = BTreeMap::new();
    let empty = Row {
        kind: String::new(),
        name: String::new(),
        extras: String::new(),
        specifier: String::new(),
        marker: String::new(),
        target: String::new(),
        hashes: String::new(),
        message: String::new(),
    };
    for r in &f.requirements {
        let mut extras: Vec<&str> = r.extras.iter().map(|e| e.value.as_str()).collect();
        extras.sort();
        extras.dedup();
        let mut hashes: Vec<String> = r
            .hashes
            .iter()
            .map(|h| format!("{}:{}", h.algorithm, h.digest))
            .collect();
        hashes.sort();
        rows.entry(r.line).or_default().push(Row {
            kind: if r.editable { "editable" } else { "req" }.into(),
            name: r.name.as_ref().map(|n| n.canonical.clone()).unwrap_or_default(),
            extras: extras.join(","),
            specifier: r.specifier.as_ref().map(|s| s.normalized()).unwrap_or_default(),
            marker: r.marker.as_ref().map(|m| m.to_string()).unwrap_or_default(),
            target: target_of(r),
            hashes: if r.editable { String::new() } else { hashes.join(",") },
            ..empty.clone()
        });
    }
    for i in &f.includes {
        rows.entry(i.line).or_default().push(Row {
            kind: match i.kind {
                IncludeKind::Requirement => "include",
                IncludeKind::Constraint => "constraint",
            }
            .into(),
            name: i.path.value.clone(),
            ..empty.clone()
        });
    }
    for o in &f.options {
        let dest = match o.kind {
            OptionKind::IndexUrl => "index_url",
            OptionKind::ExtraIndexUrl => "extra_index_urls",
            OptionKind::NoIndex => "no_index",
            OptionKind::FindLinks => "find_links",
            OptionKind::NoBinary | OptionKind::OnlyBinary => "format_control",
            OptionKind::PreferBinary => "prefer_binary",
            OptionKind::RequireHashes => "require_hashes",
            OptionKind::NoRequireHashes => "no_require_hashes",
            OptionKind::Pre => "pre",
            OptionKind::AllReleases | OptionKind::OnlyFinal => "release_control",
            OptionKind::TrustedHost => "trusted_hosts",
            OptionKind::UseFeature => "features_enabled",
        };
        rows.entry(o.line).or_default().push(Row {
            kind: "option".into(),
            name: dest.into(),
            target: o.value.as_ref().map(|v| v.value.clone()).unwrap_or_default(),
            ..empty.clone()
        });
    }
    for e in &f.errors {
        let line = e.line.unwrap_or_else(|| src.line_col(e.span.start as usize).0 as u32);
        rows.entry(line).or_default().push(Row {
            kind: "error".into(),
            message: e.message.clone(),
            ..empty.clone()
        });
    }
    rows
}

type Oracle = BTreeMap<String, BTreeMap<u32, Vec<Row>>>;

fn load_pip_oracle() -> Oracle {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/parse/requirements/pip-oracle.tsv");
    let tsv = std::fs::read_to_string(&path).expect("read pip-oracle.tsv");
    let mut oracle: Oracle = BTreeMap::new();
    for line in tsv.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<String> = line.split('\t').map(unescape).collect();
        assert_eq!(f.len(), 10, "bad oracle row: {line}");
        let file = f[0].clone();
        let no: u32 = f[1].parse().expect("line number");
        oracle.entry(file).or_default().entry(no).or_default().push(Row {
            kind: f[2].clone(),
            name: f[3].clone(),
            extras: f[4].clone(),
            specifier: f[5].clone(),
            marker: f[6].clone(),
            target: f[7].clone(),
            hashes: f[8].clone(),
            message: f[9].clone(),
        });
    }
    oracle
}

fn read_corpus_file(path: &Path) -> (SourceFile, RequirementsFile) {
    let bytes = std::fs::read(path).expect("read corpus file");
    let src = SourceFile::new(path.to_path_buf(), file_name(path), bytes);
    let parsed = requirements::parse_bytes(FileId(0), &src.bytes);
    (src, parsed)
}

// ------------------------------------------------------------- 0. no panic

#[test]
fn every_corpus_requirements_file_reads() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: corpus not found (set LINT502_CORPUS to the shared corpus folder)");
        return;
    };
    let paths = corpus_files(&corpus.join("requirements"));
    assert!(
        paths.len() >= 300,
        "expected the 349 files of corpus/requirements, found {}",
        paths.len()
    );
    let mut panics = Vec::new();
    let (mut reqs, mut errors, mut includes, mut options) = (0, 0, 0, 0);
    for path in &paths {
        let bytes = std::fs::read(path).expect("read corpus file");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let a = requirements::parse_bytes(FileId(0), &bytes);
            let _ = requirements::parse(FileId(0), &text);
            a
        }));
        match result {
            Ok(f) => {
                reqs += f.requirements.len();
                errors += f.errors.len();
                includes += f.includes.len();
                options += f.options.len();
            }
            Err(_) => panics.push(file_name(path)),
        }
    }
    println!(
        "{} files: {reqs} requirements, {includes} includes, {options} global options, {errors} syntax errors",
        paths.len()
    );
    assert!(panics.is_empty(), "panicked on: {panics:?}");
}

// ------------------------------------------------------------ 1. pip oracle

/// Lines where lint502 knowingly differs from the pip oracle: (file,
/// line, reason).
const PIP_DISAGREEMENTS: &[(&str, u32, &str)] = &[
    (
        "forms/invalid-utf8.txt",
        0,
        "not UTF-8 and no BOM or coding comment: pip falls back to the locale's encoding, which fails in a UTF-8 \
         locale (the oracle's row 0); lint502 reads the file with stand-ins for the bad bytes, like every other file",
    ),
    (
        "forms/invalid-utf8.txt",
        2,
        "the same file: pip read nothing, lint502 reads the valid line",
    ),
    (
        "forms/invalid-utf8.txt",
        3,
        "the same file: the line made of two undecodable bytes is not a requirement for lint502 either",
    ),
];

fn forms_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/parse/requirements/forms")
}

/// lint502's own files (always there) and the corpus (when it is), as
/// (oracle prefix, path) pairs.
fn oracle_inputs() -> Vec<(String, PathBuf)> {
    let mut inputs: Vec<(String, PathBuf)> = corpus_files(&forms_dir())
        .into_iter()
        .map(|p| (format!("forms/{}", file_name(&p)), p))
        .collect();
    match corpus() {
        Some(c) => inputs.extend(
            corpus_files(&c.join("requirements"))
                .into_iter()
                .map(|p| (format!("requirements/{}", file_name(&p)), p)),
        ),
        None => eprintln!("corpus not found (set LINT502_CORPUS): comparing lint502's own files only"),
    }
    inputs
}

#[test]
fn agrees_with_pip() {
    let oracle = load_pip_oracle();
    let inputs = oracle_inputs();
    // (agreed, total) for lint502's own files and for the corpus.
    let mut tally: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut expected_seen = Vec::new();
    for (name, path) in &inputs {
        let (agreed, total) = tally
            .entry(if name.starts_with("forms/") {
                "forms/"
            } else {
                "requirements/"
            })
            .or_default();
        let (src, parsed) = read_corpus_file(path);
        let ours = our_rows(&parsed, &src);
        let empty = BTreeMap::new();
        let theirs = oracle.get(name).unwrap_or(&empty);
        let lines: std::collections::BTreeSet<u32> = ours.keys().chain(theirs.keys()).copied().collect();
        for line in lines {
            *total += 1;
            let mut a = ours.get(&line).cloned().unwrap_or_default();
            let mut b = theirs.get(&line).cloned().unwrap_or_default();
            a.sort();
            b.sort();
            if a == b {
                *agreed += 1;
                continue;
            }
            let known = PIP_DISAGREEMENTS.iter().find(|(f, l, _)| f == name && *l == line);
            let text = format!("{name}:{line}\n    lint502: {a:?}\n    pip:     {b:?}");
            match known {
                Some((_, _, why)) => expected_seen.push(format!("{text}\n    why: {why}")),
                None => unexpected.push(text),
            }
        }
    }
    let corpus_present = inputs.iter().any(|(n, _)| n.starts_with("requirements/"));
    for f in oracle.keys() {
        if f.starts_with("requirements/") && !corpus_present {
            continue;
        }
        assert!(
            inputs.iter().any(|(n, _)| n == f),
            "{f}: in the oracle but not among the inputs (regenerate the oracle)"
        );
    }
    for (what, (agreed, total)) in &tally {
        println!(
            "pip oracle, {what}: {agreed}/{total} logical lines agree ({:.2}%)",
            100.0 * *agreed as f64 / (*total).max(1) as f64
        );
    }
    for d in &expected_seen {
        println!("known disagreement: {d}");
    }
    assert!(
        unexpected.is_empty(),
        "{} unexpected disagreements with pip:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    let listed = PIP_DISAGREEMENTS
        .iter()
        .filter(|(f, _, _)| corpus_present || !f.starts_with("requirements/"))
        .count();
    assert_eq!(
        expected_seen.len(),
        listed,
        "a listed disagreement no longer happens: update PIP_DISAGREEMENTS"
    );
}

// ------------------------------------------- 2./3. requirements-parser, uv

/// A requirement as the three parsers can all describe it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Record {
    /// `requirements`, `constraints` or `editables` (uv's sections).
    section: &'static str,
    /// Canonical name, empty when unnamed.
    name: String,
    /// Lower-cased, sorted.
    extras: Vec<String>,
    /// `op` + version, sorted.
    specs: Vec<String>,
    /// Whether there is a marker (uv rewrites markers, so only presence).
    marker: bool,
    hashes: Vec<String>,
}

impl std::fmt::Display for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}[{}] {}{}{}",
            self.section,
            if self.name.is_empty() { "<unnamed>" } else { &self.name },
            self.extras.join(","),
            self.specs.join(","),
            if self.marker { " ; <marker>" } else { "" },
            if self.hashes.is_empty() {
                String::new()
            } else {
                format!(" hashes={}", self.hashes.len())
            }
        )
    }
}

fn record(r: &Requirement, section: &'static str) -> Record {
    let mut extras: Vec<String> = r.extras.iter().map(|e| e.value.to_lowercase()).collect();
    extras.sort();
    extras.dedup();
    let mut specs: Vec<String> = r
        .specifier
        .iter()
        .flat_map(|s| s.specifiers.iter())
        .map(|s| format!("{}{}", s.operator.as_str(), s.version))
        .collect();
    specs.sort();
    let mut hashes: Vec<String> = r
        .hashes
        .iter()
        .map(|h| format!("{}:{}", h.algorithm, h.digest))
        .collect();
    hashes.sort();
    Record {
        section,
        name: r.name.as_ref().map(|n| n.canonical.clone()).unwrap_or_default(),
        extras,
        specs,
        marker: r.marker.is_some(),
        hashes,
    }
}

/// lint502's records for `root` and the files it includes (resolved with
/// [`requirements::resolve_includes`]; corpus names are flattened, so a
/// nested `x.txt` is `<prefix>x.txt`). Also whether any file had an error.
fn our_records(corpus_dir: &Path, prefix: &str, root: &str) -> (Vec<Record>, Vec<String>) {
    let virtual_root = PathBuf::from("virtual").join(root);
    let mut texts: HashMap<PathBuf, String> = HashMap::new();
    let mut read = |p: &Path| -> Option<(FileId, String)> {
        let name = file_name(p);
        let text = std::fs::read_to_string(corpus_dir.join(format!("{prefix}{name}"))).ok()?;
        texts.insert(p.to_path_buf(), text.clone());
        Some((FileId(0), text))
    };
    let resolved = requirements::resolve_includes(&virtual_root, IncludeKind::Requirement, &mut read);
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for f in &resolved.files {
        let Some(text) = texts.get(&f.path) else { continue };
        let parsed = requirements::parse(FileId(0), text);
        errors.extend(parsed.errors.iter().map(|e| e.message.clone()));
        for r in &parsed.requirements {
            let section = match (r.editable, f.kind) {
                (true, _) => "editables",
                (false, IncludeKind::Constraint) => "constraints",
                (false, IncludeKind::Requirement) => "requirements",
            };
            records.push(record(r, section));
        }
    }
    records.sort();
    (records, errors)
}

/// requirements-parser's `.expected` JSON.
fn rp_records(json: &str) -> Vec<Record> {
    let v: serde_json::Value = serde_json::from_str(json).expect("requirements-parser JSON");
    let mut out: Vec<Record> = v
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let mut extras: Vec<String> = r["extras"]
                .as_array()
                .map(|a| a.iter().filter_map(|e| e.as_str()).map(str::to_lowercase).collect())
                .unwrap_or_default();
            extras.sort();
            let mut specs: Vec<String> = r["specs"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| Some(format!("{}{}", s[0].as_str()?, s[1].as_str()?)))
                        .collect()
                })
                .unwrap_or_default();
            specs.sort();
            Record {
                section: if r["editable"].as_bool() == Some(true) {
                    "editables"
                } else {
                    "requirements"
                },
                name: r["name"].as_str().map(canonical_name).unwrap_or_default(),
                extras,
                specs,
                // requirements-parser does not read markers.
                marker: false,
                hashes: Vec::new(),
            }
        })
        .collect();
    out.sort();
    out
}

/// uv's insta snapshot of `RequirementsTxt` (its Debug output), or the
/// error it reports.
fn uv_records(snap: &str) -> Result<Vec<Record>, String> {
    if let Some(k) = snap.find("message:") {
        let msg = snap[k..].lines().nth(1).unwrap_or_default().trim();
        return Err(msg.trim_end_matches(',').to_owned());
    }
    if snap.contains("RequirementsTxtFileError") {
        let k = snap.find("error:").unwrap_or(0);
        return Err(snap[k..].lines().take(3).collect::<Vec<_>>().join(" "));
    }
    let string = |l: &str| l.trim().trim_end_matches(',').trim_matches('"').to_owned();
    let lines: Vec<&str> = snap.lines().map(str::trim).collect();
    let mut out: Vec<Record> = Vec::new();
    let mut section = "requirements";
    let mut in_hashes = false;
    let mut op = String::new();
    for (i, l) in lines.iter().enumerate() {
        let next = lines.get(i + 1).copied().unwrap_or_default();
        match *l {
            "requirements: [" => section = "requirements",
            "constraints: [" => section = "constraints",
            "editables: [" => section = "editables",
            // Constraints are bare `Requirement { … }` entries.
            "Requirement {" if section == "constraints" => out.push(Record {
                section,
                name: String::new(),
                extras: Vec::new(),
                specs: Vec::new(),
                marker: false,
                hashes: Vec::new(),
            }),
            "RequirementEntry {" => out.push(Record {
                section,
                name: String::new(),
                extras: Vec::new(),
                specs: Vec::new(),
                marker: false,
                hashes: Vec::new(),
            }),
            "hashes: [" => in_hashes = true,
            "]," | "]" if in_hashes => in_hashes = false,
            "name: PackageName(" => {
                if let Some(r) = out.last_mut() {
                    r.name = canonical_name(&string(next));
                }
            }
            "ExtraName(" => {
                if let Some(r) = out.last_mut() {
                    r.extras.push(string(next).to_lowercase());
                }
            }
            _ if in_hashes && l.starts_with('"') => {
                if let Some(r) = out.last_mut() {
                    r.hashes.push(string(l));
                }
            }
            _ if l.starts_with("operator: ") => op = l["operator: ".len()..].trim_end_matches(',').to_owned(),
            _ if l.starts_with("version: \"") => {
                let v = string(&l["version: ".len()..]);
                let spec = match op.as_str() {
                    "Equal" => format!("=={v}"),
                    "EqualStar" => format!("=={v}.*"),
                    "ExactEqual" => format!("==={v}"),
                    "NotEqual" => format!("!={v}"),
                    "NotEqualStar" => format!("!={v}.*"),
                    "TildeEqual" => format!("~={v}"),
                    "LessThan" => format!("<{v}"),
                    "LessThanEqual" => format!("<={v}"),
                    "GreaterThan" => format!(">{v}"),
                    "GreaterThanEqual" => format!(">={v}"),
                    other => format!("{other}{v}"),
                };
                if let Some(r) = out.last_mut() {
                    r.specs.push(spec);
                }
            }
            _ if l.starts_with("marker: ") && *l != "marker: true," => {
                if let Some(r) = out.last_mut() {
                    r.marker = true;
                }
            }
            _ => {}
        }
    }
    for r in &mut out {
        r.extras.sort();
        r.specs.sort();
        r.hashes.sort();
    }
    out.sort();
    Ok(out)
}

/// (oracle file, reason) for every file where an oracle disagrees with
/// lint502 on a requirement, decided by pip's rules.
const ORACLE_DISAGREEMENTS: &[(&str, &str)] = &[
    (
        "astral-sh__uv__crates__uv-requirements-txt__src__snapshots__uv_requirements_txt__test__parse-unix-editable.txt.snap",
        "uv is wrong by pip's rules: pip splits an `-e` line with shlex and keeps only the first word, so \
         `-e ./editable[d, dev]` is the directory `./editable[d,` (no extras) and a `; marker` after the path is \
         dropped (req_file.py: break_args_options, shlex.split, optparse)",
    ),
    (
        "astral-sh__uv__crates__uv-requirements-txt__src__snapshots__uv_requirements_txt__test__parse-windows-editable.txt.snap",
        "the same input as parse-unix-editable (only the paths differ on Windows): same reason",
    ),
    (
        "astral-sh__uv__crates__uv-requirements-txt__src__snapshots__uv_requirements_txt__test__parse-unix-hash.txt.snap",
        "uv rejects `-e ./editable# comment`; pip accepts it: `#` starts a comment only after whitespace \
         (COMMENT_RE), and shlex gives the editable `./editable#`, a directory path",
    ),
    (
        "astral-sh__uv__crates__uv-requirements-txt__src__snapshots__uv_requirements_txt__test__parse-unix-semicolon.txt.snap",
        "uv rejects `-e ./editable;python_version >= \"3.9\" …`; pip accepts it: shlex gives the editable \
         `./editable;python_version`, a directory path (the rest of the line is ignored)",
    ),
    (
        "madpah__requirements-parser__tests__reqfiles__editable_1.expected",
        "`-e path/to/local/package_name`: requirements-parser takes the last path component as the name; pip \
         has no name for a local directory until it builds it",
    ),
    (
        "madpah__requirements-parser__tests__reqfiles__file_1.expected",
        "requirements-parser names three lines that pip leaves unnamed: `file://../../lib/project#egg=MyProject` \
         (pip rebuilds a relative file: URL from its path and loses the fragment), \
         `path/to/SomeProject#egg=SomeOtherProject` and `-e path/to/AnotherProject#egg=AnotherProject` (for a \
         path, `#egg=…` is part of the directory name: pip turns it into a file: URL with `%23`)",
    ),
    (
        "madpah__requirements-parser__tests__reqfiles__global_options_requirements.expected",
        "a lone `-c` line: pip fails with \"-c option requires 1 argument\"; requirements-parser skips it",
    ),
    (
        "madpah__requirements-parser__tests__reqfiles__vcs_git.expected",
        "a non-editable `git://…#egg=MyProject` line: `git` alone is not a scheme pip knows (only `git+…`), so \
         pip reads the line as PEP 508 and fails (\"It looks like a path\"); only `-e` adds the `git+`",
    ),
    (
        "madpah__requirements-parser__tests__reqfiles__vcs_git_extras_require.expected",
        "`#egg=MyProject[security]`: pip 25+ rejects an egg fragment that is not a bare project name \
         (InvalidEggFragment)",
    ),
];

/// Compare record multisets; returns (matched, total, differences).
fn compare(ours: &[Record], theirs: &[Record]) -> (usize, usize, Vec<String>) {
    let mut left: Vec<Option<&Record>> = ours.iter().map(Some).collect();
    let mut missing = Vec::new();
    let mut matched = 0;
    for t in theirs {
        match left.iter_mut().find(|o| o.is_some_and(|o| o == t)) {
            Some(slot) => {
                *slot = None;
                matched += 1;
            }
            None => missing.push(format!("oracle only:  {t}")),
        }
    }
    missing.extend(left.into_iter().flatten().map(|o| format!("lint502 only: {o}")));
    (matched, ours.len().max(theirs.len()), missing)
}

#[test]
fn compares_with_requirements_parser_and_uv() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: corpus not found (set LINT502_CORPUS to the shared corpus folder)");
        return;
    };
    let reqs = corpus.join("requirements");
    let mut report: Vec<(String, usize, usize, Vec<String>)> = Vec::new();
    for path in corpus_files(&corpus.join("requirements-expected")) {
        let name = file_name(&path);
        let text = std::fs::read_to_string(&path).expect("read oracle");
        let (prefix, stem, theirs) = if let Some(stem) = name
            .strip_prefix("madpah__requirements-parser__tests__reqfiles__")
            .and_then(|s| s.strip_suffix(".expected"))
        {
            (
                "madpah__requirements-parser__tests__reqfiles__",
                format!("{stem}.txt"),
                Ok(rp_records(&text)),
            )
        } else if let Some(stem) = name
            .strip_prefix(
                "astral-sh__uv__crates__uv-requirements-txt__src__snapshots__uv_requirements_txt__test__parse-",
            )
            .and_then(|s| s.strip_suffix(".snap"))
        {
            let stem = stem
                .trim_start_matches("unix-")
                .trim_start_matches("windows-")
                .to_owned();
            (
                "astral-sh__uv__crates__uv-requirements-txt__test-data__requirements-txt__",
                stem,
                uv_records(&text),
            )
        } else {
            panic!("unknown oracle file {name}");
        };
        if !reqs.join(format!("{prefix}{stem}")).exists() {
            // uv's `empty.txt` was dropped from the corpus as a byte-identical
            // copy of another empty file; its snapshot is empty too.
            assert!(
                theirs.as_ref().is_ok_and(|t| t.is_empty()),
                "{name}: input {stem} missing from the corpus"
            );
            report.push((name, 0, 0, Vec::new()));
            continue;
        }
        let (mut ours, our_errors) = our_records(&reqs, prefix, &stem);
        if name.ends_with(".expected") {
            // requirements-parser reads neither markers nor `--hash`.
            for r in &mut ours {
                r.marker = false;
                r.hashes.clear();
            }
            ours.sort();
        }
        let (matched, total, mut diffs) = match &theirs {
            Ok(t) => compare(&ours, t),
            Err(msg) => (0, 1, vec![format!("oracle error: {msg}")]),
        };
        if !our_errors.is_empty() && theirs.is_ok() {
            diffs.extend(
                our_errors
                    .iter()
                    .map(|e| format!("lint502 error: {}", e.replace('\n', " / "))),
            );
        }
        report.push((name, matched, total, diffs));
    }
    let mut unexpected = Vec::new();
    let mut known = 0;
    for (name, m, t, diffs) in &report {
        if diffs.is_empty() {
            continue;
        }
        let listed = ORACLE_DISAGREEMENTS.iter().find(|(f, _)| f == name);
        let text = format!("{name}: {m}/{t}\n      {}", diffs.join("\n      "));
        match listed {
            Some((_, why)) => {
                known += 1;
                println!("known disagreement: {text}\n    why: {why}");
            }
            None => unexpected.push(text),
        }
    }
    for (oracle, suffix) in [("requirements-parser", ".expected"), ("uv", ".snap")] {
        let rows: Vec<_> = report.iter().filter(|r| r.0.ends_with(suffix)).collect();
        let matched: usize = rows.iter().map(|r| r.1).sum();
        let total: usize = rows.iter().map(|r| r.2).sum();
        println!(
            "{oracle}: {matched}/{total} requirements agree ({:.1}%); {} of {} files agree fully",
            100.0 * matched as f64 / total.max(1) as f64,
            rows.iter().filter(|r| r.3.is_empty()).count(),
            rows.len()
        );
    }
    assert!(
        unexpected.is_empty(),
        "{} oracle files disagree without a listed reason:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert_eq!(
        known,
        ORACLE_DISAGREEMENTS.len(),
        "a listed disagreement no longer happens"
    );
}
