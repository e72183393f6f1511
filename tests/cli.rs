//! The command line as users run it: exit codes, formats, one broken file
//! among good ones, explain/rules/parse.

mod common;

use common::lint502;

use std::path::Path;
use std::process::Command;

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

const GOOD_SITE: &str = "upstream app { server 127.0.0.1:8000; }\nserver {\n    listen 80;\n    location / {\n        proxy_pass http://app;\n    }\n}\n";

#[test]
fn a_syntax_error_is_one_spanned_diagnostic_and_the_other_files_are_still_checked() {
    let dir = common::temp_dir("cli-syntax");
    write(
        &dir,
        "nginx/sites-available/broken.conf",
        "server {\n    listen 80;\n    return 200 ok }\n",
    );
    write(
        &dir,
        "nginx/sites-available/typo.conf",
        "server {\n    location / {\n        proxy_pass http://missing_upstream;\n    }\n}\n",
    );
    write(&dir, "nginx/sites-available/good.conf", GOOD_SITE);
    let out = lint502(&["check", ".", "--format", "short"], &dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        vec![
            "nginx/sites-available/broken.conf:3:19: error[LNT001] nginx syntax error: unexpected \"}\"",
            "nginx/sites-available/typo.conf:3:20: error[NGX005] proxy_pass sends to \"missing_upstream\", which is not an upstream, expected one of the upstreams (app) or a host with a port",
        ],
        "{stdout}"
    );
}

#[test]
fn exit_codes() {
    let dir = common::temp_dir("cli-exit");
    write(&dir, "nginx/sites-available/good.conf", GOOD_SITE);
    assert_eq!(lint502(&["check", "."], &dir).status.code(), Some(0));
    write(
        &dir,
        "nginx/sites-available/warn.conf",
        "server {\n    proxy_passs x;\n}\n",
    );
    // An unknown directive is a warning: exit 0 by default, 1 with --fail-on warning.
    assert_eq!(lint502(&["check", "."], &dir).status.code(), Some(0));
    assert_eq!(
        lint502(&["check", ".", "--fail-on", "warning"], &dir).status.code(),
        Some(1)
    );
    // Usage errors and missing paths exit 2.
    assert_eq!(lint502(&["check", "--format", "nope"], &dir).status.code(), Some(2));
    assert_eq!(lint502(&["check", "does-not-exist"], &dir).status.code(), Some(2));
    assert_eq!(
        lint502(&["check", ".", "--select", "NOPE999"], &dir).status.code(),
        Some(2)
    );
}

#[test]
fn an_unreadable_file_is_one_line_and_never_a_clean_exit() {
    let dir = common::temp_dir("cli-unreadable");
    write(&dir, "nginx/sites-available/good.conf", GOOD_SITE);
    // A directory where a file is expected cannot be read as a file: point an
    // explicit path at a file that vanishes is racy, so use a dangling symlink.
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.join("nowhere.conf"),
        dir.join("nginx/sites-available/dangling.conf"),
    )
    .expect("symlink");
    let out = lint502(&["check", "."], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.lines().any(|l| l.contains("dangling.conf")), "{stderr}");
}

