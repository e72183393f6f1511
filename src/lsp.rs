//! `lint502 lsp`: a Language Server over stdio that publishes lint502's findings to an editor.
//!
//! - **What is checked.** lint502 is cross-file (an nginx `proxy_pass` is judged against a Gunicorn `bind`), so
//!   every check is the whole `lint502 check` of each workspace folder (`workspaceFolders`, else `rootUri`, else
//!   `rootPath`), with the configuration file found as `check` finds it. Without a workspace, the open documents
//!   themselves are checked together. A check runs after `initialized`, on every `didOpen` and `didSave`, and
//!   when workspace folders change; notifications that arrive together are served by one check.
//! - **Saved files only.** The check reads the files on disk. Its readers are spread over the model builders
//!   (nginx includes, backends, requirements, the Python app, deploy files), so an overlay of unsaved editor
//!   text is not offered: unsaved edits are checked on save (`textDocumentSync.change` is `None`).
//! - **What is published.** A `textDocument/publishDiagnostics` for every file with findings, and an empty one
//!   for a file that had findings in the previous check and has none now. A diagnostic carries the rule code as
//!   `code`, the rule page as `codeDescription.href` (the same address as SARIF's `helpUri`), `source`
//!   "lint502", the message followed by its notes and help (one per line, as SARIF writes them), and its
//!   secondary labels, which may be in other files, as `relatedInformation`. `textDocument/hover` over a
//!   finding shows its rule's page.
//! - **Positions.** LSP lines are 0-based and characters are counted in the negotiated encoding: UTF-8 bytes
//!   when the client offers `utf-8` in `general.positionEncodings`, else UTF-16 code units (the protocol's
//!   default). lint502's spans are byte offsets; [`position`] converts them.
//! - **Paths in messages** are shown relative to the working directory (`source::display_path`), so the server
//!   moves into the first workspace folder: messages read as `lint502 check` run from the repository root.
//! - **Robustness.** Client input never panics the server; everything is logged to stderr. A body that is not
//!   JSON-RPC, or is over 64 MiB, is skipped; broken framing (no `Content-Length`) ends the session; malformed
//!   parameters are ignored (notifications) or answered with `InvalidParams`; a check that panics (a bug in
//!   lint502) is logged and nothing is published. Exit code 0 after `shutdown` then `exit`, 1 otherwise (LSP
//!   3.17, "exit notification").

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lt;
use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::report::sarif::RULE_DOC_BASE_URI;
use crate::source::{SourceDb, SourceFile, Span};

/// How the client counts characters in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it, else UTF-16 (which every client supports).
    pub fn negotiate(offered: &[&str]) -> Encoding {
        if offered.contains(&"utf-8") {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
        }
    }
}

/// How long to wait for more notifications before checking (a save of several files is one check).
const SETTLE: Duration = Duration::from_millis(50);

/// The largest message read; a longer one is skipped (the JSON-RPC framing survives, the message is lost).
const MAX_MESSAGE: usize = 64 * 1024 * 1024;

pub fn run() -> ExitCode {
    // lsp-server's own stdio transport allocates whatever `Content-Length` says and drops the connection on one
    // malformed message; this one caps the length and skips what it cannot read.
    let (conn, transport) = Connection::memory();
    let Connection { sender, receiver } = transport;
    let reader = std::thread::Builder::new()
        .name("lsp-stdin".into())
        .spawn(move || read_stdin(|m| sender.send(m).is_ok()));
    let writer = std::thread::Builder::new().name("lsp-stdout".into()).spawn(move || {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        for msg in receiver {
            if let Err(e) = msg.write(&mut out) {
                log(&format!("cannot write to the client: {e}"));
                return;
            }
        }
    });
    let (Ok(reader), Ok(writer)) = (reader, writer) else {
        log("cannot start the stdio threads");
        return ExitCode::from(2);
    };
    let code = serve(&conn);
    // Every way out of `serve` follows the end of the reader (an `exit` notification or a closed stdin), so
    // joining cannot block on stdin; dropping the connection ends the writer once it has written everything.
    drop(conn);
    for t in [reader, writer] {
        if t.join().is_err() {
            log("a stdio thread panicked");
        }
    }
    code
}

