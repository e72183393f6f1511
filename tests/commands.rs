//! End-to-end command lines: text → server command → listeners, with spans.
//!
//! Each line is placed after `CMD ` in a one-line file, so spans are checked
//! at an offset. Words print as `text`, followed by `<- source` when the
//! bytes at the word's span differ from its text (quotes, escapes), which
//! checks every span by its content.

use lint502::model::value::Value;
use lint502::parse::command::{
    Args, EnvOrigin, ServerCommand, ServerKind, UwsgiIni, Word, config_file, effective_listeners, gunicorn_cmd_args,
    parse_command, parse_command_line, split, split_commands, uwsgi_config,
};
use lint502::parse::launch::parse_uwsgi_ini;
use lint502::source::{FileId, Span};

const PREFIX: &str = "CMD ";

fn file_of(line: &str) -> (String, Span) {
    let file = format!("{PREFIX}{line}\n");
    (file, Span::new(FileId(7), PREFIX.len(), PREFIX.len() + line.len()))
}

fn word(file: &str, w: &Word) -> String {
    assert_eq!(w.span.file, FileId(7));
    let src = &file[w.span.range()];
    if src == w.text {
        format!("`{}`", w.text)
    } else {
        format!("`{}` <- {src}", w.text)
    }
}

fn args_lines(file: &str, a: &Args, out: &mut Vec<String>) {
    let fields = [
        ("app", &a.app),
        ("host", &a.host),
        ("port", &a.port),
        ("uds", &a.uds),
        ("fd", &a.fd),
        ("config", &a.config),
        ("workers", &a.workers),
        ("worker_class", &a.worker_class),
        ("threads", &a.threads),
        ("timeout", &a.timeout),
        ("graceful_timeout", &a.graceful_timeout),
        ("keepalive", &a.keepalive),
        ("chdir", &a.chdir),
        ("pythonpath", &a.pythonpath),
        ("certfile", &a.certfile),
        ("keyfile", &a.keyfile),
        ("reuse_port", &a.reuse_port),
    ];
    for b in &a.binds {
        out.push(format!("bind: {}", word(file, b)));
    }
    for (name, value) in fields {
        if let Some(w) = value {
            out.push(format!("{name}: {}", word(file, w)));
        }
    }
    for e in &a.raw_env {
        out.push(format!("raw_env: {}={}", word(file, &e.name), word(file, &e.value)));
    }
    if !a.options.is_empty() {
        let opts: Vec<String> = a
            .options
            .iter()
            .map(|o| match &o.value {
                Some(v) => format!("{}={}", o.name, v.text),
                None => o.name.clone(),
            })
            .collect();
        out.push(format!("options: {}", opts.join(" ")));
    }
    let positionals: Vec<String> = a.positionals.iter().map(|w| word(file, w)).collect();
    if a.positionals
        .iter()
        .any(|p| a.app.as_ref() != Some(p) && !a.binds.contains(p))
    {
        out.push(format!("positionals: {}", positionals.join(" ")));
    }
    for p in &a.problems {
        out.push(format!("problem: {} @ {}", p.message, &file[p.span.range()]));
    }
}

fn describe(file: &str, cmd: &ServerCommand) -> String {
    let mut out = vec![
        format!("kind: {}", cmd.kind.name()),
        format!("program: {}", word(file, &cmd.program)),
    ];
    if let Some(w) = &cmd.subcommand {
        out.push(format!("subcommand: {}", word(file, w)));
    }
    if let Some(w) = &cmd.interpreter {
        out.push(format!("interpreter: {}", word(file, w)));
    }
    if let Some(w) = &cmd.script {
        out.push(format!("script: {}", word(file, w)));
    }
    if !cmd.wrappers.is_empty() {
        let ws: Vec<String> = cmd.wrappers.iter().map(|w| word(file, w)).collect();
        out.push(format!("wrappers: {}", ws.join(" ")));
    }
    for e in &cmd.env {
        let origin = if e.origin == EnvOrigin::Inherited {
            " (inherited)"
        } else {
            ""
        };
        out.push(format!("env: {}={}{origin}", word(file, &e.name), word(file, &e.value)));
    }
    for d in &cmd.cd {
        out.push(format!("cd: {}", word(file, d)));
    }
    args_lines(file, &cmd.args, &mut out);
    for l in effective_listeners(cmd, &|_| None) {
        let why: Vec<String> = l
            .decided_by
            .iter()
            .map(|(what, span)| format!("{what} @ {}", &file[span.range()]))
            .collect();
        let default = if l.default { " (default)" } else { "" };
        out.push(format!("listen: {}{default} <- {}", l.address, why.join("; ")));
    }
    out.join("\n")
}

#[track_caller]
fn check(line: &str, expected: &str) {
    let (file, base) = file_of(line);
    let cmd = parse_command_line(line, base)
        .expect("splits")
        .unwrap_or_else(|| panic!("no server in {line}"));
    let got = describe(&file, &cmd);
    let want: Vec<&str> = expected.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(got, want.join("\n"), "\nline: {line}\n--- got ---\n{got}\n");
}

#[track_caller]
fn none(line: &str) {
    let (_, base) = file_of(line);
    let got = parse_command_line(line, base).expect("splits");
    assert!(got.is_none(), "{line}: expected no server, got {got:?}");
}

// --- gunicorn ----------------------------------------------------------------

#[test]
fn gunicorn_workers_and_bind() {
    check(
        "gunicorn -w 4 -b 0.0.0.0:8001 app:app",
        "kind: gunicorn
         program: `gunicorn`
         bind: `0.0.0.0:8001`
         app: `app:app`
         workers: `4`
         options: --workers=4 --bind=0.0.0.0:8001
         listen: 0.0.0.0:8001 <- --bind 0.0.0.0:8001 on the command line @ 0.0.0.0:8001",
    );
}

