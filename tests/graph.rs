//! `lint502 graph`: the request path drawn as Mermaid and DOT, exactly, with
//! the findings on the edges they concern. Whether real Mermaid and Graphviz
//! accept the output is checked by `scripts/render_graph.sh` (it needs node
//! and graphviz, which these tests do not).

mod common;

use std::path::Path;
use std::process::Command;

/// `lint502 graph ARGS` run inside `dir` (paths in the output are then
/// relative to the deployment), returning stdout.
fn graph(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lint502"))
        .arg("graph")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run lint502");
    assert!(
        out.status.success(),
        "lint502 graph exited {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn deployment(name: &str) -> std::path::PathBuf {
    common::root().join("testdata/deployments").join(name)
}

#[test]
fn flask_gunicorn_ok_mermaid_and_dot() {
    let dir = deployment("flask-gunicorn-ok");
    let mermaid = r#"flowchart LR
    server1["server flask.example.com (listen 80)"]
    location1["location /static/"]
    location2["location /"]
    upstream1[["upstream app_server"]]
    listener1["127.0.0.1:8000"]
    backend1("gunicorn (gunicorn.conf.py)")
    server1 --> location1
    server1 --> location2
    location2 -->|"proxy_pass"| upstream1
    upstream1 -->|"server"| listener1
    listener1 --> backend1
"#;
    assert_eq!(graph(&dir, &[]), mermaid);
    assert_eq!(graph(&dir, &["--format", "mermaid"]), mermaid);
    let dot = r#"digraph lint502 {
    rankdir=LR;
    node [shape=box];
    "server1" [label="server flask.example.com (listen 80)"];
    "location1" [label="location /static/"];
    "location2" [label="location /"];
    "upstream1" [label="upstream app_server", shape=box3d];
    "listener1" [label="127.0.0.1:8000"];
    "backend1" [label="gunicorn (gunicorn.conf.py)", style=rounded];
    "server1" -> "location1";
    "server1" -> "location2";
    "location2" -> "upstream1" [label="proxy_pass"];
    "upstream1" -> "listener1" [label="server"];
    "listener1" -> "backend1";
}
"#;
    assert_eq!(graph(&dir, &["--format", "dot"]), dot);
}

/// `proxy_pass http://app_sever;` (a typo of the upstream's name): the edge
/// from `location /` goes nowhere and carries NGX005; the upstream it meant
/// still leads to gunicorn, with no location in front of it.
#[test]
fn flask_gunicorn_502_marks_the_broken_edge() {
    let dir = deployment("flask-gunicorn-502");
    let mermaid = r#"flowchart LR
    server1["server flask.example.com (listen 80)"]
    location1["location /static/"]
    location2["location /"]
    upstream1[["upstream app_server"]]
    listener1["127.0.0.1:8000"]
    backend1("gunicorn (gunicorn.conf.py)")
    unreached1{{"no backend found for app_sever:80"}}
    server1 --> location1
    server1 --> location2
    location2 -.->|"proxy_pass: NGX005"| unreached1
    upstream1 -->|"server"| listener1
    listener1 --> backend1
    classDef unreached stroke:red,color:red
    class unreached1 unreached
    linkStyle 2 stroke:red,color:red
"#;
    assert_eq!(graph(&dir, &[]), mermaid);
    let dot = r#"digraph lint502 {
    rankdir=LR;
    node [shape=box];
    "server1" [label="server flask.example.com (listen 80)"];
    "location1" [label="location /static/"];
    "location2" [label="location /"];
    "upstream1" [label="upstream app_server", shape=box3d];
    "listener1" [label="127.0.0.1:8000"];
    "backend1" [label="gunicorn (gunicorn.conf.py)", style=rounded];
    "unreached1" [label="no backend found for app_sever:80", shape=octagon, color=red, fontcolor=red];
    "server1" -> "location1";
    "server1" -> "location2";
    "location2" -> "unreached1" [label="proxy_pass: NGX005", color=red, fontcolor=red, style=dashed];
    "upstream1" -> "listener1" [label="server"];
    "listener1" -> "backend1";
}
"#;
    assert_eq!(graph(&dir, &["--format", "dot"]), dot);
}

