//! The nginx version a deployment runs, where the repository says it: the
//! `--nginx-version` option, else an nginx image (`FROM nginx:1.29.7-alpine`
//! in a Dockerfile, `image: nginx:1.30` in compose). Otherwise lint502
//! assumes a version before 1.29.7, as distributions ship (Debian 12: 1.22,
//! Ubuntu 24.04: 1.24, RHEL 9: 1.20–1.26), and says so in its messages.
//!
//! The version matters for upstream keep-alive: nginx 1.29.7 (2026-03-24,
//! changes.xml) made `proxy_http_version 1.1` the default, stopped sending
//! `Connection: close`, and turned on `keepalive 32 local` for every
//! `upstream{}` block (backend-semantics.md §4.1).

use crate::model::backend::BackendModel;
use crate::model::value::Value;
use crate::source::Span;

/// `(major, minor, patch)`; a floating tag leaves the rest at `u32::MAX`
/// (`nginx:1.29` is the newest 1.29.x, `nginx:latest` the newest release).
pub type Version = (u32, u32, u32);

/// The first release with HTTP/1.1 and keep-alive to upstreams by default.
pub const KEEPALIVE_DEFAULT: Version = (1, 29, 7);

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TargetVersion {
    /// None: not stated anywhere; assumed older than 1.29.7.
    pub version: Option<Version>,
    /// The image reference that states it.
    pub span: Option<Span>,
    /// For messages: "nginx:1.29-alpine in Dockerfile", "--nginx-version
    /// 1.30.0", "no nginx version found: assuming one before 1.29.7".
    pub how: String,
}

impl TargetVersion {
    /// Whether `upstream{}` blocks keep connections without being told.
    pub fn keepalive_by_default(&self) -> bool {
        self.version.is_some_and(|v| v >= KEEPALIVE_DEFAULT)
    }
}

/// Read `1.29.7`, `1.29`, `1`, `1.29.7-alpine`, `mainline`, `latest`…
pub fn parse(tag: &str) -> Option<Version> {
    let t = tag.trim();
    if t.is_empty() {
        return Some((u32::MAX, u32::MAX, u32::MAX));
    }
    let numeric: String = t.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    if numeric.is_empty() {
        // `latest`, `mainline`, `stable`, `alpine`, `perl`, `alpine-slim`:
        // the newest builds, all past 1.29.7 on 2026-11-21 (stable 1.30).
        let floating = [
            "latest", "mainline", "stable", "alpine", "perl", "bookworm", "trixie", "otel", "slim",
        ];
        return floating
            .iter()
            .any(|f| t.starts_with(f))
            .then_some((u32::MAX, u32::MAX, u32::MAX));
    }
    let mut parts = numeric.trim_end_matches('.').split('.').map(|p| p.parse::<u32>().ok());
    let major = parts.next().flatten()?;
    let minor = parts.next().map_or(Some(u32::MAX), |p| p)?;
    let patch = parts.next().map_or(Some(u32::MAX), |p| p)?;
    Some((major, minor, patch))
}

/// The tag of an nginx image reference, or None for another image.
fn nginx_tag(image: &str) -> Option<&str> {
    let image = image.trim();
    let (name, tag) = match image.rsplit_once(':') {
        // `registry:5000/nginx` has a colon in the registry part.
        Some((n, t)) if !t.contains('/') => (n, t),
        _ => (image, ""),
    };
    let name = name.split('@').next().unwrap_or(name);
    let last = name.rsplit('/').next().unwrap_or(name);
    let official = matches!(
        name,
        "nginx" | "library/nginx" | "docker.io/library/nginx" | "docker.io/nginx" | "mirror.gcr.io/library/nginx"
    );
    let unprivileged = last == "nginx-unprivileged";
    (official || unprivileged).then_some(tag)
}

/// Shown for a version in messages.
pub fn display(v: Version) -> String {
    match v {
        (a, u32::MAX, _) if a == u32::MAX => "the newest nginx".to_owned(),
        (a, u32::MAX, _) => format!("nginx {a}.x"),
        (a, b, u32::MAX) => format!("nginx {a}.{b}.x"),
        (a, b, c) => format!("nginx {a}.{b}.{c}"),
    }
}

/// The target version: `given` (the command-line option) wins, then the
/// first nginx image a launcher names.
pub fn detect(backends: &BackendModel, given: Option<&str>, db: &crate::source::SourceDb) -> TargetVersion {
    if let Some(g) = given {
        return TargetVersion {
            version: parse(g),
            span: None,
            how: format!("--nginx-version {g}"),
        };
    }
    for (file, l) in &backends.launches {
        for (key, v) in &l.extra {
            if key != "FROM" && key != "image" {
                continue;
            }
            let Value::Str(image) = &v.value else { continue };
            let Some(tag) = nginx_tag(image) else { continue };
            let Some(version) = parse(tag) else { continue };
            return TargetVersion {
                version: Some(version),
                span: Some(v.span),
                how: format!("`{image}` in {}", db.get(*file).display),
            };
        }
    }
    TargetVersion {
        version: None,
        span: None,
        how: "no nginx version found (no nginx image, no --nginx-version): assuming one before 1.29.7".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(parse("1.29.7-alpine"), Some((1, 29, 7)));
        assert_eq!(parse("1.29"), Some((1, 29, u32::MAX)));
        assert_eq!(parse("1.28.0"), Some((1, 28, 0)));
        assert_eq!(parse("latest"), Some((u32::MAX, u32::MAX, u32::MAX)));
        assert_eq!(parse("stable-alpine"), Some((u32::MAX, u32::MAX, u32::MAX)));
        assert_eq!(parse("${NGINX_VERSION}"), None);
        assert!(parse("1.29").is_some_and(|v| v >= KEEPALIVE_DEFAULT));
        assert!(parse("1.29.6").is_some_and(|v| v < KEEPALIVE_DEFAULT));
        assert!(parse("1.28").is_some_and(|v| v < KEEPALIVE_DEFAULT));
    }

    #[test]
    fn images() {
        assert_eq!(nginx_tag("nginx:1.29-alpine"), Some("1.29-alpine"));
        assert_eq!(nginx_tag("nginx"), Some(""));
        assert_eq!(nginx_tag("docker.io/library/nginx:1.27"), Some("1.27"));
        assert_eq!(nginx_tag("nginxinc/nginx-unprivileged:1.30"), Some("1.30"));
        assert_eq!(nginx_tag("python:3.12"), None);
        assert_eq!(nginx_tag("registry:5000/nginx"), None);
        assert_eq!(nginx_tag("nginxproxy/nginx-proxy:1.6"), None);
    }
}
