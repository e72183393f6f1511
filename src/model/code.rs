//! Addresses decided in the application's own code: a Python script that
//! starts its server (`uvicorn.run(app, port=…)`, `app.run()`,
//! `web.run_app(app)`, `waitress.serve(app)`) or a Node.js script that
//! calls `listen`. The launcher runs the script (`python app.py`,
//! `node server.js`, PM2 `script: "server.js"`); its environment gives the
//! values of `os.environ.get("PORT", …)` / `process.env.PORT || …`.
//!
//! Defaults, read from the servers' sources (versions installed here):
//! - `uvicorn.run(app, *, host="127.0.0.1", port=8000, uds=None, fd=None)`
//!   (uvicorn 0.54.0 main.py `run`); `UVICORN_*` and `PORT` are not read;
//! - Flask `app.run(host=None, port=None)`: 127.0.0.1 and 5000 (Flask 3.1.3
//!   app.py `run`; the port of a `SERVER_NAME` setting is not followed), and
//!   nothing at all when `FLASK_RUN_FROM_CLI=true` (under `flask run`);
//! - Flask-SocketIO `socketio.run(app, host=None, port=None)`: 127.0.0.1 and
//!   5000 (flask_socketio 5.7.0 `SocketIO.run`);
//! - aiohttp `web.run_app(app, host=None, port=None, path=None)`: all
//!   interfaces, port 8080 (aiohttp 3.14.5 web.py `_run_app` adds a
//!   `TCPSite` with host None; web_runner.py `TCPSite`: 8080, 8443 with
//!   TLS); `path` adds a unix socket;
//! - `waitress.serve(app, host="0.0.0.0", port=8080, listen=…,
//!   unix_socket=…)` (waitress 3.0.2 adjustments.py);
//! - Node `server.listen(port[, host])`: with no host, `::` (IPv6 and IPv4
//!   on Linux) — Node's net.md, `server.listen()`.
//!
//! Assumptions, named: a `.run(…)` call on an object lint502 cannot name
//! (`app = create_app()`) is Flask's when the script imports `flask`; a call
//! inside a function is assumed to run (scripts that start servers call
//! their `main()`); the first server call in the file is the one that
//! serves (a later one is never reached while the first serves forever).

use crate::model::value::{Spanned, Value};
use crate::parse::command::{EnvLookup, Listener};
use crate::parse::python::{Call, Module};
use crate::source::Span;

/// A server started by code, and where it listens.
#[derive(Debug, Clone)]
pub struct CodeServer {
    /// `uvicorn`, `flask`, `flask-socketio`, `aiohttp`, `waitress`, `node`.
    pub server: &'static str,
    /// The call that starts it.
    pub span: Span,
    pub listeners: Vec<Listener>,
    /// The code mentions the server's keep-alive setting
    /// (`keepAliveTimeout`, `timeout_keep_alive`): its idle timeout is not
    /// the default (set by the backend model from the text).
    pub sets_keepalive: bool,
}

/// The value of an argument as the process sees it, with why.
struct Part {
    text: Option<String>,
    why: Vec<(String, Span)>,
}

fn resolve(v: &Spanned<Value>, what: &str, env: EnvLookup) -> Part {
    match &v.value {
        Value::Env { name, default } => match env(name) {
            Some((s, span)) => Part {
                text: Some(s.clone()),
                why: vec![
                    (format!("{name}={s} in the environment"), span),
                    (format!("the {what} is ${name}"), v.span),
                ],
            },
            None => match default.as_deref().and_then(|d| scalar(&d.value)) {
                Some(d) => Part {
                    text: Some(d.clone()),
                    why: vec![(format!("{name} is not set: the {what} is the default `{d}`"), v.span)],
                },
                None => Part {
                    text: None,
                    why: vec![(format!("{what} from ${name}, which nothing sets"), v.span)],
                },
            },
        },
        other => match scalar(other) {
            Some(s) => Part {
                text: Some(s.clone()),
                why: vec![(format!("{what} `{s}` in the code"), v.span)],
            },
            None => Part {
                text: None,
                why: vec![(format!("{what} computed in the code"), v.span)],
            },
        },
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) if f.fract() == 0.0 => Some(format!("{f:.0}")),
        _ => None,
    }
}

