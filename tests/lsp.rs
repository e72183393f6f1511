//! `lint502 lsp` spoken to as an editor would: JSON-RPC with Content-Length framing over the binary's stdio.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lint502"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start lint502 lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, incoming) = channel();
        // The reader thread ends when the server closes stdout; the test never blocks on it.
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut r) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Client { child, stdin, incoming }
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to the server");
        self.stdin.flush().expect("flush");
    }

    fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(&format!("the response to {method}"), |m| {
            m.get("id") == Some(&json!(id))
        })
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The first message that `want` accepts; earlier ones are dropped.
    fn wait_for(&self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if want(&m) => return m,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed stdout before {what}"),
            }
        }
    }

    /// The next `publishDiagnostics` for `uri`.
    fn diagnostics_for(&self, uri: &str) -> Vec<Value> {
        let m = self.wait_for(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    fn exit_code(mut self) -> Option<i32> {
        drop(self.stdin);
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("the server did not exit");
    }
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

fn uri(p: &Path) -> String {
    // Temp paths hold only unreserved characters and `/`.
    format!("file://{}", p.display())
}

/// A copy of a deployment whose nginx `proxy_pass` port disagrees with gunicorn.conf.py's `bind` (X001, with a
/// label on the gunicorn file).
fn deployment(tag: &str) -> PathBuf {
    let dir = common::temp_dir(tag);
    copy_dir(
        &common::root().join("testdata/deployments/gunicorn-conf-port-mismatch"),
        &dir,
    );
    dir
}

#[test]
fn publishes_cross_file_findings_clears_them_and_exits_cleanly() {
    let dir = deployment("lsp");
    let nginx = dir.join("deploy/nginx/sites-available/app.conf");
    let gunicorn = dir.join("gunicorn.conf.py");
    let mut c = Client::start();
    let init = c.request(
        1,
        "initialize",
        json!({"processId": null, "rootUri": uri(&dir), "capabilities": {}}),
    );
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16", "{init}");
    assert_eq!(init["result"]["serverInfo"]["name"], "lint502");
    c.notify("initialized", json!({}));
    let text = std::fs::read_to_string(&nginx).expect("read nginx file");
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&nginx), "languageId": "nginx", "version": 1, "text": text}}),
    );

    let diags = c.diagnostics_for(&uri(&nginx));
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["code"], "X001");
    assert_eq!(d["source"], "lint502");
    assert_eq!(d["severity"], 1);
    assert_eq!(
        d["codeDescription"]["href"],
        format!("{}X001.md", lint502::report::sarif::RULE_DOC_BASE_URI)
    );
    // `proxy_pass http://127.0.0.1:8000;` on line 8: the target, 0-based.
    assert_eq!(
        d["range"],
        json!({"start": {"line": 7, "character": 19}, "end": {"line": 7, "character": 40}})
    );
    let message = d["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("proxy_pass sends to 127.0.0.1:8000, but no backend listens there"),
        "{message}"
    );
    assert!(message.contains("\nhelp: "), "{message}");
    let related = &d["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri(&gunicorn), "{d}");
    assert_eq!(
        related["location"]["range"],
        json!({"start": {"line": 0, "character": 7}, "end": {"line": 0, "character": 23}})
    );
    assert_eq!(related["message"], "gunicorn listens on 127.0.0.1:8001");

    // Hover over the finding: the rule's page.
    let hover = c.request(
        2,
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&nginx)}, "position": {"line": 7, "character": 25}}),
    );
    let page = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(page.contains("X001"), "{hover}");
    // Malformed parameters are an error response, not a crash.
    let bad = c.request(3, "textDocument/hover", json!({"textDocument": 7}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");

    // Fix the bind and save it: the nginx file's findings are withdrawn.
    std::fs::write(
        &gunicorn,
        "bind = \"127.0.0.1:8000\"\nworkers = 3\nwsgi_app = \"app:app\"\n",
    )
    .expect("write");
    c.notify("textDocument/didSave", json!({"textDocument": {"uri": uri(&gunicorn)}}));
    assert_eq!(c.diagnostics_for(&uri(&nginx)), Vec::<Value>::new());

    let shutdown = c.request(4, "shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null, "{shutdown}");
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn negotiates_utf8_positions_and_exits_1_without_shutdown() {
    let dir = deployment("lsp-utf8");
    let mut c = Client::start();
    let init = c.request(
        1,
        "initialize",
        json!({"processId": null, "workspaceFolders": [{"uri": uri(&dir), "name": "d"}],
               "capabilities": {"general": {"positionEncodings": ["utf-16", "utf-8"]}}}),
    );
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8", "{init}");
    c.notify("initialized", json!({}));
    // Without didOpen, the workspace is checked once initialized.
    let diags = c.diagnostics_for(&uri(&dir.join("deploy/nginx/sites-available/app.conf")));
    assert_eq!(diags[0]["code"], "X001", "{diags:?}");
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}
