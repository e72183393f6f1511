//! Backends: every process the repository starts that listens for nginx —
//! where it listens, and which text decided it.
//!
//! Sources, each read statically: PM2 apps (script + args + env), launch
//! files (Procfile, systemd, Dockerfile, compose, supervisor, shell scripts),
//! and gunicorn configuration files. A server command found in a launcher
//! is parsed by `parse::command`; its listeners follow the precedence
//! observed with gunicorn 23/27 (testdata/observed/backends.md, case 8):
//! command line > `GUNICORN_CMD_ARGS` > config file > `PORT` > default.
//!
//! Assumptions (named here, and in the rule pages):
//! - a config file a command names (`-c gunicorn.conf.py`, or gunicorn's
//!   default `./gunicorn.conf.py`) is the repository's gunicorn config file
//!   with that file name; the launcher's working directory is a path on the
//!   server, which lint502 does not map;
//! - a gunicorn config file that no launcher in the repository uses is still
//!   a backend: gunicorn reads it from its working directory when started
//!   there (by a launcher outside the repository);
//! - environment values come from the launcher itself (PM2 `env`/`port`,
//!   systemd `Environment=`, compose `environment`, Dockerfile `ENV`,
//!   supervisor `environment=`, `VAR=value` on the command line). A shell
//!   variable no launcher sets (`--bind 0.0.0.0:$PORT`) leaves the listener
//!   unknown, and it is not judged. A gunicorn config value read from the
//!   environment with a default (`os.environ.get("BIND", "127.0.0.1:8000")`)
//!   is judged by its default when no launcher in the repository sets the
//!   variable, and the diagnostic says so.

use std::path::{Path, PathBuf};

use crate::model::address::{self, Bind};
use crate::model::gunicorn::{self, GunicornConfig};
use crate::model::pm2::{self, Pm2App, Pm2File};
use crate::model::value::{Spanned, Value};
use crate::parse::SyntaxError;
use crate::parse::command::{self, ServerCommand, Word};
use crate::parse::launch::{self, Launch};
use crate::source::{FileId, SourceDb, SourceFile, Span};

/// Where a backend listens, with the text that decided it.
#[derive(Debug, Clone)]
pub struct BackendListener {
    /// As assembled: `127.0.0.1:8000`, `unix:/run/app.sock`, `0.0.0.0:$PORT`.
    pub address: String,
    /// Parsed, when fully known (no unexpanded variable).
    pub bind: Option<Bind>,
    /// The most decisive text (the `--bind` value, the `bind =` value, the
    /// program name for a default).
    pub span: Span,
    /// Every decision, most decisive first (for notes).
    pub decided_by: Vec<(String, Span)>,
    /// The server's default address: nothing configured it.
    pub default: bool,
}

/// One backend process.
#[derive(Debug, Clone)]
pub struct Backend {
    /// `gunicorn`, `uvicorn`, … (`command::ServerKind::name`).
    pub server: &'static str,
    /// Where it is started, for messages: `PM2 app "web"`, `systemd unit
    /// app.service`, `compose service web`, `gunicorn.conf.py`.
    pub origin: String,
    /// The span that starts it (the program word, or the config file).
    pub span: Span,
    /// The compose service it runs in, if any: a target naming this service
    /// reaches it.
    pub service: Option<String>,
    pub listeners: Vec<BackendListener>,
    /// Started directly on the server's host by a process manager that runs
    /// alongside the others (systemd, supervisor, PM2): such backends share
    /// one network namespace, so their binds can collide. Containers,
    /// platform Procfiles and gunicorn configs seen alone do not.
    pub on_host: bool,
    /// gunicorn `--reuse-port` / `reuse_port = True`: several processes may
    /// bind the same address on purpose (SO_REUSEPORT).
    pub reuse_port: bool,
    /// Listeners speak TLS (gunicorn `certfile`, uvicorn `--ssl-certfile`).
    pub tls: bool,
    /// PM2 only: the app's `instances` and `exec_mode` as written.
    pub pm2_instances: Option<Spanned<Value>>,
    pub pm2_exec_mode: Option<Spanned<Value>>,
}

