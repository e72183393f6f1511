//! PY005: the app uses a framework feature that imports a package of its
//! own (FastAPI forms, Pydantic `EmailStr`, Jinja2 templates, a database
//! driver named by a Django ENGINE or a SQLAlchemy URL), and nothing the
//! deployment installs provides that package.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::deps::Provider;
use crate::model::pyapp::Reach;
use crate::rules::python::installed_text;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PY005",
    name: "feature-package-missing",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "a framework feature the app uses needs a package nothing installs (Form → python-multipart, a database driver): it fails at boot or per request",
    inputs: &[FileKind::Requirements],
    doc: include_str!("../../../lints/PY005.md"),
};

pub fn check(cx: &mut Checker) {
    let Some(m) = cx.model.deps.as_ref() else { return };
    if !m.judged {
        return;
    }
    let mut reported: Vec<(crate::source::FileId, String)> = Vec::new();
    for f in &m.features {
        let Provider::Missing(would) = &f.provider else {
            continue;
        };
        if reported
            .iter()
            .any(|(file, what)| *file == f.file && *what == f.feature)
        {
            continue;
        }
        reported.push((f.file, f.feature.clone()));
        let boot = f.reach == Some(Reach::Boot) && !f.at_request;
        let when = if f.at_request {
            "when a response is made"
        } else {
            match f.reach {
                Some(Reach::Boot) => "while the app loads",
                Some(Reach::Runtime) => "when a function first imports this file",
                None => "when this file is imported (no entrypoint lint502 can follow)",
            }
        };
        let package = would.first().cloned().unwrap_or_else(|| f.modules.join(" or "));
        let expected = if would.is_empty() {
            f.modules.join("` or `")
        } else {
            would.join("` or `")
        };
        let mut d = cx
            .diagnostic(
                f.span,
                format!("{} needs `{package}`", f.feature),
                format!(
                    "uses {}, which imports `{}` {when}, but no requirement in {} provides it, expected `{expected}` in it",
                    f.feature,
                    f.modules.join("` or `"),
                    installed_text(cx.db, m),
                ),
            )
            .with_note(if boot {
                format!(
                    "observed without the package: {}; the worker cannot boot and nginx answers 502 (testdata/observed/backends.md, case 26)",
                    f.observed
                )
            } else {
                format!(
                    "observed without the package: {}; those requests fail with 500 (testdata/observed/backends.md, case 26)",
                    f.observed
                )
            })
            .with_help(format!("add `{package}` to {}", installed_text(cx.db, m)));
        d.severity = if boot { Severity::Error } else { Severity::Warning };
        cx.report(d);
    }
}
