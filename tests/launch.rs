//! Launch files (Procfile, systemd, Dockerfile, compose, supervisor, shell):
//! realistic files read into exact launches, spans included, and broken
//! files read into errors at the right place.

use std::path::Path;

use lint502::model::value::{Spanned, Value};
use lint502::parse::SyntaxError;
use lint502::parse::launch::{
    Launch, LaunchSource, kind_of, parse_compose, parse_dockerfile, parse_dockerfile_target, parse_path,
    parse_procfile, parse_shell, parse_supervisor, parse_systemd, parse_uwsgi_ini,
};
use lint502::source::{FileId, Span};

const F: FileId = FileId(7);

/// The span of the `n`th (0-based) occurrence of `needle` in `text`.
fn nth(text: &str, needle: &str, n: usize) -> Span {
    let start = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} #{n} not in the text"))
        .0;
    Span::new(F, start, start + needle.len())
}

/// The span of the first occurrence of `needle`.
fn at(text: &str, needle: &str) -> Span {
    nth(text, needle, 0)
}

/// `needle` as a spanned string at its first occurrence.
fn s(text: &str, needle: &str) -> Spanned<String> {
    Spanned::new(needle.to_owned(), at(text, needle))
}

/// A spanned string value found at `needle`.
fn sv(value: &str, span: Span) -> Spanned<String> {
    Spanned::new(value.to_owned(), span)
}

fn str_value(value: &str, span: Span) -> Spanned<Value> {
    Spanned::new(Value::Str(value.to_owned()), span)
}

fn env(name: Spanned<String>, value: Spanned<Value>) -> (Spanned<String>, Spanned<Value>) {
    (name, value)
}

/// A `Value::Env` lookup with a string default.
fn env_lookup(name: &str, default: Option<(&str, Span)>) -> Value {
    Value::Env {
        name: name.to_owned(),
        default: default.map(|(d, span)| Box::new(Spanned::new(Value::Str(d.to_owned()), span))),
    }
}

/// The first `len` bytes of `span`.
fn prefix(span: Span, len: usize) -> Span {
    Span::new(F, span.start as usize, span.start as usize + len)
}

/// The text from the first occurrence of `from` to the end of the first
/// occurrence of `to` after it.
fn between(text: &str, from: &str, to: &str) -> Span {
    let s = text.find(from).expect("from");
    let e = s + text[s..].find(to).expect("to") + to.len();
    Span::new(F, s, e)
}

fn launch(source: LaunchSource, span: Span) -> Launch {
    Launch::new(source, span)
}

fn err(r: Result<Vec<Launch>, SyntaxError>) -> SyntaxError {
    match r {
        Ok(l) => panic!("expected an error, got {l:#?}"),
        Err(e) => e,
    }
}

fn ok(r: Result<Vec<Launch>, SyntaxError>) -> Vec<Launch> {
    match r {
        Ok(l) => l,
        Err(e) => panic!("unexpected error: {e:?}"),
    }
}

// ==================================================================== Procfile

#[test]
fn procfile_web_process_with_port_variable() {
    let text = "web: gunicorn app:app --bind 0.0.0.0:$PORT\n";
    let mut want = launch(LaunchSource::Procfile, Span::new(F, 0, 42));
    want.name = Some(sv("web", Span::new(F, 0, 3)));
    want.command = Some(sv("gunicorn app:app --bind 0.0.0.0:$PORT", Span::new(F, 5, 42)));
    assert_eq!(ok(parse_procfile(F, text)), vec![want]);
}

#[test]
fn procfile_several_processes_comments_crlf_and_trailing_blanks() {
    let text = "# Heroku processes\r\nweb: node server.js   \r\n\r\nworker: npm run worker\r\n  release:   python manage.py migrate\r\n";
    let got = ok(parse_procfile(F, text));
    let mut web = launch(LaunchSource::Procfile, at(text, "web: node server.js"));
    web.name = Some(s(text, "web"));
    web.command = Some(s(text, "node server.js"));
    let mut worker = launch(LaunchSource::Procfile, at(text, "worker: npm run worker"));
    worker.name = Some(s(text, "worker"));
    worker.command = Some(s(text, "npm run worker"));
    let mut release = launch(LaunchSource::Procfile, at(text, "release:   python manage.py migrate"));
    release.name = Some(s(text, "release"));
    release.command = Some(s(text, "python manage.py migrate"));
    assert_eq!(got, vec![web, worker, release]);
}

#[test]
fn procfile_process_types_with_dashes_and_underscores() {
    let text = "web-api_1: uvicorn main:app --host 0.0.0.0 --port ${PORT:-8000}";
    let got = ok(parse_procfile(F, text));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].name, Some(s(text, "web-api_1")));
    assert_eq!(
        got[0].command,
        Some(s(text, "uvicorn main:app --host 0.0.0.0 --port ${PORT:-8000}"))
    );
    assert_eq!(got[0].span, Span::new(F, 0, text.len()));
}

#[test]
fn procfile_empty_and_comment_only_files_launch_nothing() {
    assert_eq!(ok(parse_procfile(F, "")), vec![]);
    assert_eq!(ok(parse_procfile(F, "# nothing yet\n\n   \n")), vec![]);
}

#[test]
fn procfile_line_without_colon_is_an_error() {
    let text = "web: gunicorn app:app\nworker celery -A app worker\n";
    let e = err(parse_procfile(F, text));
    assert_eq!(
        e.message,
        "found `worker celery -A app worker`, expected `<process type>: <command>` (foreman skips this line)"
    );
    assert_eq!(e.span, at(text, "worker celery -A app worker"));
}

#[test]
fn procfile_process_without_command_is_an_error() {
    let text = "web:   \n";
    let e = err(parse_procfile(F, text));
    assert_eq!(
        e.message,
        "found `web:` with no command, expected `web: <command>` (foreman skips this line)"
    );
    assert_eq!(e.span, Span::new(F, 0, 7));
}

// ==================================================================== systemd

const GUNICORN_SERVICE: &str = "\
[Unit]
Description=gunicorn daemon for app
After=network.target

[Service]
User=www-data
Group=www-data
WorkingDirectory=/srv/app
Environment=\"PORT=8001\" \"DEBUG=0\"
ExecStart=/srv/app/venv/bin/gunicorn --workers 3 --bind unix:/run/gunicorn.sock app.wsgi:application
PrivateTmp=true

[Install]
WantedBy=multi-user.target
";

#[test]
fn systemd_gunicorn_service_on_a_unix_socket() {
    let text = GUNICORN_SERVICE;
    let mut want = launch(LaunchSource::Systemd, between(text, "[Service]", "PrivateTmp=true"));
    want.command = Some(s(
        text,
        "/srv/app/venv/bin/gunicorn --workers 3 --bind unix:/run/gunicorn.sock app.wsgi:application",
    ));
    want.workdir = Some(s(text, "/srv/app"));
    want.env = vec![
        env(s(text, "PORT"), str_value("8001", at(text, "8001"))),
        env(
            s(text, "DEBUG"),
            str_value(
                "0",
                Span::new(
                    F,
                    at(text, "DEBUG").end as usize + 1,
                    at(text, "DEBUG").end as usize + 2,
                ),
            ),
        ),
    ];
    want.extra = vec![
        ("User".into(), str_value("www-data", nth(text, "www-data", 0))),
        ("Group".into(), str_value("www-data", nth(text, "www-data", 1))),
        ("PrivateTmp".into(), Spanned::new(Value::Bool(true), at(text, "true"))),
    ];
    assert_eq!(ok(parse_systemd(F, text)), vec![want]);
}

