//! The deployment model: what every parsed file says, with spans.

pub mod directives;
pub mod gunicorn;
pub mod pm2;
pub mod nginx;

use crate::discover::FileKind;

/// Everything lint502 learned about one deployment.
#[derive(Debug, Default)]
pub struct Deployment {
    pub nginx: nginx::NginxModel,
}

impl Deployment {
    /// Whether any file of this kind was read.
    pub fn has(&self, kind: FileKind) -> bool {
        match kind {
            FileKind::Nginx => !self.nginx.files.is_empty() || !self.nginx.syntax_errors.is_empty(),
            FileKind::Template => false,
        }
    }
}
pub mod value;
