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
        "module.exports = { apps: [{ name: 'a', script: '../server.js' }] };\n",
    )
    .expect("write");
    assert_eq!(common::codes(&inner), Vec::<&str>::new());
    // Inside: read, and the port mismatch is found.
    std::fs::write(inner.join("server.js"), server).expect("write");
    std::fs::write(
        inner.join("ecosystem.config.js"),
        "module.exports = { apps: [{ name: 'a', script: './server.js' }] };\n",
    )
    .expect("write");
    assert_eq!(common::codes(&inner), vec!["X001"]);
}
