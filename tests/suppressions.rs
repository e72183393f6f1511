//! Inline suppressions on real layouts: a copy of a bundled deployment with
//! `lint502:` comments added, run as users run lint502 (short format, exit
//! codes). All four cases: a suppression that works, one without a reason
//! (LNT002), one with an unknown code (LNT003), one that suppresses nothing
//! (LNT004); `--no-inline-suppressions`; and per-format comment leaders.

mod common;

use common::{copy_dir, lint502};

use std::path::{Path, PathBuf};
use std::process::Output;

/// A copy of `testdata/deployments/<name>` (without its expected output and
/// README), in a folder of its own: `<tmp>/<name>`.
fn deployment(name: &str) -> PathBuf {
    let dir = common::temp_dir("suppress").join(name);
    copy_dir(&common::root().join("testdata/deployments").join(name), &dir);
    let _ = std::fs::remove_file(dir.join("expected.txt"));
    let _ = std::fs::remove_file(dir.join("README.md"));
    dir
}

/// Replace the one occurrence of `old` in `path`.
fn edit(dir: &Path, path: &str, old: &str, new: &str) {
    let p = dir.join(path);
    let text = std::fs::read_to_string(&p).expect("read");
    assert_eq!(text.matches(old).count(), 1, "{path}: `{old}`");
    std::fs::write(&p, text.replacen(old, new, 1)).expect("write");
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const PM005: &str = "info[PM005] pm2 app \"shop\" sets no restart backoff: a crash at boot restarts it 16 times in a few seconds, then pm2 stops it, expected exp_backoff_restart_delay (or restart_delay, min_uptime, max_restarts)";
const PY001_STRIPE: &str = "error[PY001] imports `stripe` while the app loads, but no requirement in requirements.txt provides it, expected `stripe` in it";
const PY001_WEASYPRINT: &str = "warning[PY001] imports `weasyprint` when the function around it runs, but no requirement in requirements.txt provides it, expected `weasyprint` in it";

#[test]
fn the_layout_as_bundled() {
    let dir = deployment("pm2-flask-missing-dependency-502");
    let out = lint502(&["check", "--format", "short", "."], &dir);
    assert_eq!(
        stdout(&out),
        format!(
            "ecosystem.config.js:4:13: {PM005}\nshop/payments.py:3:8: {PY001_STRIPE}\nshop/reports.py:8:10: {PY001_WEASYPRINT}\n"
        )
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn suppressions_with_reasons_hide_their_findings() {
    let dir = deployment("pm2-flask-missing-dependency-502");
    // JavaScript: `//`, on the line before the finding.
    edit(
        &dir,
        "ecosystem.config.js",
        "      name: \"shop\",\n",
        "      // lint502: ignore[no-restart-backoff] -- pm2 runs under systemd, which backs off itself\n      name: \"shop\",\n",
    );
    // Python: at the end of the finding's line.
    edit(
        &dir,
        "shop/payments.py",
        "import stripe\n",
        "import stripe  # lint502: ignore[PY001] -- installed by the base image\n",
    );
    let out = lint502(&["check", "--format", "short", "."], &dir);
    assert_eq!(stdout(&out), format!("shop/reports.py:8:10: {PY001_WEASYPRINT}\n"));
    assert_eq!(out.status.code(), Some(0), "the error is suppressed");
    // The text summary counts what was left out.
    let out = lint502(&["check", "."], &dir);
    assert!(
        stdout(&out).ends_with("found 0 errors, 1 warning, 0 info in 8 files (2 suppressed)\n"),
        "{}",
        stdout(&out)
    );
    // And so does the JSON summary.
    let out = lint502(&["check", "--format", "json", "."], &dir);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["summary"]["suppressed"], 2);
    assert_eq!(v["summary"]["warnings"], 1);
    // Auditors see everything.
    let out = lint502(&["check", "--format", "short", "--no-inline-suppressions", "."], &dir);
    assert_eq!(
        stdout(&out),
        format!(
            "ecosystem.config.js:5:13: {PM005}\nshop/payments.py:3:8: {PY001_STRIPE}\nshop/reports.py:8:10: {PY001_WEASYPRINT}\n"
        )
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_four_cases_on_one_layout() {
    let dir = deployment("pm2-flask-missing-dependency-502");
    // Valid, suppresses the PY001 error.
    edit(
        &dir,
        "shop/payments.py",
        "import stripe\n",
        "import stripe  # lint502: ignore[PY001] -- installed by the base image\n",
    );
    // Unused: X001 has nothing to say about line 2 of payments.py.
    edit(
        &dir,
        "shop/payments.py",
        "import os\n",
        "# lint502: ignore[X001] -- left over from the port move\nimport os\n",
    );
    // No reason: suppresses the warning, and is reported.
    edit(
        &dir,
        "shop/reports.py",
        "    from weasyprint import HTML\n",
        "    # lint502: ignore[import-not-installed]\n    from weasyprint import HTML\n",
    );
    // Unknown code: PM005 stays.
    edit(
        &dir,
        "ecosystem.config.js",
        "      name: \"shop\",\n",
        "      name: \"shop\", // lint502: ignore[PM05] -- backoff comes from systemd\n",
    );
    let out = lint502(&["check", "--format", "short", "."], &dir);
    assert_eq!(
        stdout(&out),
        format!(
            "ecosystem.config.js:4:13: {PM005}\n\
             ecosystem.config.js:4:40: warning[LNT003] suppression names `PM05`, but no rule has that code or name\n\
             shop/payments.py:1:19: warning[LNT004] suppression of `X001` matches no finding on line 2\n\
             shop/reports.py:8:5: warning[LNT002] suppression `ignore[import-not-installed]` gives no reason, expected `-- reason` after it\n"
        )
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        lint502(&["check", "--format", "short", "--fail-on", "warning", "."], &dir)
            .status
            .code(),
        Some(1)
    );
    // The text output says what to do.
    let text = stdout(&lint502(&["check", "."], &dir));
    assert!(text.contains("= help: did you mean `PM005`?"), "{text}");
    assert!(
        text.contains("= help: say why the finding is accepted: `# lint502: ignore[import-not-installed] -- <why this finding is accepted>`"),
        "{text}"
    );
    // Selecting only the tool's rules: the suppressed rules did not run, so
    // every known code is unused, and the note says why.
    let out = lint502(&["check", "--format", "short", "--select", "LNT004", "."], &dir);
    assert_eq!(
        stdout(&out),
        "shop/payments.py:1:19: warning[LNT004] suppression of `X001` matches no finding on line 2\n\
         shop/payments.py:4:34: warning[LNT004] suppression of `PY001` matches no finding on this line\n\
         shop/reports.py:8:23: warning[LNT004] suppression of `import-not-installed` (PY001) matches no finding on line 9\n"
    );
    let text = stdout(&lint502(&["check", "--select", "LNT004", "."], &dir));
    assert!(
        text.contains("PY001 did not run for this file (not selected, ignored or turned off by the configuration)"),
        "{text}"
    );
}

#[test]
fn file_ignore_and_nginx_directives_over_several_lines() {
    let dir = deployment("upstream-port-mismatch");
    let conf = "deploy/nginx/sites-available/app.conf";
    let base = lint502(&["check", "--format", "short", "."], &dir);
    let want = "deploy/nginx/sites-available/app.conf:2:12: error[X001] upstream server sends to 127.0.0.1:8000, but no backend listens there; gunicorn (Procfile process web) listens on 127.0.0.1:8080 at Procfile:1\n";
    assert_eq!(stdout(&base), want);
    // An own-line comment covers the whole next directive, over several lines.
    let text = std::fs::read_to_string(dir.join(conf)).expect("read");
    let first = text.lines().nth(1).expect("line 2").to_owned();
    let split = first.replacen("server ", "server\n        ", 1);
    edit(
        &dir,
        conf,
        &format!("{first}\n"),
        &format!("    # lint502: ignore[X001] -- the backend is reached through an SSH tunnel on 8000\n{split}\n"),
    );
    let out = lint502(&["check", "--format", "short", "."], &dir);
    assert_eq!(
        stdout(&out),
        "",
        "{}",
        std::fs::read_to_string(dir.join(conf)).unwrap_or_default()
    );
    assert_eq!(out.status.code(), Some(0));
    // `file-ignore` anywhere in the file.
    let dir = deployment("upstream-port-mismatch");
    let text = std::fs::read_to_string(dir.join(conf)).expect("read");
    std::fs::write(
        dir.join(conf),
        format!("{text}# lint502: file-ignore[proxy-target-no-listener] -- staging copy, ports differ\n"),
    )
    .expect("write");
    let out = lint502(&["check", "--format", "short", "."], &dir);
    assert_eq!(stdout(&out), "");
    // A suppression in the other file of a cross-file finding does nothing:
    // the primary label is in the nginx file.
    let dir = deployment("upstream-port-mismatch");
    edit(&dir, "Procfile", "web:", "# lint502: ignore[X001] -- reviewed\nweb:");
    let out = lint502(&["check", "--format", "short", "."], &dir);
    assert_eq!(
        stdout(&out),
        format!(
            "Procfile:1:19: warning[LNT004] suppression of `X001` matches no finding on line 2\n{}",
            want.replace("at Procfile:1", "at Procfile:2")
        )
    );
}

#[test]
fn own_line_only_formats_and_json() {
    // systemd: an own-line comment works; a trailing one is part of the value.
    let dir = deployment("systemd-cli-overrides-conf");
    let base = stdout(&lint502(&["check", "--format", "short", "."], &dir));
    assert!(base.contains("error[X001]"), "{base}");
    edit(
        &dir,
        "deploy/nginx/sites-available/app.conf",
        "        proxy_pass",
        "        # lint502: ignore[X001] -- moved to 8001 in the next release\n        proxy_pass",
    );
    edit(
        &dir,
        "deploy/systemd/app.service",
        "[Service]\n",
        "[Service]\n# lint502: file-ignore[LNT004] -- kept while the unit is templated\nUser=www-data  # lint502: ignore[X007] -- reviewed\n",
    );
    let out = lint502(&["check", "--format", "short", "."], &dir);
    // The nginx finding is suppressed; the unit's `file-ignore[LNT004]`
    // found nothing to silence, and is reported (this one cannot be).
    assert_eq!(
        stdout(&out),
        "deploy/systemd/app.service:6:24: warning[LNT004] suppression of `LNT004` matches no finding in this file\n\
         deploy/systemd/app.service:7:16: warning[LNT003] `#` after a value is not a comment in a systemd unit, so this suppression is part of the value, expected it on a line of its own\n"
    );
    // JSON has no comments: nothing in it is read as a suppression.
    let dir = deployment("node-bin-www-exposed");
    edit(
        &dir,
        "ecosystem.config.json",
        "\"name\": \"blog\",",
        "\"name\": \"blog\", \"_comment\": \"# lint502: ignore[PM005] -- no comments in JSON\",",
    );
    let out = stdout(&lint502(&["check", "--format", "short", "."], &dir));
    assert!(out.contains("info[PM005]"), "{out}");
    assert!(!out.contains("LNT00"), "{out}");
}
