//! Backends: every process the repository starts that listens for nginx —
//! where it listens, and which text decided it.
//!
//! Sources, each read statically: PM2 apps (script + args + env), launch
//! files (Procfile, systemd, Dockerfile, compose, supervisor, shell scripts),
//! gunicorn configuration files and uWSGI ini files. A server command found in a launcher
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
//! - the same for uWSGI: `uwsgi --ini /srv/app/uwsgi.ini` (or `uwsgi
//!   uwsgi.ini`, `UWSGI_INI=…`) reads the repository's uWSGI ini file with
//!   that file name (the one whose path ends with the most of the written
//!   path), and an ini file no launcher uses is a backend of its own (an
//!   Emperor vassal, or started elsewhere);
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
    /// The wire protocol of this listener when it differs per listener (uWSGI:
    /// `socket` speaks uwsgi, `http-socket` HTTP, `fastcgi-socket` FastCGI);
    /// None: the backend's [`Backend::protocol`].
    pub protocol: Option<String>,
}

impl BackendListener {
    /// The protocol spoken on this listener.
    pub fn protocol<'a>(&'a self, backend: &'a Backend) -> &'a str {
        self.protocol.as_deref().unwrap_or(&backend.protocol)
    }
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
    /// Listeners speak TLS (gunicorn `certfile`, uvicorn `--ssl-certfile`;
    /// uWSGI: when every socket is `https-socket`/`https`/`suwsgi-socket`).
    pub tls: bool,
    /// The wire protocol: `http`, or `uwsgi` for gunicorn's `--protocol
    /// uwsgi` / `protocol = "uwsgi"` (gunicorn 27); for uWSGI its first
    /// socket's, each listener saying its own ([`BackendListener::protocol`]).
    pub protocol: String,
    /// Runs in a container or on a platform that routes to it (compose,
    /// Dockerfile, Procfile): binding all interfaces is how it is reached
    /// there, not an exposure.
    pub contained: bool,
    /// systemd `PrivateTmp=yes` of the unit that starts it (the setting's
    /// span): its `/tmp` and `/var/tmp` are its own.
    pub private_tmp: Option<Span>,
    /// PM2 only: the app's `instances` and `exec_mode` as written.
    pub pm2_instances: Option<Spanned<Value>>,
    pub pm2_exec_mode: Option<Spanned<Value>>,
    /// PM2 only: cluster mode, as written or by PM2's default (true when
    /// `exec_mode` cannot be read).
    pub pm2_cluster: bool,
    /// uWSGI only: its whole configuration, in the order uWSGI reads it
    /// (`harakiri`, `processes`, `buffer-size`, `socket-timeout`…).
    pub uwsgi: Option<Box<command::UwsgiConfig>>,
    /// The server command the launcher runs (None for a gunicorn or uWSGI
    /// config file no launcher uses): its app spec, script and options, for
    /// the dependency check (`model::entry`).
    pub command: Option<Box<ServerCommand>>,
    /// gunicorn only: the repository's config file it reads (`-c`, or the
    /// default `./gunicorn.conf.py`), an index into [`BackendModel::gunicorn`]
    /// by file id.
    pub gunicorn_config: Option<FileId>,
    /// Request and keep-alive time limits (see [`crate::model::tuning`]).
    pub tuning: crate::model::tuning::Tuning,
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
    /// The paths being checked: scripts and environment files that launchers
    /// name are looked for inside them, never outside.
    pub roots: Vec<PathBuf>,
    pub pm2: Vec<PathBuf>,
    pub gunicorn: Vec<PathBuf>,
    pub launch: Vec<PathBuf>,
    /// `[env]` of the configuration file: variables the deployment sets
    /// outside the repository (`PORT=8000` on the host), consulted after
    /// everything the launcher itself sets. The spans point into the
    /// configuration file.
    pub extra_env: Vec<(String, String, Span)>,
}

fn load(db: &mut SourceDb, path: &Path) -> Result<FileId, String> {
    let bytes = crate::source::read_bounded(path)?;
    let display = crate::source::display_path(path);
    Ok(db.add(SourceFile::new(path.to_path_buf(), display, bytes)))
}

