//! PY001: the app imports a module that nothing the deployment installs
//! provides.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::deps::Provider;
use crate::rules::python::{installed_text, severity_of, when};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PY001",
    name: "import-not-installed",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "the app imports a package that no installed requirement provides: ModuleNotFoundError at boot, 502",
    inputs: &[FileKind::Requirements],
    doc: include_str!("../../../lints/PY001.md"),
};

pub fn check(cx: &mut Checker) {
    let Some(m) = cx.model.deps.as_ref() else { return };
    let first_installed = m.installed.first().copied();
    let mut reported: Vec<(crate::source::FileId, String)> = Vec::new();
    for u in &m.uses {
        let Provider::Missing(would) = &u.provider else {
            continue;
        };
        let Some(severity) = severity_of(u) else { continue };
        // One report per file and top-level module.
        if reported.iter().any(|(f, t)| *f == u.file && *t == u.top) {
            continue;
        }
        reported.push((u.file, u.top.clone()));
        let expected = would.join(" or ");
        let mut d = cx
            .diagnostic(
                u.import.span,
                format!("`{}` is not installed", u.top),
                format!(
                    "imports `{}` {}, but no requirement in {} provides it, expected `{}` in it",
                    u.import.module,
                    when(u),
                    installed_text(cx.db, m),
                    expected
                ),
            )
            .with_note(match severity {
                Severity::Error => "the import raises ModuleNotFoundError while the app loads: gunicorn's worker fails to boot and the master exits (status 3), a process manager restarts it again and again, and nginx answers 502 (observed: testdata/observed/backends.md, case 25)".to_string(),
                _ => "the import raises ModuleNotFoundError when that code runs: those requests fail with 500 (observed: testdata/observed/backends.md, case 25)".to_string(),
            })
            .with_help(format!(
                "add `{}` to {} (or install it in the deploy step)",
                would.first().cloned().unwrap_or_default(),
                installed_text(cx.db, m)
            ));
        d.severity = severity;
        if let Some(fix) = add_requirement(cx, m, would) {
            d = d.with_fix(fix);
        }
        if let Some(f) = first_installed {
            d = d.with_label(
                crate::source::Span::new(f, 0, 0),
                format!(
                    "{} is what the deployment installs ({})",
                    cx.db.get(f).display,
                    m.installed_why
                ),
            );
        }
        cx.report(d);
    }
}

/// `--fix`: append the one distribution that would provide the module to the
/// first requirements file the deployment installs, pinned to the version in
/// the repository's virtualenv when there is one. Only for a plain
/// requirements file (`.txt`/`.in`) and a single candidate: a choice between
/// distributions, or a pyproject.toml, is left to the user.
fn add_requirement(
    cx: &Checker,
    m: &crate::model::deps::DepsModel,
    would: &[String],
) -> Option<crate::diagnostic::Fix> {
    let [dist] = would else { return None };
    let file = *m.installed.first()?;
    let f = cx.db.get(file);
    let plain = f
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("in"));
    if !plain {
        return None;
    }
    let line = match m.venv_versions.get(&crate::model::pydata::canonical_name(dist)) {
        Some(v) => format!("{dist}=={v}"),
        None => dist.clone(),
    };
    if f.lossy {
        return None;
    }
    let end = f.text.len();
    let sep = if f.text.is_empty() || f.text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    Some(crate::diagnostic::Fix {
        title: format!("add `{line}` to {}", f.display),
        side: None,
        edits: vec![crate::diagnostic::Edit {
            span: crate::source::Span::new(file, end, end),
            text: format!("{sep}{line}\n"),
        }],
    })
}
