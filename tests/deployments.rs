//! Whole example deployments (`testdata/deployments/<scenario>/`): with all
//! rules on, the output equals the scenario's `expected.txt` (short format,
//! paths relative to the scenario), or is empty when there is none.
//! `LINT502_BLESS=1` rewrites the expected files that exist.

mod common;

#[test]
fn deployments_match_their_expected_output() {
    let base = common::root().join("testdata/deployments");
    let mut dirs: Vec<_> = std::fs::read_dir(&base)
        .expect("testdata/deployments")
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 2);
    let mut failures = Vec::new();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        let got: String = common::short_lines(dir, &[]).iter().map(|l| format!("{l}\n")).collect();
        let expected_path = dir.join("expected.txt");
        if std::env::var_os("LINT502_BLESS").is_some() && expected_path.exists() {
            std::fs::write(&expected_path, &got).expect("write");
        }
        let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != want {
            failures.push(format!("{}:\n--- expected\n{want}--- got\n{got}", dir.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A script a launcher names outside the checked folder is never read: the
/// node app's real port (3001, in `../server.js`) stays unknown, so nothing
/// is judged; the same script inside the folder is read and X001 fires.
#[test]
fn scripts_outside_the_checked_folder_are_not_read() {
    let base = common::temp_dir("outside-script");
    let inner = base.join("repo");
    std::fs::create_dir_all(inner.join("nginx")).expect("mkdir");
    let server = "require('http').createServer(() => {}).listen(3001, '127.0.0.1');\n";
    std::fs::write(base.join("server.js"), server).expect("write");
    std::fs::write(
        inner.join("nginx/app.conf"),
        "server { listen 80; location / { proxy_pass http://127.0.0.1:3000; } }\n",
    )
    .expect("write");
    std::fs::write(
        inner.join("ecosystem.config.js"),
        "module.exports = { apps: [{ name: 'a', script: '../server.js', exp_backoff_restart_delay: 100 }] };\n",
    )
    .expect("write");
    assert_eq!(common::codes(&inner), Vec::<&str>::new());
    // Inside: read, and the port mismatch is found.
    std::fs::write(inner.join("server.js"), server).expect("write");
    std::fs::write(
        inner.join("ecosystem.config.js"),
        "module.exports = { apps: [{ name: 'a', script: './server.js', exp_backoff_restart_delay: 100 }] };\n",
    )
    .expect("write");
    assert_eq!(common::codes(&inner), vec!["X001"]);
}

/// A virtualenv in the repository says which modules a distribution
/// provides: its `*.dist-info` wins over lint502's tables.
#[test]
fn a_repository_virtualenv_names_the_modules_of_its_distributions() {
    let base = common::temp_dir("venv-metadata");
    std::fs::write(base.join("requirements.txt"), "acme-web==1.0\n").expect("write");
    std::fs::write(base.join("Procfile"), "web: gunicorn app:app\n").expect("write");
    std::fs::write(
        base.join("app.py"),
        "import acme_http\nimport yaml\napp = acme_http.App()\n",
    )
    .expect("write");
    // No virtualenv: neither module is known to come from acme-web.
    let lines = common::short_lines(&base, &["PY001"]);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains("`acme_http`") && lines[1].contains("`yaml`"),
        "{lines:?}"
    );
    let site = base.join(".venv/lib/python3.12/site-packages");
    let info = site.join("acme_web-1.0.dist-info");
    std::fs::create_dir_all(&info).expect("mkdir");
    std::fs::write(base.join(".venv/pyvenv.cfg"), "home = /usr/bin\n").expect("write");
    std::fs::write(info.join("METADATA"), "Name: acme-web\nRequires-Dist: PyYAML>=6\n").expect("write");
    std::fs::write(info.join("RECORD"), "acme_http/__init__.py,,\n").expect("write");
    let yaml = site.join("PyYAML-6.0.2.dist-info");
    std::fs::create_dir_all(&yaml).expect("mkdir");
    std::fs::write(yaml.join("METADATA"), "Name: PyYAML\n").expect("write");
    std::fs::write(yaml.join("top_level.txt"), "_yaml\nyaml\n").expect("write");
    // With it: acme_http is acme-web's, and yaml comes with it.
    assert_eq!(common::codes(&base), Vec::<&str>::new());
}