/// A UTF-16 file as a syntax error of its own: Node (`SyntaxError: Invalid
/// or unexpected token`) and CPython (`SyntaxError: Non-UTF-8 code starting
/// with '\xff'`) refuse it at the first byte, and reading its NULs as code
/// would only add noise. Observed with Node 20 and CPython 3.11.
fn utf16_error(db: &SourceDb, id: FileId) -> Option<SyntaxError> {
    let encoding = crate::source::utf16_bom(&db.get(id).bytes)?;
    Some(SyntaxError {
        message: format!(
            "the file is {encoding} text (it starts with a UTF-16 byte-order mark); Node, Python and shells read UTF-8 and refuse it: save it as UTF-8"
        ),
        span: Span::new(id, 0, 2),
        line: None,
    })
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
            Ok(id) if let Some(e) = utf16_error(db, id) => m.syntax_errors.push((id, e)),
            Ok(id) => match crate::parse::pm2::parse(id, &db.get(id).text, format) {
                Ok(root) => m.pm2.push((id, pm2::read(&root))),
                Err(e) => m.syntax_errors.push((id, e)),
            },
            Err(e) => m.read_errors.push((path.clone(), e)),
        }
    }
    for path in &inputs.gunicorn {
        match load(db, path) {
            Ok(id) if let Some(e) = utf16_error(db, id) => m.syntax_errors.push((id, e)),
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
            Ok(id) if let Some(e) = utf16_error(db, id) => m.syntax_errors.push((id, e)),
            Ok(id) => match launch::parse_path(id, path, &db.get(id).text) {
                Some(Ok(ls)) => m.launches.extend(ls.into_iter().map(|l| (id, l))),
                Some(Err(e)) => m.syntax_errors.push((id, e)),
                None => {}
            },
            Err(e) => m.read_errors.push((path.clone(), e)),
        }
    }
    let mut b = Builder {
        db,
        roots: inputs
            .roots
            .iter()
            .filter_map(|r| {
                let r = if r.is_file() {
                    r.parent()?.to_path_buf()
                } else {
                    r.clone()
                };
                let r = if r.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    r
                };
                r.canonicalize().ok()
            })
            .collect(),
        configs: &m.gunicorn,
        used: Vec::new(),
        launches: &m.launches,
        uwsgi_used: Vec::new(),
        loaded: Vec::new(),
        errors: Vec::new(),
        extra_env: &inputs.extra_env,
    };
    let mut backends = Vec::new();
    for (file, pm2file) in &m.pm2 {
        for app in &pm2file.apps {
            if let Some(x) = b.pm2_backend(*file, app) {
                backends.push(x);
            }
        }
    }
    for (file, l) in &m.launches {
        if l.source == launch::LaunchSource::Uwsgi {
            continue;
        }
        if let Some(x) = b.launch_backend(*file, l) {
            backends.push(x);
        }
    }
    for (file, cfg) in &m.gunicorn {
        if b.used.contains(file) {
            continue;
        }
        backends.push(config_only_backend(b.db, *file, cfg));
    }
    backends.extend(uwsgi_only_backends(b.db, &m.launches, &b.uwsgi_used));
    let (errors, read_errors) = (std::mem::take(&mut b.errors), Vec::new());
    let _: &Vec<(PathBuf, String)> = &read_errors;
    m.syntax_errors.extend(errors);
    m.backends = backends;
    m
}

/// What building backends needs besides the parsed files.
struct Builder<'a> {
    db: &'a mut SourceDb,
    /// Canonical roots: files outside them are never read.
    roots: Vec<PathBuf>,
    configs: &'a [(FileId, GunicornConfig)],
    /// Gunicorn config files some launcher uses.
    used: Vec<FileId>,
    /// Every launch, uWSGI ini files among them (`--ini` looks them up).
    launches: &'a [(FileId, Launch)],
    /// uWSGI ini files some launcher uses.
    uwsgi_used: Vec<FileId>,
    /// Scripts and environment files read so far (each once).
    loaded: Vec<(PathBuf, FileId)>,
    /// Syntax errors in scripts that were read.
    errors: Vec<(FileId, SyntaxError)>,
    /// [`Inputs::extra_env`].
    extra_env: &'a [(String, String, Span)],
}

