//! Hostile input (issue 7): each case runs the `lint502` binary in a subprocess, so that a stack overflow would show
//! as a failed exit code instead of aborting this test binary, and asserts a clean exit, the diagnostic, that the
//! other files are still checked, a generous time bound (a guard against hangs, not a speed target) and a memory
//! bound (the child runs under `ulimit -v`).

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Generous for a debug build on a busy machine.
const BOUND: Duration = Duration::from_secs(20);

const TYPO: &str = "server {\n    location / {\n        proxy_pass http://missing_upstream;\n    }\n}\n";
const TYPO_LINE: &str = "nginx/sites-available/typo.conf:3:20: error[NGX005]";

fn write(dir: &Path, path: &str, bytes: &[u8]) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, bytes).expect("write");
}

/// The memory bound: the child's address space (`ulimit -v`, in KiB). Past it an allocation fails, the process
/// aborts, and the exit-code assertions fail. A run here peaks at about 30 MB resident (the 5,000-file include bomb,
/// debug build).
const ADDRESS_SPACE_KIB: u32 = 1024 * 1024;

/// Run `lint502 check . --format <format>` in `dir` under the memory bound; stdout, stderr, exit code.
fn check(dir: &Path, format: &str) -> (String, String, Option<i32>) {
    let start = Instant::now();
    let limit = format!("ulimit -v {ADDRESS_SPACE_KIB}; exec \"$0\" \"$@\"");
    let out: Output = Command::new("sh")
        .args([
            "-c",
            &limit,
            env!("CARGO_BIN_EXE_lint502"),
            "check",
            ".",
            "--format",
            format,
        ])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run lint502");
    let took = start.elapsed();
    assert!(took < BOUND, "took {took:?}");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

/// A deployment with one hostile file and one ordinary finding that must still be reported.
fn with_typo(tag: &str) -> std::path::PathBuf {
    let dir = common::temp_dir(tag);
    write(&dir, "nginx/sites-available/typo.conf", TYPO.as_bytes());
    dir
}

fn assert_typo_reported(stdout: &str) {
    assert!(stdout.lines().any(|l| l.starts_with(TYPO_LINE)), "{stdout}");
}

#[test]
fn a_100_mb_config_is_reported_on_one_line_not_read() {
    let dir = with_typo("hostile-huge");
    // Text for the first 128 KiB (so it is taken as nginx, not as binary), then a sparse tail up to 100 MB.
    let p = dir.join("nginx/conf.d/huge.conf");
    write(
        &dir,
        "nginx/conf.d/huge.conf",
        "server {\n    listen 80;\n}\n".repeat(5000).as_bytes(),
    );
    std::fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .and_then(|f| f.set_len(100 * 1024 * 1024))
        .expect("grow");
    let (stdout, stderr, code) = check(&dir, "short");
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert_typo_reported(&stdout);
    let said: Vec<&str> = stderr.lines().filter(|l| l.contains("huge.conf")).collect();
    assert_eq!(
        said,
        vec!["lint502: nginx/conf.d/huge.conf: file is 104857600 bytes, larger than the 16777216 byte limit; not read"],
        "{stderr}"
    );
}

#[test]
fn ten_thousand_nested_nginx_blocks() {
    let dir = with_typo("hostile-deep-nginx");
    let text = format!("server {{\n{}{}", "location / {\n".repeat(10_000), "}\n".repeat(10_001));
    write(&dir, "nginx/sites-available/deep.conf", text.as_bytes());
    let (stdout, stderr, code) = check(&dir, "short");
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("nginx/sites-available/deep.conf:257:12: error[LNT001] nginx syntax error: blocks nest deeper than 256 levels; lint502 stops reading here"),
        "{stdout}"
    );
    assert_typo_reported(&stdout);
}

#[test]
fn ten_thousand_brackets_in_a_pm2_file() {
    let dir = with_typo("hostile-deep-pm2");
    let text = format!(
        "module.exports = {{apps: {}{}}};\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    write(&dir, "ecosystem.config.js", text.as_bytes());
    let (stdout, stderr, code) = check(&dir, "short");
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains(
            "ecosystem.config.js:1:152: error[LNT001] syntax error: found brackets nested more than 128 deep"
        ),
        "{stdout}"
    );
    assert_typo_reported(&stdout);
}

