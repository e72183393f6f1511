//! PY002: the app imports a standard-library module that the target Python
//! removed (`distutils`, `imp` in 3.12; `cgi`, `telnetlib` in 3.13).

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::deps::Provider;
use crate::rules::python::{severity_of, when};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PY002",
    name: "stdlib-module-removed",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "the app imports a standard-library module the target Python removed: ModuleNotFoundError at boot",
    inputs: &[FileKind::Requirements],
    doc: include_str!("../../../lints/PY002.md"),
};

pub fn check(cx: &mut Checker) {
    let Some(m) = cx.model.deps.as_ref() else { return };
    for u in &m.uses {
        let Provider::Removed(v) = u.provider else { continue };
        let Some(severity) = severity_of(u) else { continue };
        let (py_text, py_span) = match &m.python_why {
            Some((why, span)) => (why.clone(), Some(*span)),
            None => (
                format!(
                    "no file names a Python version, so lint502 assumed the newest, {}.{}",
                    m.python.0, m.python.1
                ),
                None,
            ),
        };
        let mut d = cx
            .diagnostic(
                u.import.span,
                format!("removed in Python {}.{}", v.0, v.1),
                format!(
                    "imports `{}` {}, but Python {}.{} removed it from the standard library ({}), expected a replacement",
                    u.import.module,
                    when(u),
                    v.0,
                    v.1,
                    py_text
                ),
            )
            .with_note("the import raises ModuleNotFoundError on that Python; at boot the worker cannot start and nginx answers 502 (the same mechanism as a missing package: testdata/observed/backends.md, case 25)")
            .with_help(match u.top.as_str() {
                "distutils" => "use setuptools (which provides `distutils` again) or `packaging`/`sysconfig`".to_string(),
                "imp" => "use importlib".to_string(),
                "asyncore" | "asynchat" | "smtpd" => "use asyncio (or the pyasyncore/pyasynchat packages)".to_string(),
                _ => format!("see PEP 594 for `{}`'s replacement, or pin an older Python", u.top),
            });
        d.severity = severity;
        if let Some(s) = py_span {
            d = d.with_label(s, format!("Python {}.{}", m.python.0, m.python.1));
        }
        cx.report(d);
    }
}
