//! PY006: the app spec a server loads (`gunicorn main:app`, `uvicorn
//! app.main:app`, gunicorn's `wsgi_app`) names a module that is not where
//! the launcher makes Python look, or an attribute the module does not bind.
//! The model is `model::appspec`.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::appspec::{ProblemKind, SpecProblem};
use crate::rules::{Checker, Group, RuleMeta};
use crate::source::Span;

pub const META: RuleMeta = RuleMeta {
    code: "PY006",
    name: "app-not-found",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "the app spec names a module that is not where the server looks, or an attribute it does not bind: \
              the server exits at boot",
    // The Python side's rules run when the deployment says what it installs
    // (a requirements file or a manifest): a repository without one holds no
    // Python app to look in.
    inputs: &[FileKind::Requirements],
    doc: include_str!("../../../lints/PY006.md"),
};

/// What the server does, as observed (testdata/observed/backends.md, case 29).
fn observed(server: &str, module: &str, missing: &str, attribute: &str, missing_module: bool) -> String {
    let what = match (server, missing_module) {
        ("gunicorn", true) => format!(
            "gunicorn logs `ModuleNotFoundError: No module named '{missing}'` and the master exits with status 3 \
             (`Reason: Worker failed to boot.`)"
        ),
        ("gunicorn", false) => format!(
            "gunicorn logs `Failed to find attribute '{attribute}' in '{module}'.` and the master exits with status 4 \
             (`Reason: App failed to load.`)"
        ),
        ("uvicorn", true) if missing == module => {
            format!(
                "uvicorn logs `Error loading ASGI app. Could not import module \"{module}\".` and exits with status 3"
            )
        }
        ("uvicorn", true) => {
            format!("uvicorn exits with status 3 after `ModuleNotFoundError: No module named '{missing}'`")
        }
        ("uvicorn", false) => format!(
            "uvicorn logs `Error loading ASGI app. Attribute \"{attribute}\" not found in module \"{module}\".` and \
             exits with status 3"
        ),
        ("hypercorn", true) => {
            "hypercorn's worker raises `NoAppError: Cannot load application from '…', module not found.` and \
             hypercorn exits"
                .to_owned()
        }
        ("hypercorn", false) => {
            "hypercorn's worker raises `NoAppError: Cannot load application from '…', application not found.` and \
             hypercorn exits"
                .to_owned()
        }
        (_, true) => format!("{server} exits with status 1 after `ModuleNotFoundError: No module named '{missing}'`"),
        (_, false) => format!(
            "{server} exits with status 1 after `AttributeError: module '{module}' has no attribute '{attribute}'`"
        ),
    };
    format!(
        "every start fails: {what}; nothing listens, so nginx answers 502 (observed, testdata/observed/backends.md, \
         case 29)"
    )
}

fn searched(p: &SpecProblem) -> String {
    if p.searched.is_empty() {
        "the working directory".to_owned()
    } else {
        crate::model::appspec::or_list(&p.searched)
    }
}

pub fn check(cx: &mut Checker) {
    for p in &cx.model.app_specs {
        let d = match &p.kind {
            ProblemKind::MissingModule {
                missing,
                elsewhere,
                close,
            } => {
                let path = p.module.replace('.', "/");
                let mut d = cx
                    .diagnostic(
                        p.span,
                        format!("`{}` is not in {}", p.module, searched(p)),
                        format!(
                            "{} cannot import `{}` of the app spec `{}`: no `{path}.py` or `{path}/` in {}",
                            p.server,
                            p.module,
                            p.spec,
                            searched(p)
                        ),
                    )
                    .with_note(observed(p.server, &p.module, missing, &p.attribute, true));
                let dir_option = p.dir_option;
                let help = match (elsewhere, close) {
                    (Some(e), _) => {
                        let mut ways = Vec::new();
                        if let (Some(folder), Some(opt)) = (&e.folder, dir_option) {
                            ways.push(format!("add `{opt} {folder}`"));
                        }
                        if let Some(dotted) = &e.dotted {
                            ways.push(format!("write `{dotted}:{}`", p.attribute));
                        }
                        if ways.is_empty() {
                            format!(
                                "`{}` is this module from another folder: start the server where that folder is on \
                                 the path",
                                e.file
                            )
                        } else {
                            format!(
                                "`{}` is this module from another folder: {}",
                                e.file,
                                ways.join(", or ")
                            )
                        }
                    }
                    (None, Some(c)) => format!("did you mean `{c}`? (`{c}:{}`)", p.attribute),
                    (None, None) => {
                        format!("start the server in the folder that holds `{path}.py`, or correct the module name")
                    }
                };
                d = d.with_help(help);
                d
            }
            ProblemKind::MissingAttribute { file, nearest } => {
                let shown = &cx.db.get(*file).display;
                let mut d = cx
                    .diagnostic(
                        p.span,
                        format!("`{}` is not bound in `{}`", p.attribute, p.module),
                        format!(
                            "{} loads `{}` from the module `{}` (app spec `{}`), but the module binds no `{}` at top \
                             level",
                            p.server, p.attribute, p.module, p.spec, p.attribute
                        ),
                    )
                    .with_note(observed(p.server, &p.module, &p.module, &p.attribute, false));
                if p.default_attribute {
                    d = d.with_note(format!(
                        "the spec names no attribute: {} looks for `{}`",
                        p.server, p.attribute
                    ));
                }
                match nearest {
                    Some((n, span)) => {
                        d = d
                            .with_label(*span, format!("`{n}` is bound here"))
                            .with_help(format!("did you mean `{}:{n}`?", p.module));
                    }
                    None => {
                        d = d
                            .with_label(
                                Span::new(*file, 0, 0),
                                format!("`{}` is this file, with no top-level `{}`", p.module, p.attribute),
                            )
                            .with_help(format!(
                                "bind `{}` at the top level of `{shown}`, or name the app object in the spec",
                                p.attribute
                            ));
                    }
                }
                d
            }
        };
        let mut d = d;
        for n in &p.notes {
            d = d.with_note(n.clone());
        }
        for (why, span) in &p.decided_by {
            if *span != p.span {
                d = d.with_label(*span, format!("sets where Python looks ({why})"));
            }
        }
        cx.report(d);
    }
}