#[test]
fn ten_thousand_brackets_in_python() {
    let dir = with_typo("hostile-deep-py");
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    write(&dir, "gunicorn.conf.py", format!("bind = {deep}\n").as_bytes());
    write(&dir, "app.py", format!("x = {deep}\napp = None\n").as_bytes());
    let (stdout, stderr, code) = check(&dir, "short");
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("gunicorn.conf.py:1:208: error[LNT001] syntax error: too many nested parentheses"),
        "{stdout}"
    );
    assert_typo_reported(&stdout);
}

#[test]
fn ten_thousand_nested_yaml_flows() {
    let dir = with_typo("hostile-deep-yaml");
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    write(&dir, "ecosystem.config.yml", format!("apps: {deep}\n").as_bytes());
    write(&dir, "docker-compose.yml", format!("services: {deep}\n").as_bytes());
    let (stdout, stderr, code) = check(&dir, "short");
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    for f in ["ecosystem.config.yml", "docker-compose.yml"] {
        assert!(
            stdout.lines().any(|l| l.starts_with(f)
                && l.contains("error[LNT001] syntax error: invalid yaml: recursion limit exceeded")),
            "{stdout}"
        );
    }
    assert_typo_reported(&stdout);
}

#[test]
fn include_cycle_is_ngx007() {
    let dir = with_typo("hostile-cycle");
    write(
        &dir,
        "nginx/nginx.conf",
        b"events {}\nhttp {\n    include conf.d/a.conf;\n}\n",
    );
    write(&dir, "nginx/conf.d/a.conf", b"include conf.d/b.conf;\n");
    write(&dir, "nginx/conf.d/b.conf", b"include conf.d/a.conf;\n");
    let (stdout, stderr, code) = check(&dir, "short");
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("error[NGX007] include \"conf.d/"), "{stdout}");
    assert_typo_reported(&stdout);
}

/// 5,000 files that each include the glob that matches them all: one walk stops at the expansion limit, and the
/// files it did not reach are not walked again one by one (that took minutes before).
#[test]
fn include_bomb_is_bounded() {
    let dir = with_typo("hostile-bomb");
    write(
        &dir,
        "nginx/nginx.conf",
        b"events {}\nhttp {\n    include conf.d/*.conf;\n}\n",
    );
    for i in 0..5000 {
        write(&dir, &format!("nginx/conf.d/f{i}.conf"), b"include conf.d/*.conf;\n");
    }
    let (stdout, stderr, code) = check(&dir, "short");
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("nginx/conf.d/f0.conf:1:9: error[NGX007] include \"conf.d/*.conf\" includes a file that is already being read"),
        "{stdout}"
    );
    assert_typo_reported(&stdout);
}

#[test]
fn binary_files_with_config_names() {
    let dir = with_typo("hostile-binary");
    // A fixed pseudo-random byte stream (xorshift), NULs at the end.
    let mut x: u32 = 2_463_534_242;
    let mut noise = Vec::new();
    for _ in 0..100_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.push((x & 0xff) as u8);
    }
    let mut nginx = noise.clone();
    nginx.extend([0u8; 1000]);
    write(&dir, "nginx/nginx.conf", &nginx);
    let mut js = vec![0u8; 100];
    js.extend(&noise[..10_000]);
    write(&dir, "ecosystem.config.js", &js);
    for format in ["short", "text", "github"] {
        let (stdout, stderr, code) = check(&dir, format);
        assert!(matches!(code, Some(0..=2)), "{format}: {stdout}{stderr}");
        assert!(stdout.contains("typo.conf"), "{format}: {stdout}");
        assert!(
            !stdout.chars().any(|c| c.is_control() && c != '\n'),
            "{format}: raw control in {stdout:?}"
        );
    }
}