#[test]
fn gunicorn_unix_socket_and_worker_class() {
    check(
        "gunicorn --bind=unix:/run/app.sock -k uvicorn.workers.UvicornWorker main:app",
        "kind: gunicorn
         program: `gunicorn`
         bind: `unix:/run/app.sock`
         app: `main:app`
         worker_class: `uvicorn.workers.UvicornWorker`
         options: --bind=unix:/run/app.sock --worker-class=uvicorn.workers.UvicornWorker
         listen: unix:/run/app.sock <- --bind unix:/run/app.sock on the command line @ unix:/run/app.sock",
    );
}

#[test]
fn gunicorn_venv_exec_config() {
    check(
        "exec venv/bin/gunicorn -c gunicorn.conf.py wsgi",
        "kind: gunicorn
         program: `venv/bin/gunicorn`
         wrappers: `exec`
         app: `wsgi`
         config: `gunicorn.conf.py`
         options: --config=gunicorn.conf.py
         listen: 127.0.0.1:8000 (default) <- no bind on the command line, in GUNICORN_CMD_ARGS or in a config file: \
         gunicorn's default is 127.0.0.1:8000 @ venv/bin/gunicorn",
    );
}

#[test]
fn gunicorn_inside_sh_c() {
    check(
        r#"sh -c "cd /app && gunicorn app:app -b :8000""#,
        "kind: gunicorn
         program: `gunicorn`
         wrappers: `sh`
         cd: `/app`
         bind: `:8000`
         app: `app:app`
         options: --bind=:8000
         listen: :8000 <- --bind :8000 on the command line @ :8000",
    );
}

#[test]
fn gunicorn_attached_short_options() {
    check(
        "gunicorn -w4 -b127.0.0.1:9000 -t 120 --graceful-timeout=30 --keep-alive 5 --threads 2 app.wsgi:application",
        "kind: gunicorn
         program: `gunicorn`
         bind: `127.0.0.1:9000`
         app: `app.wsgi:application`
         workers: `4`
         threads: `2`
         timeout: `120`
         graceful_timeout: `30`
         keepalive: `5`
         options: --workers=4 --bind=127.0.0.1:9000 --timeout=120 --graceful-timeout=30 --keep-alive=5 --threads=2
         listen: 127.0.0.1:9000 <- --bind 127.0.0.1:9000 on the command line @ 127.0.0.1:9000",
    );
}

#[test]
fn gunicorn_repeated_binds_and_host_without_port() {
    check(
        "gunicorn --bind 0.0.0.0 --bind unix:/tmp/g.sock --bind [::1]:8002 app:app",
        "kind: gunicorn
         program: `gunicorn`
         bind: `0.0.0.0`
         bind: `unix:/tmp/g.sock`
         bind: `[::1]:8002`
         app: `app:app`
         options: --bind=0.0.0.0 --bind=unix:/tmp/g.sock --bind=[::1]:8002
         listen: 0.0.0.0:8000 <- --bind 0.0.0.0 on the command line @ 0.0.0.0; \
         `0.0.0.0` has no port: gunicorn uses 8000 @ 0.0.0.0
         listen: unix:/tmp/g.sock <- --bind unix:/tmp/g.sock on the command line @ unix:/tmp/g.sock
         listen: [::1]:8002 <- --bind [::1]:8002 on the command line @ [::1]:8002",
    );
}

#[test]
fn gunicorn_prefix_abbreviation_and_equals_short() {
    // argparse accepts unique prefixes (`--work`) and `-b=…`.
    check(
        "gunicorn --timeo 60 -b=0.0.0.0:8080 --chdir /srv/app --pythonpath src,lib proj.wsgi",
        "kind: gunicorn
         program: `gunicorn`
         bind: `0.0.0.0:8080`
         app: `proj.wsgi`
         timeout: `60`
         chdir: `/srv/app`
         pythonpath: `src,lib`
         options: --timeout=60 --bind=0.0.0.0:8080 --chdir=/srv/app --pythonpath=src,lib
         listen: 0.0.0.0:8080 <- --bind 0.0.0.0:8080 on the command line @ 0.0.0.0:8080",
    );
    // `--work` could be --workers, --worker-class, --worker-connections, --worker-tmp-dir.
    check(
        "gunicorn --work 3 proj.wsgi",
        "kind: gunicorn
         program: `gunicorn`
         app: `3`
         options: --work
         positionals: `3` `proj.wsgi`
         problem: gunicorn has an ambiguous option `--work` and stops with a usage error @ --work
         listen: 127.0.0.1:8000 (default) <- no bind on the command line, in GUNICORN_CMD_ARGS or in a config file: \
         gunicorn's default is 127.0.0.1:8000 @ gunicorn",
    );
    // argparse: a value may not look like an option.
    check(
        "gunicorn -b -w 2 app:app",
        "kind: gunicorn
         program: `gunicorn`
         app: `app:app`
         workers: `2`
         options: --bind --workers=2
         problem: gunicorn option `-b` expects a value and stops with a usage error @ -b
         listen: 127.0.0.1:8000 (default) <- no bind on the command line, in GUNICORN_CMD_ARGS or in a config file: \
         gunicorn's default is 127.0.0.1:8000 @ gunicorn",
    );
}

#[test]
fn gunicorn_env_port_and_expansion() {
    check(
        "PORT=5000 gunicorn --bind 0.0.0.0:${PORT:-8000} app:app",
        "kind: gunicorn
         program: `gunicorn`
         env: `PORT`=`5000`
         bind: `0.0.0.0:${PORT:-8000}`
         app: `app:app`
         options: --bind=0.0.0.0:${PORT:-8000}
         listen: 0.0.0.0:8000 <- --bind 0.0.0.0:${PORT:-8000} on the command line @ 0.0.0.0:${PORT:-8000}; \
         PORT is not set: `${PORT:-8000}` gives `8000` @ ${PORT:-8000}",
    );
}

#[test]
fn gunicorn_export_then_expansion() {
    check(
        "export PORT=5001 && exec gunicorn -b :$PORT app:app",
        "kind: gunicorn
         program: `gunicorn`
         wrappers: `exec`
         env: `PORT`=`5001` (inherited)
         bind: `:$PORT`
         app: `app:app`
         options: --bind=:$PORT
         listen: :5001 <- --bind :$PORT on the command line @ :$PORT; PORT=5001 in the environment @ 5001",
    );
}

