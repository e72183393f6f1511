//! The time limits a backend applies, as the server will use them: how long
//! a request may run before the server kills it, how long an idle keep-alive
//! connection stays open, and gunicorn's worker class (which decides what
//! its `timeout` means).
//!
//! Precedence is the servers' own (backend-semantics.md §1.2, §2.1):
//! gunicorn: command line > `GUNICORN_CMD_ARGS` > config file > default;
//! uvicorn: command line > `UVICORN_*` environment > default. A value the
//! text does not decide (computed in the config file, a variable no launcher
//! sets) is unknown, and rules stay silent about it.

use crate::model::backend::value_string;
use crate::model::gunicorn::GunicornConfig;
use crate::model::value::Value;
use crate::parse::command::{self, Args, ServerCommand, ServerKind, UwsgiConfig, Word};
use crate::source::Span;

/// A setting of the backend.
#[derive(Debug, Clone, PartialEq)]
pub struct Knob<T> {
    /// None: set, but to a value the text does not decide.
    pub value: Option<T>,
    /// Where it is set; for a default, the server's program word.
    pub span: Span,
    /// False for the server's default.
    pub given: bool,
    /// How it was decided, for messages: "`--timeout 120` on the command
    /// line", "`timeout = 120` in gunicorn.conf.py", "gunicorn's default".
    pub how: String,
}

impl<T: Copy> Knob<T> {
    pub fn known(&self) -> Option<T> {
        self.value
    }
}

/// What a request meets inside the backend.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tuning {
    /// gunicorn's effective worker class (`sync`, `gthread`, `gevent`,
    /// `uvicorn.workers.UvicornWorker`, …); `sync` with `threads` > 1 is
    /// `gthread`, as gunicorn itself swaps it (config.py `worker_class`).
    pub worker: Option<Knob<String>>,
    /// gunicorn's `timeout` (the worker heartbeat), any worker class.
    pub heartbeat: Option<Knob<u64>>,
    /// How long one request may run before the server kills the worker:
    /// gunicorn's `timeout` for the `sync` worker, uWSGI's `harakiri`.
    /// None: the server sets no such limit (gthread, gevent and uvicorn
    /// workers heartbeat while a request runs, observed case 31). A value of
    /// 0 disables the limit.
    pub request_limit: Option<Knob<u64>>,
    /// Seconds an idle keep-alive connection stays open before the backend
    /// closes it (gunicorn `keepalive` for non-sync workers, uvicorn
    /// `--timeout-keep-alive`, hypercorn `--keep-alive`, waitress
    /// `--channel-timeout`, Node's `server.keepAliveTimeout`). None: the
    /// backend closes the connection after each response (gunicorn sync,
    /// uWSGI) or its idle timeout is not modelled.
    pub idle: Option<Knob<u64>>,
}

/// An integer from a word or config value: gunicorn and click accept
/// `"30"` as well as `30`. Floats are truncated as `int()` would refuse
/// them: unknown.
fn secs(text: &str) -> Option<u64> {
    text.trim().parse::<u64>().ok()
}

/// Where a gunicorn setting comes from.
struct Source<'a> {
    cli: &'a Args,
    cmd_args: Option<Args>,
    config: Option<(&'a str, &'a GunicornConfig)>,
    env: &'a dyn Fn(&str) -> Option<(String, Span)>,
}