/// Where a launcher runs its command: the launcher file's folder, the
/// working directory it sets, `cd`s on the command line.
struct Place {
    dir: PathBuf,
    workdir: Option<String>,
}

/// Who starts a backend, for messages and for which backends share a host.
struct Launcher {
    origin: String,
    service: Option<String>,
    on_host: bool,
    contained: bool,
    private_tmp: Option<Span>,
}

/// Turn the words of a launcher into a server command, then listeners.
impl Builder<'_> {
    fn command_backend(
        &mut self,
        cmd: ServerCommand,
        env: &dyn Fn(&str) -> Option<(String, Span)>,
        who: Launcher,
        place: &Place,
    ) -> Option<Backend> {
        let reuse_port = cmd.args.reuse_port.is_some();
        let config = gunicorn_config(self.db, self.configs, &cmd, env);
        if let Some((file, _)) = config {
            self.used.push(*file);
        }
        let mut server = cmd.kind.name();
        let mut code_listeners = None;
        let mut code_tuning = None;
        if matches!(cmd.kind, command::ServerKind::PythonScript | command::ServerKind::Node)
            && let Some(script) = &cmd.script
            && let Some(found) = self.script_server(&cmd, script, env, place)
        {
            server = found.server;
            code_tuning = Some(crate::model::tuning::code(
                found.server,
                found.span,
                found.sets_keepalive,
            ));
            code_listeners = Some(found.listeners);
        } else if cmd.kind == command::ServerKind::Node
            && cmd.script.is_none()
            && let Some(found) = self.npm_script_server(&cmd, env, place)
        {
            server = found.server;
            code_tuning = Some(crate::model::tuning::code(
                found.server,
                found.span,
                found.sets_keepalive,
            ));
            code_listeners = Some(found.listeners);
        }
        if cmd.kind == command::ServerKind::Uwsgi {
            let db = &*self.db;
            let launches = self.launches;
            let cfg = command::uwsgi_config(&cmd, env, &|path| uwsgi_ini_named(db, launches, path));
            self.uwsgi_used.extend(cfg.files.iter().copied());
            let mut b = uwsgi_backend(cfg, cmd.program.span, who);
            b.command = Some(Box::new(cmd));
            return Some(b);
        }
        let binds = config.and_then(|(file, cfg)| config_binds(*file, cfg, env));
        let tuning = match (code_tuning, cmd.kind) {
            (Some(t), _) => t,
            (None, command::ServerKind::Gunicorn) => {
                let named = config.map(|(f, cfg)| (self.db.get(*f).display.clone(), cfg));
                crate::model::tuning::gunicorn(&cmd, named.as_ref().map(|(n, c)| (n.as_str(), *c)), env)
            }
            (None, _) => crate::model::tuning::command(&cmd, env),
        };
        // gunicorn speaks TLS on every listener when a certificate is configured.
        let tls = cmd.args.certfile.is_some() || config.is_some_and(|(_, cfg)| has_certfile(cfg));
        let protocol = match cmd.args.option("--protocol").and_then(|o| o.value.as_ref()) {
            Some(w) => w.text.clone(),
            None => config.map_or("http".into(), |(_, cfg)| config_protocol(cfg)),
        };
        let listeners = code_listeners
            .unwrap_or_else(|| command::effective_listeners_with_config(&cmd, env, binds.as_deref()))
            .into_iter()
            .map(|l| {
                let span = l.decided_by.first().map(|(_, s)| *s).unwrap_or(cmd.program.span);
                let known = !l.address.contains('$') && !l.address.contains('?');
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
                    protocol: None,
                }
            })
            .collect();
        Some(Backend {
            server,
            origin: who.origin,
            span: cmd.program.span,
            service: who.service,
            listeners,
            on_host: who.on_host,
            protocol,
            contained: who.contained,
            private_tmp: who.private_tmp,
            reuse_port,
            tls,
            pm2_instances: None,
            pm2_exec_mode: None,
            pm2_cluster: false,
            uwsgi: None,
            gunicorn_config: config.map(|(f, _)| *f),
            tuning,
            command: Some(Box::new(cmd)),
        })
    }
}

