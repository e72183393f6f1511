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
    /// What a configuration file adds (`crate::config`; default: nothing).
    pub settings: crate::config::Settings,
    /// Ignore `lint502: ignore[…]` comments (`--no-inline-suppressions`).
    pub no_inline_suppressions: bool,
}

pub struct Outcome {
    pub db: SourceDb,
    pub deployment: Deployment,
    pub found: Vec<Found>,
    /// One-line errors: unwalkable paths and unreadable files.
    pub errors: Vec<WalkError>,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings left out by `per-file-ignores` and inline suppressions.
    pub suppressed: usize,
}

pub fn check(paths: &[PathBuf], opts: &Options) -> Outcome {
    let timer = crate::timing::Timer::new();
    let mut db = SourceDb::new();
    let discover::Walked {
        mut found,
        mut errors,
        files: mut walked,
    } = discover::walk(paths);
    // `exclude`: files under the checked folders that are not read (a path
    // named on the command line is read all the same).
    let settings = &opts.settings;
    found.retain(|f| paths.contains(&f.path) || !settings.excluded(&f.path));
    walked.retain(|p| !settings.excluded(p));
    // Values taken from the configuration file point at its lines.
    let config_file = settings
        .file
        .as_ref()
        .filter(|_| !settings.env.is_empty() || settings.python_version.is_some());
    let config_id = config_file.map(|c| {
        let display = crate::source::display_path(&c.path);
        db.add(crate::source::SourceFile::new(c.path.clone(), display, c.bytes.clone()))
    });
    let config_span =
        |r: &std::ops::Range<usize>| crate::source::Span::new(config_id.unwrap_or_default(), r.start, r.end);
    timer.lap("discover");
    let nginx_paths: Vec<PathBuf> = found
        .iter()
        .filter(|f| f.kind == discover::FileKind::Nginx)
        .map(|f| f.path.clone())
        .collect();
    let roots = crate::contain::Roots::of(paths);
    let nginx = nginx_model::build(&mut db, &nginx_paths, &opts.nginx, &roots);
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
        extra_env: settings
            .env
            .iter()
            .map(|(k, v, r)| (k.clone(), v.clone(), config_span(r)))
            .collect(),
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
            python: settings.python_version.as_ref().map(|(v, r)| {
                let name = config_file
                    .map(|c| crate::source::display_path(&c.path))
                    .unwrap_or_default();
                (
                    *v,
                    format!("python-version in {name} says {}.{}", v.0, v.1),
                    config_span(r),
                )
            }),
            module_names: settings.module_names.clone(),
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
    let enabled = |m: &RuleMeta| settings.enabled(&opts.select, m);
    let mut diagnostics = rules::run(&db, &deployment, &enabled);
    // `per-file-ignores`, then inline suppressions (which report on
    // themselves), then `[severity]`.
    let before = diagnostics.len();
    let ignored_in = |m: &RuleMeta, f: crate::source::FileId| settings.ignored_in(&db.get(f).path, m);
    diagnostics.retain(|d| !rules::find(d.code).is_some_and(|r| ignored_in(r.meta, d.primary.span.file)));
    let mut suppressed = before - diagnostics.len();
    if !opts.no_inline_suppressions {
        let on = |m: &'static RuleMeta, f| enabled(m) && !ignored_in(m, f);
        suppressed += crate::suppress::apply(&db, &deployment, &mut diagnostics, &on);
    }
    for d in &mut diagnostics {
        if let Some(Some(sev)) = rules::find(d.code).and_then(|r| settings.severity_of(r.meta)) {
            d.severity = sev;
        }
    }
    crate::report::sort(&db, &mut diagnostics);
    timer.lap("rules");
    Outcome {
        db,
        deployment,
        found,
        errors,
        diagnostics,
        suppressed,
    }
}