#[derive(Debug, Default)]
pub struct BackendModel {
    pub backends: Vec<Backend>,
    pub pm2: Vec<(FileId, Pm2File)>,
    pub gunicorn: Vec<(FileId, GunicornConfig)>,
    pub launches: Vec<(FileId, Launch)>,
    pub syntax_errors: Vec<(FileId, SyntaxError)>,
    pub read_errors: Vec<(PathBuf, String)>,
}

/// What discovery found, by kind.
#[derive(Debug, Default)]
pub struct Inputs {
    pub pm2: Vec<PathBuf>,
    pub gunicorn: Vec<PathBuf>,
    pub launch: Vec<PathBuf>,
}

fn load(db: &mut SourceDb, path: &Path) -> Result<FileId, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > crate::discover::MAX_FILE_SIZE {
        return Err(format!(
            "file is {} bytes, larger than the {} byte limit; not read",
            meta.len(),
            crate::discover::MAX_FILE_SIZE
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let display = crate::source::display_path(path);
    Ok(db.add(SourceFile::new(path.to_path_buf(), display, bytes)))
}

/// A value as the string a process would see, when known. An environment
/// lookup resolves through `env` first, then its default.
pub fn value_string(v: &Value, env: &dyn Fn(&str) -> Option<(String, Span)>) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Bool(b) => Some(if *b { "true" } else { "false" }.into()),
        Value::Env { name, default } => env(name)
            .map(|(s, _)| s)
            .or_else(|| default.as_ref().and_then(|d| value_string(&d.value, env))),
        _ => None,
    }
}

pub fn build(db: &mut SourceDb, inputs: &Inputs) -> BackendModel {
    let mut m = BackendModel::default();
    for path in &inputs.pm2 {
        let Some(format) = crate::parse::pm2::format_of(path) else {
            continue;
        };
        match load(db, path) {
            Ok(id) => match crate::parse::pm2::parse(id, &db.get(id).text, format) {
                Ok(root) => m.pm2.push((id, pm2::read(&root))),
                Err(e) => m.syntax_errors.push((id, e)),
            },
            Err(e) => m.read_errors.push((path.clone(), e)),
        }
    }
    for path in &inputs.gunicorn {
        match load(db, path) {
            Ok(id) => {
                let module = crate::parse::python::parse_module(id, &db.get(id).text);
                if let Some(e) = &module.error {
                    m.syntax_errors.push((id, e.clone()));
                }
                m.gunicorn.push((id, gunicorn::read(&module)));
            }
            Err(e) => m.read_errors.push((path.clone(), e)),
        }
    }
    for path in &inputs.launch {
        match load(db, path) {
            Ok(id) => match launch::parse_path(id, path, &db.get(id).text) {
                Some(Ok(ls)) => m.launches.extend(ls.into_iter().map(|l| (id, l))),
                Some(Err(e)) => m.syntax_errors.push((id, e)),
                None => {}
            },
            Err(e) => m.read_errors.push((path.clone(), e)),
        }
    }
    let mut used_configs: Vec<FileId> = Vec::new();
    let mut backends = Vec::new();
    for (file, pm2file) in &m.pm2 {
        for app in &pm2file.apps {
            if let Some(b) = pm2_backend(db, &m.gunicorn, *file, app, &mut used_configs) {
                backends.push(b);
            }
        }
    }
    for (_, l) in &m.launches {
        if let Some(b) = launch_backend(db, &m.gunicorn, l, &mut used_configs) {
            backends.push(b);
        }
    }
    for (file, cfg) in &m.gunicorn {
        if used_configs.contains(file) {
            continue;
        }
        backends.push(config_only_backend(db, *file, cfg));
    }
    m.backends = backends;
    m
}

/// Who starts a backend, for messages and for which backends share a host.
struct Launcher {
    origin: String,
    service: Option<String>,
    on_host: bool,
}

