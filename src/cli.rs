//! Command-line interface.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diagnostic::Severity;
use crate::report::{self, Format, Summary};

/// Write to stdout, ignoring a closed pipe (`lint502 … | head` must not
/// panic).
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let mut o = std::io::stdout().lock();
        let _ = write!(o, $($t)*);
        let _ = o.flush();
    }};
}

macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let mut o = std::io::stdout().lock();
        let _ = writeln!(o, $($t)*);
        let _ = o.flush();
    }};
}

#[derive(Parser, Debug)]
#[command(
    name = "lint502",
    version,
    about = "Find the disagreements between Nginx and its backends that end in 502 Bad Gateway"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a deployment: every file lint502 recognises under PATH (default `.`)
    Check(CheckArgs),
    /// List the rules
    Rules {
        #[arg(long, value_enum, default_value = "text")]
        format: RulesFormat,
    },
    /// Print a rule's documentation
    Explain {
        /// A code (`NGX001`) or a name (`include-not-found`)
        rule: String,
    },
    /// Print the request path (nginx server → location → upstream → backend → app), findings marked
    Graph(GraphArgs),
    /// Serve diagnostics to an editor: a Language Server over stdio (see README, "Editors")
    Lsp,
    /// Print how lint502 parsed one file (with spans), like `crossplane parse`
    Parse {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "json")]
        format: ParseFormat,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ParseFormat {
    Json,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(clap::Args, Debug)]
pub struct GraphArgs {
    /// Files or folders to read
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "mermaid")]
    pub format: GraphFormat,
    /// The repository folder that plays /etc/nginx (default: detected)
    #[arg(long)]
    pub nginx_prefix: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or folders to check
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Exit 1 when a finding has at least this severity [default: `fail-on` of the configuration, else error]
    #[arg(long, value_parser = ["error", "warning", "info"])]
    pub fail_on: Option<String>,
    /// Only run these rules (codes, prefixes such as `NGX`, or names); repeatable
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// The repository folder that plays /etc/nginx (default: detected)
    #[arg(long)]
    pub nginx_prefix: Option<PathBuf>,
    /// The nginx version the deployment runs, e.g. 1.28.0 or 1.30 (default: read from an nginx image in a
    /// Dockerfile or compose file, else assumed older than 1.29.7)
    #[arg(long, value_name = "VERSION")]
    pub nginx_version: Option<String>,
    /// Say what each file was taken to be, and how includes were mapped
    #[arg(short, long)]
    pub verbose: bool,
    /// Read this configuration file (lint502.toml, or a pyproject.toml with [tool.lint502]) instead of looking
    /// upward from the first PATH
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Read no configuration file
    #[arg(long)]
    pub isolated: bool,
    /// Ignore `lint502: ignore[…]` comments: show every finding
    #[arg(long)]
    pub no_inline_suppressions: bool,
    /// Apply the safe fixes (add a missing requirement line), then check again and report what is left
    #[arg(long)]
    pub fix: bool,
    /// With --fix, also change this end of a cross-file disagreement (e.g. a port): nginx or backend
    #[arg(long, value_enum, requires = "fix")]
    pub fix_side: Option<FixSideArg>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FixSideArg {
    Nginx,
    Backend,
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => ExitCode::SUCCESS,
                _ => ExitCode::from(2),
            };
        }
    };
    match cli.command {
        Command::Check(args) => check(args),
        Command::Graph(args) => graph(args),
        Command::Lsp => crate::lsp::run(),
        Command::Rules { format } => {
            out!("{}", rules_listing(format));
            ExitCode::SUCCESS
        }
        Command::Explain { rule } => match crate::rules::find(&rule) {
            Some(r) => {
                out!("{}", explain(r.meta));
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("lint502: no rule with code or name `{rule}` (see `lint502 rules`)");
                ExitCode::from(2)
            }
        },
        Command::Parse {
            file,
            format: ParseFormat::Json,
        } => match crate::parse_json::parse_file_json(&file) {
            Ok((json, ok)) => {
                outln!("{json}");
                if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
            }
            Err(e) => {
                eprintln!("lint502: {}: {e}", file.display());
                ExitCode::from(2)
            }
        },
    }
}