/// The repository's uWSGI ini file for a path a command names: by file name,
/// preferring the one whose path ends with the most components of `path`
/// (`/srv/app/deploy/uwsgi.ini` → `deploy/uwsgi.ini` over `uwsgi.ini`).
fn uwsgi_ini_named(db: &SourceDb, launches: &[(FileId, Launch)], path: &str) -> Option<command::UwsgiIni> {
    let wanted: Vec<&str> = path.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
    let name = *wanted.last()?;
    let tail = |f: FileId| crate::text::common_tail(&db.get(f).path, &wanted);
    launches
        .iter()
        .filter(|(f, l)| {
            l.source == launch::LaunchSource::Uwsgi
                && db.get(*f).path.file_name().is_some_and(|n| n.to_string_lossy() == name)
        })
        .min_by_key(|(f, _)| std::cmp::Reverse(tail(*f)))
        .map(|(f, l)| uwsgi_ini_of(db, *f, l))
}

/// A uWSGI ini launch as `parse::command` reads it.
fn uwsgi_ini_of(db: &SourceDb, file: FileId, l: &Launch) -> command::UwsgiIni {
    command::UwsgiIni {
        file,
        display: db.get(file).display.clone(),
        options: l
            .extra
            .iter()
            .filter_map(|(k, v)| v.value.as_str().map(|s| (k.clone(), s.to_owned(), v.span)))
            .collect(),
    }
}

/// A uWSGI backend from its configuration: each socket a listener with its
/// own protocol.
fn uwsgi_backend(cfg: command::UwsgiConfig, span: Span, who: Launcher) -> Backend {
    let listeners: Vec<BackendListener> = cfg
        .listeners
        .iter()
        .map(|u| {
            let l = &u.listener;
            BackendListener {
                address: l.address.clone(),
                bind: if u.known {
                    address::parse_bind(&l.address, 0)
                } else {
                    None
                },
                span: l.decided_by.first().map_or(span, |(_, s)| *s),
                decided_by: l.decided_by.clone(),
                default: false,
                protocol: Some(u.protocol.to_owned()),
            }
        })
        .collect();
    let protocol = cfg.listeners.first().map_or("uwsgi", |u| u.protocol).to_owned();
    let tls = !cfg.listeners.is_empty() && cfg.listeners.iter().all(|u| u.tls);
    let tuning = crate::model::tuning::uwsgi(&cfg);
    let reuse_port = cfg
        .last(&["reuse-port"])
        .is_some_and(|o| !matches!(o.value.to_ascii_lowercase().as_str(), "false" | "off" | "no" | "0"));
    Backend {
        server: "uwsgi",
        origin: who.origin,
        span,
        service: who.service,
        listeners,
        on_host: who.on_host,
        reuse_port,
        tls,
        protocol,
        contained: who.contained,
        private_tmp: who.private_tmp,
        pm2_instances: None,
        pm2_exec_mode: None,
        pm2_cluster: false,
        uwsgi: Some(Box::new(cfg)),
        gunicorn_config: None,
        tuning,
        command: None,
    }
}