/// A port mismatch (X001): nginx's edge ends at "nothing listens on", and
/// the listener gunicorn really has carries the code too (the diagnostic's
/// label is there). The launcher's quotes are escaped for each syntax, and
/// the app gunicorn loads is drawn.
#[test]
fn port_mismatch_marks_both_ends_and_escapes_the_launcher() {
    let dir = deployment("pm2-gunicorn-port-mismatch");
    let mermaid = r#"flowchart LR
    server1["server app.example.com (listen 80)"]
    location1["location /"]
    listener1["127.0.0.1:5001"]
    backend1("gunicorn (PM2 app #quot;web#quot;)")
    app1(["app:app"])
    unreached1{{"nothing listens on 127.0.0.1:5000"}}
    server1 --> location1
    location1 -.->|"proxy_pass: X001"| unreached1
    listener1 -.->|"X001"| backend1
    backend1 -->|"loads"| app1
    classDef unreached stroke:red,color:red
    class unreached1 unreached
    linkStyle 1,2 stroke:red,color:red
"#;
    assert_eq!(graph(&dir, &[]), mermaid);
    let dot = graph(&dir, &["--format", "dot"]);
    assert!(
        dot.contains(r#""backend1" [label="gunicorn (PM2 app \"web\")", style=rounded];"#),
        "{dot}"
    );
    assert!(
        dot.contains(
            r#""location1" -> "unreached1" [label="proxy_pass: X001", color=red, fontcolor=red, style=dashed];"#
        ),
        "{dot}"
    );
}

/// Names with `"`, `#`, `&`, `<`, `\` and backticks: Mermaid gets entity
/// codes, DOT gets backslash escapes (and `&amp;`, since Graphviz reads
/// entities in labels).
#[test]
fn identifiers_are_escaped_for_each_syntax() {
    let dir = common::temp_dir("graph-escape");
    let site = "upstream \"back#end\" {\n    server 127.0.0.1:5000;\n}\nserver {\n    listen 80;\n    \
                server_name \"ex#ample.com\" a&b.com;\n    location ~ \"\\.php$\" {\n        proxy_pass \
                http://back#end;\n    }\n    location \"/q\\\"uote\" {\n        proxy_pass http://127.0.0.1:5000;\n    \
                }\n}\n";
    std::fs::create_dir_all(dir.join("nginx")).expect("mkdir");
    std::fs::write(dir.join("nginx/app.conf"), site).expect("write");
    std::fs::write(
        dir.join("ecosystem.config.js"),
        "module.exports = { apps: [{ name: 'we\"b<i>', script: 'gunicorn', args: '-b 127.0.0.1:5000 app:app', \
         interpreter: 'none' }] };\n",
    )
    .expect("write");
    let mermaid = graph(&dir, &[]);
    for line in [
        r#"    server1["server ex#35;ample.com a#amp;b.com (listen 80)"]"#,
        r#"    location1["location ~ \.php$"]"#,
        r#"    location2["location /q#quot;uote"]"#,
        r#"    upstream1[["upstream back#35;end"]]"#,
        r#"    backend1("gunicorn (PM2 app #quot;we#quot;b#lt;i#gt;#quot;)")"#,
        r#"    location1 -->|"proxy_pass"| upstream1"#,
        r#"    location2 -->|"proxy_pass"| listener1"#,
        r#"    upstream1 -->|"server"| listener1"#,
    ] {
        assert!(mermaid.lines().any(|l| l == line), "missing {line:?} in\n{mermaid}");
    }
    let dot = graph(&dir, &["--format", "dot"]);
    for line in [
        r#"    "server1" [label="server ex#ample.com a&amp;b.com (listen 80)"];"#,
        r#"    "location1" [label="location ~ \\.php$"];"#,
        r#"    "location2" [label="location /q\"uote"];"#,
        r#"    "backend1" [label="gunicorn (PM2 app \"we\"b<i>\")", style=rounded];"#,
    ] {
        assert!(dot.lines().any(|l| l == line), "missing {line:?} in\n{dot}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Same input, same bytes: ids follow source order, edges are sorted.
#[test]
fn output_is_deterministic_and_every_deployment_draws() {
    for entry in std::fs::read_dir(common::root().join("testdata/deployments")).expect("read_dir") {
        let dir = entry.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        for format in ["mermaid", "dot"] {
            let a = graph(&dir, &["--format", format]);
            let b = graph(&dir, &["--format", format]);
            assert_eq!(a, b, "{} {format}", dir.display());
            let head = if format == "mermaid" {
                "flowchart LR\n"
            } else {
                "digraph lint502 {\n"
            };
            assert!(a.starts_with(head), "{} {format}:\n{a}", dir.display());
        }
    }
}
