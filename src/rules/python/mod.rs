//! Rules about the Python app's dependencies: what it imports, from the
//! launcher's entrypoint, against what the deployment installs.
pub mod app_not_found;
pub mod feature_package_missing;
pub mod import_not_installed;
pub mod launcher_package_missing;
pub mod requirement_is_stdlib;
pub mod requirements_include_failed;
pub mod stdlib_module_removed;

use crate::diagnostic::Severity;
use crate::model::deps::{DepsModel, ImportUse};
use crate::model::pyapp::Reach;
use crate::parse::python::ImportKind;

/// How bad a failing import is, from where it runs: at boot (module level of
/// a file the entrypoint loads, not guarded) the process cannot start —
/// error; inside a function, in a file loaded only later, or with no known
/// entrypoint — warning; guarded by `except ImportError` or a fallback in a
/// handler — not reported.
pub(crate) fn severity_of(u: &ImportUse) -> Option<Severity> {
    let c = &u.import.context;
    if c.guarded || c.type_checking {
        return None;
    }
    let boot = u.reach == Some(Reach::Boot)
        && !c.function
        && !c.in_handler
        && !c.version_check
        && !c.conditional
        && matches!(u.import.kind, ImportKind::Import | ImportKind::From);
    Some(if boot { Severity::Error } else { Severity::Warning })
}

/// "at boot" / "when the function runs" / "when this file is imported".
pub(crate) fn when(u: &ImportUse) -> &'static str {
    let c = &u.import.context;
    match u.reach {
        Some(Reach::Boot) if !c.function && !c.in_handler && !c.conditional && !c.version_check => {
            "while the app loads"
        }
        Some(Reach::Boot) if c.function => "when the function around it runs",
        Some(Reach::Boot) => "when the branch around it runs",
        Some(Reach::Runtime) => "when a function first imports this file",
        None => "when this file is imported (no entrypoint lint502 can follow)",
    }
}

/// The requirement files installed, for messages.
pub(crate) fn installed_text(db: &crate::source::SourceDb, m: &DepsModel) -> String {
    let names: Vec<String> = m.installed.iter().map(|f| db.get(*f).display.clone()).collect();
    match names.len() {
        0 => "no requirement file".into(),
        1 => names[0].clone(),
        _ => names.join(", "),
    }
}