#[test]
fn systemd_socket_unit_publishes_its_address() {
    let text = "[Unit]\nDescription=gunicorn socket\n\n[Socket]\nListenStream=/run/gunicorn.sock\nSocketUser=www-data\nSocketMode=0660\n\n[Install]\nWantedBy=sockets.target\n";
    let mut want = launch(LaunchSource::Systemd, between(text, "[Socket]", "SocketMode=0660"));
    want.ports = vec![s(text, "/run/gunicorn.sock")];
    want.extra = vec![
        ("SocketUser".into(), str_value("www-data", at(text, "www-data"))),
        ("SocketMode".into(), str_value("0660", at(text, "0660"))),
    ];
    assert_eq!(ok(parse_systemd(F, text)), vec![want]);
}

#[test]
fn systemd_continuation_lines_keep_file_offsets() {
    let text = "[Service]\nExecStart=/usr/bin/uvicorn main:app \\\n    # listen on loopback only\n    --host 127.0.0.1 \\\n    --port 8000\n";
    let got = ok(parse_systemd(F, text));
    let cmd = got[0].command.as_ref().expect("command");
    let span = between(text, "/usr/bin/uvicorn", "--port 8000");
    assert_eq!(cmd.span, span);
    // The backslashes, line breaks and the comment line are blanked.
    assert_eq!(cmd.value.len(), (span.end - span.start) as usize);
    assert_eq!(
        cmd.value.split_whitespace().collect::<Vec<_>>(),
        ["/usr/bin/uvicorn", "main:app", "--host", "127.0.0.1", "--port", "8000"]
    );
    let port = cmd.value.find("8000").expect("8000") + cmd.span.start as usize;
    assert_eq!(&text[port..port + 4], "8000");
}

#[test]
fn systemd_prefixes_optional_paths_and_resets() {
    let text = "[Service]\nType=simple\nWorkingDirectory=-/srv/app\nEnvironment=OLD=1\nEnvironment=\nEnvironment=HOST=127.0.0.1 PORT=8000\nEnvironmentFile=-/etc/default/app\nExecStart=/bin/false\nExecStart=\nExecStart=-@/srv/venv/bin/gunicorn gunicorn-app app:app\n";
    let mut want = launch(
        LaunchSource::Systemd,
        between(text, "[Service]", "gunicorn-app app:app"),
    );
    want.command = Some(s(text, "/srv/venv/bin/gunicorn gunicorn-app app:app"));
    want.workdir = Some(s(text, "/srv/app"));
    want.env = vec![
        env(s(text, "HOST"), str_value("127.0.0.1", at(text, "127.0.0.1"))),
        env(s(text, "PORT"), str_value("8000", at(text, "8000"))),
    ];
    want.env_files = vec![s(text, "/etc/default/app")];
    want.extra = vec![
        ("Type".into(), str_value("simple", at(text, "simple"))),
        ("exec_prefix".into(), str_value("-@", at(text, "-@"))),
    ];
    assert_eq!(ok(parse_systemd(F, text)), vec![want]);
}

#[test]
fn systemd_environment_quotes_escapes_and_specifiers() {
    let text = "[Service]\nEnvironment=\"GREETING=hello world\" 'PATH=/srv/venv/bin:/usr/bin' HOME=%h RATE=50%%\n";
    let got = ok(parse_systemd(F, text));
    let vars: Vec<(&str, &Value, &str)> = got[0]
        .env
        .iter()
        .map(|(k, v)| (k.value.as_str(), &v.value, &text[v.span.range()]))
        .collect();
    assert_eq!(
        vars,
        [
            ("GREETING", &Value::Str("hello world".into()), "hello world"),
            (
                "PATH",
                &Value::Str("/srv/venv/bin:/usr/bin".into()),
                "/srv/venv/bin:/usr/bin"
            ),
            ("HOME", &Value::Symbolic("%h".into()), "%h"),
            ("RATE", &Value::Str("50%".into()), "50%%"),
        ]
    );
}

#[test]
fn systemd_uvicorn_service_with_unquoted_environment() {
    let text = "[Service]\nEnvironment=PORT=8000 HOST=0.0.0.0\nExecStart=/opt/app/.venv/bin/uvicorn main:app --host ${HOST} --port ${PORT}\nDynamicUser=yes\nRuntimeDirectory=app\n";
    let got = ok(parse_systemd(F, text));
    assert_eq!(
        got[0].command,
        Some(s(
            text,
            "/opt/app/.venv/bin/uvicorn main:app --host ${HOST} --port ${PORT}"
        ))
    );
    assert_eq!(
        got[0].env_var("HOST").map(|v| &v.value),
        Some(&Value::Str("0.0.0.0".into()))
    );
    assert_eq!(
        got[0].extra,
        vec![
            (
                "DynamicUser".to_owned(),
                Spanned::new(Value::Bool(true), at(text, "yes"))
            ),
            ("RuntimeDirectory".to_owned(), str_value("app", nth(text, "app", 2))),
        ]
    );
}

#[test]
fn systemd_errors() {
    let e = err(parse_systemd(F, "[Service\nExecStart=/bin/app\n"));
    assert_eq!(
        e.message,
        "found `[Service` without a closing `]`, expected a section header such as `[Service]`"
    );
    assert_eq!(e.span, Span::new(F, 0, 8));

    let text = "[Service]\nExecStart /srv/venv/bin/gunicorn app:app\n";
    let e = err(parse_systemd(F, text));
    assert_eq!(
        e.message,
        "found `ExecStart /srv/venv/bin/gunicorn app:app` without `=`, expected `Key=value` (systemd ignores this line)"
    );
    assert_eq!(e.span, at(text, "ExecStart /srv/venv/bin/gunicorn app:app"));

    let text = "[Service]\nExecStart=/bin/a\nExecStart=/bin/b\n";
    let e = err(parse_systemd(F, text));
    assert_eq!(
        e.message,
        "found a second `ExecStart=`, expected one (only `Type=oneshot` services may have several; systemd refuses to load this unit)"
    );
    assert_eq!(e.span, at(text, "/bin/b"));
    // A oneshot service may run several commands; the last one is kept.
    let got = ok(parse_systemd(
        F,
        "[Service]\nType=oneshot\nExecStart=/bin/a\nExecStart=/bin/b\n",
    ));
    assert_eq!(got[0].command.as_ref().map(|c| c.value.as_str()), Some("/bin/b"));

    let text = "[Service]\nEnvironment=\"PORT=8000\nExecStart=/bin/a\n";
    let e = err(parse_systemd(F, text));
    assert_eq!(
        e.message,
        "found an unterminated `\"` in `Environment=`, expected a closing `\"` (systemd ignores the rest of the line)"
    );
    assert_eq!(e.span, Span::new(F, 22, 23));

    let e = err(parse_systemd(F, "ExecStart=/bin/a\n[Service]\n"));
    assert_eq!(
        e.message,
        "found `ExecStart=` before any section, expected a `[Service]` or other section header first (systemd ignores it)"
    );
}

// ==================================================================== Dockerfile