fn check(args: CheckArgs) -> ExitCode {
    // The configuration file; the command line wins over it.
    let config = match crate::config::resolve(&args.paths, args.config.as_deref(), args.isolated) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("lint502: {e}");
            return ExitCode::from(2);
        }
    };
    if args.verbose
        && let Some(f) = config.as_ref().and_then(|c| c.settings.file.as_ref())
    {
        eprintln!(
            "lint502: using the configuration in {}",
            crate::source::display_path(&f.path)
        );
    }
    let config = config.unwrap_or_default();
    let opts = crate::check::Options {
        nginx: crate::model::nginx::NginxOptions {
            prefix: args.nginx_prefix.clone().or(config.nginx_prefix),
            version: args.nginx_version.clone().or(config.nginx_version),
        },
        select: if args.select.is_empty() {
            config.select.unwrap_or_default()
        } else {
            args.select.clone()
        },
        settings: config.settings,
        no_inline_suppressions: args.no_inline_suppressions,
    };
    let fail_on = args
        .fail_on
        .as_deref()
        .and_then(Severity::parse)
        .or(config.fail_on)
        .unwrap_or(Severity::Error);
    if let Some(v) = &args.nginx_version
        && crate::model::nginx_version::parse(v).is_none()
    {
        eprintln!("lint502: --nginx-version: `{v}` is not a version, expected e.g. 1.28.0, 1.30 or latest");
        return ExitCode::from(2);
    }
    let unknown: Vec<&String> = args
        .select
        .iter()
        .filter(|s| {
            !crate::rules::RULES
                .iter()
                .any(|r| r.meta.code.starts_with(&s.to_ascii_uppercase()) || r.meta.name == s.as_str())
        })
        .collect();
    if let Some(s) = unknown.first() {
        eprintln!("lint502: --select: no rule matches `{s}` (see `lint502 rules`)");
        return ExitCode::from(2);
    }
    let mut out = crate::check::check(&args.paths, &opts);
    if args.fix {
        let side = args.fix_side.map(|s| match s {
            FixSideArg::Nginx => crate::diagnostic::FixSide::Nginx,
            FixSideArg::Backend => crate::diagnostic::FixSide::Backend,
        });
        let done = crate::fix::apply(&out.db, &out.diagnostics, side);
        for t in &done.applied {
            eprintln!("lint502: fixed: {t}");
        }
        for (p, e) in &done.errors {
            eprintln!("lint502: {}: cannot write the fix: {e}", crate::source::display_path(p));
        }
        if done.needs_side > 0 {
            eprintln!(
                "lint502: {} finding(s) can be fixed on either end: choose one with --fix-side nginx|backend",
                done.needs_side
            );
        }
        if done.overlapping > 0 {
            eprintln!(
                "lint502: {} overlapping fix(es) left for the next --fix run",
                done.overlapping
            );
        }
        if !done.files_changed.is_empty() {
            // Report what is left after the edits.
            out = crate::check::check(&args.paths, &opts);
        }
        if !done.errors.is_empty() {
            return ExitCode::from(2);
        }
    }
    // The process ends after the report: freeing the model (every file's
    // text, tree and facts) was 7% of checking the 1.33 MB config, so it is
    // left to the operating system. `check` runs once per process (the
    // language server calls `check::check` itself, not this).
    let out: &crate::check::Outcome = Box::leak(Box::new(out));
    if args.verbose {
        for f in &out.found {
            eprintln!("lint502: {}: {}", crate::source::display_path(&f.path), f.reason);
        }
        for (root, dir) in &out.deployment.nginx.prefix_map {
            eprintln!(
                "lint502: nginx includes under {} are read from {}",
                root.display(),
                crate::source::display_path(dir)
            );
        }
        for info in &out.deployment.nginx.files {
            eprintln!(
                "lint502: {}: nginx {:?}, checked in {} context",
                out.db.get(info.id).display,
                info.role,
                info.context
            );
        }
    }
    for e in &out.errors {
        eprintln!("lint502: {}: {}", crate::source::display_path(&e.path), e.message);
    }
    let mut summary = Summary::of(&out.diagnostics, out.db.len());
    summary.suppressed = out.suppressed;
    match args.format {
        Format::Text => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            if let Err(e) = report::text::render_stdout(&out.db, &out.diagnostics, color) {
                eprintln!("lint502: cannot write output: {e}");
                return ExitCode::from(2);
            }
            let suppressed = match summary.suppressed {
                0 => String::new(),
                n => format!(" ({n} suppressed)"),
            };
            if out.diagnostics.is_empty() {
                outln!(
                    "no problems found in {} file{}{suppressed}",
                    summary.files_checked,
                    if summary.files_checked == 1 { "" } else { "s" }
                );
            } else {
                outln!(
                    "found {} error{}, {} warning{}, {} info in {} file{}{suppressed}",
                    summary.errors,
                    plural(summary.errors),
                    summary.warnings,
                    plural(summary.warnings),
                    summary.infos,
                    summary.files_checked,
                    plural(summary.files_checked)
                );
            }
        }
        Format::Short => {
            for d in &out.diagnostics {
                outln!("{}", report::short(&out.db, d));
            }
        }
        Format::Json => outln!("{}", report::json::render(&out.db, &out.diagnostics, summary)),
        Format::Sarif => outln!("{}", report::sarif::render(&out.db, &out.diagnostics)),
        Format::Github => out!("{}", report::github::render(&out.db, &out.diagnostics)),
    }
    let threshold = fail_on;
    if out.errors.iter().any(|e| e.fatal) && out.diagnostics.iter().all(|d| d.severity < threshold) {
        // An unreadable file is never a clean run.
        return ExitCode::from(2);
    }
    if out.diagnostics.iter().any(|d| d.severity >= threshold) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `lint502 graph`: run the check, draw the request path with its findings.
