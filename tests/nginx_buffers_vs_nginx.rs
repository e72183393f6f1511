//! NGX010 against the real `nginx -t`: every row of
//! testdata/observed/nginx-buffers.tsv (written by
//! scripts/observe_nginx_buffers.py with Debian nginx-extras 1.22.1) is run
//! through lint502 with only NGX010 selected. Where nginx rejected the
//! configuration with one of its buffer checks, NGX010 must fire and quote
//! nginx's message; everywhere else it must stay silent. CI has no nginx:
//! only the committed TSV is read.

mod common;

use lint502::check::{Options, check};

/// Rows where lint502 deliberately differs from nginx, with why.
/// (None since lint502 judges each server's merged level as well as each
/// location's.)
const DIFFERENT_BY_DESIGN: &[(&str, &str)] = &[];

const NOTE: &str = "`nginx -t` says: ";

fn is_buffer_check(emerg: &str) -> bool {
    emerg.starts_with("there must be at least 2 ")
        || emerg.contains(" must be equal to or greater than the maximum of the value of ")
        || emerg.contains(" must be less than the size of all ")
        || emerg.contains(" must be equal to zero to disable temporary files usage ")
}

#[test]
fn ngx010_agrees_with_nginx() {
    let path = common::root().join("testdata/observed/nginx-buffers.tsv");
    let tsv = std::fs::read_to_string(&path).expect("read nginx-buffers.tsv");
    let mut rows = 0;
    let mut failures = Vec::new();
    for line in tsv.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [case, snippet, exit, emerg, conf] = cols.as_slice() else {
            panic!("malformed row: {line}");
        };
        rows += 1;
        let dir = common::temp_dir("buffers");
        std::fs::write(dir.join("nginx.conf"), conf.replace("\\n", "\n")).expect("write nginx.conf");
        let opts = Options {
            select: vec!["NGX010".to_owned()],
            ..Options::default()
        };
        let out = check(std::slice::from_ref(&dir), &opts);
        let _ = std::fs::remove_dir_all(&dir);
        let mut quoted: Vec<&str> = out
            .diagnostics
            .iter()
            .filter(|d| d.code == "NGX010")
            .flat_map(|d| d.notes.iter().filter_map(|n| n.strip_prefix(NOTE)))
            .collect();
        quoted.dedup();
        let fires = !quoted.is_empty();
        let nginx_fires = *exit != "0" && is_buffer_check(emerg);
        let agree = if nginx_fires { quoted == [*emerg] } else { !fires };
        let by_design = DIFFERENT_BY_DESIGN.iter().any(|(c, _)| c == case);
        if agree == by_design {
            failures.push(format!(
                "{case} ({snippet}): nginx exit {exit} {emerg:?}; NGX010 quoted {quoted:?}{}",
                if by_design {
                    " (listed as different by design: update the list)"
                } else {
                    ""
                }
            ));
        }
    }
    assert!(rows >= 24, "only {rows} rows in {}", path.display());
    assert!(
        failures.is_empty(),
        "{} of {rows} rows disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
