//! Phase times on standard error when `LINT502_TIMINGS` is set, for
//! benchmarks and profiling (not a stable interface).

pub struct Timer {
    on: bool,
    last: std::cell::Cell<std::time::Instant>,
}

impl Timer {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Timer {
        Timer {
            on: std::env::var_os("LINT502_TIMINGS").is_some(),
            last: std::cell::Cell::new(std::time::Instant::now()),
        }
    }
    pub fn lap(&self, phase: &str) {
        if self.on {
            let now = std::time::Instant::now();
            eprintln!(
                "lint502 timing {phase} {:.1} ms",
                (now - self.last.get()).as_secs_f64() * 1e3
            );
            self.last.set(now);
        }
    }
}
