//! GUN001: a name in a gunicorn config file that is close to a setting but
//! is not one: gunicorn ignores it without a word.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "GUN001",
    name: "misspelled-setting",
    group: Group::Suspicious,
    severity: Severity::Warning,
    summary: "a gunicorn config name close to a real setting is silently ignored",
    inputs: &[FileKind::Gunicorn],
    doc: include_str!("../../../lints/GUN001.md"),
};

pub fn check(cx: &mut Checker) {
    for (_, cfg) in &cx.model.backends.gunicorn {
        for (name, setting) in &cfg.misspelled {
            let d = cx
                .diagnostic(name.span, "not a gunicorn setting", format!("\"{}\" is not a gunicorn setting, expected `{setting}`", name.value))
                .with_note(format!(
                    "gunicorn {} reads only module-level names that are exactly a setting; others are ignored without a warning, so the default of `{setting}` applies (observed: testdata/observed/backends.md, case 13)",
                    crate::model::gunicorn::GUNICORN_VERSION
                ))
                .with_help(format!("rename it to `{setting}`"));
            cx.report(d);
        }
    }
}
