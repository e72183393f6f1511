//! PY004: a requirement names a standard-library module (`asyncio`,
//! `dataclasses`, `typing` on PyPI are stale backports).

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PY004",
    name: "requirement-is-stdlib",
    group: Group::Suspicious,
    severity: Severity::Info,
    summary: "a requirement installs a stale PyPI backport of a standard-library module",
    inputs: &[FileKind::Requirements],
    doc: include_str!("../../../lints/PY004.md"),
};

/// PyPI projects that are backports of modules now in the standard library.
const BACKPORTS: &[&str] = &[
    "argparse",
    "asyncio",
    "contextlib2",
    "dataclasses",
    "enum34",
    "futures",
    "importlib",
    "pathlib",
    "typing",
    "uuid",
    "wsgiref",
];

pub fn check(cx: &mut Checker) {
    let Some(m) = cx.model.deps.as_ref() else { return };
    for d in &m.declared {
        let module = d.canonical.replace('-', "_");
        let stdlib = crate::model::pydata::is_stdlib(&module, m.python);
        if !BACKPORTS.contains(&d.canonical.as_str())
            || !(stdlib || d.canonical == "enum34" || d.canonical == "futures")
        {
            continue;
        }
        let diag = cx
            .diagnostic(
                d.span,
                "a backport",
                format!(
                    "requirement `{}` is a PyPI backport of a module Python {}.{} already has, expected no requirement",
                    d.written, m.python.0, m.python.1
                ),
            )
            .with_note("the standard library comes first on sys.path, so the backport is never imported; old backports (`enum34`, `typing`) have broken installs and other packages on newer Pythons")
            .with_help(format!("remove `{}` from the requirements", d.written));
        cx.report(diag);
    }
}