/// An argument by position or keyword.
fn arg<'c>(call: &'c Call, pos: Option<usize>, keyword: &str) -> Option<&'c Spanned<Value>> {
    call.args
        .iter()
        .find(|a| a.keyword.as_deref() == Some(keyword))
        .or_else(|| pos.and_then(|p| call.args.iter().filter(|a| a.keyword.is_none()).nth(p)))
        .map(|a| &a.value)
        .filter(|v| v.value != Value::Null)
}

/// `host:port` from two optional arguments and their defaults.
fn tcp(
    call: &Call,
    host: Option<&Spanned<Value>>,
    port: Option<&Spanned<Value>>,
    defaults: (&str, &str),
    server: &str,
    env: EnvLookup,
) -> Listener {
    let mut decided_by = Vec::new();
    let mut part = |v: Option<&Spanned<Value>>, what: &str, default: &str| match v {
        Some(v) => {
            let p = resolve(v, what, env);
            decided_by.extend(p.why);
            p.text.unwrap_or_else(|| "?".into())
        }
        None => {
            decided_by.push((format!("{server}'s default {what} `{default}`"), call.span));
            default.to_owned()
        }
    };
    // The port first: it is what a mismatch is usually about.
    let p = part(port, "port", defaults.1);
    let h = part(host, "host", defaults.0);
    let default = host.is_none() && port.is_none();
    // Most decisive first: the explicit argument(s) before defaults.
    decided_by.sort_by_key(|(why, _)| why.contains("'s default"));
    let address = if h.contains(':') && !h.starts_with('[') {
        format!("[{h}]:{p}")
    } else {
        format!("{h}:{p}")
    };
    Listener {
        address,
        decided_by,
        default,
    }
}

fn unix(path: &Spanned<Value>, env: EnvLookup) -> Listener {
    let p = resolve(path, "socket path", env);
    Listener {
        address: format!("unix:{}", p.text.unwrap_or_else(|| "?".into())),
        decided_by: p.why,
        default: false,
    }
}

/// Whether the script imports a module (or something from it).
fn imports(module: &Module, root: &str) -> bool {
    module.bindings.iter().any(|b| match &b.kind {
        crate::parse::python::BindingKind::Import(path) => path == root || path.starts_with(&format!("{root}.")),
        _ => false,
    })
}

/// The server a Python script starts, if lint502 recognises the call.
pub fn python_server(module: &Module, env: EnvLookup) -> Option<CodeServer> {
    module.calls.iter().find_map(|call| python_call(module, call, env))
}