/// Messages from stdin, until `exit`, the end of input, or a framing error (after which nothing can be read).
fn read_stdin(send: impl Fn(Message) -> bool) {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    loop {
        let body = match read_frame(&mut input) {
            Ok(Frame::Body(b)) => b,
            Ok(Frame::Skipped) => continue,
            Ok(Frame::End) => return,
            Err(e) => {
                log(&format!("stopped reading the client: {e}"));
                return;
            }
        };
        let msg: Message = match serde_json::from_slice(&body) {
            Ok(m) => m,
            Err(e) => {
                log(&format!("skipped a message that is not JSON-RPC: {e}"));
                continue;
            }
        };
        let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
        if !send(msg) || exit {
            return;
        }
    }
}

/// What [`read_frame`] read.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    Body(Vec<u8>),
    /// A body over [`MAX_MESSAGE`], read and dropped.
    Skipped,
    /// The end of input, between messages.
    End,
}

/// One `Content-Length` framed message (LSP 3.17, "Base Protocol"); other headers are ignored.
pub fn read_frame(input: &mut impl BufRead) -> std::io::Result<Frame> {
    let bad = |m: String| std::io::Error::new(std::io::ErrorKind::InvalidData, m);
    let mut length = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        let n = (&mut *input).take(4096).read_until(b'\n', &mut line)?;
        if n == 0 {
            return if first {
                Ok(Frame::End)
            } else {
                Err(bad("the input ended inside a header".into()))
            };
        }
        first = false;
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad(format!("malformed header {line:?}")));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .trim()
                    .parse::<u64>()
                    .map_err(|e| bad(format!("Content-Length {value:?}: {e}")))?,
            );
        }
    }
    let length = length.ok_or_else(|| bad("a message without Content-Length".into()))?;
    if length > MAX_MESSAGE as u64 {
        let skipped = std::io::copy(&mut (&mut *input).take(length), &mut std::io::sink())?;
        log(&format!(
            "skipped a message of {skipped} bytes (the limit is {MAX_MESSAGE})"
        ));
        return Ok(Frame::Skipped);
    }
    let mut body = vec![0; length as usize];
    input.read_exact(&mut body)?;
    Ok(Frame::Body(body))
}

fn log(message: &str) {
    eprintln!("lint502 lsp: {message}");
}

/// The handshake, then the main loop.
fn serve(conn: &Connection) -> ExitCode {
    let mut server = loop {
        let Ok(msg) = conn.receiver.recv() else {
            log("the client closed the connection before initialize");
            return ExitCode::from(1);
        };
        match msg {
            Message::Request(req) if req.method == "initialize" => {
                let (server, result) = Server::initialize(&req.params);
                send(conn, Response::new_ok(req.id, result));
                break server;
            }
            Message::Request(req) => send(
                conn,
                Response::new_err(
                    req.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "expected initialize".into(),
                ),
            ),
            Message::Notification(n) if n.method == "exit" => return ExitCode::from(1),
            _ => {}
        }
    };
    let mut shutdown = false;
    loop {
        let msg = if server.dirty {
            match conn.receiver.recv_timeout(SETTLE) {
                Ok(m) => m,
                Err(e) if e.is_timeout() => {
                    server.check_and_publish(conn);
                    continue;
                }
                Err(_) => return ExitCode::from(1),
            }
        } else {
            match conn.receiver.recv() {
                Ok(m) => m,
                Err(_) => {
                    log("the client closed the connection without exit");
                    return ExitCode::from(1);
                }
            }
        };
        match msg {
            Message::Request(req) if shutdown => send(
                conn,
                Response::new_err(
                    req.id,
                    ErrorCode::InvalidRequest as i32,
                    "the server is shut down".into(),
                ),
            ),
            Message::Request(req) if req.method == "shutdown" => {
                shutdown = true;
                server.dirty = false;
                send(conn, Response::new_ok(req.id, Value::Null));
            }
            Message::Request(req) => {
                let resp = server.request(req);
                send(conn, resp);
            }
            Message::Notification(n) if n.method == "exit" => {
                return if shutdown { ExitCode::SUCCESS } else { ExitCode::from(1) };
            }
            Message::Notification(_) if shutdown => {}
            Message::Notification(n) => server.notification(n),
            Message::Response(_) => {}
        }
    }
}

fn send(conn: &Connection, msg: impl Into<Message>) {
    if conn.sender.send(msg.into()).is_err() {
        log("cannot write to the client (stdout closed)");
    }
}

/// A finding as published, for `hover`.
struct Published {
    range: lt::Range,
    code: &'static str,
}