impl Source<'_> {
    /// A gunicorn setting: its value text, span and how it was decided.
    fn lookup(
        &self,
        pick: fn(&Args) -> Option<&Word>,
        flag: &str,
        name: &str,
    ) -> Option<(Option<String>, Span, String)> {
        if let Some(w) = pick(self.cli) {
            let (text, _) = command::expand(w, self.env);
            let v = (!text.contains('$')).then_some(text.clone());
            return Some((v, w.span, format!("`{flag} {text}` on the command line")));
        }
        if let Some(w) = self.cmd_args.as_ref().and_then(pick) {
            return Some((
                Some(w.text.clone()),
                w.span,
                format!("`{flag} {}` in GUNICORN_CMD_ARGS", w.text),
            ));
        }
        let (file, cfg) = self.config?;
        let v = cfg.get(name)?;
        // A value computed from variables the launcher sets is unknown.
        if cfg.env_of(name).iter().any(|var| (self.env)(var).is_some()) || cfg.is_conditional(name) {
            return Some((None, v.span, format!("`{name}` in {file}")));
        }
        let text = match &v.value {
            Value::Int(i) => Some(i.to_string()),
            Value::Float(_) => None,
            other => value_string(other, self.env),
        };
        let how = match &text {
            Some(t) => format!("`{name} = {t}` in {file}"),
            None => format!("`{name}` in {file}"),
        };
        Some((text, v.span, how))
    }
}

fn knob_secs(found: Option<(Option<String>, Span, String)>, default: u64, program: Span, who: &str) -> Knob<u64> {
    match found {
        Some((text, span, how)) => Knob {
            value: text.as_deref().and_then(secs),
            span,
            given: true,
            how,
        },
        None => Knob {
            value: Some(default),
            span: program,
            given: false,
            how: format!("{who}'s default"),
        },
    }
}

/// gunicorn's limits. `config` is the repository's config file the command
/// reads (display name and contents).
pub fn gunicorn(
    cmd: &ServerCommand,
    config: Option<(&str, &GunicornConfig)>,
    env: &dyn Fn(&str) -> Option<(String, Span)>,
) -> Tuning {
    let cmd_args = match cmd.env_var("GUNICORN_CMD_ARGS") {
        Some(e) => command::gunicorn_cmd_args_word(&e.value).ok(),
        None => env("GUNICORN_CMD_ARGS").and_then(|(v, s)| command::gunicorn_cmd_args(&v, s).ok()),
    };
    let src = Source {
        cli: &cmd.args,
        cmd_args,
        config,
        env,
    };
    let program = cmd.program.span;
    let class = src.lookup(|a| a.worker_class.as_ref(), "--worker-class", "worker_class");
    let threads = src.lookup(|a| a.threads.as_ref(), "--threads", "threads");
    let threads_n = match &threads {
        Some((t, _, _)) => t.as_deref().and_then(secs),
        None => Some(1),
    };
    let worker = match class {
        Some((text, span, how)) => Knob {
            value: text.map(|t| t.trim().to_owned()),
            span,
            given: true,
            how,
        },
        None => Knob {
            value: Some("sync".to_owned()),
            span: program,
            given: false,
            how: "gunicorn's default worker class".to_owned(),
        },
    };
    // gunicorn swaps `sync` for `gthread` when threads > 1; with an unknown
    // thread count the class is unknown.
    let worker = match (worker.value.as_deref(), threads_n, &threads) {
        (Some("sync"), Some(n), Some((_, span, how))) if n > 1 => Knob {
            value: Some("gthread".to_owned()),
            span: *span,
            given: true,
            how: format!("{how} (gunicorn runs `sync` with threads as `gthread`)"),
        },
        (Some("sync"), None, _) => Knob { value: None, ..worker },
        _ => worker,
    };
    let heartbeat = knob_secs(
        src.lookup(|a| a.timeout.as_ref(), "--timeout", "timeout"),
        30,
        program,
        "gunicorn",
    );
    let keepalive = knob_secs(
        src.lookup(|a| a.keepalive.as_ref(), "--keep-alive", "keepalive"),
        2,
        program,
        "gunicorn",
    );
    let class = worker.value.clone();
    let request_limit = match class.as_deref() {
        Some("sync") => Some(heartbeat.clone()),
        _ => None,
    };
    // The sync worker answers with `Connection: close`: no idle connection
    // to race with. Every other class keeps connections `keepalive` seconds
    // (UvicornWorker passes it to uvicorn as timeout_keep_alive).
    let idle = match class.as_deref() {
        Some("sync") | None => None,
        Some(_) => Some(keepalive),
    };
    Tuning {
        worker: Some(worker),
        heartbeat: Some(heartbeat),
        request_limit,
        idle,
    }
}