/// uWSGI ini files no launcher uses, each a backend of its own, unless
/// another such file reads it (`ini = common.ini`).
fn uwsgi_only_backends(db: &SourceDb, launches: &[(FileId, Launch)], used: &[FileId]) -> Vec<Backend> {
    let configs: Vec<(FileId, command::UwsgiConfig)> = launches
        .iter()
        .filter(|(f, l)| l.source == launch::LaunchSource::Uwsgi && !used.contains(f))
        .map(|(f, l)| {
            let ini = uwsgi_ini_of(db, *f, l);
            let cfg = command::uwsgi_ini_config(&ini, &|path| uwsgi_ini_named(db, launches, path));
            (*f, cfg)
        })
        .collect();
    let included: Vec<FileId> = configs
        .iter()
        .flat_map(|(f, cfg)| cfg.files.iter().filter(move |g| *g != f).copied())
        .collect();
    configs
        .into_iter()
        .filter(|(f, _)| !included.contains(f))
        .map(|(f, cfg)| {
            let who = Launcher {
                origin: db.get(f).display.clone(),
                service: None,
                on_host: false,
                contained: false,
                private_tmp: None,
            };
            uwsgi_backend(cfg, Span::new(f, 0, 0), who)
        })
        .collect()
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

/// gunicorn's `protocol` setting (27.0.1: `http` or `uwsgi`).
fn config_protocol(cfg: &GunicornConfig) -> String {
    cfg.get("protocol")
        .and_then(|v| v.value.as_str().map(str::to_owned))
        .unwrap_or_else(|| "http".into())
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

impl Builder<'_> {
    fn launch_backend(&mut self, file: FileId, l: &Launch) -> Option<Backend> {
        let words = words_of(l)?;
        let cmd = command::main_server(command::parse_commands(&[words]))?;
        let dir = self
            .db
            .get(file)
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        // Environment files first, so that `environment:` / `Environment=`
        // win over them (compose: `environment` overrides `env_file`).
        let mut file_env: Vec<(String, String, Span)> = Vec::new();
        let extra_env = self.extra_env;
        for f in &l.env_files {
            if let Some(entries) = self.env_file(&dir, &f.value) {
                file_env.extend(entries);
            }
        }
        let env = |name: &str| -> Option<(String, Span)> {
            if let Some(v) = l.env_var(name) {
                return value_string(&v.value, &|_| None).map(|s| (s, v.span));
            }
            file_env
                .iter()
                .rev()
                .find(|(k, _, _)| k == name)
                .map(|(_, v, span)| (v.clone(), *span))
                // Last: what the configuration says the host sets.
                .or_else(|| dotenv_lookup(extra_env, name))
        };
        let name = l.name.as_ref().map(|n| n.value.clone()).unwrap_or_default();
        let origin = match l.source {
            launch::LaunchSource::Systemd => format!("systemd unit {name}"),
            launch::LaunchSource::Compose => format!("compose service {name}"),
            launch::LaunchSource::Procfile => format!("Procfile process {name}"),
            launch::LaunchSource::Supervisor => format!("supervisor program {name}"),
            launch::LaunchSource::Dockerfile => "Dockerfile".to_string(),
            launch::LaunchSource::Shell => "shell script".to_string(),
            launch::LaunchSource::Uwsgi => name.clone(),
        };
        let service = (l.source == launch::LaunchSource::Compose).then(|| name.clone());
        let on_host = matches!(
            l.source,
            launch::LaunchSource::Systemd | launch::LaunchSource::Supervisor
        );
        let contained = matches!(
            l.source,
            launch::LaunchSource::Compose | launch::LaunchSource::Dockerfile | launch::LaunchSource::Procfile
        );
        let private_tmp = l
            .extra
            .iter()
            .find(|(k, v)| k == "PrivateTmp" && v.value == Value::Bool(true))
            .map(|(_, v)| v.span);
        let place = Place {
            dir,
            workdir: l.workdir.as_ref().map(|w| w.value.clone()),
        };
        self.command_backend(
            cmd,
            &env,
            Launcher {
                origin,
                service,
                on_host,
                contained,
                private_tmp,
            },
            &place,
        )
    }

    fn pm2_backend(&mut self, file: FileId, app: &Pm2App) -> Option<Backend> {
        let script = app.script.as_ref()?;
        let Value::Str(s) = &script.value else { return None };
        // The script value is a whole command line when it has spaces (PM2 then
        // drops `args`: a rule of its own); else the program, then `args`.
        let mut words = command::split(s, script.span).ok()?;
        let interpreter = app.interpreter.as_ref().and_then(|i| i.value.as_str());
        if let Some(interp) = interpreter.filter(|i| *i != "none")
            && let Ok(mut iw) = command::split(interp, app.interpreter.as_ref().map_or(script.span, |i| i.span))
        {
            // PM2 runs `interpreter script args`.
            iw.append(&mut words);
            words = iw;
        }
        let single = words.len() == 1;
        // A script with spaces runs as `bash -c "<script>"`: PM2 replaces
        // `args` (lib/Common.js:744-764; observed, case 19).
        if let Some(args) = &app.args
            && let Some(list) = &args.list
            && !s.contains(' ')
        {
            words.extend(list.iter().map(|a| Word::verbatim(&a.value, a.span, false)));
        }
        let mut cmd = command::main_server(command::parse_commands(std::slice::from_ref(&words)));
        if cmd.is_none() && interpreter.is_none() && single && is_node_script(s) {
            // No interpreter: PM2 runs `.js`/`.cjs`/`.mjs` files, and files
            // without an extension, with node. (A Python server program run
            // that way is still read as that server: a rule of its own says
            // PM2 runs it with node.)
            words.insert(0, Word::verbatim("node", script.span, false));
            cmd = command::main_server(command::parse_commands(&[words]));
        }
        let cmd = cmd?;
        let extra_env = self.extra_env;
        let env = |name: &str| -> Option<(String, Span)> {
            // The app's env, else what the configuration says the host sets
            // (PM2 passes its own environment on to the app).
            let Some(v) = pm2::env_value(app, None, name) else {
                return dotenv_lookup(extra_env, name);
            };
            value_string(&v.value, &|_| None).map(|s| (s, v.span))
        };
        let name = app
            .name
            .as_ref()
            .and_then(|n| n.value.as_str().map(str::to_owned))
            .unwrap_or_default();
        let place = Place {
            dir: self
                .db
                .get(file)
                .path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            workdir: app.cwd.as_ref().and_then(|c| c.value.as_str().map(str::to_owned)),
        };
        let mut b = self.command_backend(
            cmd,
            &env,
            Launcher {
                origin: format!("PM2 app \"{name}\""),
                service: None,
                on_host: true,
                contained: false,
                private_tmp: None,
            },
            &place,
        )?;
        b.pm2_instances = app.instances.clone();
        b.pm2_exec_mode = app.exec_mode.clone();
        b.pm2_cluster = pm2::cluster_mode(app).unwrap_or(true);
        Some(b)
    }

    /// Read a file inside the roots once; None when it is outside them, not
    /// a file, or unreadable (launchers name paths on the server, which the
    /// repository may not hold: not an error).
    fn read_inside(&mut self, path: &Path) -> Option<FileId> {
        let canon = path.canonicalize().ok()?;
        if !self.roots.iter().any(|r| canon.starts_with(r)) || !canon.is_file() {
            return None;
        }
        if let Some((_, id)) = self.loaded.iter().find(|(p, _)| *p == canon) {
            return Some(*id);
        }
        let id = load(self.db, path).ok()?;
        self.loaded.push((canon, id));
        Some(id)
    }

    /// Find a path a launcher names inside the repository: relative to the
    /// launcher's folder (and its working directory), else, for an absolute
    /// path on the server (`/srv/app/main.py`), its longest tail that exists
    /// under the launcher's folder or one of its parents within the roots.
    fn locate(&self, place: &Place, cds: &[String], path: &str) -> Option<PathBuf> {
        let mut rels: Vec<PathBuf> = Vec::new();
        let push_tails = |p: &Path, rels: &mut Vec<PathBuf>| {
            let parts: Vec<_> = p
                .components()
                .filter(|c| matches!(c, std::path::Component::Normal(_)))
                .collect();
            for i in 0..parts.len() {
                rels.push(parts[i..].iter().collect());
            }
        };
        let mut rel = PathBuf::new();
        if let Some(w) = &place.workdir {
            rel.push(w);
        }
        for cd in cds {
            rel.push(cd);
        }
        rel.push(path);
        if rel.is_absolute() {
            push_tails(&rel, &mut rels);
        } else {
            rels.push(rel);
            if !Path::new(path).is_absolute() {
                rels.push(PathBuf::from(path));
            }
        }
        let mut bases = Vec::new();
        let mut dir = Some(place.dir.as_path());
        while let Some(d) = dir {
            let inside = d
                .canonicalize()
                .is_ok_and(|c| self.roots.iter().any(|r| c.starts_with(r)));
            if !inside {
                break;
            }
            bases.push(d.to_path_buf());
            dir = d.parent().filter(|p| !p.as_os_str().is_empty()).or(
                if d == Path::new(".") || d.as_os_str().is_empty() {
                    None
                } else {
                    Some(Path::new("."))
                },
            );
            if bases.len() > 64 {
                break;
            }
        }
        for rel in &rels {
            for base in &bases {
                let candidate = base.join(rel);
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
        }
        None
    }

    /// `NAME=value` entries of an environment file a launcher names.
    fn env_file(&mut self, dir: &Path, path: &str) -> Option<Vec<(String, String, Span)>> {
        let place = Place {
            dir: dir.to_path_buf(),
            workdir: None,
        };
        let found = self.locate(&place, &[], path)?;
        let id = self.read_inside(&found)?;
        let entries = crate::parse::dotenv::parse(id, &self.db.get(id).text);
        Some(
            entries
                .into_iter()
                .map(|e| (e.name.value, e.value.value, e.value.span))
                .collect(),
        )
    }

    /// `npm start` / `npm run X` (and yarn, pnpm): the command of
    /// package.json's `scripts.X`, or, for `start` without one, npm's
    /// default `node server.js` (npm-run-script(1): "If there is a
    /// server.js file in the root of your package, then npm will default
    /// the start command to node server.js"). Followed one level: a script
    /// that runs another npm script is not followed.
    fn npm_script_server(
        &mut self,
        cmd: &ServerCommand,
        env: &dyn Fn(&str) -> Option<(String, Span)>,
        place: &Place,
    ) -> Option<crate::model::code::CodeServer> {
        let name = cmd.subcommand.as_ref().map_or("start".to_owned(), |w| w.text.clone());
        let cds: Vec<String> = cmd.cd.iter().map(|w| command::expand(w, env).0).collect();
        let manifest = self.locate(place, &cds, "package.json")?;
        let id = self.read_inside(&manifest)?;
        let json: serde_json::Value = serde_json::from_str(&self.db.get(id).text).ok()?;
        let line = match json.get("scripts").and_then(|s| s.get(&name)).and_then(|v| v.as_str()) {
            Some(line) => line.to_owned(),
            None if name == "start" => "node server.js".to_owned(),
            None => return None,
        };
        // Spans point at the package.json text when the line is found there.
        let text = &self.db.get(id).text;
        let at = text.find(&line).unwrap_or(0);
        let base = Span::new(id, at, at + line.len());
        let words = command::split(&line, base).ok()?;
        let inner = command::main_server(command::parse_commands(&[words]))?;
        let script = inner.script.clone()?;
        if !matches!(
            inner.kind,
            command::ServerKind::Node | command::ServerKind::PythonScript
        ) {
            return None;
        }
        let here = Place {
            dir: manifest.parent().map(Path::to_path_buf).unwrap_or_default(),
            workdir: None,
        };
        self.script_server(&inner, &script, env, &here)
    }

    /// The server a Python or Node script starts, read from the script.
    fn script_server(
        &mut self,
        cmd: &ServerCommand,
        script: &Word,
        env: &dyn Fn(&str) -> Option<(String, Span)>,
        place: &Place,
    ) -> Option<crate::model::code::CodeServer> {
        let (text, _) = command::expand(script, env);
        if text.contains('$') {
            return None;
        }
        let cds: Vec<String> = cmd.cd.iter().map(|w| command::expand(w, env).0).collect();
        let mut text = text;
        let node = cmd.kind == command::ServerKind::Node;
        // `python -m pkg.app` names a module: its file.
        if !node && cmd.wrappers.iter().any(|w| w.text == "-m") {
            text = format!("{}.py", text.replace('.', "/"));
        }
        let path = self.locate(place, &cds, &text)?;
        let id = self.read_inside(&path)?;
        // Values from a `.env` beside the script, when the code loads one
        // (python-dotenv's `load_dotenv()`, Node's `dotenv.config()`): they
        // never override the launcher's environment (both default to
        // `override=False`).
        let dotenv_place = Place {
            dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            workdir: None,
        };
        if node {
            // A scan error is not reported: the tokenizer guesses regex vs
            // division as editors do, and may guess wrong on valid code
            // (listens before the error are still used).
            let code = crate::parse::nodecode::scan(id, &self.db.get(id).text);
            let dotenv = if code.loads_dotenv {
                self.env_file(&dotenv_place.dir, ".env").unwrap_or_default()
            } else {
                Vec::new()
            };
            let env2 = |name: &str| env(name).or_else(|| dotenv_lookup(&dotenv, name));
            let mut found = crate::model::code::node_server(&code, &env2)?;
            found.sets_keepalive = self.db.get(id).text.contains("keepAliveTimeout");
            return Some(found);
        }
        let module = crate::parse::python::parse_script(id, &self.db.get(id).text);
        if let Some(e) = &module.error {
            self.errors.push((id, e.clone()));
        }
        let loads = module.calls.iter().any(|c| {
            c.callee
                .as_deref()
                .is_some_and(|p| p == "dotenv.load_dotenv" || p == "dotenv.main.load_dotenv")
        });
        let dotenv = if loads {
            self.env_file(&dotenv_place.dir, ".env").unwrap_or_default()
        } else {
            Vec::new()
        };
        let env2 = |name: &str| env(name).or_else(|| dotenv_lookup(&dotenv, name));
        let mut found = crate::model::code::python_server(&module, &env2)?;
        found.sets_keepalive = self.db.get(id).text.contains("timeout_keep_alive");
        Some(found)
    }
}

fn dotenv_lookup(entries: &[(String, String, Span)], name: &str) -> Option<(String, Span)> {
    entries
        .iter()
        .rev()
        .find(|(k, _, _)| k == name)
        .map(|(_, v, s)| (v.clone(), *s))
}

/// A script PM2 runs with node when no interpreter is given: `.js`, `.cjs`,
/// `.mjs`, or no extension at all (PM2 7.0.4 lib/Common.js
/// `Common.sink.determineExecMode` / `resolveInterpreter`: extensions it
/// does not map run with node).
fn is_node_script(s: &str) -> bool {
    let name = s.rsplit('/').next().unwrap_or(s);
    match name.rsplit_once('.') {
        Some((_, ext)) => matches!(ext, "js" | "cjs" | "mjs"),
        None => true,
    }
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
                        protocol: None,
                    }
                }
                None => BackendListener {
                    address: "unknown".into(),
                    bind: None,
                    span: b.span,
                    decided_by: vec![(format!("bind in {name} (computed)"), b.span)],
                    default: false,
                    protocol: None,
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
                protocol: None,
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
        protocol: config_protocol(cfg),
        contained: false,
        private_tmp: None,
        reuse_port: cfg.get("reuse_port").is_some_and(|v| v.value == Value::Bool(true)),
        tls: has_certfile(cfg),
        pm2_instances: None,
        pm2_exec_mode: None,
        pm2_cluster: false,
        uwsgi: None,
        command: None,
        gunicorn_config: Some(file),
        // A config file no launcher names: nothing says how it is run, so
        // its limits are not compared with nginx's.
        tuning: Default::default(),
    }
}

/// Whether an unexpanded `$PORT`-like address can still be anything.
pub fn is_unknown(l: &BackendListener) -> bool {
    l.bind.is_none()
}