#[test]
fn gunicorn_port_env_default() {
    check(
        "env PORT=5000 WEB_CONCURRENCY=3 gunicorn app:app",
        "kind: gunicorn
         program: `gunicorn`
         wrappers: `env`
         env: `PORT`=`5000`
         env: `WEB_CONCURRENCY`=`3`
         app: `app:app`
         listen: 0.0.0.0:5000 (default) <- no bind on the command line, in GUNICORN_CMD_ARGS or in a config file \
         @ gunicorn; PORT=5000 in the environment: gunicorn's default bind is 0.0.0.0:$PORT @ 5000",
    );
}

#[test]
fn gunicorn_cmd_args_prefix() {
    check(
        r#"GUNICORN_CMD_ARGS="--bind=0.0.0.0:9000 --workers 2" gunicorn app:app"#,
        r#"kind: gunicorn
         program: `gunicorn`
         env: `GUNICORN_CMD_ARGS`=`--bind=0.0.0.0:9000 --workers 2`
         app: `app:app`
         listen: 0.0.0.0:9000 <- --bind 0.0.0.0:9000 in GUNICORN_CMD_ARGS @ 0.0.0.0:9000"#,
    );
}

#[test]
fn gunicorn_cli_beats_cmd_args() {
    check(
        r#"GUNICORN_CMD_ARGS="--bind=0.0.0.0:9000" gunicorn -b 127.0.0.1:8001 app:app"#,
        r#"kind: gunicorn
         program: `gunicorn`
         env: `GUNICORN_CMD_ARGS`=`--bind=0.0.0.0:9000`
         bind: `127.0.0.1:8001`
         app: `app:app`
         options: --bind=127.0.0.1:8001
         listen: 127.0.0.1:8001 <- --bind 127.0.0.1:8001 on the command line @ 127.0.0.1:8001"#,
    );
}

#[test]
fn gunicorn_env_options_and_tls() {
    check(
        "gunicorn -e DJANGO_SETTINGS_MODULE=proj.settings --env PORT=9999 --certfile cert.pem --keyfile key.pem \
         --reuse-port -b 0.0.0.0:443 proj.wsgi",
        "kind: gunicorn
         program: `gunicorn`
         bind: `0.0.0.0:443`
         app: `proj.wsgi`
         certfile: `cert.pem`
         keyfile: `key.pem`
         reuse_port: `--reuse-port`
         raw_env: `DJANGO_SETTINGS_MODULE`=`proj.settings`
         raw_env: `PORT`=`9999`
         options: --env=DJANGO_SETTINGS_MODULE=proj.settings --env=PORT=9999 --certfile=cert.pem --keyfile=key.pem \
         --reuse-port --bind=0.0.0.0:443
         listen: 0.0.0.0:443 <- --bind 0.0.0.0:443 on the command line @ 0.0.0.0:443; \
         cert.pem sets TLS: this listener speaks https @ cert.pem",
    );
}

#[test]
fn gunicorn_python_m_with_redirection() {
    check(
        "python3 -u -m gunicorn --workers=2 --bind 0.0.0.0:8000 wsgi:app > /var/log/app.log 2>&1",
        "kind: gunicorn
         program: `gunicorn`
         interpreter: `python3`
         bind: `0.0.0.0:8000`
         app: `wsgi:app`
         workers: `2`
         options: --workers=2 --bind=0.0.0.0:8000
         listen: 0.0.0.0:8000 <- --bind 0.0.0.0:8000 on the command line @ 0.0.0.0:8000",
    );
}

#[test]
fn gunicorn_poetry_run_and_factory_app() {
    check(
        r#"poetry run gunicorn "app:create_app()" --bind 0.0.0.0:8000"#,
        r#"kind: gunicorn
         program: `gunicorn`
         wrappers: `poetry`
         bind: `0.0.0.0:8000`
         app: `app:create_app()` <- "app:create_app()"
         options: --bind=0.0.0.0:8000
         listen: 0.0.0.0:8000 <- --bind 0.0.0.0:8000 on the command line @ 0.0.0.0:8000"#,
    );
}

#[test]
fn gunicorn_unknown_option_is_a_problem() {
    check(
        "gunicorn --bnd 0.0.0.0:8000 app:app",
        "kind: gunicorn
         program: `gunicorn`
         app: `0.0.0.0:8000`
         options: --bnd
         positionals: `0.0.0.0:8000` `app:app`
         problem: gunicorn has no option `--bnd` and stops with a usage error @ --bnd
         listen: 127.0.0.1:8000 (default) <- no bind on the command line, in GUNICORN_CMD_ARGS or in a config file: \
         gunicorn's default is 127.0.0.1:8000 @ gunicorn",
    );
}

#[test]
fn gunicorn_through_wrappers() {
    check(
        "dumb-init -- ddtrace-run newrelic-admin run-program nohup gunicorn -b 0.0.0.0:8000 app:app &",
        "kind: gunicorn
         program: `gunicorn`
         wrappers: `dumb-init` `ddtrace-run` `newrelic-admin` `nohup`
         bind: `0.0.0.0:8000`
         app: `app:app`
         options: --bind=0.0.0.0:8000
         listen: 0.0.0.0:8000 <- --bind 0.0.0.0:8000 on the command line @ 0.0.0.0:8000",
    );
}

#[test]
fn gunicorn_python_runs_launcher_file() {
    // PM2 `interpreter: python3` + `script: venv/bin/gunicorn`.
    check(
        "python3 venv/bin/gunicorn -w 2 app:app",
        "kind: gunicorn
         program: `venv/bin/gunicorn`
         interpreter: `python3`
         app: `app:app`
         workers: `2`
         options: --workers=2
         listen: 127.0.0.1:8000 (default) <- no bind on the command line, in GUNICORN_CMD_ARGS or in a config file: \
         gunicorn's default is 127.0.0.1:8000 @ venv/bin/gunicorn",
    );
}

