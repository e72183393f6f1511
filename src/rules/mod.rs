//! The rules: one per file, registered in one table sorted by code. Each rule
//! reads the model and reports through [`Checker`]; its documentation is the
//! Markdown page `lints/<CODE>.md`, compiled in.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::discover::FileKind;
use crate::model::Deployment;
use crate::source::{SourceDb, Span};

pub mod cross;
pub mod gunicorn;
pub mod lnt;
pub mod nginx;
pub mod pm2;
pub mod python;

/// Groups set a rule's default severity (STYLE.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Will cause a 502 or an outage.
    Correctness,
    Suspicious,
    Style,
    /// The tool's own diagnostics (parse errors, suppressions).
    Tool,
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Correctness => "correctness",
            Group::Suspicious => "suspicious",
            Group::Style => "style",
            Group::Tool => "tool",
        }
    }
}

/// A rule's metadata, beside its code.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code: never changes, never reused.
    pub code: &'static str,
    /// Kebab-case name that reads well after "ignore".
    pub name: &'static str,
    pub group: Group,
    pub severity: Severity,
    /// One line for `lint502 rules` and the lints/README.md index.
    pub summary: &'static str,
    /// Inputs the rule needs; it is skipped when none is present.
    pub inputs: &'static [FileKind],
    /// The rule's page.
    pub doc: &'static str,
}

pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: fn(&mut Checker),
}

/// Every rule, sorted by code.
pub static RULES: &[Rule] = &[
    Rule {
        meta: &gunicorn::misspelled_setting::META,
        check: gunicorn::misspelled_setting::check,
    },
    Rule {
        meta: &lnt::parse_error::META,
        check: lnt::parse_error::check,
    },
    Rule {
        meta: &lnt::suppression_without_reason::META,
        check: lnt::suppression_without_reason::check,
    },
    Rule {
        meta: &lnt::invalid_suppression::META,
        check: lnt::invalid_suppression::check,
    },
    Rule {
        meta: &lnt::unused_suppression::META,
        check: lnt::unused_suppression::check,
    },
    Rule {
        meta: &lnt::outside_checked_folders::META,
        check: lnt::outside_checked_folders::check,
    },
    Rule {
        meta: &nginx::include_not_found::META,
        check: nginx::include_not_found::check,
    },
    Rule {
        meta: &nginx::directive_not_allowed_here::META,
        check: nginx::directive_not_allowed_here::check,
    },
    Rule {
        meta: &nginx::invalid_argument_count::META,
        check: nginx::invalid_argument_count::check,
    },
    Rule {
        meta: &nginx::unknown_directive::META,
        check: nginx::unknown_directive::check,
    },
    Rule {
        meta: &nginx::upstream_host_not_found::META,
        check: nginx::upstream_host_not_found::check,
    },
    Rule {
        meta: &nginx::block_directive_mismatch::META,
        check: nginx::block_directive_mismatch::check,
    },
    Rule {
        meta: &nginx::include_cycle::META,
        check: nginx::include_cycle::check,
    },
    Rule {
        meta: &nginx::variable_pass_without_resolver::META,
        check: nginx::variable_pass_without_resolver::check,
    },
    Rule {
        meta: &nginx::upstream_all_down::META,
        check: nginx::upstream_all_down::check,
    },
    Rule {
        meta: &nginx::proxy_buffers_rejected::META,
        check: nginx::proxy_buffers_rejected::check,
    },
    Rule {
        meta: &nginx::connect_timeout_too_long::META,
        check: nginx::connect_timeout_too_long::check,
    },
    Rule {
        meta: &nginx::upstream_keepalive_unused::META,
        check: nginx::upstream_keepalive_unused::check,
    },
    Rule {
        meta: &nginx::buffer_size_below_default::META,
        check: nginx::buffer_size_below_default::check,
    },
    Rule {
        meta: &pm2::fork_instances_same_address::META,
        check: pm2::fork_instances_same_address::check,
    },
    Rule {
        meta: &pm2::cluster_mode_not_node::META,
        check: pm2::cluster_mode_not_node::check,
    },
    Rule {
        meta: &pm2::python_run_by_node::META,
        check: pm2::python_run_by_node::check,
    },
    Rule {
        meta: &pm2::script_args_dropped::META,
        check: pm2::script_args_dropped::check,
    },
    Rule {
        meta: &pm2::no_restart_backoff::META,
        check: pm2::no_restart_backoff::check,
    },
    Rule {
        meta: &pm2::autorestart_off::META,
        check: pm2::autorestart_off::check,
    },
    Rule {
        meta: &python::import_not_installed::META,
        check: python::import_not_installed::check,
    },
    Rule {
        meta: &python::stdlib_module_removed::META,
        check: python::stdlib_module_removed::check,
    },
    Rule {
        meta: &python::launcher_package_missing::META,
        check: python::launcher_package_missing::check,
    },
    Rule {
        meta: &python::requirement_is_stdlib::META,
        check: python::requirement_is_stdlib::check,
    },
    Rule {
        meta: &python::feature_package_missing::META,
        check: python::feature_package_missing::check,
    },
    Rule {
        meta: &python::app_not_found::META,
        check: python::app_not_found::check,
    },
    Rule {
        meta: &python::requirements_include_failed::META,
        check: python::requirements_include_failed::check,
    },
    Rule {
        meta: &cross::proxy_target_no_listener::META,
        check: cross::proxy_target_no_listener::check,
    },
    Rule {
        meta: &cross::proxy_host_mismatch::META,
        check: cross::proxy_host_mismatch::check,
    },
    Rule {
        meta: &cross::unix_socket_mismatch::META,
        check: cross::unix_socket_mismatch::check,
    },
    Rule {
        meta: &cross::backend_address_conflict::META,
        check: cross::backend_address_conflict::check,
    },
    Rule {
        meta: &cross::proxy_tls_mismatch::META,
        check: cross::proxy_tls_mismatch::check,
    },
    Rule {
        meta: &cross::nginx_listen_conflict::META,
        check: cross::nginx_listen_conflict::check,
    },
    Rule {
        meta: &cross::backend_all_interfaces::META,
        check: cross::backend_all_interfaces::check,
    },
    Rule {
        meta: &cross::socket_in_private_tmp::META,
        check: cross::socket_in_private_tmp::check,
    },
    Rule {
        meta: &cross::pass_protocol_mismatch::META,
        check: cross::pass_protocol_mismatch::check,
    },
    Rule {
        meta: &cross::deploy_restarts_without_install::META,
        check: cross::deploy_restarts_without_install::check,
    },
    Rule {
        meta: &cross::app_interface_mismatch::META,
        check: cross::app_interface_mismatch::check,
    },
    Rule {
        meta: &cross::worker_timeout_before_proxy::META,
        check: cross::worker_timeout_before_proxy::check,
    },
    Rule {
        meta: &cross::proxy_timeout_before_backend::META,
        check: cross::proxy_timeout_before_backend::check,
    },
    Rule {
        meta: &cross::timeout_beyond_cloudflare::META,
        check: cross::timeout_beyond_cloudflare::check,
    },
    Rule {
        meta: &cross::upstream_keepalive_race::META,
        check: cross::upstream_keepalive_race::check,
    },
    Rule {
        meta: &cross::blocking_call_in_async_handler::META,
        check: cross::blocking_call_in_async_handler::check,
    },
    Rule {
        meta: &cross::socket_permission_denied::META,
        check: cross::socket_permission_denied::check,
    },
    Rule {
        meta: &cross::uwsgi_buffer_below_nginx::META,
        check: cross::uwsgi_buffer_below_nginx::check,
    },
];