const MULTI_STAGE: &str = r#"# syntax=docker/dockerfile:1
ARG PYTHON_VERSION=3.12

FROM python:${PYTHON_VERSION}-slim AS builder
WORKDIR /build
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt
CMD ["python", "-m", "http.server"]

FROM python:${PYTHON_VERSION}-slim AS runtime
ENV PYTHONUNBUFFERED=1
WORKDIR /app
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir /wheels/*
COPY . .
EXPOSE 8000
ENTRYPOINT ["./entrypoint.sh"]
CMD ["gunicorn","-b","0.0.0.0:8000","app:app"]
"#;

#[test]
fn dockerfile_last_stage_entrypoint_and_cmd_combine() {
    let text = MULTI_STAGE;
    let ep = at(text, r#"["./entrypoint.sh"]"#);
    let cmd = at(text, r#"["gunicorn","-b","0.0.0.0:8000","app:app"]"#);
    let mut want = launch(
        LaunchSource::Dockerfile,
        between(text, "FROM python:${PYTHON_VERSION}-slim AS runtime", r#""app:app"]"#),
    );
    want.name = Some(s(text, "runtime"));
    want.command = Some(sv("./entrypoint.sh gunicorn -b 0.0.0.0:8000 app:app", ep.to(cmd)));
    let elements = vec![
        sv("./entrypoint.sh", at(text, r#""./entrypoint.sh""#)),
        sv("gunicorn", at(text, r#""gunicorn""#)),
        sv("-b", at(text, r#""-b""#)),
        sv("0.0.0.0:8000", at(text, r#""0.0.0.0:8000""#)),
        sv("app:app", at(text, r#""app:app""#)),
    ];
    want.argv = Some(elements.clone());
    want.workdir = Some(sv("/app", nth(text, "/app", 0)));
    want.env = vec![env(
        s(text, "PYTHONUNBUFFERED"),
        str_value(
            "1",
            Span::new(
                F,
                at(text, "PYTHONUNBUFFERED").end as usize + 1,
                at(text, "PYTHONUNBUFFERED").end as usize + 2,
            ),
        ),
    )];
    want.ports = vec![sv(
        "8000",
        Span::new(
            F,
            at(text, "EXPOSE 8000").start as usize + 7,
            at(text, "EXPOSE 8000").end as usize,
        ),
    )];
    let list = |items: &[Spanned<String>], span: Span| {
        Spanned::new(
            Value::List(
                items
                    .iter()
                    .map(|i| Spanned::new(Value::Str(i.value.clone()), i.span))
                    .collect(),
            ),
            span,
        )
    };
    want.extra = vec![
        (
            "FROM".into(),
            str_value("python:3.12-slim", nth(text, "python:${PYTHON_VERSION}-slim", 1)),
        ),
        ("ENTRYPOINT".into(), list(&elements[..1], ep)),
        ("CMD".into(), list(&elements[1..], cmd)),
    ];
    assert_eq!(ok(parse_dockerfile(F, text)), vec![want]);
}

#[test]
fn dockerfile_target_selects_a_stage() {
    let got = ok(parse_dockerfile_target(F, MULTI_STAGE, Some("builder")));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].name, Some(s(MULTI_STAGE, "builder")));
    assert_eq!(
        got[0].command.as_ref().map(|c| c.value.as_str()),
        Some("python -m http.server")
    );
    assert_eq!(got[0].workdir.as_ref().map(|w| w.value.as_str()), Some("/build"));
    assert!(ok(parse_dockerfile_target(F, MULTI_STAGE, Some("nope"))).is_empty());
}

#[test]
fn dockerfile_shell_form_with_continuations_keeps_offsets() {
    let text = "FROM node:20-alpine\nWORKDIR /usr/src/app\nCMD node server.js \\\n    --port 3000 \\\n    # no comment can end a continuation\n    --host 0.0.0.0\n";
    let got = ok(parse_dockerfile(F, text));
    let cmd = got[0].command.as_ref().expect("command");
    assert_eq!(cmd.span, between(text, "node server.js", "--host 0.0.0.0"));
    assert_eq!(cmd.value.len(), (cmd.span.end - cmd.span.start) as usize);
    assert_eq!(
        cmd.value.split_whitespace().collect::<Vec<_>>(),
        ["node", "server.js", "--port", "3000", "--host", "0.0.0.0"]
    );
    assert_eq!(got[0].argv, None);
    assert_eq!(got[0].name, None);
}

#[test]
fn dockerfile_env_forms_and_build_arg_defaults() {
    let text = "FROM python:3.12\nARG PORT=8000\nENV PORT=$PORT \\\n    BIND=\"0.0.0.0:${PORT}\"\nENV DJANGO_SETTINGS_MODULE config.settings.production\nENV WORKERS=${WEB_CONCURRENCY:-4} HOME_URL=$HOST/x\nCMD gunicorn config.wsgi --bind $BIND\n";
    let got = ok(parse_dockerfile(F, text));
    let default_span = Span::new(F, at(text, "8000").start as usize, at(text, "8000").end as usize);
    let port_lookup = env_lookup("PORT", Some(("8000", default_span)));
    let vars: Vec<(String, Value, &str)> = got[0]
        .env
        .iter()
        .map(|(k, v)| (k.value.clone(), v.value.clone(), &text[v.span.range()]))
        .collect();
    assert_eq!(
        vars,
        vec![
            ("PORT".into(), port_lookup, "$PORT"),
            (
                "BIND".into(),
                Value::Symbolic("\"0.0.0.0:${PORT}\"".into()),
                "\"0.0.0.0:${PORT}\""
            ),
            (
                "DJANGO_SETTINGS_MODULE".into(),
                Value::Str("config.settings.production".into()),
                "config.settings.production"
            ),
            ("WORKERS".into(), Value::Str("4".into()), "${WEB_CONCURRENCY:-4}"),
            ("HOME_URL".into(), Value::Symbolic("$HOST/x".into()), "$HOST/x"),
        ]
    );
    assert_eq!(got[0].env[2].0, s(text, "DJANGO_SETTINGS_MODULE"));
}

#[test]
fn dockerfile_env_values_see_the_environment_before_their_instruction() {
    // The Dockerfile reference's own example.
    let text = "FROM alpine\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc\n";
    let got = ok(parse_dockerfile(F, text));
    let vars: Vec<(&str, &Value)> = got[0].env.iter().map(|(k, v)| (k.value.as_str(), &v.value)).collect();
    assert_eq!(
        vars,
        [
            ("abc", &Value::Str("hello".into())),
            ("abc", &Value::Str("bye".into())),
            ("def", &Value::Str("hello".into())),
            ("ghi", &Value::Str("bye".into())),
        ]
    );
    assert_eq!(got[0].env_var("abc").map(|v| &v.value), Some(&Value::Str("bye".into())));
}

#[test]
fn dockerfile_backtick_escape_directive() {
    let text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nWORKDIR C:\\app\nENV A=1 `\n    B=\"two words\"\nCMD [\"waitress-serve\", `\n     \"--port=8080\", \"app:app\"]\n";
    let got = ok(parse_dockerfile(F, text));
    let l = &got[0];
    assert_eq!(l.workdir.as_ref().map(|w| w.value.as_str()), Some("C:\\app"));
    assert_eq!(
        l.env
            .iter()
            .map(|(k, v)| (k.value.as_str(), &v.value))
            .collect::<Vec<_>>(),
        [("A", &Value::Str("1".into())), ("B", &Value::Str("two words".into()))]
    );
    assert_eq!(
        l.argv,
        Some(vec![
            s(text, "\"waitress-serve\""),
            s(text, "\"--port=8080\""),
            s(text, "\"app:app\""),
        ])
        .map(|v| v.into_iter().map(|e| sv(e.value.trim_matches('"'), e.span)).collect())
    );
}

#[test]
fn dockerfile_heredocs_and_comments_are_skipped() {
    let text = "FROM python:3.12\nRUN <<EOF\nset -e\nCMD this line is part of the heredoc\nEOF\nRUN <<-'SCRIPT' bash\n\techo hi\n\tSCRIPT\n# CMD commented out\nCMD [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\"]\n";
    let got = ok(parse_dockerfile(F, text));
    assert_eq!(
        got[0].command.as_ref().map(|c| c.value.as_str()),
        Some("uvicorn main:app --host 0.0.0.0")
    );
    let e = err(parse_dockerfile(F, "FROM python\nRUN <<EOF\necho never closed\n"));
    assert_eq!(
        e.message,
        "found a heredoc `<<EOF` that is never closed, expected a line `EOF`"
    );
    assert_eq!(e.span, Span::new(F, 12, 21));
}

#[test]
fn dockerfile_stage_inheritance_and_entrypoint_reset() {
    let text = "FROM python:3.12 AS base\nENV PORT=9000\nWORKDIR /srv\nCMD gunicorn -b :$PORT app:app\n\nFROM base AS web\nEXPOSE 9000 9001/tcp\n\nFROM base AS tini\nENTRYPOINT [\"tini\", \"--\"]\n";
    let web = ok(parse_dockerfile_target(F, text, Some("web")));
    let l = &web[0];
    assert_eq!(l.command, Some(s(text, "gunicorn -b :$PORT app:app")));
    assert_eq!(l.workdir, Some(s(text, "/srv")));
    assert_eq!(l.env_var("PORT").map(|v| &v.value), Some(&Value::Str("9000".into())));
    assert_eq!(
        l.ports,
        vec![sv("9000", prefix(at(text, "9000 "), 4)), s(text, "9001/tcp")]
    );
    assert_eq!(l.extra("FROM").map(|v| &v.value), Some(&Value::Str("base".into())));
    // Its own ENTRYPOINT resets the CMD inherited from `base`.
    let last = ok(parse_dockerfile(F, text));
    assert_eq!(last[0].command.as_ref().map(|c| c.value.as_str()), Some("tini --"));
    assert_eq!(last[0].extra("CMD"), None);
}

#[test]
fn dockerfile_exec_entrypoint_with_shell_cmd_and_shell_entrypoint() {
    let text = "FROM python:3.12\nENTRYPOINT [\"/usr/bin/dumb-init\", \"--\"]\nCMD gunicorn app:app\n";
    let got = ok(parse_dockerfile(F, text));
    let cmd = at(text, "gunicorn app:app");
    assert_eq!(
        got[0].argv,
        Some(vec![
            sv("/usr/bin/dumb-init", at(text, "\"/usr/bin/dumb-init\"")),
            sv("--", at(text, "\"--\"")),
            sv("/bin/sh", cmd),
            sv("-c", cmd),
            sv("gunicorn app:app", cmd),
        ])
    );
    assert_eq!(
        got[0].command.as_ref().map(|c| (c.value.as_str(), c.span)),
        Some((
            "/usr/bin/dumb-init -- /bin/sh -c gunicorn app:app",
            between(text, "[\"/usr", "app:app")
        ))
    );
    // A shell-form ENTRYPOINT ignores CMD.
    let text = "FROM python:3.12\nENTRYPOINT exec gunicorn app:app\nCMD [\"--workers\", \"4\"]\n";
    let got = ok(parse_dockerfile(F, text));
    assert_eq!(got[0].command, Some(s(text, "exec gunicorn app:app")));
    assert_eq!(got[0].argv, None);
}

#[test]
fn dockerfile_unterminated_exec_form_is_an_error() {
    let text = "FROM python:3.12\nCMD [\"gunicorn\", \"app:app\"\nEXPOSE 8000\n";
    let e = err(parse_dockerfile(F, text));
    assert_eq!(
        e.message,
        "found the end of the instruction in the exec form of CMD, expected `,` or `]` (docker would run the text with /bin/sh -c instead)"
    );
    let end = at(text, "\"app:app\"").end;
    assert_eq!(e.span, Span::new(F, end as usize, end as usize));
}

#[test]
fn dockerfile_other_exec_form_mistakes() {
    let text = "FROM python\nCMD ['gunicorn', 'app:app']\n";
    let e = err(parse_dockerfile(F, text));
    assert_eq!(
        e.message,
        "found a single-quoted string in the exec form of CMD, expected a double-quoted string (docker would run the text with /bin/sh -c instead)"
    );
    assert_eq!(e.span, Span::new(F, 17, 18));

    let text = "FROM python\nENTRYPOINT [\"gunicorn\", \"--workers\", 4]\n";
    let e = err(parse_dockerfile(F, text));
    assert_eq!(
        e.message,
        "found `4` in the exec form of ENTRYPOINT, expected only double-quoted strings"
    );
    assert_eq!(e.span, at(text, "4"));

    let text = "FROM python\nCMD [\"gunicorn\", \"app:app\"] # serve\n";
    let e = err(parse_dockerfile(F, text));
    assert_eq!(
        e.message,
        "found `#` in the exec form of CMD, expected the end of the line (docker would run the text with /bin/sh -c instead)"
    );
    assert_eq!(e.span, at(text, "#"));

    // `[ -f x ]` is a shell test, not an exec form.
    let text = "FROM python\nCMD [ -f /app/ready ] && exec gunicorn app:app\n";
    assert_eq!(
        ok(parse_dockerfile(F, text))[0].command,
        Some(s(text, "[ -f /app/ready ] && exec gunicorn app:app"))
    );
}

#[test]
fn dockerfile_instruction_errors() {
    let text = "FROM python\nCMDD gunicorn app:app\n";
    let e = err(parse_dockerfile(F, text));
    assert_eq!(
        e.message,
        "found unknown instruction `CMDD`, expected a Dockerfile instruction (FROM, RUN, CMD, ENV, …)"
    );
    assert_eq!(e.span, at(text, "CMDD"));

    let e = err(parse_dockerfile(F, "CMD gunicorn app:app\nFROM python\n"));
    assert_eq!(
        e.message,
        "found CMD before the first FROM, expected FROM (only ARG may come before it)"
    );
    assert_eq!(e.span, Span::new(F, 0, 3));

    let text = "FROM python\nENV PORT=8000 DEBUG\n";
    let e = err(parse_dockerfile(F, text));
    assert_eq!(e.message, "found `DEBUG` in ENV, expected `name=value`");
    assert_eq!(e.span, at(text, "DEBUG"));

    let e = err(parse_dockerfile(F, "# escape=x\nFROM python\n"));
    assert_eq!(e.message, "found escape directive `x`, expected `\\` or a backtick");
}

// ==================================================================== compose

const COMPOSE: &str = r#"services:
  web:
    build: .
    command: gunicorn app:app --bind 0.0.0.0:${PORT:-8000}
    ports: ["127.0.0.1:8000:8000"]
    environment:
      - PORT=${PORT:-8000}
      - DJANGO_DEBUG=0
      - SECRET_KEY
    depends_on:
      - db
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
      POSTGRES_PORT: 5432
"#;

#[test]
fn compose_web_service_with_loopback_port_and_list_environment() {
    let text = COMPOSE;
    let mut web = launch(LaunchSource::Compose, between(text, "web:", "- db"));
    web.name = Some(s(text, "web"));
    web.command = Some(s(text, "gunicorn app:app --bind 0.0.0.0:${PORT:-8000}"));
    web.ports = vec![sv("127.0.0.1:8000:8000", at(text, "\"127.0.0.1:8000:8000\""))];
    let port_value = nth(text, "${PORT:-8000}", 1);
    web.env = vec![
        env(
            sv("PORT", nth(text, "PORT", 1)),
            Spanned::new(env_lookup("PORT", Some(("8000", port_value))), port_value),
        ),
        env(
            s(text, "DJANGO_DEBUG"),
            str_value(
                "0",
                Span::new(
                    F,
                    at(text, "DJANGO_DEBUG=0").end as usize - 1,
                    at(text, "DJANGO_DEBUG=0").end as usize,
                ),
            ),
        ),
        env(
            s(text, "SECRET_KEY"),
            Spanned::new(env_lookup("SECRET_KEY", None), at(text, "SECRET_KEY")),
        ),
    ];
    web.extra = vec![
        ("build".into(), str_value(".", at(text, "."))),
        (
            "depends_on".into(),
            Spanned::new(Value::List(vec![str_value("db", nth(text, "db", 0))]), at(text, "- db")),
        ),
    ];
    let mut db = launch(LaunchSource::Compose, between(text, "db:\n", "5432"));
    db.name = Some(sv("db", between(text, "db:\n", "db")));
    db.env = vec![
        env(s(text, "POSTGRES_PASSWORD"), str_value("example", at(text, "example"))),
        env(
            s(text, "POSTGRES_PORT"),
            Spanned::new(Value::Int(5432), at(text, "5432")),
        ),
    ];
    db.extra = vec![("image".into(), str_value("postgres:16", at(text, "postgres:16")))];
    assert_eq!(ok(parse_compose(F, text)), vec![web, db]);
}

#[test]
fn compose_map_environment_and_env_files() {
    let text = "services:\n  api:\n    image: api\n    env_file:\n      - .env\n      - path: ./override.env\n        required: false\n    environment:\n      PORT: ${PORT:-3000}\n      HOST: \"0.0.0.0\"\n      DEBUG: false\n      WORKERS: 4\n      TOKEN:\n      URL: http://$HOST:${PORT}/\n";
    let got = ok(parse_compose(F, text));
    let l = &got[0];
    assert_eq!(l.env_files, vec![s(text, ".env"), s(text, "./override.env")]);
    let vars: Vec<(&str, &Value, &str)> = l
        .env
        .iter()
        .map(|(k, v)| (k.value.as_str(), &v.value, &text[v.span.range()]))
        .collect();
    let port = at(text, "${PORT:-3000}");
    assert_eq!(
        vars,
        [
            ("PORT", &env_lookup("PORT", Some(("3000", port))), "${PORT:-3000}"),
            ("HOST", &Value::Str("0.0.0.0".into()), "\"0.0.0.0\""),
            ("DEBUG", &Value::Bool(false), "false"),
            ("WORKERS", &Value::Int(4), "4"),
            ("TOKEN", &env_lookup("TOKEN", None), ""),
            (
                "URL",
                &Value::Symbolic("http://$HOST:${PORT}/".into()),
                "http://$HOST:${PORT}/"
            ),
        ]
    );
    // `TOKEN:` has an empty value: its span sits right after the colon.
    let token = l.env_var("TOKEN").expect("TOKEN");
    assert_eq!(token.span.start, at(text, "TOKEN:").end);
}

#[test]
fn compose_long_ports_expose_networks_and_network_mode() {
    let text = "services:\n  app:\n    image: app\n    expose:\n      - \"8001\"\n    ports:\n      - target: 8001\n        published: \"9001\"\n        host_ip: 127.0.0.1\n        protocol: tcp\n      - 3000\n    networks:\n      backend:\n        aliases: [api]\n  proxy:\n    image: nginx:1.27\n    network_mode: host\n";
    let got = ok(parse_compose(F, text));
    let app = &got[0];
    assert_eq!(
        app.ports,
        vec![
            sv("8001", at(text, "\"8001\"")),
            sv(
                "127.0.0.1:9001:8001/tcp",
                between(text, "target: 8001", "protocol: tcp")
            ),
            sv("3000", at(text, "3000")),
        ]
    );
    assert_eq!(
        app.extra.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        ["image", "expose", "networks"]
    );
    let networks = app.extra("networks").expect("networks");
    assert_eq!(networks.span, between(text, "backend:", "[api]"));
    let Value::Map(entries) = &networks.value else {
        panic!("map")
    };
    assert_eq!(entries[0].0, s(text, "backend"));
    assert_eq!(
        got[1].extra("network_mode"),
        Some(&str_value(
            "host",
            prefix(
                at(
                    text, "host
"
                ),
                4
            )
        ))
    );
}

#[test]
fn compose_anchors_and_merge_keys() {
    let text = "x-app: &app\n  image: registry/app:1.4\n  env_file: .env\n  environment:\n    PORT: \"8000\"\n\nservices:\n  web:\n    <<: *app\n    command: [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n  worker:\n    <<: *app\n    image: registry/worker:1.4\n    command: celery -A app worker\n";
    let got = ok(parse_compose(F, text));
    let web = &got[0];
    assert_eq!(web.env_files, vec![s(text, ".env")]);
    assert_eq!(
        web.env,
        vec![env(s(text, "PORT"), str_value("8000", at(text, "\"8000\"")))]
    );
    assert_eq!(
        web.argv,
        Some(vec![
            sv("gunicorn", at(text, "\"gunicorn\"")),
            sv("-b", at(text, "\"-b\"")),
            sv("0.0.0.0:8000", at(text, "\"0.0.0.0:8000\"")),
            sv("app:app", at(text, "\"app:app\"")),
        ])
    );
    assert_eq!(
        web.command,
        Some(sv(
            "gunicorn -b 0.0.0.0:8000 app:app",
            at(text, "[\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]")
        ))
    );
    // Explicit keys win over merged ones.
    assert_eq!(
        got[1].extra("image"),
        Some(&str_value("registry/worker:1.4", at(text, "registry/worker:1.4")))
    );
}

#[test]
fn compose_entrypoint_and_command_combine() {
    let text = "services:\n  web:\n    entrypoint: [\"/docker-entrypoint.sh\"]\n    command: [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\"]\n  job:\n    entrypoint: /bin/sh -c\n    command: \"python manage.py runserver\"\n";
    let got = ok(parse_compose(F, text));
    assert_eq!(
        got[0].command,
        Some(sv(
            "/docker-entrypoint.sh uvicorn main:app --host 0.0.0.0",
            between(text, "[\"/docker-entrypoint.sh\"]", "\"0.0.0.0\"]")
        ))
    );
    assert_eq!(got[0].argv.as_ref().map(Vec::len), Some(5));
    assert_eq!(
        got[1].command,
        Some(sv(
            "/bin/sh -c python manage.py runserver",
            between(text, "/bin/sh -c", "runserver\"")
        ))
    );
    assert_eq!(got[1].argv, None);
    assert_eq!(
        got[1].extra("entrypoint"),
        Some(&str_value("/bin/sh -c", at(text, "/bin/sh -c")))
    );
}

#[test]
fn compose_bad_yaml_is_an_error_with_a_span() {
    let text = "services:\n  web:\n    image: app\n   command: gunicorn app:app\n";
    let e = err(parse_compose(F, text));
    assert_eq!(
        e.message,
        "invalid yaml: while parsing a block mapping, did not find expected key"
    );
    let colon = at(text, "command:").end as usize - 1;
    assert_eq!(e.span, Span::new(F, colon, colon + 1));

    let text = "services:\n  web:\n    ports: [\"8000:8000\"\n";
    let e = err(parse_compose(F, text));
    assert_eq!(
        e.message,
        "invalid yaml: while parsing a flow sequence, expected ',' or ']'"
    );
    assert_eq!(e.span, Span::new(F, text.len(), text.len()));
}

#[test]
fn compose_structure_errors() {
    let text = "services:\n  web:\n    image: a\n    image: b\n";
    let e = err(parse_compose(F, text));
    assert_eq!(
        e.message,
        "found key `image` twice in one mapping, expected each key once"
    );
    assert_eq!(e.span, nth(text, "image", 1));

    let text = "services:\n  - web\n";
    let e = err(parse_compose(F, text));
    assert_eq!(
        e.message,
        "found a list for `services`, expected a mapping of service names"
    );
    assert_eq!(e.span, at(text, "- web"));

    let text = "services:\n  web:\n    environment:\n      PORT: \"${PORT:-8000\"\n";
    let e = err(parse_compose(F, text));
    assert_eq!(
        e.message,
        "found `${PORT:-8000` with an unterminated `${`, expected `}` (compose rejects the file: invalid interpolation format)"
    );
    assert_eq!(e.span, at(text, "\"${PORT:-8000\""));

    let text = "services:\n  web:\n    ports: 8000:8000\n";
    let e = err(parse_compose(F, text));
    assert_eq!(e.message, "found a scalar for `ports`, expected a list");
}

#[test]
fn compose_empty_files_and_legacy_layout() {
    assert_eq!(ok(parse_compose(F, "")), vec![]);
    assert_eq!(ok(parse_compose(F, "# nothing\n")), vec![]);
    assert_eq!(ok(parse_compose(F, "services:\n")), vec![]);
    let text = "web:\n  build: .\n  ports:\n    - \"5000:5000\"\nredis:\n  image: redis\n";
    let got = ok(parse_compose(F, text));
    assert_eq!(
        got.iter()
            .map(|l| l.name.as_ref().map(|n| n.value.as_str()))
            .collect::<Vec<_>>(),
        [Some("web"), Some("redis")]
    );
    assert_eq!(got[0].ports, vec![sv("5000:5000", at(text, "\"5000:5000\""))]);
}

#[test]
fn compose_pathological_yaml_is_bounded() {
    let deep = format!("a:\n{}x\n", "- ".repeat(100_000));
    let e = err(parse_compose(F, &deep));
    assert!(
        e.message.starts_with("found yaml nested deeper than 64 levels"),
        "{}",
        e.message
    );
    let mut laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n".to_owned();
    for i in 1..12 {
        let prev = if i == 1 { "a".to_owned() } else { format!("a{}", i - 1) };
        laughs.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*{prev}"); 10].join(", ")));
    }
    let e = err(parse_compose(F, &laughs));
    assert!(
        e.message.starts_with("found aliases that expand to more than"),
        "{}",
        e.message
    );
}

// ==================================================================== supervisor

const SUPERVISOR: &str = "\
[supervisord]
nodaemon=true
environment=LANG=\"en_US.UTF-8\"

[program:web]
command=/srv/app/venv/bin/gunicorn app.wsgi:application --bind 127.0.0.1:8001 --workers 3
directory=/srv/app
environment=DJANGO_SETTINGS_MODULE=\"app.settings.prod\",PORT=\"8001\"
user=www-data
autostart=true
autorestart=true

[inet_http_server]
port=127.0.0.1:9001
";

#[test]
fn supervisor_program_web() {
    let text = SUPERVISOR;
    let mut want = launch(
        LaunchSource::Supervisor,
        between(text, "[program:web]", "autorestart=true"),
    );
    want.name = Some(s(text, "web"));
    want.command = Some(s(
        text,
        "/srv/app/venv/bin/gunicorn app.wsgi:application --bind 127.0.0.1:8001 --workers 3",
    ));
    want.workdir = Some(sv("/srv/app", prefix(at(text, "/srv/app\n"), 8)));
    want.env = vec![
        env(s(text, "LANG"), str_value("en_US.UTF-8", at(text, "\"en_US.UTF-8\""))),
        env(
            s(text, "DJANGO_SETTINGS_MODULE"),
            str_value("app.settings.prod", at(text, "\"app.settings.prod\"")),
        ),
        env(
            sv("PORT", prefix(at(text, "PORT="), 4)),
            str_value("8001", at(text, "\"8001\"")),
        ),
    ];
    want.extra = vec![("user".into(), str_value("www-data", at(text, "www-data")))];
    assert_eq!(ok(parse_supervisor(F, text)), vec![want]);
}

#[test]
fn supervisor_continuations_inline_comments_and_colon_delimiter() {
    let text = "[program:api]\ncommand: /opt/venv/bin/uvicorn main:app ; the API\n    --host 0.0.0.0\n    # a comment line\n    --port 8000\ndirectory = /opt/api  # comment\n";
    let got = ok(parse_supervisor(F, text));
    let cmd = got[0].command.as_ref().expect("command");
    assert_eq!(cmd.span, between(text, "/opt/venv/bin/uvicorn", "--port 8000"));
    assert_eq!(cmd.value.len(), (cmd.span.end - cmd.span.start) as usize);
    assert_eq!(
        cmd.value.split_whitespace().collect::<Vec<_>>(),
        [
            "/opt/venv/bin/uvicorn",
            "main:app",
            "--host",
            "0.0.0.0",
            "--port",
            "8000"
        ]
    );
    assert_eq!(got[0].workdir, Some(s(text, "/opt/api")));
}

#[test]
fn supervisor_expansions_in_environment() {
    let text = "[program:worker]\ncommand=%(ENV_HOME)s/venv/bin/celery -A app worker -n %(program_name)s\nenvironment=HOME=\"%(ENV_HOME)s\",NAME=\"%(program_name)s-1\",PATH=\"/venv/bin:%(ENV_PATH)s\",PCT=\"100%%\"\n";
    let got = ok(parse_supervisor(F, text));
    let l = &got[0];
    assert_eq!(
        l.command.as_ref().map(|c| c.value.as_str()),
        Some("%(ENV_HOME)s/venv/bin/celery -A app worker -n %(program_name)s")
    );
    assert_eq!(
        l.env
            .iter()
            .map(|(k, v)| (k.value.as_str(), &v.value))
            .collect::<Vec<_>>(),
        [
            ("HOME", &env_lookup("HOME", None)),
            ("NAME", &Value::Str("worker-1".into())),
            ("PATH", &Value::Symbolic("/venv/bin:%(ENV_PATH)s".into())),
            ("PCT", &Value::Str("100%".into())),
        ]
    );
}

#[test]
fn supervisor_fcgi_program_socket_and_numprocs() {
    let text = "[fcgi-program:php]\nsocket=tcp://localhost:9000\ncommand=/usr/bin/php-cgi\nnumprocs=4\nprocess_name=%(program_name)s_%(process_num)02d\n";
    let mut want = launch(LaunchSource::Supervisor, Span::new(F, 0, text.len() - 1));
    want.name = Some(s(text, "php"));
    want.command = Some(s(text, "/usr/bin/php-cgi"));
    want.ports = vec![s(text, "tcp://localhost:9000")];
    want.extra = vec![
        (
            "numprocs".into(),
            Spanned::new(Value::Int(4), prefix(at(text, "4\n"), 1)),
        ),
        (
            "process_name".into(),
            str_value(
                "%(program_name)s_%(process_num)02d",
                at(text, "%(program_name)s_%(process_num)02d"),
            ),
        ),
    ];
    assert_eq!(ok(parse_supervisor(F, text)), vec![want]);
}

#[test]
fn supervisor_several_programs_in_order() {
    let text = "[include]\nfiles = conf.d/*.conf\n\n[program:web]\ncommand=node server.js\n\n[program:queue]\ncommand=node queue.js\n";
    let got = ok(parse_supervisor(F, text));
    assert_eq!(
        got.iter()
            .map(|l| (
                l.name.as_ref().map(|n| n.value.clone()),
                l.command.as_ref().map(|c| c.value.clone())
            ))
            .collect::<Vec<_>>(),
        [
            (Some("web".to_owned()), Some("node server.js".to_owned())),
            (Some("queue".to_owned()), Some("node queue.js".to_owned())),
        ]
    );
    assert_eq!(got[1].span, between(text, "[program:queue]", "queue.js"));
}

#[test]
fn supervisor_errors() {
    let text = "command=gunicorn app:app\n[program:web]\n";
    let e = err(parse_supervisor(F, text));
    assert_eq!(
        e.message,
        "found `command=gunicorn app:app` before any section, expected a `[program:name]` or other section header first"
    );
    assert_eq!(e.span, at(text, "command=gunicorn app:app"));

    let text = "[program:web]\ncommand=gunicorn app:app\nautostart\n";
    let e = err(parse_supervisor(F, text));
    assert_eq!(
        e.message,
        "found `autostart`, expected `key = value` or a `[section]` header"
    );
    assert_eq!(e.span, at(text, "autostart"));

    let text = "[program:web]\nenvironment=DATABASE_URL=postgres://app@db/app\n";
    let e = err(parse_supervisor(F, text));
    assert_eq!(
        e.message,
        "found `@` after a value in `environment=`, expected `,` (quote values that contain other characters)"
    );
    assert_eq!(e.span, at(text, "@"));

    let text = "[program:web]\nenvironment=PORT=\"8000\nSECRET=1\n";
    let e = err(parse_supervisor(F, text));
    assert_eq!(
        e.message,
        "found an unterminated `\"` in `environment=`, expected a closing `\"`"
    );
}

// ==================================================================== shell scripts

const ENTRYPOINT: &str = r#"#!/bin/sh
set -e

export DJANGO_SETTINGS_MODULE=config.settings
export PORT="${PORT:-8000}"
cd /app

python manage.py migrate --noinput
python manage.py collectstatic --noinput

exec gunicorn config.wsgi:application \
    --bind "0.0.0.0:${PORT}" \
    --workers 3
"#;

#[test]
fn shell_entrypoint_ending_in_exec_gunicorn() {
    let text = ENTRYPOINT;
    let cmd_span = between(text, "gunicorn config.wsgi", "--workers 3");
    let mut want = launch(LaunchSource::Shell, cmd_span);
    let mut value = text[cmd_span.range()].to_owned();
    value = value.replace("\\\n", "  ");
    want.command = Some(sv(&value, cmd_span));
    want.workdir = Some(s(text, "/app"));
    let port = at(text, "\"${PORT:-8000}\"");
    want.env = vec![
        env(
            s(text, "DJANGO_SETTINGS_MODULE"),
            str_value("config.settings", prefix(at(text, "config.settings\n"), 15)),
        ),
        env(
            sv("PORT", nth(text, "PORT", 0)),
            Spanned::new(env_lookup("PORT", Some(("8000", port))), port),
        ),
    ];
    want.extra = vec![("launched_by".into(), str_value("exec", at(text, "exec")))];
    assert_eq!(ok(parse_shell(F, text)), vec![want]);
}

#[test]
fn shell_exec_of_the_arguments() {
    let text = "#!/bin/bash\nset -euo pipefail\nif [ \"${1:-}\" = \"migrate\" ]; then\n  python manage.py migrate\nfi\nexec \"$@\"\n";
    let got = ok(parse_shell(F, text));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].command, Some(s(text, "\"$@\"")));
    assert_eq!(got[0].span, at(text, "\"$@\""));
}

#[test]
fn shell_case_dispatch_execs_each_branch() {
    let text = "#!/usr/bin/env bash\ncase \"$1\" in\n  web) exec uvicorn main:app --host 0.0.0.0 --port \"$PORT\" ;;\n  worker)\n    exec celery -A app worker ;;\n  *) echo \"unknown: $1\"; exit 1 ;;\nesac\n";
    let got = ok(parse_shell(F, text));
    assert_eq!(
        got.iter().map(|l| l.command.clone()).collect::<Vec<_>>(),
        [
            Some(s(text, "uvicorn main:app --host 0.0.0.0 --port \"$PORT\"")),
            Some(s(text, "celery -A app worker")),
        ]
    );
}

#[test]
fn shell_background_server_and_last_foreground_command() {
    let text = "#!/bin/sh\ngunicorn app:app --bind 127.0.0.1:8001 &\nnginx -g 'daemon off;'\n";
    let got = ok(parse_shell(F, text));
    let how = |l: &Launch| l.extra("launched_by").and_then(|v| v.value.as_str().map(str::to_owned));
    assert_eq!(
        got.iter().map(|l| (l.command.clone(), how(l))).collect::<Vec<_>>(),
        [
            (
                Some(s(text, "gunicorn app:app --bind 127.0.0.1:8001")),
                Some("background".to_owned())
            ),
            (Some(s(text, "nginx -g 'daemon off;'")), Some("last".to_owned())),
        ]
    );
}

#[test]
fn shell_without_exec_takes_the_last_command() {
    let text = "#!/bin/bash\nexec >> /var/log/start.log 2>&1\ncd /srv/app && npm ci\ncd web\nnode server.js --port 3000\necho started\n";
    let got = ok(parse_shell(F, text));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].command, Some(s(text, "node server.js --port 3000")));
    assert_eq!(got[0].workdir, Some(sv("/srv/app/web", at(text, "web"))));
}

#[test]
fn shell_heredocs_and_comments_are_not_commands() {
    let text = "#!/bin/sh\n# exec not-a-command\ncat > /etc/app.conf <<'EOF'\nexec also-not-a-command\ndon't\nEOF\nexec node dist/main.js # start\n";
    let got = ok(parse_shell(F, text));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].command, Some(s(text, "node dist/main.js")));
}

#[test]
fn shell_unterminated_quote_is_an_error() {
    let text = "#!/bin/sh\necho \"starting\nexec gunicorn app:app\n";
    let e = err(parse_shell(F, text));
    assert_eq!(
        e.message,
        "found an unterminated `\"`, expected a closing `\"` (the shell stops at a syntax error here)"
    );
    assert_eq!(e.span, Span::new(F, 15, 16));
}

// ==================================================================== recognition

#[test]
fn kind_of_recognises_launch_files_by_name_place_and_content() {
    let server = "#!/bin/sh\nexec gunicorn app:app\n";
    let cases: &[(&str, &str, Option<LaunchSource>)] = &[
        ("Procfile", "", Some(LaunchSource::Procfile)),
        ("deploy/Procfile.dev", "", Some(LaunchSource::Procfile)),
        ("deploy/gunicorn.service", "", Some(LaunchSource::Systemd)),
        ("deploy/gunicorn.socket", "", Some(LaunchSource::Systemd)),
        (
            "etc/systemd/system/app.service.d/override.conf",
            "",
            Some(LaunchSource::Systemd),
        ),
        (
            "systemd/app",
            "[Unit]\n[Service]\nExecStart=/x\n",
            Some(LaunchSource::Systemd),
        ),
        ("Dockerfile", "", Some(LaunchSource::Dockerfile)),
        ("docker/Dockerfile.prod", "", Some(LaunchSource::Dockerfile)),
        ("web.Dockerfile", "", Some(LaunchSource::Dockerfile)),
        ("Dockerfile.dockerignore", "", None),
        ("docker-compose.yml", "", Some(LaunchSource::Compose)),
        ("docker-compose.prod.yaml", "", Some(LaunchSource::Compose)),
        ("compose.yaml", "", Some(LaunchSource::Compose)),
        ("supervisord.conf", "", Some(LaunchSource::Supervisor)),
        ("etc/supervisor/conf.d/app.conf", "", Some(LaunchSource::Supervisor)),
        (
            "deploy/app.ini",
            "[program:web]\ncommand=x\n",
            Some(LaunchSource::Supervisor),
        ),
        ("deploy/uwsgi.ini", "[uwsgi]\nsocket=:8000\n", Some(LaunchSource::Uwsgi)),
        ("deploy/uwsgi.ini", "", Some(LaunchSource::Uwsgi)),
        ("deploy/app.ini", "[uwsgi]\nsocket=:8000\n", Some(LaunchSource::Uwsgi)),
        (
            "production.ini",
            "[app:main]\nuse = egg:app\n\n[uwsgi]\nhttp-socket = :6543\n",
            Some(LaunchSource::Uwsgi),
        ),
        ("deploy/app.ini", "[app:main]\nuse = egg:app\n", None),
        ("deploy/uwsgi.conf", "[uwsgi]\nsocket=:8000\n", None),
        (
            "deploy/both.ini",
            "[uwsgi]\nsocket=:1\n[program:web]\ncommand=x\n",
            Some(LaunchSource::Supervisor),
        ),
        ("etc/supervisor/conf.d/uwsgi.ini", "", Some(LaunchSource::Supervisor)),
        ("docker/entrypoint.sh", server, Some(LaunchSource::Shell)),
        ("bin/start", server, Some(LaunchSource::Shell)),
        (
            "bin/start",
            "#!/usr/bin/env bash\nnpm run start\n",
            Some(LaunchSource::Shell),
        ),
        (
            "docker/entrypoint.sh",
            "#!/bin/sh\nset -e\nexec \"$@\"\n",
            Some(LaunchSource::Shell),
        ),
        ("scripts/lint.sh", "#!/bin/sh\nruff check .\n", None),
        ("bin/start", "#!/usr/bin/env python3\nimport gunicorn\n", None),
        ("nginx/nginx.conf", "http {}\n", None),
    ];
    for (path, head, want) in cases {
        assert_eq!(kind_of(Path::new(path), head), *want, "{path}");
    }
}

#[test]
fn parse_path_names_systemd_units_after_their_file() {
    let got = parse_path(F, Path::new("deploy/gunicorn.service"), GUNICORN_SERVICE)
        .expect("a launch file")
        .expect("parses");
    assert_eq!(got[0].name, Some(sv("gunicorn", Span::new(F, 0, 0))));
    let text = "[Service]\nExecStart=\nExecStart=/srv/venv/bin/gunicorn -b 127.0.0.1:8002 app:app\n";
    let got = parse_path(F, Path::new("/etc/systemd/system/app.service.d/override.conf"), text)
        .expect("a launch file")
        .expect("parses");
    assert_eq!(got[0].name.as_ref().map(|n| n.value.as_str()), Some("app"));
    assert!(parse_path(F, Path::new("README.md"), "# app\n").is_none());
}

// ==================================================================== uWSGI

const UWSGI_INI: &str = "\
[uwsgi]
# Django behind nginx's uwsgi_pass
project = mysite
chdir = /srv/%(project)
module = %(project).wsgi:application
home = /srv/%(project)/venv
env = DJANGO_SETTINGS_MODULE=%(project).settings
master = true
processes = 4
harakiri = 30
socket = /run/uwsgi/%(project).sock
http-socket = 127.0.0.1:8081 ; health checks
vacuum

[uwsgi-dev]
http = :8000
";

#[test]
fn uwsgi_ini_keeps_every_option_in_order() {
    let got = ok(parse_uwsgi_ini(F, UWSGI_INI));
    let mut want = launch(LaunchSource::Uwsgi, between(UWSGI_INI, "[uwsgi]", "vacuum"));
    let opt = |key: &str, value: &str, n: usize| -> (String, Spanned<Value>) {
        let span = if value.is_empty() {
            let k = nth(UWSGI_INI, key, n);
            Span::new(F, k.end as usize, k.end as usize)
        } else {
            nth(UWSGI_INI, value, n)
        };
        (key.to_owned(), str_value(value, span))
    };
    want.extra = vec![
        opt("project", "mysite", 0),
        opt("chdir", "/srv/%(project)", 0),
        opt("module", "%(project).wsgi:application", 0),
        opt("home", "/srv/%(project)/venv", 0),
        opt("env", "DJANGO_SETTINGS_MODULE=%(project).settings", 0),
        opt("master", "true", 0),
        opt("processes", "4", 0),
        opt("harakiri", "30", 0),
        opt("socket", "/run/uwsgi/%(project).sock", 0),
        opt("http-socket", "127.0.0.1:8081 ; health checks", 0),
        opt("vacuum", "", 0),
    ];
    want.workdir = Some(s(UWSGI_INI, "/srv/%(project)"));
    want.env = vec![env(
        s(UWSGI_INI, "DJANGO_SETTINGS_MODULE"),
        str_value("%(project).settings", nth(UWSGI_INI, "%(project).settings", 0)),
    )];
    assert_eq!(got, vec![want]);
    let named = parse_path(F, Path::new("deploy/uwsgi.ini"), UWSGI_INI)
        .expect("a launch file")
        .expect("parses");
    assert_eq!(named[0].name, Some(sv("uwsgi.ini", Span::new(F, 0, 0))));
    assert_eq!(named[0].source.as_str(), "uwsgi");
}
