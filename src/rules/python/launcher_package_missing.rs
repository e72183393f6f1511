//! PY003: the launcher itself needs a package the deployment does not
//! install: gunicorn or uvicorn run from the virtualenv, a worker class.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::deps::declared_names;
use crate::rules::python::installed_text;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PY003",
    name: "launcher-package-missing",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "the launcher needs a package the requirements do not install (gunicorn in the venv, a worker class): it cannot start",
    inputs: &[FileKind::Requirements],
    doc: include_str!("../../../lints/PY003.md"),
};

pub fn check(cx: &mut Checker) {
    let Some(m) = cx.model.deps.as_ref() else { return };
    if !m.judged {
        return;
    }
    let declared = declared_names(m);
    let brought: Vec<String> = m
        .declared
        .iter()
        .flat_map(|d| {
            let extras: Vec<&str> = d.extras.iter().map(String::as_str).collect();
            crate::model::pydata::brings_along(&d.canonical, &extras)
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    for n in &m.needs {
        if declared.contains(n.dist.as_str()) || brought.contains(&n.dist) {
            continue;
        }
        let d = cx
            .diagnostic(
                n.span,
                format!("needs {}", n.dist),
                format!(
                    "{}, but no requirement in {} installs {}, expected `{}` there",
                    n.why,
                    installed_text(cx.db, m),
                    n.dist,
                    n.dist
                ),
            )
            .with_note(format!("a fresh virtualenv built from the requirements has no `{}`: the service fails to start (`No such file or directory` for the program, or ModuleNotFoundError for a worker class), and nginx answers 502", n.module))
            .with_help(format!("add `{}` to the requirements the deploy installs", n.dist));
        cx.report(d);
    }
}
