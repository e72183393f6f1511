//! nginx parse benchmark: times `lint502::parse::nginx::parse` over a set of
//! files held in memory, and over one large generated config.
//!
//! Run with `cargo bench --bench nginx_parse` (or `benches/run.sh`, which also
//! runs crossplane on the same inputs and prints a comparison table).
//!
//! Environment:
//! - `LINT502_BENCH_FILES`: a file holding one path per line (blank lines and
//!   lines starting with `#` are skipped). Default: every file under
//!   `../shared/corpus/nginx/` relative to the crate, falling back to
//!   `/work/shared/corpus/nginx`.
//! - `LINT502_BENCH_ROUNDS`: rounds per measurement (default 20).
//! - `LINT502_BENCH_OUT`: where `generated-large.conf` (3,000 servers) and the
//!   scaling inputs `generated-{30,300,3000}.conf` are written (default
//!   `target/bench` in the crate).
//!
//! Output: one `key=value` line per measurement on stdout, e.g.
//! `lint502 corpus files=942 bytes=1530801 rounds=20 median_ms=… mb_per_s=…`.
//! MB = 1e6 bytes. Only `std::time::Instant` is used.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lint502::parse::nginx;
use lint502::source::{FileId, same_length_text};

fn main() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let rounds: usize = std::env::var("LINT502_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or(20);

    // ---- inputs, all read before any timing ----
    let paths = bench_files(&manifest);
    if paths.is_empty() {
        eprintln!("nginx_parse: no input files");
        std::process::exit(1);
    }
    let bytes: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect();
    let total_bytes: usize = bytes.iter().map(Vec::len).sum();
    let texts: Vec<String> = bytes.iter().map(|b| same_length_text(b).0).collect();
    let non_utf8 = bytes.iter().filter(|b| std::str::from_utf8(b).is_err()).count();

    // Files whose parse reports a syntax error (same on every round).
    let errors = texts
        .iter()
        .filter(|t| nginx::parse(FileId(0), t).error.is_some())
        .count();

    // ---- bytes -> parser text (same_length_text), timed on its own ----
    let decode = time_rounds(rounds, || {
        for b in &bytes {
            black_box(same_length_text(black_box(b)));
        }
    });

    // ---- corpus parse ----
    let corpus = time_rounds(rounds, || {
        for t in &texts {
            black_box(nginx::parse(FileId(0), black_box(t)));
        }
    });

    let n = paths.len();
    let m = median(&decode);
    println!(
        "lint502 corpus-decode files={n} bytes={total_bytes} rounds={rounds} median_ms={:.3} min_ms={:.3} mb_per_s={:.1} non_utf8={non_utf8}",
        ms(m),
        ms(min(&decode)),
        mb_per_s(total_bytes, m),
    );
    let m = median(&corpus);
    println!(
        "lint502 corpus files={n} bytes={total_bytes} rounds={rounds} median_ms={:.3} min_ms={:.3} mb_per_s={:.1} us_per_file={:.2} errors={errors}",
        ms(m),
        ms(min(&corpus)),
        mb_per_s(total_bytes, m),
        m.as_secs_f64() * 1e6 / n as f64,
    );

    // ---- one large generated config ----
    let large = generate(LARGE_SERVERS);
    let out_dir = std::env::var_os("LINT502_BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("target").join("bench"));
    std::fs::create_dir_all(&out_dir).expect("create bench output dir");
    let large_path = out_dir.join("generated-large.conf");
    std::fs::write(&large_path, &large).expect("write generated-large.conf");
    let large_errors = usize::from(nginx::parse(FileId(0), &large).error.is_some());
    let times = time_rounds(rounds, || {
        black_box(nginx::parse(FileId(0), black_box(&large)));
    });
    let m = median(&times);
    println!(
        "lint502 large bytes={} rounds={rounds} median_ms={:.3} min_ms={:.3} mb_per_s={:.1} errors={large_errors} path={}",
        large.len(),
        ms(m),
        ms(min(&times)),
        mb_per_s(large.len(), m),
        large_path.display(),
    );

    // ---- linear scaling: the same generator at 1x / 10x / 100x ----
    // Each timed sample parses the input `reps` times (reps = 3000 / servers), so every sample does the same
    // amount of work; the figure is the time of one parse.
    for servers in SCALE_SERVERS {
        let text = generate(servers);
        let path = out_dir.join(format!("generated-{servers}.conf"));
        std::fs::write(&path, &text).expect("write generated-N.conf");
        let reps = (LARGE_SERVERS / servers).max(1);
        let times = time_rounds(rounds, || {
            for _ in 0..reps {
                black_box(nginx::parse(FileId(0), black_box(&text)));
            }
        });
        let m = median(&times) / reps as u32;
        println!(
            "lint502 scale-{servers} servers={servers} bytes={} rounds={rounds} reps={reps} median_ms={:.4} mb_per_s={:.1} ms_per_mb={:.2} path={}",
            text.len(),
            ms(m),
            mb_per_s(text.len(), m),
            ms(m) / (text.len() as f64 / 1e6),
            path.display(),
        );
    }
}

/// Servers in the large generated config, and the sizes of the scaling series (1x, 10x, 100x).
const LARGE_SERVERS: usize = 3000;
const SCALE_SERVERS: [usize; 3] = [30, 300, 3000];

/// The input list: `LINT502_BENCH_FILES`, else every file in the corpus dir.
fn bench_files(manifest: &Path) -> Vec<PathBuf> {
    if let Some(list) = std::env::var_os("LINT502_BENCH_FILES") {
        let text = std::fs::read_to_string(&list)
            .unwrap_or_else(|e| panic!("LINT502_BENCH_FILES={}: {e}", list.to_string_lossy()));
        return text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(PathBuf::from)
            .collect();
    }
    let mut dir = manifest.join("../shared/corpus/nginx");
    if !dir.is_dir() {
        dir = PathBuf::from("/work/shared/corpus/nginx");
    }
    let mut out = Vec::new();
    walk(&dir, &mut out);
    out.sort();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&p, out),
            Ok(t) if t.is_file() => out.push(p),
            _ => {}
        }
    }
}

