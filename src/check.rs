//! `lint502 check`: discover files, build the model, run the rules.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::discover::{self, Found, WalkError};
use crate::model::Deployment;
use crate::model::nginx::{self as nginx_model, NginxOptions};
use crate::rules::{self, RuleMeta};
use crate::source::SourceDb;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub nginx: NginxOptions,
    /// Only these rule codes/names (empty: all).
    pub select: Vec<String>,
}

pub struct Outcome {
    pub db: SourceDb,
    pub deployment: Deployment,
    pub found: Vec<Found>,
    /// One-line errors: unwalkable paths and unreadable files.
    pub errors: Vec<WalkError>,
    pub diagnostics: Vec<Diagnostic>,
}

fn selected(select: &[String], meta: &RuleMeta) -> bool {
    select.is_empty()
        || select.iter().any(|s| {
            meta.code.eq_ignore_ascii_case(s)
                || meta.name == s
                || (!s.is_empty() && meta.code.starts_with(&s.to_ascii_uppercase()))
        })
}

pub fn check(paths: &[PathBuf], opts: &Options) -> Outcome {
    let timer = crate::timing::Timer::new();
    let discover::Walked {
        found,
        mut errors,
        files: walked,
    } = discover::walk(paths);
    timer.lap("discover");
    let mut db = SourceDb::new();
    let nginx_paths: Vec<PathBuf> = found
        .iter()
        .filter(|f| f.kind == discover::FileKind::Nginx)
        .map(|f| f.path.clone())
        .collect();
    let nginx = nginx_model::build(&mut db, &nginx_paths, &opts.nginx);
    timer.lap("nginx");
    for (path, message) in &nginx.read_errors {
        errors.push(WalkError {
            path: path.clone(),
            message: message.clone(),
            fatal: true,
        });
    }
    let of_kind = |k: discover::FileKind| -> Vec<PathBuf> {
        found.iter().filter(|f| f.kind == k).map(|f| f.path.clone()).collect()
    };
    let inputs = crate::model::backend::Inputs {
        roots: paths.to_vec(),
        pm2: of_kind(discover::FileKind::Pm2),
        gunicorn: of_kind(discover::FileKind::Gunicorn),
        launch: of_kind(discover::FileKind::Launch),
    };
    let backends = crate::model::backend::build(&mut db, &inputs);
    timer.lap("backends");
    for (path, message) in &backends.read_errors {
        errors.push(WalkError {
            path: path.clone(),
            message: message.clone(),
            fatal: true,
        });
    }
    // The Python side: requirements, imports from the entrypoints.
    let (entries, needs) = crate::model::entry::entries_and_needs(&backends);
    let mut launcher_files: Vec<crate::source::FileId> = backends.launches.iter().map(|(f, _)| *f).collect();
    launcher_files.sort();
    launcher_files.dedup();
    let versions = crate::model::deps::launcher_versions(&db, &backends);
    let (deps, mut pyapp) = crate::model::deps::build(
        &mut db,
        crate::model::deps::DepsInputs {
            checked: paths,
            walked: Some(&walked),
            launcher_files,
            entries,
            needs,
            versions,
            served: crate::model::entry::served(&backends),
        },
    );
    let app_specs = crate::model::appspec::build(&mut db, &backends, &mut pyapp, &deps, paths);
    timer.lap("python");
    let deploy = crate::model::deploy::build(&mut db, &walked, paths, &backends.pm2);
    let nginx_version = crate::model::nginx_version::detect(&backends, opts.nginx.version.as_deref(), &db);
    let deployment = Deployment {
        nginx,
        nginx_version,
        backends,
        deps: Some(deps),
        deploy,
        app_specs,
    };
    let mut diagnostics = rules::run(&db, &deployment, &|m| selected(&opts.select, m));
    crate::report::sort(&db, &mut diagnostics);
    timer.lap("rules");
    Outcome {
        db,
        deployment,
        found,
        errors,
        diagnostics,
    }
}
