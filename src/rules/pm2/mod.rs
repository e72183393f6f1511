//! Rules about PM2 apps.
pub mod autorestart_off;
pub mod cluster_mode_not_node;
pub mod fork_instances_same_address;
pub mod no_restart_backoff;
pub mod python_run_by_node;
pub mod script_args_dropped;

use crate::parse::command::{self, ServerKind};
use crate::source::Span;

/// What a PM2 `script` (one word) runs, when it is a Python program: a
/// Python server's console script (`venv/bin/gunicorn`, `uvicorn`), or a
/// `.py` file.
pub(crate) fn python_program(script: &str, span: Span) -> Option<String> {
    if script.ends_with(".py") {
        return Some("the Python script".into());
    }
    let words = command::split(script, span).ok()?;
    let cmd = command::main_server(command::parse_commands(&[words]))?;
    match cmd.kind {
        ServerKind::Node | ServerKind::PythonScript => None,
        ServerKind::Runserver => Some("Django's manage.py".into()),
        k => Some(format!("the Python program {}", k.name())),
    }
}
