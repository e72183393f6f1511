//! `lint502 parse FILE --format json`: the tree lint502 read, with spans, in
//! the spirit of `crossplane parse` (one file, includes not followed).
//!
//! ```text
//! {"file", "status": "ok"|"failed", "errors": [{"message", "line", "column", "offset"}],
//!  "parsed": [Stmt], "comments": [{"text", "line", "span"}]}
//! Stmt = {"directive", "line", "column", "span": {"start", "end"},
//!         "args": [{"value", "quote": null|"\""|"'", "span"}],
//!         "block"?: [Stmt], "raw_block"?: {"text", "span"}}
//! ```
//! Lines and columns are 1-based; spans are byte offsets into the file.

use std::path::Path;

use serde_json::{Value, json};

use crate::parse::nginx::{self, Body, Directive};
use crate::source::{FileId, SourceFile, Span};

fn span(s: Span) -> Value {
    json!({"start": s.start, "end": s.end})
}

fn stmt(src: &SourceFile, d: &Directive) -> Value {
    let (line, column) = src.line_col(d.name.span.start as usize);
    let args: Vec<Value> = d
        .args
        .iter()
        .map(|a| json!({"value": a.value, "quote": a.quote.map(String::from), "span": span(a.span)}))
        .collect();
    let mut v = json!({"directive": d.name.value, "line": line, "column": column, "span": span(d.span), "args": args});
    if let Some(b) = &d.block {
        match &b.body {
            Body::Directives(children) => {
                v["block"] = Value::Array(children.iter().map(|c| stmt(src, c)).collect());
            }
            Body::Raw(s) => {
                v["raw_block"] = json!({"text": src.text.get(s.range()).unwrap_or(""), "span": span(*s)});
            }
        }
    }
    v
}

/// The imports of a Python file:
///
/// ```text
/// {"file", "status": "ok"|"failed", "errors": [...],
///  "imports": [{"module", "level", "names": [...], "kind": "import"|"from"|"import_module"|"__import__",
///               "line", "column", "span", "statement",
///               "context": {"function", "class", "guarded", "in_handler", "type_checking",
///                           "version_check", "conditional"}}]}
/// ```
fn python_json(src: &SourceFile) -> (Value, bool) {
    use crate::parse::python::{self, ImportKind};
    let m = python::parse_module(FileId(0), &src.text);
    let imports: Vec<Value> = m
        .imports
        .iter()
        .map(|i| {
            let (line, column) = src.line_col(i.statement.start as usize);
            let c = &i.context;
            json!({
                "module": i.module,
                "level": i.level,
                "names": i.names,
                "kind": match i.kind {
                    ImportKind::Import => "import",
                    ImportKind::From => "from",
                    ImportKind::ImportModule => "import_module",
                    ImportKind::DunderImport => "__import__",
                },
                "line": line,
                "column": column,
                "span": span(i.span),
                "statement": span(i.statement),
                "context": {
                    "function": c.function, "class": c.class, "guarded": c.guarded, "in_handler": c.in_handler,
                    "type_checking": c.type_checking, "version_check": c.version_check, "conditional": c.conditional,
                },
            })
        })
        .collect();
    let errors: Vec<Value> = m
        .error
        .iter()
        .map(|e| {
            let (line, column) = src.line_col(e.span.start as usize);
            json!({"message": e.message, "line": line, "column": column, "offset": e.span.start})
        })
        .collect();
    let ok = m.error.is_none();
    (
        json!({"file": src.display, "status": if ok { "ok" } else { "failed" }, "errors": errors, "imports": imports}),
        ok,
    )
}