fn graph(args: GraphArgs) -> ExitCode {
    let opts = crate::check::Options {
        nginx: crate::model::nginx::NginxOptions {
            prefix: args.nginx_prefix.clone(),
            version: None,
        },
        ..Default::default()
    };
    let out = crate::check::check(&args.paths, &opts);
    for e in &out.errors {
        eprintln!("lint502: {}: {}", crate::source::display_path(&e.path), e.message);
    }
    let g = crate::graph::build(&out.db, &out.deployment, &out.diagnostics);
    let format = match args.format {
        GraphFormat::Mermaid => crate::graph::GraphFormat::Mermaid,
        GraphFormat::Dot => crate::graph::GraphFormat::Dot,
    };
    out!("{}", crate::graph::render(&g, format));
    if out.errors.iter().any(|e| e.fatal) {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `lint502 explain`: a header from the metadata, then the page.
pub fn explain(meta: &crate::rules::RuleMeta) -> String {
    format!(
        "{} {}\ngroup: {} · default severity: {}\n\n{}",
        meta.code,
        meta.name,
        meta.group.as_str(),
        meta.severity.as_str(),
        meta.doc.trim_start_matches(|c| c != '\n').trim_start()
    )
}

/// `lint502 rules`.
pub fn rules_listing(format: RulesFormat) -> String {
    let rules = crate::rules::RULES;
    match format {
        RulesFormat::Text => {
            let mut s = String::new();
            for r in rules {
                let m = r.meta;
                s.push_str(&format!(
                    "{:<7} {:<31} {:<12} {:<8} {}\n",
                    m.code,
                    m.name,
                    m.group.as_str(),
                    m.severity.as_str(),
                    m.summary
                ));
            }
            s
        }
        RulesFormat::Json => {
            let v: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({"code": r.meta.code, "name": r.meta.name, "group": r.meta.group.as_str(),
                        "severity": r.meta.severity.as_str(), "summary": r.meta.summary})
                })
                .collect();
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
        RulesFormat::Markdown => {
            let mut s = String::from(
                "# lint502 rules\n\n<!-- generated by `lint502 rules --format markdown`; tests/registry.rs fails when this file is stale -->\n\n| code | name | group | default severity | summary |\n|---|---|---|---|---|\n",
            );
            for r in rules {
                let m = r.meta;
                s.push_str(&format!(
                    "| [{}]({}.md) | `{}` | {} | {} | {} |\n",
                    m.code,
                    m.code,
                    m.name,
                    m.group.as_str(),
                    m.severity.as_str(),
                    m.summary.replace('|', "\\|")
                ));
            }
            s
        }
    }
}
