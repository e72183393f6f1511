//! Configuration files on real layouts: copies of bundled deployments with a
//! `lint502.toml`, a `.lint502.toml` or a `[tool.lint502]` table added, run as
//! users run lint502 (short format, exit codes, the one-line errors).

mod common;

use common::{copy_dir, lint502};

use std::path::{Path, PathBuf};
use std::process::Output;

/// A copy of `testdata/deployments/<name>` at `<tmp>/repo/<name>` (without
/// its expected output and README); returns `<tmp>/repo`.
fn repo_with(name: &str) -> PathBuf {
    let repo = common::temp_dir("config").join("repo");
    let dir = repo.join(name);
    copy_dir(&common::root().join("testdata/deployments").join(name), &dir);
    let _ = std::fs::remove_file(dir.join("expected.txt"));
    let _ = std::fs::remove_file(dir.join("README.md"));
    repo
}

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const APP: &str = "pm2-flask-missing-dependency-502";
const PM005: &str = "app/ecosystem.config.js:4:13: info[PM005] pm2 app \"shop\" sets no restart backoff: a crash at boot restarts it 16 times in a few seconds, then pm2 stops it, expected exp_backoff_restart_delay (or restart_delay, min_uptime, max_restarts)";
const STRIPE: &str = "app/shop/payments.py:3:8: error[PY001] imports `stripe` while the app loads, but no requirement in app/requirements.txt provides it, expected `stripe` in it";
const WEASYPRINT: &str = "app/shop/reports.py:8:10: warning[PY001] imports `weasyprint` when the function around it runs, but no requirement in app/requirements.txt provides it, expected `weasyprint` in it";

/// The layout at `<repo>/app`, checked from `<repo>` as `app`.
fn app_repo() -> PathBuf {
    let repo = repo_with(APP);
    std::fs::rename(repo.join(APP), repo.join("app")).expect("rename");
    repo
}

