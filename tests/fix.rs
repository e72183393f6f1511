//! `lint502 check --fix` on real layouts (copies of testdata/deployments):
//! the files change as documented, and the check after the fix is clean.

mod common;

use common::{copy_dir, lint502};

use std::path::Path;

fn scenario(name: &str, tag: &str) -> std::path::PathBuf {
    let dir = common::temp_dir(tag);
    copy_dir(&common::root().join("testdata/deployments").join(name), &dir);
    dir
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).expect("read")
}

#[test]
fn a_port_mismatch_is_fixed_only_on_the_chosen_side() {
    let dir = scenario("gunicorn-conf-port-mismatch", "fix-port");
    let nginx_before = read(&dir, "deploy/nginx/sites-available/app.conf");
    let gunicorn_before = read(&dir, "gunicorn.conf.py");
    // Without --fix-side nothing changes, the finding stays, and lint502 says why.
    let out = lint502(&["check", ".", "--format", "short", "--fix"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fix-side"));
    assert_eq!(read(&dir, "deploy/nginx/sites-available/app.conf"), nginx_before);
    assert_eq!(read(&dir, "gunicorn.conf.py"), gunicorn_before);
    // The backend side: gunicorn binds nginx's port; nginx is untouched.
    let out = lint502(
        &["check", ".", "--format", "short", "--fix", "--fix-side", "backend"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        read(&dir, "gunicorn.conf.py"),
        gunicorn_before.replace("127.0.0.1:8001", "127.0.0.1:8000")
    );
    assert_eq!(read(&dir, "deploy/nginx/sites-available/app.conf"), nginx_before);
    assert_eq!(
        String::from_utf8_lossy(&lint502(&["check", ".", "--format", "short"], &dir).stdout),
        ""
    );

    // The nginx side: proxy_pass points at the backend's port.
    let dir = scenario("gunicorn-conf-port-mismatch", "fix-port-nginx");
    let out = lint502(&["check", ".", "--fix", "--fix-side", "nginx"], &dir);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        read(&dir, "deploy/nginx/sites-available/app.conf"),
        nginx_before.replace("http://127.0.0.1:8000", "http://127.0.0.1:8001")
    );
    assert_eq!(read(&dir, "gunicorn.conf.py"), gunicorn_before);
}

#[test]
fn missing_requirements_are_appended() {
    let dir = scenario("pm2-flask-missing-dependency-502", "fix-req");
    let before = read(&dir, "requirements.txt");
    let out = lint502(&["check", ".", "--format", "short", "--fix"], &dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains("PY001"), "{stdout}");
    let sep = if before.ends_with('\n') { "" } else { "\n" };
    assert_eq!(
        read(&dir, "requirements.txt"),
        format!("{before}{sep}stripe\nweasyprint\n")
    );
    // A second run has nothing left to fix and changes nothing.
    let again = lint502(&["check", ".", "--fix"], &dir);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        read(&dir, "requirements.txt"),
        format!("{before}{sep}stripe\nweasyprint\n")
    );
}

#[test]
fn fix_side_needs_fix() {
    let dir = scenario("gunicorn-conf-port-mismatch", "fix-usage");
    assert_eq!(
        lint502(&["check", ".", "--fix-side", "nginx"], &dir).status.code(),
        Some(2)
    );
}