/// Find a rule by code or name (case-insensitive code).
pub fn find(key: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.meta.code.eq_ignore_ascii_case(key) || r.meta.name == key)
}

/// What a rule sees, and where it reports.
pub struct Checker<'a> {
    pub db: &'a SourceDb,
    pub model: &'a Deployment,
    meta: &'static RuleMeta,
    out: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    pub fn new(db: &'a SourceDb, model: &'a Deployment, meta: &'static RuleMeta) -> Checker<'a> {
        Checker {
            db,
            model,
            meta,
            out: Vec::new(),
        }
    }

    /// Start a diagnostic of the current rule at `span`.
    pub fn diagnostic(&self, span: Span, label: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: self.meta.code,
            name: self.meta.name,
            severity: self.meta.severity,
            message: message.into(),
            primary: Label {
                span,
                message: label.into(),
            },
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            fixes: Vec::new(),
        }
    }

    pub fn report(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    pub fn finish(self) -> Vec<Diagnostic> {
        self.out
    }
}

/// Run the rules accepted by `selected` over the model.
pub fn run(db: &SourceDb, model: &Deployment, selected: &dyn Fn(&RuleMeta) -> bool) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    for rule in RULES {
        if !selected(rule.meta) {
            continue;
        }
        if !rule.meta.inputs.iter().any(|k| model.has(*k)) {
            continue;
        }
        let mut c = Checker::new(db, model, rule.meta);
        (rule.check)(&mut c);
        all.extend(c.finish());
    }
    all
}