/// The requirements of a pip requirements file:
///
/// ```text
/// {"file", "status", "errors": [...], "includes": [{"path", "kind": "requirement"|"constraint", "span"}],
///  "requirements": [{"name", "canonical", "extras": [...], "specifier", "marker", "url", "path",
///                    "editable", "hashes": [...], "line", "span"}]}
/// ```
fn requirements_json(src: &SourceFile) -> (Value, bool) {
    use crate::parse::requirements::{self, IncludeKind, Target};
    let f = requirements::parse(FileId(0), &src.text);
    let reqs: Vec<Value> = f
        .requirements
        .iter()
        .map(|r| {
            let (url, path) = match &r.target {
                Target::Index => (None, None),
                Target::Url { url, .. } => (Some(url.clone()), None),
                Target::Path { path, .. } => (None, Some(path.clone())),
            };
            json!({
                "name": r.name.as_ref().map(|n| n.written.clone()),
                "canonical": r.name.as_ref().map(|n| n.canonical.clone()),
                "extras": r.extras.iter().map(|e| e.value.clone()).collect::<Vec<_>>(),
                "specifier": r.specifier.as_ref().map(|s| s.normalized()),
                "marker": r.marker.as_ref().map(|m| m.to_string()),
                "url": url,
                "path": path,
                "editable": r.editable,
                "hashes": r.hashes.len(),
                "line": r.line,
                "span": span(r.span),
            })
        })
        .collect();
    let includes: Vec<Value> = f
        .includes
        .iter()
        .map(|i| {
            json!({
                "path": i.path.value,
                "kind": if i.kind == IncludeKind::Constraint { "constraint" } else { "requirement" },
                "span": span(i.path.span),
            })
        })
        .collect();
    let errors: Vec<Value> = f
        .errors
        .iter()
        .map(|e| {
            let (line, column) = src.line_col(e.span.start as usize);
            json!({"message": e.message, "line": line, "column": column, "offset": e.span.start})
        })
        .collect();
    let ok = f.errors.is_empty();
    (
        json!({"file": src.display, "status": if ok { "ok" } else { "failed" }, "errors": errors,
               "includes": includes, "requirements": reqs}),
        ok,
    )
}

/// Parse one file and render it (an nginx file; a Python file by its
/// `.py`/`.pyi` extension; a pip requirements file by its name:
/// `requirements*.txt`/`.in`, `constraints*.txt`, `requirements/*.txt`);
/// the bool is false on a syntax error.
pub fn parse_file_json(path: &Path) -> Result<(String, bool), String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > crate::discover::MAX_FILE_SIZE {
        return Err(format!(
            "file is {} bytes, larger than the {} byte limit",
            meta.len(),
            crate::discover::MAX_FILE_SIZE
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let src = SourceFile::new(path.to_path_buf(), crate::source::display_path(path), bytes);
    if path.extension().is_some_and(|e| e == "py" || e == "pyi") {
        let (v, ok) = python_json(&src);
        return Ok((serde_json::to_string_pretty(&v).unwrap_or_default(), ok));
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let in_req_dir = path
        .parent()
        .and_then(|d| d.file_name())
        .is_some_and(|d| d == "requirements");
    if (name.starts_with("requirements") || name.starts_with("constraints") || in_req_dir)
        && (name.ends_with(".txt") || name.ends_with(".in"))
    {
        let (v, ok) = requirements_json(&src);
        return Ok((serde_json::to_string_pretty(&v).unwrap_or_default(), ok));
    }
    let file = nginx::parse(FileId(0), &src.text);
    let errors: Vec<Value> = file
        .error
        .iter()
        .map(|e| {
            let (line, column) = src.line_col(e.span.start as usize);
            json!({"message": e.message, "line": e.line.map(|l| l as usize).unwrap_or(line), "column": column, "offset": e.span.start})
        })
        .collect();
    let comments: Vec<Value> = file
        .comments
        .iter()
        .map(|c| json!({"text": c.text, "line": src.line_col(c.span.start as usize).0, "span": span(c.span)}))
        .collect();
    let ok = file.error.is_none();
    let v = json!({
        "file": src.display,
        "status": if ok { "ok" } else { "failed" },
        "errors": errors,
        "parsed": file.directives.iter().map(|d| stmt(&src, d)).collect::<Vec<_>>(),
        "comments": comments,
    });
    Ok((serde_json::to_string_pretty(&v).unwrap_or_default(), ok))
}
