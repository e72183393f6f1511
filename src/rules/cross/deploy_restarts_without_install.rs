//! X010: a deploy step updates the code and restarts the app without
//! installing dependencies in between.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::deploy;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X010",
    name: "deploy-restarts-without-install",
    group: Group::Suspicious,
    severity: Severity::Warning,
    summary: "a deploy step updates the code and restarts the app without installing dependencies in between: a new import crashes the app at boot",
    inputs: &[FileKind::Deploy],
    doc: include_str!("../../../lints/X010.md"),
};

pub fn check(cx: &mut Checker) {
    let model = cx.model;
    // Something to install: a requirement file, or a manifest.
    let mut files: Vec<String> = Vec::new();
    if let Some(deps) = &model.deps
        && let Some((id, _)) = deps.requirement_files.first()
    {
        files.push(model.deploy.relative(&cx.db.get(*id).path));
    }
    for m in &model.deploy.manifests {
        if files.len() < 2 {
            files.push(model.deploy.relative(m));
        }
    }
    if files.is_empty() {
        return;
    }
    let named = files.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(" or ");
    let remedy = remedy(&files);
    for seq in &model.deploy.sequences {
        for (update, restart) in deploy::restarts_without_install(seq) {
            let d = cx
                .diagnostic(
                    restart.span,
                    "restarts the app",
                    format!(
                        "{} runs `{}` after `{}` with no install of {named} in between, expected {remedy} before the restart",
                        seq.origin, restart.text, update.text
                    ),
                )
                .with_label(update.span, "the code changes here")
                .with_note("the new code can import a package the server never installed: the app dies at import on the restart (gunicorn's master exits with status 3, `ModuleNotFoundError`), the process manager restarts it in a loop, and nginx answers 502 (observed: testdata/observed/backends.md, case 25)")
                .with_help(format!("install between the update and the restart: {remedy}"));
            cx.report(d);
        }
    }
}

/// The install command for the dependency files.
fn remedy(files: &[String]) -> String {
    let one = |f: &str| {
        let name = f.rsplit('/').next().unwrap_or(f);
        match name {
            "package.json" => "`npm ci`".to_string(),
            "Pipfile" => "`pipenv sync`".to_string(),
            "pyproject.toml" => "`pip install .` (or `uv sync`, `poetry install`)".to_string(),
            _ => format!("`pip install -r {f}`"),
        }
    };
    files.iter().map(|f| one(f)).collect::<Vec<_>>().join(" and ")
}
