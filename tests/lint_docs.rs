//! The examples in `lints/<CODE>.md` are executed: the blocks under
//! "## Example" (a deployment with the problem) must fire that rule and no
//! other; the blocks under "## Use instead" must fire nothing. A fenced block
//! belongs to a file when its info string says `file=<path>`.

mod common;

use std::path::Path;

/// The files of the examples in one section of a page.
fn examples(doc: &str, section: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(start) = doc.find(&format!("\n{section}\n")) else {
        return out;
    };
    let body = &doc[start + section.len() + 2..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let mut lines = body.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else { continue };
        let file = info.split_whitespace().find_map(|w| w.strip_prefix("file="));
        let mut text = String::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            text.push_str(l);
            text.push('\n');
        }
        if let Some(f) = file {
            out.push((f.to_owned(), text));
        }
    }
    out
}

fn materialise(dir: &Path, files: &[(String, String)]) {
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write example");
    }
}

#[test]
fn rule_page_examples_behave_as_documented() {
    let mut failures = Vec::new();
    for r in lint502::rules::RULES {
        let code = r.meta.code;
        let bad = examples(r.meta.doc, "## Example");
        let good = examples(r.meta.doc, "## Use instead");
        if bad.is_empty() || good.is_empty() {
            failures.push(format!(
                "{code}: the page needs `file=` blocks under Example and Use instead"
            ));
            continue;
        }
        let dir = common::temp_dir(&format!("{code}-bad"));
        materialise(&dir, &bad);
        let got = common::codes(&dir);
        if got != vec![code] {
            failures.push(format!("{code}: the bad example fires {got:?}"));
        }
        let dir = common::temp_dir(&format!("{code}-good"));
        materialise(&dir, &good);
        let got = common::codes(&dir);
        if !got.is_empty() {
            failures.push(format!("{code}: the good example fires {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