fn python_call(module: &Module, call: &Call, env: EnvLookup) -> Option<CodeServer> {
    let callee = call.callee.as_deref().unwrap_or("");
    let (server, listeners) = match callee {
        "uvicorn.run" => {
            let l = if let Some(uds) = arg(call, None, "uds") {
                unix(uds, env)
            } else if let Some(fd) = arg(call, None, "fd") {
                let p = resolve(fd, "file descriptor", env);
                Listener {
                    address: format!("fd://{}", p.text.unwrap_or_else(|| "?".into())),
                    decided_by: p.why,
                    default: false,
                }
            } else {
                let (h, p) = (arg(call, None, "host"), arg(call, None, "port"));
                tcp(call, h, p, ("127.0.0.1", "8000"), "uvicorn.run", env)
            };
            ("uvicorn", vec![l])
        }
        "aiohttp.web.run_app" | "aiohttp.web_runner.run_app" => {
            let (h, p, path) = (
                arg(call, None, "host"),
                arg(call, None, "port"),
                arg(call, None, "path"),
            );
            let mut ls = Vec::new();
            if let Some(path) = path {
                ls.push(unix(path, env));
            }
            // `_run_app`: a TCP site when a host is given, or when neither a
            // path nor a socket is, or when a port is.
            if h.is_some() || path.is_none() || p.is_some() {
                ls.push(tcp(call, h, p, ("0.0.0.0", "8080"), "aiohttp's run_app", env));
            }
            ("aiohttp", ls)
        }
        "waitress.serve" => {
            if let Some(sock) = arg(call, None, "unix_socket") {
                ("waitress", vec![unix(sock, env)])
            } else if let Some(listen) = arg(call, None, "listen") {
                let p = resolve(listen, "listen address", env);
                let text = p.text.unwrap_or_else(|| "?".into());
                let ls = text
                    .split_whitespace()
                    .map(|a| Listener {
                        address: a.replacen('*', "0.0.0.0", 1),
                        decided_by: p.why.clone(),
                        default: false,
                    })
                    .collect();
                ("waitress", ls)
            } else {
                let (h, p) = (arg(call, None, "host"), arg(call, None, "port"));
                (
                    "waitress",
                    vec![tcp(call, h, p, ("0.0.0.0", "8080"), "waitress.serve", env)],
                )
            }
        }
        "flask_socketio.SocketIO().run" => {
            let (h, p) = (arg(call, Some(1), "host"), arg(call, Some(2), "port"));
            let l = tcp(call, h, p, ("127.0.0.1", "5000"), "Flask-SocketIO's run", env);
            ("flask-socketio", vec![l])
        }
        c if c == "flask.Flask().run"
            || c == "quart.Quart().run"
            || (call.text.ends_with(".run") && !c.starts_with("flask_socketio") && imports(module, "flask")) =>
        {
            if env("FLASK_RUN_FROM_CLI").is_some_and(|(v, _)| v == "true") {
                return None;
            }
            let (h, p) = (arg(call, Some(0), "host"), arg(call, Some(1), "port"));
            let l = tcp(call, h, p, ("127.0.0.1", "5000"), "Flask's app.run", env);
            ("flask", vec![l])
        }
        _ => return None,
    };
    Some(CodeServer {
        server,
        span: call.span,
        listeners,
        sets_keepalive: false,
    })
}