// --- uvicorn -----------------------------------------------------------------

#[test]
fn uvicorn_python_m_host_port_workers() {
    check(
        "python -m uvicorn main:app --host 0.0.0.0 --port 8080 --workers 4",
        "kind: uvicorn
         program: `uvicorn`
         interpreter: `python`
         app: `main:app`
         host: `0.0.0.0`
         port: `8080`
         workers: `4`
         options: --host=0.0.0.0 --port=8080 --workers=4
         listen: 0.0.0.0:8080 <- --host 0.0.0.0 on the command line @ 0.0.0.0; --port 8080 on the command line @ 8080",
    );
}

#[test]
fn uvicorn_uds() {
    check(
        "uvicorn app.main:app --uds /tmp/uvicorn.sock",
        "kind: uvicorn
         program: `uvicorn`
         app: `app.main:app`
         uds: `/tmp/uvicorn.sock`
         options: --uds=/tmp/uvicorn.sock
         listen: unix:/tmp/uvicorn.sock <- --uds /tmp/uvicorn.sock on the command line @ /tmp/uvicorn.sock",
    );
}

#[test]
fn uvicorn_defaults() {
    check(
        "uvicorn main:app --reload --proxy-headers --forwarded-allow-ips='*'",
        "kind: uvicorn
         program: `uvicorn`
         app: `main:app`
         options: --reload --proxy-headers --forwarded-allow-ips=*
         listen: 127.0.0.1:8000 (default) <- uvicorn's default --host is 127.0.0.1 @ uvicorn; \
         uvicorn's default --port is 8000 @ uvicorn",
    );
}

#[test]
fn uvicorn_env_host_and_keepalive() {
    check(
        "UVICORN_HOST=0.0.0.0 uvicorn --port=8001 --timeout-keep-alive 75 --ssl-certfile c.pem --fd 3 api:app",
        "kind: uvicorn
         program: `uvicorn`
         env: `UVICORN_HOST`=`0.0.0.0`
         app: `api:app`
         port: `8001`
         fd: `3`
         keepalive: `75`
         certfile: `c.pem`
         options: --port=8001 --timeout-keep-alive=75 --ssl-certfile=c.pem --fd=3
         listen: fd://3 <- --fd 3 on the command line @ 3",
    );
    check(
        "UVICORN_HOST=0.0.0.0 uvicorn --port=8001 api:app",
        "kind: uvicorn
         program: `uvicorn`
         env: `UVICORN_HOST`=`0.0.0.0`
         app: `api:app`
         port: `8001`
         options: --port=8001
         listen: 0.0.0.0:8001 <- UVICORN_HOST=0.0.0.0 in the environment @ 0.0.0.0; \
         --port 8001 on the command line @ 8001",
    );
}

#[test]
fn uvicorn_via_uv_run() {
    check(
        "uv run --frozen --with uvicorn uvicorn app:app --host :: --port 8000",
        "kind: uvicorn
         program: `uvicorn`
         wrappers: `uv`
         app: `app:app`
         host: `::`
         port: `8000`
         options: --host=:: --port=8000
         listen: [::]:8000 <- --host :: on the command line @ ::; --port 8000 on the command line @ 8000",
    );
}

#[test]
fn uvicorn_extra_argument_is_a_problem() {
    check(
        "uvicorn main:app 8000",
        "kind: uvicorn
         program: `uvicorn`
         app: `main:app`
         positionals: `main:app` `8000`
         problem: uvicorn takes one application: `8000` makes it stop with a usage error @ 8000
         listen: 127.0.0.1:8000 (default) <- uvicorn's default --host is 127.0.0.1 @ uvicorn; \
         uvicorn's default --port is 8000 @ uvicorn",
    );
}

// --- hypercorn, daphne, waitress ----------------------------------------------

#[test]
fn hypercorn_bind() {
    check(
        "hypercorn -b 0.0.0.0:8000 app:app",
        "kind: hypercorn
         program: `hypercorn`
         bind: `0.0.0.0:8000`
         app: `app:app`
         options: --bind=0.0.0.0:8000
         listen: 0.0.0.0:8000 <- --bind 0.0.0.0:8000 on the command line @ 0.0.0.0:8000",
    );
}

#[test]
fn hypercorn_workers_default_bind() {
    check(
        "hypercorn --workers 2 -k uvloop --keep-alive 10 -c file:hypercorn.toml app:app",
        "kind: hypercorn
         program: `hypercorn`
         app: `app:app`
         config: `file:hypercorn.toml`
         workers: `2`
         worker_class: `uvloop`
         keepalive: `10`
         options: --workers=2 --worker-class=uvloop --keep-alive=10 --config=file:hypercorn.toml
         listen: 127.0.0.1:8000 (default) <- no --bind: hypercorn's default is 127.0.0.1:8000 @ hypercorn",
    );
}

#[test]
fn daphne_bind_and_port() {
    check(
        "daphne -b 0.0.0.0 -p 8001 proj.asgi:application",
        "kind: daphne
         program: `daphne`
         app: `proj.asgi:application`
         host: `0.0.0.0`
         port: `8001`
         options: --bind=0.0.0.0 --port=8001
         listen: 0.0.0.0:8001 <- --bind 0.0.0.0 on the command line @ 0.0.0.0; --port 8001 on the command line @ 8001",
    );
}

#[test]
fn daphne_port_only_and_unix_socket() {
    check(
        "daphne -p 9000 -u /run/daphne.sock proj.asgi:application",
        "kind: daphne
         program: `daphne`
         app: `proj.asgi:application`
         port: `9000`
         uds: `/run/daphne.sock`
         options: --port=9000 --unix-socket=/run/daphne.sock
         listen: 127.0.0.1:9000 <- daphne's default --bind is 127.0.0.1 @ daphne; --port 9000 on the command line @ 9000
         listen: unix:/run/daphne.sock <- --unix-socket /run/daphne.sock on the command line @ /run/daphne.sock",
    );
}