fn lines(s: &[&str]) -> String {
    s.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn no_configuration() {
    let repo = app_repo();
    let out = lint502(&["check", "--format", "short", "app"], &repo);
    assert_eq!(stdout(&out), lines(&[PM005, STRIPE, WEASYPRINT]));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn found_upward_from_the_checked_path() {
    let repo = app_repo();
    // In a folder above the checked one.
    write(&repo, "lint502.toml", "ignore = [\"PM005\"]\n");
    let out = lint502(&["check", "--format", "short", "app"], &repo);
    assert_eq!(stdout(&out), lines(&[STRIPE, WEASYPRINT]));
    // Whatever the working directory.
    let out = lint502(&["check", "--format", "short", "."], &repo.join("app"));
    assert_eq!(stdout(&out), lines(&[STRIPE, WEASYPRINT]).replace("app/", ""));
    // The nearest folder wins: app/.lint502.toml over ../lint502.toml.
    write(&repo, "app/.lint502.toml", "ignore = [\"PY001\"]\n");
    let out = lint502(&["check", "--format", "short", "app"], &repo);
    assert_eq!(stdout(&out), lines(&[PM005]));
    assert_eq!(out.status.code(), Some(0));
    // In one folder: lint502.toml, then .lint502.toml, then pyproject.toml.
    write(
        &repo,
        "app/pyproject.toml",
        "[project]\nname = \"shop\"\n\n[tool.lint502]\nignore = [\"X\"]\n",
    );
    let out = lint502(&["check", "--format", "short", "-v", "app"], &repo);
    assert_eq!(stdout(&out), lines(&[PM005]));
    assert!(
        stderr(&out).contains("lint502: using the configuration in app/.lint502.toml"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(repo.join("app/.lint502.toml")).expect("rm");
    let out = lint502(&["check", "--format", "short", "-v", "app"], &repo);
    assert!(
        stderr(&out).contains("lint502: using the configuration in app/pyproject.toml"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), lines(&[PM005, STRIPE, WEASYPRINT]));
    // A pyproject.toml without [tool.lint502] does not count: the search goes on upward.
    write(&repo, "app/pyproject.toml", "[project]\nname = \"shop\"\n");
    let out = lint502(&["check", "--format", "short", "app"], &repo);
    assert_eq!(stdout(&out), lines(&[STRIPE, WEASYPRINT]));
    write(&repo, "app/lint502.toml", "ignore = [\"PY\"]\n");
    let out = lint502(&["check", "--format", "short", "app"], &repo);
    assert_eq!(stdout(&out), lines(&[PM005]));
}

#[test]
fn named_with_config_or_ignored_with_isolated() {
    let repo = app_repo();
    write(&repo, "lint502.toml", "ignore = [\"PM005\"]\n");
    write(&repo, "ci/strict.toml", "select = [\"PY\"]\nfail-on = \"warning\"\n");
    let out = lint502(
        &["check", "--format", "short", "--config", "ci/strict.toml", "app"],
        &repo,
    );
    assert_eq!(stdout(&out), lines(&[STRIPE, WEASYPRINT]));
    let out = lint502(&["check", "--format", "short", "--isolated", "app"], &repo);
    assert_eq!(stdout(&out), lines(&[PM005, STRIPE, WEASYPRINT]));
    // Both at once is a usage error.
    let out = lint502(&["check", "--config", "ci/strict.toml", "--isolated", "app"], &repo);
    assert_eq!(out.status.code(), Some(2));
    let out = lint502(&["check", "--config", "ci/missing.toml", "app"], &repo);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("lint502: ci/missing.toml: cannot read the configuration file: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unknown_keys_and_bad_values_are_errors_with_file_and_line() {
    let repo = app_repo();
    write(
        &repo,
        "lint502.toml",
        "# team settings\nfail-on = \"error\"\nselekt = [\"X001\"]\n",
    );
    let out = lint502(&["check", "app"], &repo);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "lint502: lint502.toml:3:1: unknown key `selekt` in lint502.toml, did you mean `select`?\n"
    );
    write(&repo, "lint502.toml", "");
    write(&repo, "app/pyproject.toml", "[tool.lint502]\nfail_on = \"warning\"\n");
    let out = lint502(&["check", "app"], &repo);
    assert_eq!(
        stderr(&out),
        "lint502: app/pyproject.toml:2:1: unknown key `tool.lint502.fail_on` in pyproject.toml, did you mean `fail-on`?\n"
    );
    write(
        &repo,
        "app/pyproject.toml",
        "[tool.lint502.severity]\nPY001 = \"warning\"\nPM05 = \"error\"\n",
    );
    let out = lint502(&["check", "app"], &repo);
    assert_eq!(
        stderr(&out),
        "lint502: app/pyproject.toml:3:1: no rule matches `PM05` in `tool.lint502.severity`: expected a code, a prefix or a name, did you mean `PM005`?\n"
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn severity_fail_on_and_per_file_ignores() {
    let repo = app_repo();
    // Severity per rule; fail-on from the configuration.
    write(
        &repo,
        "lint502.toml",
        "fail-on = \"warning\"\n\n[severity]\nimport-not-installed = \"warning\"\nPM005 = \"off\"\n",
    );
    let out = lint502(&["check", "--format", "short", "app"], &repo);
    assert_eq!(
        stdout(&out),
        lines(&[&STRIPE.replace("error[PY001]", "warning[PY001]"), WEASYPRINT])
    );
    assert_eq!(out.status.code(), Some(1), "fail-on = \"warning\"");
    // The command line wins.
    let out = lint502(&["check", "--format", "short", "--fail-on", "error", "app"], &repo);
    assert_eq!(out.status.code(), Some(0));
    // per-file-ignores: globs relative to the configuration's folder.
    write(
        &repo,
        "lint502.toml",
        "[per-file-ignores]\n\"app/shop/reports.py\" = [\"PY001\"]\n\"*.js\" = [\"no-restart-backoff\"]\n",
    );
    let out = lint502(&["check", "--format", "short", "app"], &repo);
    assert_eq!(stdout(&out), lines(&[STRIPE]));
    let out = lint502(&["check", "app"], &repo);
    assert!(
        stdout(&out).ends_with("found 1 error, 0 warnings, 0 info in 7 files (2 suppressed)\n"),
        "{}",
        stdout(&out)
    );
    // From another working directory: the globs stay relative to the configuration.
    let out = lint502(&["check", "--format", "short", "."], &repo.join("app"));
    assert_eq!(stdout(&out), lines(&[STRIPE]).replace("app/", ""));
}

#[test]
fn exclude_keeps_files_from_being_read() {
    let repo = app_repo();
    write(
        &repo,
        "app/legacy/nginx/sites-available/old.conf",
        "server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:9000\n    }\n}\n",
    );
    let out = lint502(&["check", "--format", "short", "--select", "LNT001", "app"], &repo);
    assert_eq!(
        stdout(&out),
        "app/legacy/nginx/sites-available/old.conf:5:5: error[LNT001] nginx syntax error: unexpected \"}\"\n"
    );
    write(&repo, "app/lint502.toml", "exclude = [\"legacy/\"]\n");
    let out = lint502(&["check", "--format", "short", "app"], &repo);
    assert_eq!(stdout(&out), lines(&[PM005, STRIPE, WEASYPRINT]));
    // A file named on the command line is read all the same.
    let out = lint502(
        &[
            "check",
            "--format",
            "short",
            "app/legacy/nginx/sites-available/old.conf",
        ],
        &repo,
    );
    assert!(stdout(&out).contains("error[LNT001]"), "{}", stdout(&out));
}

#[test]
fn environment_module_names_and_python_version() {
    // [env]: the platform sets PORT; the Procfile reads it.
    let repo = repo_with("procfile-port-from-platform-ok");
    let dir = repo.join("procfile-port-from-platform-ok");
    let out = lint502(&["check", "--format", "short", "."], &dir);
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("", Some(0)));
    write(&dir, "lint502.toml", "[env]\nPORT = \"9000\"\n");
    let out = lint502(&["check", "--format", "short", "."], &dir);
    assert_eq!(
        stdout(&out),
        "nginx/conf.d/app.conf:5:20: error[X001] proxy_pass sends to 127.0.0.1:8000, but no backend listens there; gunicorn (Procfile process web) listens on 0.0.0.0:9000 at Procfile:1\n"
    );
    let text = stdout(&lint502(&["check", "."], &dir));
    assert!(text.contains("┌─ lint502.toml:2:9"), "{text}");
    assert!(text.contains("PORT=9000 in the environment"), "{text}");
    write(&dir, "lint502.toml", "[env]\nPORT = 8000\n");
    let out = lint502(&["check", "--format", "short", "."], &dir);
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("", Some(0)));

    // [module-names] and python-version.
    let repo = app_repo();
    let payments = repo.join("app/shop/payments.py");
    let text = std::fs::read_to_string(&payments).expect("read");
    std::fs::write(&payments, text.replacen("import os\n", "import os\nimport cgi\n", 1)).expect("write");
    let mut req = std::fs::read_to_string(repo.join("app/requirements.txt")).expect("read");
    req.push_str("payments-sdk==2.0\n");
    std::fs::write(repo.join("app/requirements.txt"), req).expect("write");
    let cgi = "app/shop/payments.py:2:8: error[PY002] imports `cgi` while the app loads, but Python 3.13 removed it from the standard library";
    let out = stdout(&lint502(
        &["check", "--format", "short", "--select", "PY", "app"],
        &repo,
    ));
    assert!(out.contains(cgi), "{out}");
    assert!(out.contains("error[PY001] imports `stripe`"), "{out}");
    write(
        &repo,
        "app/lint502.toml",
        "python-version = \"3.12\"\n\n[module-names]\nstripe = \"payments-sdk\"\n",
    );
    let out = lint502(&["check", "--format", "short", "--select", "PY", "app"], &repo);
    assert_eq!(stdout(&out), lines(&[WEASYPRINT]));
    write(&repo, "app/lint502.toml", "python-version = \"3.13\"\n");
    let out = stdout(&lint502(
        &["check", "--format", "short", "--select", "PY002", "app"],
        &repo,
    ));
    assert_eq!(
        out,
        format!("{cgi} (python-version in app/lint502.toml says 3.13), expected a replacement\n")
    );
}

#[test]
fn nginx_settings_and_the_command_line_wins() {
    let repo = app_repo();
    write(&repo, "lint502.toml", "nginx-version = \"one\"\n");
    let out = lint502(&["check", "app"], &repo);
    assert_eq!(
        stderr(&out),
        "lint502: lint502.toml:1:17: `nginx-version` is `one`, expected a version such as \"1.28.0\", \"1.30\" or \"latest\"\n"
    );
    write(&repo, "lint502.toml", "select = [\"PM\"]\n");
    let out = lint502(&["check", "--format", "short", "--select", "PY001", "app"], &repo);
    assert_eq!(stdout(&out), lines(&[STRIPE, WEASYPRINT]), "--select replaces select");
    write(
        &repo,
        "lint502.toml",
        "ignore = [\"PY\"]\nextend-select = [\"import-not-installed\"]\n",
    );
    let out = lint502(&["check", "--format", "short", "app"], &repo);
    assert_eq!(
        stdout(&out),
        lines(&[PM005, STRIPE, WEASYPRINT]),
        "a name is more specific than a prefix"
    );
}