/// Where a Node.js script listens: its first `listen` call whose port is
/// known in shape (a later one may be another server, or never reached).
pub fn node_server(code: &crate::parse::nodecode::NodeCode, env: EnvLookup) -> Option<CodeServer> {
    let call = code.listens.first()?;
    let listener = match &call.port.value {
        // `server.listen("/run/app.sock")`: a unix socket (a string that is
        // not a number).
        Value::Str(p) if p.parse::<u16>().is_err() => Listener {
            address: format!("unix:{p}"),
            decided_by: vec![(format!("socket path `{p}` in the code"), call.port.span)],
            default: false,
        },
        _ => {
            let port = resolve(&call.port, "port", env);
            let mut decided_by = port.why;
            let host = match &call.host {
                Some(h) => {
                    let p = resolve(h, "host", env);
                    decided_by.extend(p.why);
                    p.text.unwrap_or_else(|| "?".into())
                }
                None => {
                    decided_by.push((
                        "no host given to listen(): node listens on `::` (all interfaces)".into(),
                        call.span,
                    ));
                    "::".into()
                }
            };
            let port = port.text.unwrap_or_else(|| "?".into());
            let address = if host.contains(':') && !host.starts_with('[') {
                format!("[{host}]:{port}")
            } else {
                format!("{host}:{port}")
            };
            Listener {
                address,
                decided_by,
                default: false,
            }
        }
    };
    Some(CodeServer {
        server: "node",
        span: call.span,
        listeners: vec![listener],
        sets_keepalive: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::python::parse_script;
    use crate::source::FileId;

    fn server(src: &str, env: &[(&str, &str)]) -> Option<(String, Vec<String>)> {
        let m = parse_script(FileId(0), src);
        let lookup = |n: &str| {
            env.iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| (v.to_string(), Span::new(FileId(0), 0, 0)))
        };
        python_server(&m, &lookup).map(|s| {
            (
                s.server.to_string(),
                s.listeners.into_iter().map(|l| l.address).collect(),
            )
        })
    }

    fn one(server_name: &str, addr: &str) -> Option<(String, Vec<String>)> {
        Some((server_name.to_string(), vec![addr.to_string()]))
    }

    #[test]
    fn uvicorn_run_in_main_block() {
        let src = "import os\nimport uvicorn\nfrom app import app\n\nif __name__ == \"__main__\":\n    \
                   uvicorn.run(app, host=\"0.0.0.0\", port=int(os.environ.get(\"PORT\", 8001)))\n";
        assert_eq!(server(src, &[]), one("uvicorn", "0.0.0.0:8001"));
        assert_eq!(server(src, &[("PORT", "9000")]), one("uvicorn", "0.0.0.0:9000"));
    }

    #[test]
    fn uvicorn_defaults_and_import_forms() {
        assert_eq!(
            server("from uvicorn import run\nrun('main:app')\n", &[]),
            one("uvicorn", "127.0.0.1:8000")
        );
        assert_eq!(
            server("import uvicorn as u\nu.run('main:app', uds='/run/app.sock')\n", &[]),
            one("uvicorn", "unix:/run/app.sock")
        );
    }

    #[test]
    fn flask_app_run_with_locals_in_main() {
        let src = "from flask import Flask\nimport os\napp = Flask(__name__)\n\ndef main():\n    \
                   port = int(os.getenv('PORT', '5001'))\n    app.run(host='0.0.0.0', port=port)\n\n\
                   if __name__ == '__main__':\n    main()\n";
        assert_eq!(server(src, &[]), one("flask", "0.0.0.0:5001"));
    }

    #[test]
    fn flask_factory_and_defaults() {
        let src = "from myapp import create_app\nimport flask\napp = create_app()\nif __name__ == '__main__':\n    app.run()\n";
        assert_eq!(server(src, &[]), one("flask", "127.0.0.1:5000"));
        // Positional host and port.
        let src = "from flask import Flask\napp = Flask(__name__)\napp.run('0.0.0.0', 8080)\n";
        assert_eq!(server(src, &[]), one("flask", "0.0.0.0:8080"));
        // Under `flask run`, app.run returns at once.
        assert_eq!(server(src, &[("FLASK_RUN_FROM_CLI", "true")]), None);
    }

    #[test]
    fn main_block_assignments_are_followed() {
        let src = "from flask import Flask\nimport os\napp = Flask(__name__)\nif __name__ == '__main__':\n    \
                   port = int(os.environ.get('PORT', 5000))\n    app.run(host='127.0.0.1', port=port)\n";
        assert_eq!(server(src, &[]), one("flask", "127.0.0.1:5000"));
        assert_eq!(server(src, &[("PORT", "7000")]), one("flask", "127.0.0.1:7000"));
    }

    #[test]
    fn aiohttp_waitress_socketio() {
        assert_eq!(
            server(
                "from aiohttp import web\napp = web.Application()\nweb.run_app(app)\n",
                &[]
            ),
            one("aiohttp", "0.0.0.0:8080")
        );
        assert_eq!(
            server(
                "from waitress import serve\nfrom app import app\nserve(app, listen='127.0.0.1:8081')\n",
                &[]
            ),
            one("waitress", "127.0.0.1:8081")
        );
        assert_eq!(
            server(
                "from flask import Flask\nfrom flask_socketio import SocketIO\napp = Flask(__name__)\n\
                 socketio = SocketIO(app)\nif __name__ == '__main__':\n    socketio.run(app, port=5005)\n",
                &[]
            ),
            one("flask-socketio", "127.0.0.1:5005")
        );
    }

    #[test]
    fn computed_values_stay_unknown() {
        let src = "import uvicorn\nfrom settings import PORT\nuvicorn.run('a:app', port=PORT)\n";
        assert_eq!(server(src, &[]), one("uvicorn", "127.0.0.1:?"));
        // A name assigned in a nested block of the function: not followed.
        let src = "import uvicorn\ndef main():\n    if x:\n        port = 1\n    uvicorn.run('a:app', port=port)\n";
        assert_eq!(server(src, &[]), one("uvicorn", "127.0.0.1:?"));
    }

    #[test]
    fn not_a_server() {
        assert_eq!(server("import asyncio\nasyncio.run(main())\n", &[]), None);
        assert_eq!(server("import subprocess\nsubprocess.run(['ls'])\n", &[]), None);
        // Not run as main: a gunicorn config's reading records no calls.
        let m = crate::parse::python::parse_module(FileId(0), "import uvicorn\nuvicorn.run('a:app')\n");
        assert!(m.calls.is_empty());
    }
}