#[test]
fn daphne_endpoint() {
    check(
        "daphne -e ssl:443:privateKey=key.pem:certKey=crt.pem -e tcp:port=8000:interface=127.0.0.1 \
        proj.asgi:application",
        "kind: daphne
         program: `daphne`
         bind: `ssl:443:privateKey=key.pem:certKey=crt.pem`
         bind: `tcp:port=8000:interface=127.0.0.1`
         app: `proj.asgi:application`
         options: --endpoint=ssl:443:privateKey=key.pem:certKey=crt.pem --endpoint=tcp:port=8000:interface=127.0.0.1
         listen: :443 <- --endpoint ssl:443:privateKey=key.pem:certKey=crt.pem on the command line \
         @ ssl:443:privateKey=key.pem:certKey=crt.pem; no interface: twisted listens on all interfaces \
         @ ssl:443:privateKey=key.pem:certKey=crt.pem
         listen: 127.0.0.1:8000 <- --endpoint tcp:port=8000:interface=127.0.0.1 on the command line \
         @ tcp:port=8000:interface=127.0.0.1",
    );
}

#[test]
fn daphne_default() {
    check(
        "daphne proj.asgi:application",
        "kind: daphne
         program: `daphne`
         app: `proj.asgi:application`
         listen: 127.0.0.1:8000 (default) <- no --bind, --port, --unix-socket, --fd or --endpoint: \
         daphne's default is 127.0.0.1:8000 @ daphne",
    );
}

#[test]
fn waitress_listen() {
    check(
        "waitress-serve --listen=*:8080 app:app",
        "kind: waitress-serve
         program: `waitress-serve`
         bind: `*:8080`
         app: `app:app`
         options: --listen=*:8080
         listen: *:8080 <- --listen *:8080 on the command line @ *:8080",
    );
}

#[test]
fn waitress_port_after_app_is_not_read() {
    check(
        "waitress-serve --threads 8 app:app --port=8000",
        "kind: waitress-serve
         program: `waitress-serve`
         app: `app:app`
         threads: `8`
         options: --threads=8
         positionals: `app:app` `--port=8000`
         problem: waitress-serve reads no options after the application: `--port=8000` is taken as another argument \
         @ --port=8000
         problem: waitress-serve takes one application: `--port=8000` makes it stop with a usage error @ --port=8000
         listen: 0.0.0.0:8080 (default) <- waitress-serve's default --host is 0.0.0.0 @ waitress-serve; \
         waitress-serve's default --port is 8080 @ waitress-serve",
    );
}

#[test]
fn waitress_python_m_host_port_and_prefix() {
    check(
        "python -m waitress --host=127.0.0.1 --po 6543 --call myapp:create_app",
        "kind: waitress-serve
         program: `waitress`
         interpreter: `python`
         app: `myapp:create_app`
         host: `127.0.0.1`
         port: `6543`
         options: --host=127.0.0.1 --port=6543 --call
         listen: 127.0.0.1:6543 <- --host 127.0.0.1 on the command line @ 127.0.0.1; \
         --port 6543 on the command line @ 6543",
    );
}

#[test]
fn waitress_unix_socket_conflict() {
    check(
        "waitress-serve --unix-socket=/tmp/w.sock --port 8080 app:app",
        "kind: waitress-serve
         program: `waitress-serve`
         app: `app:app`
         port: `8080`
         uds: `/tmp/w.sock`
         options: --unix-socket=/tmp/w.sock --port=8080
         problem: waitress rejects --unix-socket together with --listen, --host or --port @ /tmp/w.sock
         listen: unix:/tmp/w.sock <- --unix-socket /tmp/w.sock on the command line @ /tmp/w.sock",
    );
}

// --- flask, runserver ---------------------------------------------------------

#[test]
fn flask_run_env_port() {
    check(
        "env PORT=5000 flask run --host=0.0.0.0",
        "kind: flask run
         program: `flask`
         subcommand: `run`
         wrappers: `env`
         env: `PORT`=`5000`
         host: `0.0.0.0`
         options: --host=0.0.0.0
         listen: 0.0.0.0:5000 <- --host 0.0.0.0 on the command line @ 0.0.0.0; \
         flask run's default --port is 5000 @ flask",
    );
}

#[test]
fn flask_run_app_and_flask_run_port() {
    check(
        "FLASK_RUN_PORT=8000 python -m flask --app hello run -h 0.0.0.0 --debug",
        "kind: flask run
         program: `flask`
         subcommand: `run`
         interpreter: `python`
         env: `FLASK_RUN_PORT`=`8000`
         app: `hello`
         host: `0.0.0.0`
         options: --app=hello --host=0.0.0.0 --debug
         listen: 0.0.0.0:8000 <- --host 0.0.0.0 on the command line @ 0.0.0.0; \
         FLASK_RUN_PORT=8000 in the environment @ 8000",
    );
}

#[test]
fn runserver_addr_port() {
    check(
        "python manage.py runserver 0.0.0.0:8000",
        "kind: runserver
         program: `manage.py`
         subcommand: `runserver`
         interpreter: `python`
         script: `manage.py`
         bind: `0.0.0.0:8000`
         listen: 0.0.0.0:8000 <- runserver 0.0.0.0:8000 on the command line @ 0.0.0.0:8000",
    );
}

#[test]
fn runserver_port_only_and_zero() {
    check(
        "./manage.py runserver --noreload 8001",
        "kind: runserver
         program: `./manage.py`
         subcommand: `runserver`
         script: `./manage.py`
         bind: `8001`
         options: --noreload
         listen: 127.0.0.1:8001 <- runserver 8001 on the command line @ 8001; \
         no address: runserver uses 127.0.0.1 @ 8001",
    );
    check(
        "django-admin runserver 0:8000 --settings=proj.settings",
        "kind: runserver
         program: `django-admin`
         subcommand: `runserver`
         bind: `0:8000`
         options: --settings=proj.settings
         listen: 0.0.0.0:8000 <- runserver 0:8000 on the command line @ 0:8000; \
         runserver reads the address 0 as 0.0.0.0 @ 0:8000",
    );
}

