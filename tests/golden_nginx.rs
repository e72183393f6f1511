//! Golden cases observed with the real `nginx -t` (Debian nginx-extras
//! 1.22.1; see testdata/parse/nginx/golden/README.md): lint502 must reach the
//! same verdict, with nginx's message and line, for every error it models.

use std::path::{Path, PathBuf};

use lint502::check::{Options, check};
use lint502::model::nginx::{Endpoint, IncludeProblem, TargetKind};

/// Errors nginx raises that lint502 does not model (yet): values, regexes,
/// variables, duplicates, certificates. For these, lint502 must not report
/// any nginx-fatal problem at or before nginx's line.
const NOT_MODELLED: &[&str] = &[
    "pcre2_compile()",
    "the closing bracket in",
    "invalid variable name",
    "directive is duplicate",
    "directive invalid value",
    "invalid parameter",
    "invalid URL prefix",
    "may not have port",
    "duplicate upstream",
    "cannot have URI part",
    "cannot load certificate",
    "no \"ssl_certificate\" is defined",
    "duplicate location",
    "no \"events\" section",
];

/// Cases where lint502 deliberately differs from this nginx build, with why.
const DIFFERENT_BY_DESIGN: &[(&str, &str)] = &[
    (
        "10e_lua_block_without_modules",
        "lint502 assumes the common third-party modules (lua, headers-more, njs…) are loaded; this nginx ran without them",
    ),
    // Names with a port or a dot are looked up in DNS where nginx runs (a
    // docker-compose service `app`, a real host): only the deployment's
    // resolver can say. These failed here because the names do not resolve.
    (
        "24a_proxy_pass_invalid_host",
        "an FQDN: depends on DNS where nginx runs",
    ),
    (
        "24b_proxy_pass_invalid_host_port",
        "host with a port: depends on DNS where nginx runs",
    ),
    (
        "24h_proxy_pass_bare_app_port",
        "host with a port: depends on DNS where nginx runs",
    ),
    (
        "24l_upstream_server_unresolvable",
        "host with a port: depends on DNS where nginx runs",
    ),
    (
        "25a_uwsgi_pass_invalid_host",
        "host with a port: depends on DNS where nginx runs",
    ),
    (
        "25b_fastcgi_pass_invalid_host",
        "host with a port: depends on DNS where nginx runs",
    ),
    (
        "25c_grpc_pass_invalid_host",
        "host with a port: depends on DNS where nginx runs",
    ),
    (
        "25d_uwsgi_pass_bare_app",
        "host with a port: depends on DNS where nginx runs",
    ),
    (
        "25f_scgi_pass_invalid_host",
        "host with a port: depends on DNS where nginx runs",
    ),
    (
        "25g_grpc_pass_no_scheme_invalid_host",
        "host with a port: depends on DNS where nginx runs",
    ),
    (
        "23a_include_missing_literal",
        "the include is an absolute path outside the repository; lint502 does not read or judge files outside it",
    ),
];

/// lint502's nginx-fatal findings in a file, as (line, nginx message), in
/// reading order.
fn findings(path: &Path) -> Vec<(u32, String)> {
    let out = check(&[path.to_path_buf()], &Options::default());
    let db = &out.db;
    let model = &out.deployment.nginx;
    let line = |span: lint502::source::Span| db.get(span.file).line_col(span.start as usize).0 as u32;
    let mut v: Vec<(u32, u32, String)> = Vec::new();
    for (file, e) in &model.syntax_errors {
        let l = e
            .line
            .unwrap_or_else(|| db.get(*file).line_col(e.span.start as usize).0 as u32);
        v.push((l, u32::MAX, e.message.clone()));
    }
    for p in &model.problems {
        v.push((line(p.terminator), p.terminator.start, p.nginx_message()));
    }
    for p in &model.include_problems {
        if let IncludeProblem::Missing { span, value, .. } = p {
            v.push((
                line(*span),
                span.start,
                format!("open() \"{value}\" failed (2: No such file or directory)"),
            ));
        }
    }
    for d in &out.diagnostics {
        if d.code == "NGX005" {
            let t = model.targets.iter().find(|t| t.span == d.primary.span).expect("target");
            if let TargetKind::Direct(Endpoint::Tcp { host, .. }) = &t.kind {
                v.push((
                    line(t.span),
                    t.span.start,
                    format!("host not found in upstream \"{host}\""),
                ));
            }
        }
    }
    v.sort();
    v.into_iter().map(|(l, _, m)| (l, m)).collect()
}

#[test]
fn golden_cases_agree_with_nginx_t() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/parse/nginx/golden");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("golden dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 100, "only {} golden cases", cases.len());
    let mut failures = Vec::new();
    for conf in &cases {
        let stem = conf.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        if DIFFERENT_BY_DESIGN.iter().any(|(c, _)| *c == stem) {
            continue;
        }
        let expected = std::fs::read_to_string(conf.with_extension("expected")).expect("expected file");
        let first = expected.lines().next().unwrap_or_default();
        let got = findings(conf);
        if first == "ok" {
            if let Some((l, m)) = got.first() {
                failures.push(format!("{stem}: nginx accepts it, lint502 says `{m}` at line {l}"));
            }
            continue;
        }
        let mut parts = first.splitn(3, '\t');
        let (_, line, msg) = (parts.next(), parts.next().unwrap_or("0"), parts.next().unwrap_or(""));
        let line: u32 = line.parse().expect("line number");
        if NOT_MODELLED.iter().any(|p| msg.contains(p)) {
            if let Some((l, m)) = got.iter().find(|(l, _)| line == 0 || *l <= line) {
                failures.push(format!(
                    "{stem}: nginx stops at line {line} ({msg}), lint502 reports `{m}` at line {l} first"
                ));
            }
            continue;
        }
        match got.first() {
            Some((l, m)) if *l == line && m == msg => {}
            Some((l, m)) => failures.push(format!("{stem}: nginx `{msg}` at {line}, lint502 `{m}` at {l}")),
            None => failures.push(format!("{stem}: nginx `{msg}` at {line}, lint502 finds nothing")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