/// One warm-up run, then `rounds` timed runs.
fn time_rounds(rounds: usize, mut f: impl FnMut()) -> Vec<Duration> {
    f();
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}

fn median(d: &[Duration]) -> Duration {
    let mut v = d.to_vec();
    v.sort();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

fn min(d: &[Duration]) -> Duration {
    d.iter().copied().min().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// A deterministic config: one `http {}` with `servers` `server {}` blocks
/// (3,000 make ~1.33 MB), each with listen / server_name, two proxied
/// locations (`proxy_pass`, `proxy_set_header`), a quoted string holding a
/// `;`, a comment and a regex location.
fn generate(servers: usize) -> String {
    let mut s = String::with_capacity(450 * servers + 256);
    s.push_str(
        "# generated by benches/nginx_parse.rs\n\
         worker_processes auto;\n\
         events {\n    worker_connections 1024;\n}\n\
         http {\n    include mime.types;\n    default_type application/octet-stream;\n    \
         sendfile on;\n    keepalive_timeout 65;\n",
    );
    for i in 0..servers {
        let port = 9000 + i % 1000;
        write!(
            s,
            r#"    server {{
        listen {listen};
        server_name app{i}.example.com;
        location / {{
            proxy_pass http://127.0.0.1:{port};
            proxy_set_header Host $host;
            proxy_http_version 1.1;
        }}
        location /api/ {{
            proxy_pass http://10.0.{a}.{b}:{port}/;
            add_header X-App "app {i}; v1"; # quoted
        }}
        location ~* \.(css|js|png)$ {{
            expires 30d;
        }}
    }}
"#,
            listen = 8000 + i,
            a = i / 250,
            b = i % 250,
        )
        .unwrap();
    }
    s.push_str("}\n");
    s
}