#[test]
fn invalid_utf8_utf16_crlf_and_empty_files() {
    let dir = common::temp_dir("hostile-encodings");
    let mut latin = b"# caf\xe9\n".to_vec();
    latin.extend(TYPO.as_bytes());
    write(&dir, "nginx/sites-available/latin.conf", &latin);
    write(
        &dir,
        "nginx/sites-available/crlf.conf",
        TYPO.replace('\n', "\r\n").as_bytes(),
    );
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(TYPO.encode_utf16().flat_map(u16::to_le_bytes));
    write(&dir, "nginx/sites-available/u16.conf", &utf16);
    for empty in [
        "nginx/sites-available/empty.conf",
        "ecosystem.config.js",
        "gunicorn.conf.py",
        "requirements.txt",
    ] {
        write(&dir, empty, b"");
    }
    let (stdout, stderr, code) = check(&dir, "short");
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    // Line numbers stay right after an invalid byte and with CRLF endings.
    assert!(
        stdout.contains("nginx/sites-available/latin.conf:4:20: error[NGX005]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("nginx/sites-available/crlf.conf:3:20: error[NGX005]"),
        "{stdout}"
    );
    // UTF-16 is not what nginx reads: one LNT001 in nginx's words (observed: `unknown directive "\xFF\xFEs"`),
    // nothing else from that file, and the NULs it holds do not reach the terminal raw.
    let u16_lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("nginx/sites-available/u16.conf:"))
        .collect();
    assert_eq!(
        u16_lines,
        [
            "nginx/sites-available/u16.conf:1:1: error[LNT001] nginx syntax error: unknown directive \"\\xFF\\xFEs\" (the file is UTF-16 LE text; nginx reads bytes: save it as UTF-8)"
        ],
        "{stdout}"
    );
    assert!(
        !stdout.chars().any(|c| c.is_control() && c != '\n'),
        "raw control in {stdout:?}"
    );
    assert!(!stdout.contains("empty.conf"), "{stdout}");
}

#[test]
fn control_characters_in_quoted_user_text_are_escaped_in_every_format() {
    let dir = common::temp_dir("hostile-escape");
    write(
        &dir,
        "nginx/sites-available/esc.conf",
        b"server {\n    listen 80;\n    \x1b[31mlisten\x07 80;\n}\n",
    );
    for format in ["text", "short", "json", "sarif", "github"] {
        let (stdout, stderr, code) = check(&dir, format);
        assert!(matches!(code, Some(0..=2)), "{format}: {stdout}{stderr}");
        assert!(
            !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
            "{format}: raw control in {stdout:?}"
        );
        // JSON and SARIF carry the escape as text, itself escaped by the JSON encoder.
        let shown = if matches!(format, "json" | "sarif") {
            "\\\\u{1b}[31mlisten\\\\u{7}"
        } else {
            "\\u{1b}[31mlisten\\u{7}"
        };
        assert!(stdout.contains(shown), "{format}: {stdout}");
    }
    let (stdout, _, _) = check(&dir, "short");
    assert_eq!(
        stdout.lines().next(),
        Some(
            "nginx/sites-available/esc.conf:3:5: warning[NGX004] unknown directive \"\\u{1b}[31mlisten\\u{7}\", expected a directive of nginx or a loaded module"
        ),
        "{stdout}"
    );
}

/// Windows tools write UTF-16 with a byte-order mark. pip decodes such a requirements file (its `auto_decode`), so
/// its packages count as declared; Node and Python refuse such a source file, so a PM2 or gunicorn file in UTF-16 is
/// one LNT001 at the mark.
#[test]
fn utf16_requirements_are_decoded_like_pip_and_utf16_code_is_one_error() {
    let dir = common::temp_dir("hostile-utf16");
    let utf16 = |text: &str| {
        let mut b = vec![0xff, 0xfe];
        b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        b
    };
    write(
        &dir,
        "app.service",
        b"[Service]\nExecStart=/srv/app/venv/bin/gunicorn --bind 127.0.0.1:8000 app:app\n",
    );
    write(&dir, "requirements.txt", &utf16("flask==3.1.0\r\ngunicorn==23.0.0\r\n"));
    write(
        &dir,
        "app.py",
        b"import flask\nimport yaml\napp = flask.Flask(__name__)\n",
    );
    write(&dir, "gunicorn.conf.py", &utf16("bind = '127.0.0.1:8000'\n"));
    let (stdout, stderr, code) = check(&dir, "short");
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let codes: Vec<&str> = stdout.lines().filter_map(|l| l.split(": ").nth(1)).collect();
    // flask is declared (read through UTF-16); yaml is not.
    assert!(stdout.contains("app.py:2:8: error[PY001]"), "{stdout}");
    assert!(!stdout.contains("flask"), "{stdout}");
    assert!(
        stdout.contains("gunicorn.conf.py:1:1: error[LNT001] syntax error: the file is UTF-16 LE text"),
        "{stdout}"
    );
    assert_eq!(codes.len(), 2, "{stdout}");
}