struct Server {
    /// Workspace folders (absolute). Empty: check the open documents.
    roots: Vec<PathBuf>,
    /// Open documents on disk (used when there is no workspace folder).
    open: BTreeSet<PathBuf>,
    encoding: Encoding,
    /// What the last check published, by URI (files with findings only).
    published: BTreeMap<String, Vec<Published>>,
    /// A check is due.
    dirty: bool,
    /// The last configuration error shown, so a broken file is not announced on every save.
    last_config_error: Option<String>,
}

impl Server {
    /// The server state and the `InitializeResult`, from the client's `InitializeParams` (read field by field:
    /// a capability the client spells oddly must not fail the handshake).
    fn initialize(params: &Value) -> (Server, Value) {
        let offered: Vec<&str> = params
            .pointer("/capabilities/general/positionEncodings")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let encoding = Encoding::negotiate(&offered);
        let mut roots: Vec<PathBuf> = params
            .get("workspaceFolders")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.get("uri").and_then(Value::as_str))
                    .filter_map(uri_to_path)
                    .collect()
            })
            .unwrap_or_default();
        if roots.is_empty() {
            roots.extend(params.get("rootUri").and_then(Value::as_str).and_then(uri_to_path));
        }
        if roots.is_empty() {
            roots.extend(params.get("rootPath").and_then(Value::as_str).map(PathBuf::from));
        }
        let roots: Vec<PathBuf> = roots.into_iter().filter_map(|r| std::path::absolute(r).ok()).collect();
        if let Some(first) = roots.first()
            && let Err(e) = std::env::set_current_dir(first)
        {
            log(&format!("cannot enter {}: {e}", first.display()));
        }
        log(&format!(
            "positions in {}; checking {}",
            encoding.as_str(),
            if roots.is_empty() {
                "the open documents (no workspace folder)".to_owned()
            } else {
                roots
                    .iter()
                    .map(|r| r.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ));
        let result = json!({
            "capabilities": {
                "positionEncoding": encoding.as_str(),
                "textDocumentSync": { "openClose": true, "change": 0, "save": { "includeText": false } },
                "hoverProvider": true,
                "workspace": { "workspaceFolders": { "supported": true, "changeNotifications": true } },
            },
            "serverInfo": { "name": "lint502", "version": env!("CARGO_PKG_VERSION") },
        });
        let server = Server {
            roots,
            open: BTreeSet::new(),
            encoding,
            published: BTreeMap::new(),
            dirty: false,
            last_config_error: None,
        };
        (server, result)
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "initialized" => self.dirty = !self.roots.is_empty(),
            "textDocument/didOpen" => {
                let Some(p) = params::<lt::DidOpenTextDocumentParams>(&n) else {
                    return;
                };
                if let Some(path) = uri_to_path(p.text_document.uri.as_str()) {
                    self.open.insert(path);
                }
                self.dirty = true;
            }
            "textDocument/didClose" => {
                let Some(p) = params::<lt::DidCloseTextDocumentParams>(&n) else {
                    return;
                };
                if let Some(path) = uri_to_path(p.text_document.uri.as_str()) {
                    self.open.remove(&path);
                }
            }
            "textDocument/didSave" => self.dirty = true,
            "workspace/didChangeWorkspaceFolders" => {
                let Some(p) = params::<lt::DidChangeWorkspaceFoldersParams>(&n) else {
                    return;
                };
                let paths = |fs: &[lt::WorkspaceFolder]| -> Vec<PathBuf> {
                    fs.iter().filter_map(|f| uri_to_path(f.uri.as_str())).collect()
                };
                let removed = paths(&p.event.removed);
                self.roots.retain(|r| !removed.contains(r));
                for a in paths(&p.event.added) {
                    if !self.roots.contains(&a) {
                        self.roots.push(a);
                    }
                }
                self.dirty = true;
            }
            _ => {}
        }
    }

    fn request(&self, req: Request) -> Response {
        match req.method.as_str() {
            "textDocument/hover" => match serde_json::from_value::<lt::HoverParams>(req.params) {
                Ok(p) => Response::new_ok(req.id, self.hover(&p.text_document_position_params)),
                Err(e) => invalid_params(req.id, &req.method, &e),
            },
            _ => Response::new_err(
                req.id,
                ErrorCode::MethodNotFound as i32,
                format!("lint502 does not serve {}", req.method),
            ),
        }
    }

    /// The pages of the rules whose findings cover the position, or null.
    fn hover(&self, at: &lt::TextDocumentPositionParams) -> Value {
        // The client may escape its URI differently from `path_to_uri`: compare the paths.
        let asked = at.text_document.uri.as_str();
        let key = uri_to_path(asked)
            .and_then(|p| path_to_uri(&p))
            .map(|u| u.as_str().to_owned());
        let Some(found) = self.published.get(key.as_deref().unwrap_or(asked)) else {
            return Value::Null;
        };
        let pos = (at.position.line, at.position.character);
        let mut codes: Vec<&'static str> = found
            .iter()
            .filter(|f| (f.range.start.line, f.range.start.character) <= pos)
            .filter(|f| pos <= (f.range.end.line, f.range.end.character))
            .map(|f| f.code)
            .collect();
        let mut seen = BTreeSet::new();
        codes.retain(|c| seen.insert(*c));
        let pages: Vec<String> = codes
            .iter()
            .filter_map(|c| crate::rules::find(c))
            .map(|r| {
                format!(
                    "{}\n\n[{}]({RULE_DOC_BASE_URI}{}.md)",
                    r.meta.doc.trim(),
                    r.meta.code,
                    r.meta.code
                )
            })
            .collect();
        if pages.is_empty() {
            return Value::Null;
        }
        json!({ "contents": { "kind": "markdown", "value": pages.join("\n\n---\n\n") } })
    }

    /// What one check reads: each workspace folder, or the open documents together.
    fn targets(&self) -> Vec<Vec<PathBuf>> {
        if self.roots.is_empty() {
            let open: Vec<PathBuf> = self.open.iter().filter(|p| p.is_file()).cloned().collect();
            if open.is_empty() { Vec::new() } else { vec![open] }
        } else {
            self.roots.iter().map(|r| vec![r.clone()]).collect()
        }
    }

    fn check_and_publish(&mut self, conn: &Connection) {
        self.dirty = false;
        let mut next: BTreeMap<String, (lt::Uri, Vec<lt::Diagnostic>)> = BTreeMap::new();
        for paths in self.targets() {
            let opts = self.options(conn, &paths);
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| crate::check::check(&paths, &opts)));
            let Ok(out) = run else {
                let what = paths.first().map(|p| p.display().to_string()).unwrap_or_default();
                log(&format!(
                    "the check of {what} failed (a bug in lint502); nothing published"
                ));
                return;
            };
            for e in &out.errors {
                log(&format!("{}: {}", crate::source::display_path(&e.path), e.message));
            }
            for d in &out.diagnostics {
                let Some(uri) = path_to_uri(&out.db.get(d.primary.span.file).path) else {
                    continue;
                };
                let diag = to_lsp(&out.db, d, self.encoding);
                let entry = next.entry(uri.as_str().to_owned()).or_insert_with(|| (uri, Vec::new()));
                // Nested workspace folders check a file twice.
                if !entry.1.contains(&diag) {
                    entry.1.push(diag);
                }
            }
        }
        let stale: Vec<String> = self
            .published
            .keys()
            .filter(|k| !next.contains_key(*k))
            .cloned()
            .collect();
        for key in stale {
            if let Ok(uri) = lt::Uri::from_str(&key) {
                publish(conn, uri, Vec::new());
            }
        }
        self.published.clear();
        for (key, (uri, diags)) in next {
            let found = diags
                .iter()
                .filter_map(|d| match &d.code {
                    Some(lt::NumberOrString::String(c)) => crate::rules::find(c).map(|r| Published {
                        range: d.range,
                        code: r.meta.code,
                    }),
                    _ => None,
                })
                .collect();
            self.published.insert(key, found);
            publish(conn, uri, diags);
        }
    }

    /// The options `lint502 check` would use for `paths` (its configuration file, no command-line flags). A
    /// broken configuration file is shown to the user once and the defaults are used.
    fn options(&mut self, conn: &Connection, paths: &[PathBuf]) -> crate::check::Options {
        let config = match crate::config::resolve(paths, None, false) {
            Ok(c) => {
                self.last_config_error = None;
                c.unwrap_or_default()
            }
            Err(e) => {
                let message = format!("lint502: {e} (checking with the defaults)");
                log(&message);
                if self.last_config_error.as_ref() != Some(&message) {
                    let params = json!({ "type": 1, "message": message });
                    send(conn, Notification::new("window/showMessage".into(), params));
                    self.last_config_error = Some(message);
                }
                Default::default()
            }
        };
        crate::check::Options {
            nginx: crate::model::nginx::NginxOptions {
                prefix: config.nginx_prefix,
                version: config.nginx_version,
            },
            select: config.select.unwrap_or_default(),
            settings: config.settings,
            no_inline_suppressions: false,
        }
    }
}