/// Turn the words of a launcher into a server command, then listeners.
fn command_backend(
    db: &SourceDb,
    configs: &[(FileId, GunicornConfig)],
    words: Vec<Word>,
    env: &dyn Fn(&str) -> Option<(String, Span)>,
    who: Launcher,
    used: &mut Vec<FileId>,
) -> Option<Backend> {
    let cmd = command::main_server(command::parse_commands(&[words]))?;
    let reuse_port = cmd.args.reuse_port.is_some();
    let config = gunicorn_config(db, configs, &cmd, env);
    if let Some((file, _)) = config {
        used.push(*file);
    }
    let binds = config.and_then(|(file, cfg)| config_binds(*file, cfg, env));
    // gunicorn speaks TLS on every listener when a certificate is configured.
    let tls = cmd.args.certfile.is_some() || config.is_some_and(|(_, cfg)| has_certfile(cfg));
    let listeners = command::effective_listeners_with_config(&cmd, env, binds.as_deref())
        .into_iter()
        .map(|l| {
            let span = l.decided_by.first().map(|(_, s)| *s).unwrap_or(cmd.program.span);
            let known = !l.address.contains('$');
            let bind = if known {
                address::parse_bind(&l.address, 8000)
            } else {
                None
            };
            BackendListener {
                address: l.address,
                bind,
                span,
                decided_by: l.decided_by,
                default: l.default,
            }
        })
        .collect();
    Some(Backend {
        server: cmd.kind.name(),
        origin: who.origin,
        span: cmd.program.span,
        service: who.service,
        listeners,
        on_host: who.on_host,
        reuse_port,
        tls,
        pm2_instances: None,
        pm2_exec_mode: None,
    })
}

/// The repository's gunicorn config file that a command reads, if any.
fn gunicorn_config<'c>(
    db: &SourceDb,
    configs: &'c [(FileId, GunicornConfig)],
    cmd: &ServerCommand,
    env: &dyn Fn(&str) -> Option<(String, Span)>,
) -> Option<&'c (FileId, GunicornConfig)> {
    if cmd.kind != command::ServerKind::Gunicorn {
        return None;
    }
    let choice = command::config_file(cmd, env)?;
    let wanted = choice.path.trim_start_matches("file:");
    if wanted.starts_with("python:") {
        return None;
    }
    let name = Path::new(wanted).file_name()?.to_string_lossy().into_owned();
    configs
        .iter()
        .find(|(f, _)| db.get(*f).path.file_name().is_some_and(|n| n.to_string_lossy() == name))
}

/// The `bind` entries of a config file as (address, span).
fn config_binds(
    file: FileId,
    cfg: &GunicornConfig,
    env: &dyn Fn(&str) -> Option<(String, Span)>,
) -> Option<Vec<(String, Span)>> {
    // A bind computed from variables the launcher sets cannot be folded with
    // their values: leave it unknown (an address with `$` is not judged).
    if let Some(var) = cfg.env_of("bind").iter().find(|v| env(v).is_some()) {
        let span = cfg.get("bind").map(|b| b.span).unwrap_or(Span::new(file, 0, 0));
        return Some(vec![(format!("${var}"), span)]);
    }
    let binds = cfg.binds()?;
    Some(
        binds
            .iter()
            .filter_map(|b| value_string(&b.value, env).map(|s| (s, b.span)))
            .collect(),
    )
}

/// A `certfile` other than None or "".
fn has_certfile(cfg: &GunicornConfig) -> bool {
    cfg.get("certfile")
        .is_some_and(|v| !matches!(&v.value, Value::Null) && v.value.as_str() != Some(""))
}

fn words_of(launch: &Launch) -> Option<Vec<Word>> {
    if let Some(argv) = &launch.argv {
        return Some(argv.iter().map(|a| Word::verbatim(&a.value, a.span, false)).collect());
    }
    let c = launch.command.as_ref()?;
    // Shell form: split with spans (one command line; operators included).
    command::split(&c.value, c.span).ok()
}

fn launch_backend(
    db: &SourceDb,
    configs: &[(FileId, GunicornConfig)],
    l: &Launch,
    used: &mut Vec<FileId>,
) -> Option<Backend> {
    let words = words_of(l)?;
    let env = |name: &str| -> Option<(String, Span)> {
        let v = l.env_var(name)?;
        value_string(&v.value, &|_| None).map(|s| (s, v.span))
    };
    let name = l.name.as_ref().map(|n| n.value.clone()).unwrap_or_default();
    let origin = match l.source {
        launch::LaunchSource::Systemd => format!("systemd unit {name}"),
        launch::LaunchSource::Compose => format!("compose service {name}"),
        launch::LaunchSource::Procfile => format!("Procfile process {name}"),
        launch::LaunchSource::Supervisor => format!("supervisor program {name}"),
        launch::LaunchSource::Dockerfile => "Dockerfile".to_string(),
        launch::LaunchSource::Shell => "shell script".to_string(),
    };
    let service = (l.source == launch::LaunchSource::Compose).then(|| name.clone());
    let on_host = matches!(
        l.source,
        launch::LaunchSource::Systemd | launch::LaunchSource::Supervisor
    );
    command_backend(
        db,
        configs,
        words,
        &env,
        Launcher {
            origin,
            service,
            on_host,
        },
        used,
    )
}