/// The limits of a server started by a command (gunicorn excepted: see
/// [`gunicorn`]).
pub fn command(cmd: &ServerCommand, env: &dyn Fn(&str) -> Option<(String, Span)>) -> Tuning {
    let program = cmd.program.span;
    let word = |w: &Word, flag: &str| {
        let (text, _) = command::expand(w, env);
        Knob {
            value: secs(&text),
            span: w.span,
            given: true,
            how: format!("`{flag} {text}` on the command line"),
        }
    };
    let default = |secs: u64, who: &str| Knob {
        value: Some(secs),
        span: program,
        given: false,
        how: format!("{who}'s default"),
    };
    let idle = match cmd.kind {
        // uvicorn 0.54 `--timeout-keep-alive` (default 5), also read from
        // UVICORN_TIMEOUT_KEEP_ALIVE (click auto_envvar_prefix).
        ServerKind::Uvicorn => Some(match &cmd.args.keepalive {
            Some(w) => word(w, "--timeout-keep-alive"),
            None => match cmd
                .env_var("UVICORN_TIMEOUT_KEEP_ALIVE")
                .map(|e| (e.value.text.clone(), e.value.span))
                .or_else(|| env("UVICORN_TIMEOUT_KEEP_ALIVE"))
            {
                Some((v, span)) => Knob {
                    value: secs(&v),
                    span,
                    given: true,
                    how: format!("UVICORN_TIMEOUT_KEEP_ALIVE={v}"),
                },
                None => default(5, "uvicorn"),
            },
        }),
        // hypercorn `--keep-alive` (keep_alive_timeout, default 5 s); a
        // config file may set it: unknown then.
        ServerKind::Hypercorn => match (&cmd.args.keepalive, &cmd.args.config) {
            (Some(w), _) => Some(word(w, "--keep-alive")),
            (None, Some(c)) => Some(Knob {
                value: None,
                span: c.span,
                given: true,
                how: format!("hypercorn's config {}", c.text),
            }),
            (None, None) => Some(default(5, "hypercorn")),
        },
        // waitress `--channel-timeout` (default 120 s): inactive channels
        // are closed after it.
        ServerKind::Waitress => Some(match &cmd.args.keepalive {
            Some(w) => word(w, "--channel-timeout"),
            None => default(120, "waitress"),
        }),
        _ => None,
    };
    Tuning {
        idle,
        ..Tuning::default()
    }
}

/// uWSGI's limits: `harakiri` bounds a request. uWSGI closes the
/// connection after each response unless told otherwise, so no idle
/// keep-alive is modelled.
pub fn uwsgi(cfg: &UwsgiConfig) -> Tuning {
    let request_limit = cfg.harakiri().map(|o| Knob {
        value: if o.known { secs(&o.value) } else { None },
        span: o.span,
        given: true,
        how: format!("`harakiri = {}`", o.value),
    });
    Tuning {
        request_limit,
        ..Tuning::default()
    }
}

/// A server started from code (`uvicorn.run(…)`, Node's `listen`):
/// `sets_keepalive` says the code mentions its keep-alive setting, which is
/// then unknown.
pub fn code(server: &str, span: Span, sets_keepalive: bool) -> Tuning {
    let default = match server {
        // Node's http.Server keepAliveTimeout: 5000 ms (nodejs.org http docs;
        // nodejs/node#62782 raises it to 65 s in later releases).
        "node" => Some((5, "Node's http.Server default keepAliveTimeout")),
        "uvicorn" => Some((5, "uvicorn's default")),
        _ => None,
    };
    let idle = default.map(|(secs, how)| Knob {
        value: (!sets_keepalive).then_some(secs),
        span,
        given: sets_keepalive,
        how: if sets_keepalive {
            "a keep-alive timeout set in the code".to_owned()
        } else {
            how.to_owned()
        },
    });
    Tuning {
        idle,
        ..Tuning::default()
    }
}