fn params<T: serde::de::DeserializeOwned>(n: &Notification) -> Option<T> {
    match serde_json::from_value(n.params.clone()) {
        Ok(p) => Some(p),
        Err(e) => {
            log(&format!("{}: ignored, malformed parameters: {e}", n.method));
            None
        }
    }
}

fn invalid_params(id: RequestId, method: &str, e: &serde_json::Error) -> Response {
    log(&format!("{method}: malformed parameters: {e}"));
    Response::new_err(
        id,
        ErrorCode::InvalidParams as i32,
        format!("malformed parameters: {e}"),
    )
}

fn publish(conn: &Connection, uri: lt::Uri, diagnostics: Vec<lt::Diagnostic>) {
    let params = lt::PublishDiagnosticsParams {
        uri,
        diagnostics,
        version: None,
    };
    send(
        conn,
        Notification::new("textDocument/publishDiagnostics".into(), params),
    );
}

/// One lint502 diagnostic as LSP shows it.
pub fn to_lsp(db: &SourceDb, d: &Diagnostic, encoding: Encoding) -> lt::Diagnostic {
    let related: Vec<lt::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|l| {
            let file = db.get(l.span.file);
            Some(lt::DiagnosticRelatedInformation {
                location: lt::Location {
                    uri: path_to_uri(&file.path)?,
                    range: range(file, l.span, encoding),
                },
                message: l.message.clone(),
            })
        })
        .collect();
    let mut message = d.message.clone();
    crate::report::push_notes_and_help(&mut message, d);
    lt::Diagnostic {
        range: range(db.get(d.primary.span.file), d.primary.span, encoding),
        severity: Some(match d.severity {
            Severity::Error => lt::DiagnosticSeverity::ERROR,
            Severity::Warning => lt::DiagnosticSeverity::WARNING,
            Severity::Info => lt::DiagnosticSeverity::INFORMATION,
        }),
        code: Some(lt::NumberOrString::String(d.code.to_owned())),
        code_description: lt::Uri::from_str(&format!("{RULE_DOC_BASE_URI}{}.md", d.code))
            .ok()
            .map(|href| lt::CodeDescription { href }),
        source: Some("lint502".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

fn range(file: &SourceFile, span: Span, encoding: Encoding) -> lt::Range {
    let start = position(file, span.start as usize, encoding);
    let end = position(file, (span.end as usize).max(span.start as usize), encoding);
    lt::Range { start, end }
}

/// The LSP position (0-based line, character in `encoding` units from the line's start) of a byte offset.
/// An offset past the end is the end; one inside a character is that character's start.
pub fn position(file: &SourceFile, offset: usize, encoding: Encoding) -> lt::Position {
    let text = &file.text;
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = file.line_index(offset);
    let start = file.line_starts().get(line).copied().unwrap_or(0).min(offset);
    let before = text.get(start..offset).unwrap_or("");
    let character = match encoding {
        Encoding::Utf8 => before.len(),
        Encoding::Utf16 => before.encode_utf16().count(),
    };
    lt::Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        character: u32::try_from(character).unwrap_or(u32::MAX),
    }
}

/// The `file:` URI of a path (made absolute), every byte but unreserved ones and `/` percent-encoded.
pub fn path_to_uri(path: &Path) -> Option<lt::Uri> {
    let abs = std::path::absolute(path).ok()?;
    #[cfg(unix)]
    let bytes: Vec<u8> = std::os::unix::ffi::OsStrExt::as_bytes(abs.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes: Vec<u8> = {
        let s = abs.to_string_lossy().replace('\\', "/");
        if s.starts_with('/') {
            s.into_bytes()
        } else {
            format!("/{s}").into_bytes()
        }
    };
    let mut uri = String::from("file://");
    for b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    lt::Uri::from_str(&uri).ok()
}

/// The path of a `file:` URI (`file:///p`, `file://localhost/p`), percent-decoded; None for other schemes,
/// other hosts and bad escapes.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let scheme = uri.get(..7)?;
    if !scheme.eq_ignore_ascii_case("file://") {
        return None;
    }
    let rest = uri.get(7..)?;
    let slash = rest.find('/')?;
    let (host, path) = rest.split_at(slash);
    if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let bytes = percent_decode(path)?;
    #[cfg(unix)]
    {
        Some(PathBuf::from(
            <std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(bytes),
        ))
    }
    #[cfg(not(unix))]
    {
        let s = String::from_utf8(bytes).ok()?;
        // `/C:/dir` → `C:/dir`
        let s = match s.as_bytes() {
            [b'/', d, b':', ..] if d.is_ascii_alphabetic() => s[1..].to_owned(),
            _ => s,
        };
        Some(PathBuf::from(s))
    }
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(
            PathBuf::from("/x/app.conf"),
            "app.conf".into(),
            text.as_bytes().to_vec(),
        )
    }

    fn pos(line: u32, character: u32) -> lt::Position {
        lt::Position { line, character }
    }

    #[test]
    fn positions_count_utf16_units_or_utf8_bytes() {
        // "é" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 UTF-16 units (a surrogate pair).
        let text = "server {\n  # café 😀 x\n  listen 80;\n}\n";
        let f = file(text);
        let x = text.find(" x").map(|i| i + 1).unwrap_or(0);
        assert_eq!(position(&f, x, Encoding::Utf16), pos(1, 12));
        assert_eq!(position(&f, x, Encoding::Utf8), pos(1, 15));
        let listen = text.find("listen").unwrap_or(0);
        assert_eq!(position(&f, listen, Encoding::Utf16), pos(2, 2));
        assert_eq!(position(&f, 0, Encoding::Utf16), pos(0, 0));
        // A line's end, the next line's start.
        let nl = text.find('\n').unwrap_or(0);
        assert_eq!(position(&f, nl, Encoding::Utf16), pos(0, 8));
        assert_eq!(position(&f, nl + 1, Encoding::Utf16), pos(1, 0));
        // Inside "😀": its start. Past the end: the end.
        let emoji = text.find('😀').unwrap_or(0);
        assert_eq!(position(&f, emoji + 2, Encoding::Utf16), pos(1, 9));
        assert_eq!(position(&f, text.len() + 10, Encoding::Utf16), pos(4, 0));
    }

    #[test]
    fn invalid_utf8_counts_one_unit_per_byte() {
        let f = SourceFile::new(PathBuf::from("/x/a.conf"), "a.conf".into(), b"# \xff\xfe z\n".to_vec());
        assert_eq!(position(&f, 5, Encoding::Utf16), pos(0, 5));
        assert_eq!(position(&f, 5, Encoding::Utf8), pos(0, 5));
    }

    #[test]
    fn frames_are_capped_and_skipped() {
        let mut input: &[u8] = b"Content-Length: 2\r\nContent-Type: x\r\n\r\n{}content-length:3\n\n[1]";
        assert_eq!(read_frame(&mut input).ok(), Some(Frame::Body(b"{}".to_vec())));
        assert_eq!(read_frame(&mut input).ok(), Some(Frame::Body(b"[1]".to_vec())));
        assert_eq!(read_frame(&mut input).ok(), Some(Frame::End));
        let big = format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE + 1);
        let mut input: &[u8] = big.as_bytes();
        assert_eq!(read_frame(&mut input).ok(), Some(Frame::Skipped));
        let mut input: &[u8] = b"Content-Length: 99999999999999999999999\r\n\r\n";
        assert!(read_frame(&mut input).is_err());
        let mut input: &[u8] = b"hello\r\n\r\n";
        assert!(read_frame(&mut input).is_err());
        let mut input: &[u8] = b"Content-Length: 5\r\n\r\n{}";
        assert!(read_frame(&mut input).is_err());
    }

    #[test]
    fn encoding_is_utf8_only_when_offered() {
        assert_eq!(Encoding::negotiate(&["utf-16", "utf-8"]), Encoding::Utf8);
        assert_eq!(Encoding::negotiate(&["utf-32", "utf-16"]), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(&[]), Encoding::Utf16);
    }

    #[cfg(unix)]
    #[test]
    fn file_uris_round_trip() {
        let p = PathBuf::from("/srv/my app/café/nginx.conf");
        let uri = path_to_uri(&p).map(|u| u.as_str().to_owned());
        assert_eq!(uri.as_deref(), Some("file:///srv/my%20app/caf%C3%A9/nginx.conf"));
        assert_eq!(uri.as_deref().and_then(uri_to_path), Some(p));
        assert_eq!(
            uri_to_path("file://localhost/etc/nginx"),
            Some(PathBuf::from("/etc/nginx"))
        );
        assert_eq!(uri_to_path("file:///a%2"), None);
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
        assert_eq!(uri_to_path("file://server/share"), None);
        let raw: &std::ffi::OsStr = std::os::unix::ffi::OsStrExt::from_bytes(b"/\xc3");
        assert_eq!(uri_to_path("file:///%C3"), Some(PathBuf::from(raw)));
    }
}