/// A NUL byte is an ordinary byte to nginx (observed with nginx 1.22.1: `unknown directive ""`): the file is read
/// and reported, not dropped, and the NUL is escaped in the output.
#[test]
fn a_nul_byte_in_an_included_file_is_reported_escaped() {
    let dir = with_typo("hostile-nul");
    write(
        &dir,
        "nginx/nginx.conf",
        b"events {}\nhttp {\n    include conf.d/*.conf;\n}\n",
    );
    write(&dir, "nginx/conf.d/nul.conf", b"server {\0 listen 8080; }\n");
    let (stdout, stderr, code) = check(&dir, "short");
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("nginx/conf.d/nul.conf:1:9: warning[NGX004] unknown directive \"\\u{0}\""),
        "{stdout}"
    );
    assert!(!stdout.contains('\0'), "{stdout:?}");
    assert_typo_reported(&stdout);
}

/// Containment (issue 7, item 3): paths that leave the checked folder through `..`, an absolute path or a symlink
/// are reported (LNT005) and never read: no text of the outside files reaches the output, in any format.
#[test]
fn includes_and_requirements_outside_are_reported_not_read() {
    let base = common::temp_dir("hostile-contain");
    let secret = "SECRET-TOKEN-42";
    write(&base, "outside/secret.conf", format!("{secret} on;\n").as_bytes());
    write(&base, "outside/reqs.txt", format!("{secret}==1\n").as_bytes());
    let repo = base.join("repo");
    write(
        &repo,
        "nginx/nginx.conf",
        b"events {}\nhttp {\n    include ../../outside/secret.conf;\n    include conf.d/*.conf;\n}\n",
    );
    let abs = base.join("outside/secret.conf");
    write(
        &repo,
        "nginx/conf.d/site.conf",
        format!(
            "server {{\n    include {};\n    location / {{ proxy_pass http://missing_upstream; }}\n}}\n",
            abs.display()
        )
        .as_bytes(),
    );
    std::fs::create_dir_all(repo.join("nginx/links")).expect("mkdir");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&abs, repo.join("nginx/conf.d/link.conf")).expect("symlink");
        std::os::unix::fs::symlink(base.join("outside"), repo.join("nginx/links/out")).expect("symlink");
    }
    write(
        &repo,
        "app.service",
        b"[Service]\nExecStart=/srv/app/venv/bin/gunicorn --bind 127.0.0.1:8000 app:app\n",
    );
    write(&repo, "requirements.txt", b"-r ../outside/reqs.txt\ngunicorn==23.0.0\n");
    write(&repo, "app.py", b"def app(environ, start_response):\n    return []\n");
    for format in ["short", "json", "sarif", "github"] {
        let (stdout, stderr, code) = check(&repo, format);
        assert_eq!(code, Some(1), "{format}: {stdout}{stderr}");
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{format}: {stdout}{stderr}"
        );
    }
    let (stdout, stderr, _) = check(&repo, "short");
    let lnt005: Vec<&str> = stdout.lines().filter(|l| l.contains("[LNT005]")).collect();
    assert!(
        lnt005.iter().any(|l| l
            .starts_with("nginx/nginx.conf:3:13: info[LNT005] include \"../../outside/secret.conf\" reaches outside")),
        "{stdout}"
    );
    assert!(
        lnt005
            .iter()
            .any(|l| l.starts_with("nginx/conf.d/site.conf:2:13: info[LNT005]") && l.contains("absolute path")),
        "{stdout}"
    );
    assert!(
        lnt005
            .iter()
            .any(|l| l.starts_with("requirements.txt:1:4: info[LNT005] requirements file \"../outside/reqs.txt\"")),
        "{stdout}"
    );
    #[cfg(unix)]
    {
        assert!(
            lnt005.iter().any(|l| l.starts_with("nginx/nginx.conf:4:13: info[LNT005] include \"conf.d/*.conf\" reaches outside")),
            "{stdout}"
        );
        assert!(
            stderr.contains("symlink to a path outside the checked folders; not followed"),
            "{stderr}"
        );
    }
    // The rest is still checked.
    assert!(
        stdout.contains("nginx/conf.d/site.conf:3:29: error[NGX005]"),
        "{stdout}"
    );
}