fn pm2_backend(
    db: &SourceDb,
    configs: &[(FileId, GunicornConfig)],
    _file: FileId,
    app: &Pm2App,
    used: &mut Vec<FileId>,
) -> Option<Backend> {
    let script = app.script.as_ref()?;
    let Value::Str(s) = &script.value else { return None };
    // The script value is a whole command line when it has spaces (PM2 then
    // drops `args`: a rule of its own); else the program, then `args`.
    let mut words = command::split(s, script.span).ok()?;
    if let Some(args) = &app.args
        && let Some(list) = &args.list
    {
        words.extend(list.iter().map(|a| Word::verbatim(&a.value, a.span, false)));
    }
    let env = |name: &str| -> Option<(String, Span)> {
        let v = pm2::env_value(app, None, name)?;
        value_string(&v.value, &|_| None).map(|s| (s, v.span))
    };
    let name = app
        .name
        .as_ref()
        .and_then(|n| n.value.as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut b = command_backend(
        db,
        configs,
        words,
        &env,
        Launcher {
            origin: format!("PM2 app \"{name}\""),
            service: None,
            on_host: true,
        },
        used,
    )?;
    b.pm2_instances = app.instances.clone();
    b.pm2_exec_mode = app.exec_mode.clone();
    Some(b)
}

/// A gunicorn config file no launcher in the repository uses.
fn config_only_backend(db: &SourceDb, file: FileId, cfg: &GunicornConfig) -> Backend {
    let name = db.get(file).display.clone();
    let file_span = Span::new(file, 0, 0);
    let no_env = |_: &str| None;
    let listeners = match cfg.binds() {
        Some(binds) => binds
            .iter()
            .map(|b| match value_string(&b.value, &no_env) {
                Some(addr) => {
                    let mut decided_by = vec![(format!("bind in {name}"), b.span)];
                    let mut vars: Vec<String> = cfg.env_of("bind").to_vec();
                    if let Value::Env { name: var, .. } = &b.value {
                        vars.push(var.clone());
                    }
                    vars.sort();
                    vars.dedup();
                    if !vars.is_empty() {
                        decided_by.push((
                            format!(
                                "assuming {} is not set where gunicorn runs (the default applies)",
                                vars.join(", ")
                            ),
                            b.span,
                        ));
                    }
                    BackendListener {
                        bind: address::parse_bind(&addr, 8000),
                        decided_by,
                        address: addr,
                        span: b.span,
                        default: false,
                    }
                }
                None => BackendListener {
                    address: "unknown".into(),
                    bind: None,
                    span: b.span,
                    decided_by: vec![(format!("bind in {name} (computed)"), b.span)],
                    default: false,
                },
            })
            .collect(),
        None => {
            // gunicorn's default: 127.0.0.1:8000 (0.0.0.0:$PORT when PORT is
            // set; the environment is unknown here).
            let l = command::gunicorn_default_bind(&no_env);
            vec![BackendListener {
                bind: address::parse_bind(&l.address, 8000),
                address: l.address,
                span: file_span,
                decided_by: vec![(format!("gunicorn's default (no bind in {name})"), file_span)],
                default: true,
            }]
        }
    };
    Backend {
        server: "gunicorn",
        origin: name,
        span: file_span,
        service: None,
        listeners,
        on_host: false,
        reuse_port: cfg.get("reuse_port").is_some_and(|v| v.value == Value::Bool(true)),
        tls: has_certfile(cfg),
        pm2_instances: None,
        pm2_exec_mode: None,
    }
}

/// Whether an unexpanded `$PORT`-like address can still be anything.
pub fn is_unknown(l: &BackendListener) -> bool {
    l.bind.is_none()
}
