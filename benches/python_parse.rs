//! Python import-scanner benchmark: times `lint502::parse::python::parse_module`
//! over every `.py` file under one folder, held in memory.
//!
//! Run with `cargo bench --bench python_parse`. Environment:
//! - `LINT502_BENCH_PY_DIR`: the folder (default: the standard library of the
//!   `python3` on PATH, found as `/usr/lib/python3.*`).
//! - `LINT502_BENCH_ROUNDS`: rounds (default 10).
//!
//! Output: one `key=value` line, e.g.
//! `lint502 python files=… bytes=… rounds=… median_ms=… mb_per_s=…`. MB = 1e6 bytes.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use lint502::parse::python;
use lint502::source::{FileId, same_length_text};

fn main() {
    let rounds: usize = std::env::var("LINT502_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or(10);
    let dir = std::env::var_os("LINT502_BENCH_PY_DIR")
        .map(PathBuf::from)
        .or_else(default_dir);
    let Some(dir) = dir else {
        eprintln!("python_parse: set LINT502_BENCH_PY_DIR");
        std::process::exit(1);
    };
    let mut texts = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).into_iter().filter_map(Result::ok) {
        let p = entry.path();
        if entry.file_type().is_file()
            && p.extension().is_some_and(|e| e == "py")
            && let Ok(b) = std::fs::read(p)
        {
            texts.push(same_length_text(&b).0);
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut times = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        for s in &texts {
            black_box(python::parse_module(FileId(0), black_box(s)));
        }
        times.push(t.elapsed());
    }
    // The same files on two threads (half each), to see how parsing scales.
    let mut par = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        std::thread::scope(|s| {
            let (a, b) = texts.split_at(texts.len() / 2);
            let h = s.spawn(move || {
                for t in a {
                    black_box(python::parse_module(FileId(0), black_box(t)));
                }
            });
            for t in b {
                black_box(python::parse_module(FileId(0), black_box(t)));
            }
            let _ = h.join();
        });
        par.push(t.elapsed());
    }
    par.sort();
    eprintln!("two threads: median_ms={:.1}", par[par.len() / 2].as_secs_f64() * 1e3);
    times.sort();
    let med = times[times.len() / 2].as_secs_f64();
    println!(
        "lint502 python dir={} files={} bytes={bytes} rounds={rounds} median_ms={:.1} min_ms={:.1} mb_per_s={:.1}",
        dir.display(),
        texts.len(),
        med * 1e3,
        times[0].as_secs_f64() * 1e3,
        bytes as f64 / 1e6 / med
    );
}

fn default_dir() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib")
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("python3.") && p.join("os.py").exists())
        })
        .collect();
    found.sort();
    found.pop()
}
