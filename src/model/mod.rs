//! The deployment model: what every parsed file says, with spans.

pub mod address;
pub mod directives;
pub mod gunicorn;
pub mod nginx;
pub mod nginx_version;
pub mod pm2;
pub mod proxy;

use crate::discover::FileKind;

/// Everything lint502 learned about one deployment.
#[derive(Debug, Default)]
pub struct Deployment {
    pub nginx: nginx::NginxModel,
    /// The nginx version it runs, stated or assumed.
    pub nginx_version: nginx_version::TargetVersion,
    pub backends: backend::BackendModel,
    /// The Python app's dependencies (None when the check has no Python
    /// side at all).
    pub deps: Option<deps::DepsModel>,
    /// Deploy steps (scripts, Makefiles, CI workflows, PM2 `deploy`).
    pub deploy: deploy::DeployModel,
    /// App specs that do not load where the launcher starts the server.
    pub app_specs: Vec<appspec::SpecProblem>,
}

impl Deployment {
    /// Whether any file of this kind was read.
    pub fn has(&self, kind: FileKind) -> bool {
        match kind {
            FileKind::Nginx => !self.nginx.files.is_empty() || !self.nginx.syntax_errors.is_empty(),
            FileKind::Template => false,
            FileKind::Requirements => self
                .deps
                .as_ref()
                .is_some_and(|d| d.judged || !d.requirement_files.is_empty()),
            FileKind::Pm2 => !self.backends.pm2.is_empty(),
            FileKind::Gunicorn => !self.backends.gunicorn.is_empty(),
            FileKind::Launch => !self.backends.launches.is_empty(),
            FileKind::Deploy => !self.deploy.sequences.is_empty(),
        }
    }
}
pub mod appspec;
pub mod backend;
pub mod code;
pub mod deploy;
pub mod deps;
pub mod entry;
pub mod handlers;
pub mod pyapp;
pub mod pydata;
pub mod socket_perm;
pub mod tuning;
pub mod value;
pub mod venv;