#[test]
fn runserver_after_migrate() {
    check(
        "python manage.py migrate --noinput && python manage.py runserver",
        "kind: runserver
         program: `manage.py`
         subcommand: `runserver`
         interpreter: `python`
         script: `manage.py`
         listen: 127.0.0.1:8000 (default) <- no [addr:]port: runserver's default is 127.0.0.1:8000 @ manage.py",
    );
}

// --- node ----------------------------------------------------------------------

#[test]
fn node_script() {
    check(
        "node server.js",
        "kind: node
         program: `node`
         script: `server.js`",
    );
}

#[test]
fn node_options_and_script_args() {
    check(
        "node --max-old-space-size=4096 -r dotenv/config dist/main.js --port 3000",
        "kind: node
         program: `node`
         script: `dist/main.js`
         options: --max-old-space-size=4096 -r=dotenv/config
         positionals: `--port` `3000`",
    );
}

#[test]
fn node_last_command_wins() {
    check(
        "node migrate.js && node --env-file=.env server.js",
        "kind: node
         program: `node`
         script: `server.js`
         options: --env-file=.env",
    );
}

#[test]
fn npm_start() {
    check(
        "npm start",
        "kind: node
         program: `npm`
         subcommand: `start`",
    );
    check(
        "cd frontend && npm run start:prod -- --port 3000",
        "kind: node
         program: `npm`
         subcommand: `start:prod`
         cd: `frontend`
         positionals: `--port` `3000`",
    );
}

#[test]
fn node_runs_python_launcher() {
    check(
        "node venv/bin/gunicorn app:app",
        "kind: node
         program: `node`
         script: `venv/bin/gunicorn`
         positionals: `app:app`
         problem: node runs `venv/bin/gunicorn`, a Python launcher: it fails with a SyntaxError @ venv/bin/gunicorn",
    );
}

#[test]
fn python_script() {
    check(
        "python3 app.py --port 5000",
        "kind: python
         program: `app.py`
         interpreter: `python3`
         script: `app.py`
         positionals: `--port` `5000`",
    );
}

// --- not servers ------------------------------------------------------------------

#[test]
fn not_servers() {
    none("npm ci");
    none("npm install --production");
    none("npm run build");
    none("pip install -r requirements.txt");
    none("python -m pip install --no-cache-dir -r requirements.txt");
    none("python manage.py migrate");
    none("python manage.py collectstatic --noinput");
    none("python -c 'import app'");
    none("flask db upgrade");
    none("apt-get update && apt-get install -y curl");
    none("bash start.sh");
    none("node -e 'console.log(1)'");
    none("# gunicorn app:app");
    none("echo gunicorn app:app");
    none("yarn install --frozen-lockfile");
}

// --- quoting, comments, errors ------------------------------------------------------

#[test]
fn quoting_and_escapes_in_spans() {
    check(
        r#"gunicorn --bind "0.0.0.0:8000" 'my app':app --access-logformat '%(h)s "%(r)s"' --name my\ site"#,
        r#"kind: gunicorn
         program: `gunicorn`
         bind: `0.0.0.0:8000` <- "0.0.0.0:8000"
         app: `my app:app` <- 'my app':app
         options: --bind=0.0.0.0:8000 --access-logformat=%(h)s "%(r)s" --name=my site
         listen: 0.0.0.0:8000 <- --bind 0.0.0.0:8000 on the command line @ "0.0.0.0:8000""#,
    );
    let line = r#"bash -lc 'exec gunicorn -b "0.0.0.0:$PORT" app:app'"#;
    let (file, base) = file_of(line);
    let cmd = parse_command_line(line, base).unwrap().unwrap();
    let bind = &cmd.args.binds[0];
    assert_eq!(bind.text, "0.0.0.0:$PORT");
    assert_eq!(&file[bind.span.range()], "\"0.0.0.0:$PORT\"");
    assert_eq!(bind.span, Span::new(FileId(7), 31, 46));
    assert_eq!(
        cmd.wrappers.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
        ["bash", "exec"]
    );
    let env = |name: &str| (name == "PORT").then(|| ("7000".to_owned(), Span::new(FileId(1), 10, 14)));
    let listeners = effective_listeners(&cmd, &env);
    assert_eq!(listeners[0].address, "0.0.0.0:7000");
    assert_eq!(
        listeners[0].decided_by[1],
        ("PORT=7000 in the environment".to_owned(), Span::new(FileId(1), 10, 14))
    );
}

#[test]
fn comments_are_dropped() {
    check(
        "gunicorn -b :8000 app:app # -b :9000",
        "kind: gunicorn
         program: `gunicorn`
         bind: `:8000`
         app: `app:app`
         options: --bind=:8000
         listen: :8000 <- --bind :8000 on the command line @ :8000",
    );
}

#[test]
fn unterminated_quotes_are_errors() {
    for (line, message) in [
        ("gunicorn -b '0.0.0.0:8000 app:app", "unterminated single quote"),
        ("gunicorn -b \"0.0.0.0:8000 app:app", "unterminated double quote"),
        ("gunicorn -w $(nproc app:app", "unterminated command substitution"),
        ("sh -c \"gunicorn app:app", "unterminated double quote"),
    ] {
        let (_, base) = file_of(line);
        assert_eq!(parse_command_line(line, base).unwrap_err(), message, "{line}");
        assert_eq!(split(line, base).unwrap_err(), message, "{line}");
    }
}

#[test]
fn command_substitution_stays_one_word() {
    check(
        r#"gunicorn -w "$(python -c 'import os; print(os.cpu_count())')" app:app"#,
        concat!(
            r#"kind: gunicorn
            program: `gunicorn`
            app: `app:app`
            workers: `$(python -c 'import os; print(os.cpu_count())')` <- "$(python -c 'import os; print(os.cpu_count())')"
            options: --workers=$(python -c 'import os; print(os.cpu_count())')
            "#,
            "listen: 127.0.0.1:8000 (default) <- no bind on the command line, in GUNICORN_CMD_ARGS or in a config \
             file: gunicorn's default is 127.0.0.1:8000 @ gunicorn",
        ),
    );
}

