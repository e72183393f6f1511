//! `--format sarif`: a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format, errata 01), one run.
//!
//! - `tool.driver.rules` lists every registered rule (not only those that fired), in the registry's order, so a
//!   result's `ruleIndex` is its rule's position in `RULES`.
//! - Lines and columns are 1-based; the run says `"columnKind": "unicodeCodePoints"` (SARIF §3.14.27 requires
//!   the property whenever there are results, and has no default), which is what the JSON output counts too.
//!   `endColumn` is exclusive ("one greater than the column number of the last character", §3.30.8).
//! - A path below the working directory is a relative URI with `"uriBaseId": "%SRCROOT%"`, which stands for
//!   the directory lint502 ran in (run it from the repository root for GitHub code scanning); any other path is
//!   an absolute `file://` URI without a base (§3.4.4).
//! - The primary label's text is the location's `message`; secondary labels are `relatedLocations`; notes and
//!   help are appended to the result's message, one per line.
//! - No timestamps, no absolute paths of the machine, no random ids: the same input gives the same bytes.
//!
//! The structs cover the part of SARIF lint502 writes, no more; `tests/formats.rs` validates real output against
//! the official schema in `schema/sarif-schema-2.1.0.json`.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::rules::{RULES, RuleMeta};
use crate::source::{SourceDb, Span};

/// The schema a log names in `$schema`: the OASIS 2.1.0 errata 01 schema, the one committed under `schema/`.
pub const SARIF_SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// ASSUMPTION: the project's public home. Nothing in Cargo.toml names a repository yet; change this one constant
/// (and [`RULE_DOC_BASE_URI`]) when it moves.
pub const INFORMATION_URI: &str = "https://github.com/lint502/lint502";

/// ASSUMPTION (see [`INFORMATION_URI`]): where a rule's page `lints/<CODE>.md` is browsable; `helpUri` is this
/// followed by `<CODE>.md`.
pub const RULE_DOC_BASE_URI: &str = "https://github.com/lint502/lint502/blob/main/lints/";

/// The `uriBaseId` of relative paths: the working directory lint502 ran in.
pub const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    pub column_kind: &'static str,
    pub results: Vec<SarifResult>,
}

#[derive(Serialize)]
pub struct Tool {
    pub driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: &'static str,
    pub version: &'static str,
    pub semantic_version: &'static str,
    pub information_uri: &'static str,
    pub rules: Vec<ReportingDescriptor>,
}

/// SARIF's `multiformatMessageString`.
#[derive(Serialize)]
pub struct MultiformatMessage {
    pub text: String,
    pub markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    pub id: &'static str,
    pub name: &'static str,
    pub short_description: MultiformatMessage,
    pub full_description: MultiformatMessage,
    pub help: MultiformatMessage,
    pub help_uri: String,
    pub default_configuration: Configuration,
    pub properties: RuleProperties,
}

#[derive(Serialize)]
pub struct Configuration {
    pub level: &'static str,
}

#[derive(Serialize)]
pub struct RuleProperties {
    /// The rule's group (`correctness`, `suspicious`, …).
    pub tags: Vec<&'static str>,
}

#[derive(Serialize)]
pub struct Message {
    pub text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<usize>,
    pub level: &'static str,
    pub message: Message,
    pub locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<Location>,
    pub properties: ResultProperties,
}