/// An include inside a block that reaches its own file again (found by the `check` fuzz target: it recursed
/// until the stack overflowed, SIGSEGV): the block keeps the include chain it was read under, so the loop is
/// NGX007 at the inner include.
#[test]
fn include_cycle_through_a_block_is_ngx007_not_a_crash() {
    let dir = with_typo("hostile-block-cycle");
    write(&dir, "nginx/nginx.conf", b"events {} http { include conf.d/*.conf; }\n");
    write(
        &dir,
        "nginx/conf.d/app.conf",
        b"server { location / { include conf.d/*.conf; } }\n",
    );
    let (stdout, stderr, code) = check(&dir, "short");
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("nginx/conf.d/app.conf:1:31: error[NGX007] include \"conf.d/*.conf\" includes a file that is already being read"),
        "{stdout}"
    );
    assert_typo_reported(&stdout);
}

/// A virtualenv and an app package reached through symlinks out of the repository are not read: the
/// virtualenv's metadata would map `secret-dist` to `secretmod` (a virtualenv inside silences PY001, the
/// control below), and the package's `main.py` would answer whether `application` exists.
#[cfg(unix)]
#[test]
fn virtualenv_and_app_package_behind_symlinks_out_are_not_read() {
    let base = common::temp_dir("hostile-contain-venv");
    let venv = |root: &Path, at: &str| {
        write(root, &format!("{at}/pyvenv.cfg"), b"home = /usr/bin\n");
        let info = format!("{at}/lib/python3.11/site-packages/secret_dist-9.9.dist-info");
        write(
            root,
            &format!("{info}/METADATA"),
            b"Metadata-Version: 2.1\nName: secret-dist\nVersion: 9.9\n",
        );
        write(root, &format!("{info}/top_level.txt"), b"secretmod\n");
    };
    let app = |root: &Path| {
        write(
            root,
            "Procfile",
            b"web: gunicorn --bind 0.0.0.0:$PORT pkg.main:applicaton\n",
        );
        write(root, "requirements.txt", b"gunicorn==23.0.0\nsecret-dist==9.9\n");
        write(root, "wsgi.py", b"import secretmod\n");
    };
    venv(&base, "outside/venv");
    write(&base, "outside/pkg/__init__.py", b"");
    write(
        &base,
        "outside/pkg/main.py",
        b"import secretmod\napplication_secret_42 = object()\n",
    );
    let repo = base.join("repo");
    app(&repo);
    std::os::unix::fs::symlink(base.join("outside/venv"), repo.join(".venv")).expect("symlink");
    std::os::unix::fs::symlink(base.join("outside/pkg"), repo.join("pkg")).expect("symlink");
    let (stdout, stderr, _) = check(&repo, "short");
    // The virtualenv outside was not read: nothing maps secret-dist to secretmod.
    assert!(
        stdout.contains("wsgi.py:1:8: warning[PY001] imports `secretmod`"),
        "{stdout}{stderr}"
    );
    // The package outside was not read: nothing is said about `pkg.main` or its names.
    assert!(
        !stdout.contains("pkg.main") && !stdout.contains("secret_42"),
        "{stdout}"
    );
    assert!(
        stderr.contains("repo/.venv: symlink") || stderr.contains(".venv: symlink"),
        "{stderr}"
    );

    // Control: the same virtualenv inside the repository is read (PY001 silent), and the same package
    // inside is read (the misspelt attribute is reported).
    let inside = base.join("inside");
    app(&inside);
    venv(&inside, ".venv");
    write(&inside, "pkg/__init__.py", b"");
    write(
        &inside,
        "pkg/main.py",
        b"import secretmod\napplication_secret_42 = object()\n",
    );
    let (stdout, stderr, _) = check(&inside, "short");
    assert!(!stdout.contains("PY001"), "{stdout}{stderr}");
    assert!(stdout.contains("applicaton"), "{stdout}{stderr}");
}