// --- GUNICORN_CMD_ARGS and config files -------------------------------------------------

#[test]
fn gunicorn_cmd_args_alone() {
    // A Dockerfile `ENV GUNICORN_CMD_ARGS="--bind=0.0.0.0:9000"`: no server…
    let line = r#"GUNICORN_CMD_ARGS="--bind=0.0.0.0:9000""#;
    none(line);
    // …but the value reads like gunicorn's command line.
    let (file, base) = file_of(line);
    let words = split(line, base).unwrap();
    assert_eq!(words.len(), 1);
    let value_start = PREFIX.len() + "GUNICORN_CMD_ARGS=".len();
    let value_span = Span::new(FileId(7), value_start, PREFIX.len() + line.len());
    let args = gunicorn_cmd_args("--bind=0.0.0.0:9000", value_span).unwrap();
    assert_eq!(args.binds.len(), 1);
    assert_eq!(args.binds[0].text, "0.0.0.0:9000");
    assert_eq!(&file[args.binds[0].span.range()], "0.0.0.0:9000");
    // Used as the environment of a later gunicorn.
    let (file2, base2) = file_of("gunicorn app:app");
    let cmd = parse_command(&split("gunicorn app:app", base2).unwrap()).unwrap();
    let env = |name: &str| (name == "GUNICORN_CMD_ARGS").then(|| ("--bind=0.0.0.0:9000".to_owned(), value_span));
    let l = effective_listeners(&cmd, &env);
    assert_eq!(l[0].address, "0.0.0.0:9000");
    assert!(!l[0].default);
    assert_eq!(&file[l[0].decided_by[0].1.range()], "0.0.0.0:9000");
    assert_eq!(file2.len(), "CMD gunicorn app:app\n".len());
    // shlex quoting, and the config file it names.
    let args = gunicorn_cmd_args(r#"--config "conf/g.py" -w 3"#, Span::new(FileId(2), 0, 25)).unwrap();
    assert_eq!(args.config.as_ref().map(|w| w.text.as_str()), Some("conf/g.py"));
    assert_eq!(
        args.workers.as_ref().map(|w| (w.span.start, w.span.end)),
        Some((24, 25))
    );
    assert!(gunicorn_cmd_args("--bind '0.0.0.0", Span::new(FileId(2), 0, 15)).is_err());
}

#[test]
fn gunicorn_config_file_choice() {
    let cmd = |line: &str| parse_command(&split(line, Span::new(FileId(0), 0, line.len())).unwrap()).unwrap();
    let c = config_file(&cmd("gunicorn -c deploy/gunicorn.py app:app"), &|_| None).unwrap();
    assert_eq!((c.path.as_str(), c.default), ("deploy/gunicorn.py", false));
    let c = config_file(&cmd("gunicorn app:app"), &|_| None).unwrap();
    assert_eq!((c.path.as_str(), c.default), ("gunicorn.conf.py", true));
    let env = |n: &str| (n == "GUNICORN_CMD_ARGS").then(|| ("--config=python:conf.g".to_owned(), Span::default()));
    let c = config_file(&cmd("gunicorn app:app"), &env).unwrap();
    assert_eq!((c.path.as_str(), c.default), ("python:conf.g", false));
    assert!(config_file(&cmd("uvicorn app:app"), &|_| None).is_none());
}

#[test]
fn split_commands_groups_words() {
    let line = "cd /app; gunicorn app:app | tee log || exit 1";
    let (_, base) = file_of(line);
    let cmds = split_commands(line, base).unwrap();
    let texts: Vec<Vec<&str>> = cmds
        .iter()
        .map(|c| c.iter().map(|w| w.text.as_str()).collect())
        .collect();
    assert_eq!(
        texts,
        vec![
            vec!["cd", "/app"],
            vec!["gunicorn", "app:app"],
            vec!["tee", "log"],
            vec!["exit", "1"]
        ]
    );
    assert_eq!(
        ServerKind::Gunicorn,
        parse_command_line(line, base).unwrap().unwrap().kind
    );
}

// --- uwsgi -------------------------------------------------------------------

#[test]
fn uwsgi_socket_and_wsgi_file() {
    check(
        "uwsgi --socket 127.0.0.1:3031 --wsgi-file app.py --callable app -M -p 4",
        "kind: uwsgi
         program: `uwsgi`
         app: `app.py`
         workers: `4`
         options: --socket=127.0.0.1:3031 --wsgi-file=app.py --callable=app --master --processes=4
         listen: 127.0.0.1:3031 <- --socket 127.0.0.1:3031 on the command line @ 127.0.0.1:3031",
    );
}

#[test]
fn uwsgi_http_router_on_all_interfaces() {
    check(
        "uwsgi --http :8000 --module app:app --harakiri 30",
        "kind: uwsgi
         program: `uwsgi`
         app: `app:app`
         timeout: `30`
         options: --http=:8000 --module=app:app --harakiri=30
         listen: :8000 <- --http :8000 on the command line @ :8000; \
         `http` starts uWSGI's HTTP router here, which forwards to the workers @ :8000",
    );
}

#[test]
fn uwsgi_short_options_cluster_and_attach() {
    // glibc getopt_long: `-Ms` is `-M -s`, the value may be attached or next;
    // a unique prefix of a long option is that option (observed: `--wsgi-fil`).
    check(
        "/opt/venv/bin/uwsgi -Ms/run/app.sock --wsgi-fil=wsgi.py -t 60 -w proj.wsgi",
        "kind: uwsgi
         program: `/opt/venv/bin/uwsgi`
         app: `proj.wsgi`
         timeout: `60`
         options: --master --socket=/run/app.sock --wsgi-file=wsgi.py --harakiri=60 --module=proj.wsgi
         listen: unix:/run/app.sock <- -s /run/app.sock on the command line @ /run/app.sock",
    );
}

#[test]
fn uwsgi_ambiguous_prefix_is_a_problem() {
    // Observed with 2.0.31: `option '--sock' is ambiguous; possibilities: '--socket' '--socket-protocol' …`
    // and `getopt_long() error`. lint502 reads on, taking the option as a flag.
    check(
        "uwsgi --sock :3031 --http-socket=:8000 app.py",
        "kind: uwsgi
         program: `uwsgi`
         app: `app.py`
         options: --sock --http-socket=:8000
         positionals: `:3031` `app.py`
         problem: uwsgi has an ambiguous option `--sock` and stops with a usage error @ --sock
         listen: :8000 <- --http-socket :8000 on the command line @ :8000",
    );
}

#[test]
fn uwsgi_ini_on_the_command_line_is_unknown_without_the_file() {
    check(
        "uwsgi --ini /srv/app/uwsgi.ini --socket :3031",
        "kind: uwsgi
         program: `uwsgi`
         config: `/srv/app/uwsgi.ini`
         options: --ini=/srv/app/uwsgi.ini --socket=:3031
         listen: :3031 <- --socket :3031 on the command line @ :3031
         listen: unknown <- uwsgi reads /srv/app/uwsgi.ini, which is not among the checked files: \
         its sockets are unknown @ /srv/app/uwsgi.ini",
    );
}

#[test]
fn uwsgi_positional_ini_and_shell_port() {
    check(
        "PORT=9000 sh -c 'exec uwsgi uwsgi.ini --http-socket 0.0.0.0:$PORT'",
        "kind: uwsgi
         program: `uwsgi`
         wrappers: `sh` `exec`
         env: `PORT`=`9000` (inherited)
         options: --http-socket=0.0.0.0:$PORT
         positionals: `uwsgi.ini`
         listen: 0.0.0.0:9000 <- --http-socket 0.0.0.0:$PORT on the command line @ 0.0.0.0:$PORT; \
         PORT=9000 in the environment @ 9000
         listen: unknown <- uwsgi reads uwsgi.ini, which is not among the checked files: its sockets are unknown @ uwsgi.ini",
    );
}

#[test]
fn uwsgi_through_wrappers_and_python_module() {
    check(
        "exec gosu app uwsgi_python3 --https-socket 0.0.0.0:8443,cert.pem,key.pem --module app:app",
        "kind: uwsgi
         program: `uwsgi_python3`
         wrappers: `exec` `gosu`
         app: `app:app`
         options: --https-socket=0.0.0.0:8443,cert.pem,key.pem --module=app:app
         listen: 0.0.0.0:8443 <- --https-socket 0.0.0.0:8443,cert.pem,key.pem on the command line @ \
         0.0.0.0:8443,cert.pem,key.pem",
    );
    let (_, base) = file_of("python -m pyuwsgi --socket :3031");
    let c = parse_command_line("python -m pyuwsgi --socket :3031", base)
        .expect("splits")
        .expect("a server");
    assert_eq!(c.kind, ServerKind::Uwsgi);
    none("uwsgitop 127.0.0.1:1717");
}

/// The command line, the repository's ini file (found by file name) and the
/// launcher's environment together, as uWSGI assembles them.
#[test]
fn uwsgi_config_with_the_repository_ini() {
    let text = "[uwsgi]\nbase = /run/uwsgi\nsocket = %(base)/app.sock\nhttp-socket = 127.0.0.1:$(HEALTH_PORT)\nharakiri = 30\n";
    let ini_file = FileId(8);
    let launch = parse_uwsgi_ini(ini_file, text).expect("never fails").remove(0);
    let ini = UwsgiIni {
        file: ini_file,
        display: "deploy/uwsgi.ini".into(),
        options: launch
            .extra
            .iter()
            .map(|(k, v)| match &v.value {
                Value::Str(s) => (k.clone(), s.clone(), v.span),
                other => panic!("{other:?}"),
            })
            .collect(),
    };
    let line = "/usr/local/bin/uwsgi --ini /srv/app/deploy/uwsgi.ini --socket 127.0.0.1:3031 --harakiri 60";
    let (file, base) = file_of(line);
    let cmd = parse_command_line(line, base).expect("splits").expect("a server");
    let lookup = |p: &str| p.ends_with("/uwsgi.ini").then(|| ini.clone());
    let env = |n: &str| (n == "HEALTH_PORT").then(|| ("8081".to_owned(), Span::new(FileId(9), 0, 4)));
    let cfg = uwsgi_config(&cmd, &env, &lookup);
    let got: Vec<String> = cfg
        .listeners
        .iter()
        .map(|u| {
            let (why, span) = &u.listener.decided_by[0];
            let at = if span.file == ini_file {
                &text[span.range()]
            } else {
                &file[span.range()]
            };
            format!("{} {} {} <- {why} @ {at}", u.listener.address, u.protocol, u.known)
        })
        .collect();
    assert_eq!(
        got,
        [
            "unix:/run/uwsgi/app.sock uwsgi true <- socket = %(base)/app.sock in deploy/uwsgi.ini @ %(base)/app.sock",
            "127.0.0.1:8081 http true <- http-socket = 127.0.0.1:$(HEALTH_PORT) in deploy/uwsgi.ini @ 127.0.0.1:$(HEALTH_PORT)",
            "127.0.0.1:3031 uwsgi true <- --socket 127.0.0.1:3031 on the command line @ 127.0.0.1:3031",
        ]
    );
    assert_eq!(cfg.files, [ini_file]);
    // The command line comes after the ini it names: its harakiri wins.
    assert_eq!(cfg.harakiri().map(|o| o.value.as_str()), Some("60"));
    // Without the variable, that socket is unknown.
    let cfg = uwsgi_config(&cmd, &|_| None, &lookup);
    assert!(!cfg.listeners[1].known);
}