#[derive(Serialize)]
pub struct ResultProperties {
    /// The rule's kebab-case name, beside its code in `ruleId`.
    pub name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// Set on related locations (their index), which keeps them unique as SARIF requires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<usize>,
    pub physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    pub uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// SARIF's level for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The page without its `# CODE name` title line.
fn page_body(doc: &str) -> &str {
    match doc.strip_prefix('#') {
        Some(rest) if !rest.starts_with('#') => rest.split_once('\n').map_or("", |(_, body)| body).trim(),
        _ => doc.trim(),
    }
}

/// The body of the page's `## What it does` section, or the summary when the page has none.
fn what_it_does(meta: &RuleMeta) -> String {
    let mut lines = meta.doc.lines().skip_while(|l| l.trim() != "## What it does");
    if lines.next().is_none() {
        return meta.summary.to_owned();
    }
    let mut in_fence = false;
    let mut out = Vec::new();
    for l in lines {
        if l.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && l.starts_with("## ") {
            break;
        }
        out.push(l);
    }
    let s = out.join("\n").trim().to_owned();
    if s.is_empty() { meta.summary.to_owned() } else { s }
}

pub fn descriptor(meta: &RuleMeta) -> ReportingDescriptor {
    let full = what_it_does(meta);
    let body = page_body(meta.doc).to_owned();
    ReportingDescriptor {
        id: meta.code,
        name: meta.name,
        short_description: MultiformatMessage {
            text: meta.summary.to_owned(),
            markdown: meta.summary.to_owned(),
        },
        full_description: MultiformatMessage {
            text: full.clone(),
            markdown: full,
        },
        help: MultiformatMessage {
            text: body.clone(),
            markdown: body,
        },
        help_uri: format!("{RULE_DOC_BASE_URI}{}.md", meta.code),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: RuleProperties {
            tags: vec![meta.group.as_str()],
        },
    }
}

/// Percent-encode a path for a URI: every byte but unreserved characters, sub-delimiters, `@` and `/`
/// (RFC 3986 §2.1, §3.3). `:` is encoded too, so a relative path never reads as a scheme.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The artifact location of a path as shown to users (`SourceFile::display`).
pub fn artifact_location(display: &str) -> ArtifactLocation {
    let p = display.replace('\\', "/");
    let bytes = p.as_bytes();
    let windows_drive = bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if windows_drive {
        ArtifactLocation {
            uri: format!("file:///{}:{}", &p[..1], encode_path(&p[2..])),
            uri_base_id: None,
        }
    } else if p.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", encode_path(&p)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encode_path(&p),
            uri_base_id: Some(SRCROOT),
        }
    }
}

fn physical(db: &SourceDb, span: Span) -> PhysicalLocation {
    let f = db.get(span.file);
    let (start_line, start_column) = f.line_col(span.start as usize);
    let (end_line, end_column) = f.line_col(span.end.max(span.start) as usize);
    PhysicalLocation {
        artifact_location: artifact_location(&f.display),
        region: Region {
            start_line,
            start_column,
            end_line,
            end_column,
        },
    }
}

fn location(db: &SourceDb, l: &Label, id: Option<usize>) -> Location {
    Location {
        id,
        physical_location: physical(db, l.span),
        message: (!l.message.is_empty()).then(|| Message {
            text: super::esc_line(&l.message),
        }),
    }
}

/// The message, then one line per note and the help.
fn message_text(d: &Diagnostic) -> String {
    let d = &super::escaped(d);
    let mut s = d.message.clone();
    super::push_notes_and_help(&mut s, d);
    s
}

pub fn result(db: &SourceDb, d: &Diagnostic) -> SarifResult {
    SarifResult {
        rule_id: d.code,
        rule_index: RULES.iter().position(|r| r.meta.code == d.code),
        level: level(d.severity),
        message: Message { text: message_text(d) },
        locations: vec![location(db, &d.primary, None)],
        related_locations: d
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| location(db, l, Some(i)))
            .collect(),
        properties: ResultProperties { name: d.name },
    }
}

/// The log for `diags` (already sorted by the caller, as for every format).
pub fn log(db: &SourceDb, diags: &[Diagnostic]) -> Log {
    Log {
        schema: SARIF_SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "lint502",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: RULES.iter().map(|r| descriptor(r.meta)).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results: diags.iter().map(|d| result(db, d)).collect(),
        }],
    }
}

pub fn render(db: &SourceDb, diags: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(&log(db, diags)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        let a = artifact_location("deploy/nginx/app.conf");
        assert_eq!(
            (a.uri.as_str(), a.uri_base_id),
            ("deploy/nginx/app.conf", Some(SRCROOT))
        );
        let a = artifact_location("my site/a:b%.conf");
        assert_eq!(a.uri, "my%20site/a%3Ab%25.conf");
        let a = artifact_location("/etc/nginx/nginx.conf");
        assert_eq!((a.uri.as_str(), a.uri_base_id), ("file:///etc/nginx/nginx.conf", None));
        let a = artifact_location("C:\\srv\\é.conf");
        assert_eq!(a.uri, "file:///C:/srv/%C3%A9.conf");
    }

    #[test]
    fn every_rule_has_a_description_and_help() {
        for r in RULES {
            let d = descriptor(r.meta);
            assert!(!d.full_description.text.is_empty(), "{}", r.meta.code);
            assert!(
                !d.help.text.starts_with('#') || d.help.text.starts_with("##"),
                "{}",
                r.meta.code
            );
        }
    }
}