#[test]
fn json_output_has_the_documented_shape() {
    let dir = common::temp_dir("cli-json");
    write(
        &dir,
        "nginx/sites-available/typo.conf",
        "upstream app_server { server 127.0.0.1:8000; }\nserver {\n    location / {\n        proxy_pass http://app_sever;\n    }\n}\n",
    );
    let out = lint502(&["check", ".", "--format", "json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["version"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "NGX005");
    assert_eq!(d["name"], "upstream-host-not-found");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["path"], "nginx/sites-available/typo.conf");
    assert_eq!(d["range"]["start"]["line"], 4);
    assert_eq!(d["range"]["start"]["column"], 20);
    assert_eq!(d["labels"][0]["path"], "nginx/sites-available/typo.conf");
    assert_eq!(d["labels"][0]["range"]["start"]["line"], 1);
    assert_eq!(d["labels"][0]["message"], "did you mean this upstream?");
    assert_eq!(v["summary"]["errors"], 1);
}

#[test]
fn text_output_shows_both_ends() {
    let dir = common::temp_dir("cli-text");
    write(
        &dir,
        "nginx/sites-available/typo.conf",
        "upstream app_server { server 127.0.0.1:8000; }\nserver {\n    location / {\n        proxy_pass http://app_sever;\n    }\n}\n",
    );
    let out = lint502(&["check", "."], &dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("error[NGX005]"), "{stdout}");
    assert!(stdout.contains("nginx/sites-available/typo.conf:4:20"), "{stdout}");
    assert!(stdout.contains("did you mean this upstream?"), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "NO_COLOR must disable colour");
}

#[test]
fn verbose_says_what_each_file_was_taken_to_be() {
    let dir = common::temp_dir("cli-verbose");
    write(&dir, "nginx/sites-available/good.conf", GOOD_SITE);
    write(
        &dir,
        "supervisor/conf.d/app.conf",
        "[program:app]\ncommand=gunicorn app:app\n",
    );
    write(&dir, "node_modules/x/nginx.conf", "events {}\n");
    let out = lint502(&["check", ".", "-v"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nginx/sites-available/good.conf: nginx: in a sites-available/ folder"),
        "{stderr}"
    );
    // An INI file in conf.d is not nginx: it is a supervisor program.
    assert!(
        stderr.contains("supervisor/conf.d/app.conf: launch: supervisor file"),
        "{stderr}"
    );
    assert!(!stderr.contains("node_modules"), "{stderr}");
}

#[test]
fn explain_rules_and_parse() {
    let dir = common::root();
    let out = lint502(&["explain", "NGX005"], &dir);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("NGX005 upstream-host-not-found\n"));
    let by_name = lint502(&["explain", "upstream-host-not-found"], &dir);
    assert_eq!(by_name.stdout, out.stdout);
    assert_eq!(lint502(&["explain", "NOPE"], &dir).status.code(), Some(2));

    let out = lint502(&["rules", "--format", "json"], &dir);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v.as_array().map(|a| a.len()), Some(lint502::rules::RULES.len()));

    let tmp = common::temp_dir("cli-parse");
    write(&tmp, "x.conf", "server { listen \"80\"; }\n");
    let out = lint502(&["parse", "x.conf"], &tmp);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["status"], "ok");
    assert_eq!(v["parsed"][0]["directive"], "server");
    assert_eq!(v["parsed"][0]["block"][0]["args"][0]["value"], "80");
    assert_eq!(v["parsed"][0]["block"][0]["args"][0]["quote"], "\"");
    assert_eq!(v["parsed"][0]["block"][0]["args"][0]["span"]["start"], 16);
}

#[test]
fn symlink_loops_are_reported_not_followed() {
    let dir = common::temp_dir("cli-loop");
    write(&dir, "nginx/sites-available/good.conf", GOOD_SITE);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir, dir.join("nginx/loop")).expect("symlink");
    let out = lint502(&["check", "."], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("symlink loop"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "a loop is reported, not fatal: {stderr}");
}

/// A reader that stops early (`lint502 … | head -1`) closes the pipe: the
/// process must end without a panic (exit code 101) in every format.
#[test]
fn closed_stdout_is_not_a_panic() {
    let dir = common::root().join("testdata/deployments");
    for format in ["short", "json", "text"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lint502"))
            .args(["check", "--format", format])
            .arg(&dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        // Closed before lint502 writes anything.
        drop(child.stdout.take());
        let status = child.wait().expect("wait");
        assert_ne!(status.code(), Some(101), "{format}: panicked on a closed pipe");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_lint502"))
        .args(["rules"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    assert_ne!(child.wait().expect("wait").code(), Some(101));
}

/// `--nginx-version` decides nginx's upstream keep-alive defaults (1.29.7
/// turned them on); a value that is not a version is a usage error.
#[test]
fn nginx_version_option_changes_keepalive_defaults() {
    let dir = common::temp_dir("cli-nginx-version");
    write(
        &dir,
        "nginx/conf.d/app.conf",
        "upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    listen 80;\n    location / {\n        proxy_pass http://app;\n    }\n}\n",
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["check", ".", "--format", "short", "--select", "NGX012"];
        args.extend_from_slice(extra);
        let out = lint502(&args, &dir);
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    // Assumed older than 1.29.7: HTTP/1.0 and `Connection: close`, the cache is unused.
    let (_, old) = run(&[]);
    assert!(old.contains("info[NGX012]"), "{old}");
    assert!(old.contains("assuming one before 1.29.7"), "{old}");
    let (_, stated_old) = run(&["--nginx-version", "1.28.0"]);
    assert!(stated_old.contains("info[NGX012]"), "{stated_old}");
    // 1.30 speaks HTTP/1.1 without `Connection: close` by default.
    let (_, new) = run(&["--nginx-version", "1.30"]);
    assert_eq!(new, "", "{new}");
    let (code, _) = run(&["--nginx-version", "one-point-thirty"]);
    assert_eq!(code, Some(2));
}
