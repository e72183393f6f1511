//! NGX008: a `*_pass` whose host is a variable, with no `resolver`.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "NGX008",
    name: "variable-pass-without-resolver",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "a `*_pass` host comes from a variable and no `resolver` is set: every request ends in 502",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/NGX008.md"),
};

/// The variables named in the host part of a `*_pass` argument.
fn host_variables(value: &str) -> Vec<String> {
    let rest = value.split_once("://").map(|(_, r)| r).unwrap_or(value);
    if rest.starts_with("unix:") {
        return Vec::new();
    }
    let authority = rest.split('/').next().unwrap_or("");
    // `127.0.0.1:8000$request_uri`: what follows a literal port belongs to
    // the URI, not the host.
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.starts_with(|c: char| c.is_ascii_digit()) => h,
        _ => authority,
    };
    let mut vars = Vec::new();
    for (i, c) in host.char_indices() {
        if c != '$' {
            continue;
        }
        let tail = &host[i + 1..];
        let name: String = if let Some(braced) = tail.strip_prefix('{') {
            braced.split('}').next().unwrap_or("").to_owned()
        } else {
            tail.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        if !name.is_empty() {
            vars.push(name);
        }
    }
    vars
}

pub fn check(cx: &mut Checker) {
    let n = &cx.model.nginx;
    for t in &n.targets {
        let Some(li) = t.location else { continue };
        let vars = host_variables(&t.value);
        if vars.is_empty() {
            continue;
        }
        let loc = &n.locations[li];
        if loc.settings.contains_key("resolver") {
            continue;
        }
        // The value may name an upstream block: nginx then needs no resolver.
        if n.upstreams.iter().any(|u| u.group == t.group && !u.stream) {
            continue;
        }
        // Per-request values (map, geo) or a literal IP: lint502 cannot say,
        // or no lookup is needed.
        let decided = |v: &String| {
            n.defined_vars.iter().any(|(name, value)| {
                name == v
                    && value
                        .as_deref()
                        .is_none_or(|val| val.parse::<std::net::IpAddr>().is_ok())
            })
        };
        if vars.iter().any(decided) {
            continue;
        }
        let d = cx
            .diagnostic(
                t.span,
                "host from a variable",
                format!(
                    "{} takes its host from ${}, but no resolver is set, expected a `resolver` in this location, its server or http",
                    t.directive, vars[0]
                ),
            )
            .with_note("nginx resolves a host that comes from a variable per request; without a resolver it logs `no resolver defined to resolve …` and answers 502 (observed with nginx 1.22.1: testdata/observed/backends.md, case 12)")
            .with_help("add `resolver 127.0.0.53 valid=30s;` (systemd-resolved), `resolver 127.0.0.11;` in Docker, or write the address without a variable");
        cx.report(d);
    }
}

#[cfg(test)]
mod tests {
    use super::host_variables;

    #[test]
    fn finds_variables_in_the_host_only() {
        assert_eq!(host_variables("http://$backend:8000"), ["backend"]);
        assert_eq!(host_variables("http://${svc}.internal/api"), ["svc"]);
        assert!(host_variables("http://127.0.0.1:8000$request_uri").is_empty());
        assert!(host_variables("http://unix:/run/$name.sock").is_empty());
        assert_eq!(host_variables("$scheme://$host"), ["host"]);
    }
}
