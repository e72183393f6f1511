//! Deploy steps: the command sequences that update the code on a server and
//! restart the app, read from shell scripts, Makefile recipes, GitHub Actions
//! workflows and PM2's own `deploy` section.
//!
//! Each source gives one or more [`Sequence`]s: the steps in the order they
//! run. A step is found by a token search on lines already split by the
//! source's own structure (a script's lines, a recipe's lines, a `run:`
//! block's lines), then cut at `&&`, `||`, `;` and `|`; commands inside a
//! quoted `ssh host '…'` argument count where they stand. Nothing is run.
//!
//! Sources:
//! - shell scripts: every `*.sh` / `*.bash`, and extension-less files with a
//!   shell `#!` line under `bin/`, `scripts/` or `deploy/`; one sequence per
//!   file;
//! - Makefiles (`Makefile`, `makefile`, `GNUmakefile`, `*.mk`): one sequence
//!   per rule's recipe;
//! - `.github/workflows/*.yml`: one sequence per file, jobs in file order,
//!   each step's `run:` block, and the `with: script:` block of a step whose
//!   `uses:` is an SSH action (appleboy/ssh-action and the like);
//! - PM2 `deploy.<env>`: `pre-deploy`, then PM2's own `git fetch` +
//!   `git reset --hard` (the update, at `repo`), then `post-deploy`.
//!
//! Assumptions: a shell function's body counts where it is written, not
//! where it is called; a `make …` call, a script whose name says install,
//! setup, bootstrap or deps, and an image build (`docker build`, `up
//! --build`) count as an install, since lint502 does not follow them.

use std::path::{Path, PathBuf};

use crate::model::pm2::Pm2File;
use crate::model::value::{Spanned, Value};
use crate::source::{FileId, SourceDb, SourceFile, Span};

/// What one step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// Changes the code on disk: `git pull`, `git reset --hard`, `git
    /// checkout`, `rsync`, `scp`, PM2 deploy's update.
    Update,
    /// Installs dependencies (`pip install`, `npm ci`, …), or may do so
    /// (`make …`, `./scripts/install.sh`, an image build).
    Install,
    /// Restarts the app: `pm2 restart|reload|…`, `systemctl restart <unit>`,
    /// `supervisorctl restart`, `kill -HUP` of gunicorn, `touch` of a uWSGI
    /// reload file.
    Restart,
}

/// One step, with the text that names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub kind: StepKind,
    /// The command as written, collapsed: `git pull`, `pm2 restart api`.
    pub text: String,
    pub span: Span,
}

/// Steps in the order they run.
#[derive(Debug, Clone, PartialEq)]
pub struct Sequence {
    /// Where: `deploy.sh`, `Makefile target deploy`, `workflow
    /// .github/workflows/deploy.yml`, `pm2 deploy production`.
    pub origin: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Default)]
pub struct DeployModel {
    pub sequences: Vec<Sequence>,
    /// Dependency manifests besides requirement files (`package.json`,
    /// `pyproject.toml`, `Pipfile`), shallowest first.
    pub manifests: Vec<PathBuf>,
    /// The checked folders, for [`DeployModel::relative`].
    pub roots: Vec<PathBuf>,
}

impl DeployModel {
    /// `path` relative to the checked folder that holds it (as it would be
    /// typed in the app's folder on the server), else as displayed.
    pub fn relative(&self, path: &Path) -> String {
        self.roots
            .iter()
            .filter(|r| r.is_dir())
            .find_map(|r| path.strip_prefix(r).ok())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|| crate::source::display_path(path))
    }
}

/// Build the model from the walked files and the PM2 files already read.
pub fn build(db: &mut SourceDb, walked: &[PathBuf], roots: &[PathBuf], pm2: &[(FileId, Pm2File)]) -> DeployModel {
    let mut m = DeployModel {
        roots: roots.to_vec(),
        ..DeployModel::default()
    };
    let mut manifests: Vec<(usize, PathBuf)> = Vec::new();
    for path in walked {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if matches!(name, "package.json" | "pyproject.toml" | "Pipfile") {
            if declares_dependencies(path, name) {
                manifests.push((path.components().count(), path.clone()));
            }
            continue;
        }
        let Some(source) = source_kind(path, name, roots) else {
            continue;
        };
        let Some(id) = load(db, path) else { continue };
        let file = db.get(id);
        match source {
            Source::Shell => {
                let steps = scan_lines(id, text_lines(id, &file.text), Some('#'));
                m.sequences.push(Sequence {
                    origin: "the deploy script".into(),
                    steps,
                });
            }
            Source::Make => m.sequences.extend(make_sequences(id, file)),
            Source::Workflow => m.sequences.extend(workflow_sequence(id, file)),
        }
    }
    for (id, f) in pm2 {
        m.sequences.extend(pm2_sequences(*id, db.get(*id), f));
    }
    m.sequences.retain(|s| !s.steps.is_empty());
    manifests.sort();
    m.manifests = manifests.into_iter().map(|(_, d)| d).collect();
    m
}

fn declares_dependencies(path: &Path, name: &str) -> bool {
    let Some(text) = read_small(path) else { return false };
    match name {
        "package.json" => text.contains("\"dependencies\""),
        "Pipfile" => text.contains("[packages]"),
        _ => text.contains("dependencies"),
    }
}

fn read_small(path: &Path) -> Option<String> {
    let bytes = crate::source::read_bounded(path).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn load(db: &mut SourceDb, path: &Path) -> Option<FileId> {
    if let Some(id) = db.find(path) {
        return Some(id);
    }
    let bytes = crate::source::read_bounded(path).ok()?;
    if bytes.contains(&0) {
        return None;
    }
    let display = crate::source::display_path(path);
    Some(db.add(SourceFile::new(path.to_path_buf(), display, bytes)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Shell,
    Make,
    Workflow,
}

fn source_kind(path: &Path, name: &str, roots: &[PathBuf]) -> Option<Source> {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let rel = roots.iter().find_map(|r| path.strip_prefix(r).ok()).unwrap_or(path);
    let dirs = crate::parse::launch::lowercase_dirs(rel);
    if matches!(name, "Makefile" | "makefile" | "GNUmakefile") || ext == "mk" {
        return Some(Source::Make);
    }
    if matches!(ext, "yml" | "yaml")
        && dirs.len() >= 2
        && dirs[dirs.len() - 2] == ".github"
        && dirs[dirs.len() - 1] == "workflows"
    {
        return Some(Source::Workflow);
    }
    if matches!(ext, "sh" | "bash") {
        return Some(Source::Shell);
    }
    let script_dir = dirs.iter().any(|d| matches!(d.as_str(), "bin" | "scripts" | "deploy"));
    if !name.contains('.') && script_dir && shell_shebang(path) {
        return Some(Source::Shell);
    }
    None
}

fn shell_shebang(path: &Path) -> bool {
    use std::io::Read;
    let Ok(f) = std::fs::File::open(path) else { return false };
    let mut buf = Vec::new();
    if f.take(256).read_to_end(&mut buf).is_err() {
        return false;
    }
    crate::parse::launch::shebang_is_shell(&String::from_utf8_lossy(&buf))
}

/// A line of text and where it starts in the file (None: somewhere inside
/// `fallback`, not located exactly).
#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    pub at: Option<usize>,
    pub fallback: Span,
}

fn text_lines(file: FileId, text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut pos = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        out.push(Line {
            text: line.to_string(),
            at: Some(pos),
            fallback: Span::new(file, pos, pos + line.len()),
        });
        pos += raw.len();
    }
    out
}

/// The lines of a string value, each located in the source text inside the
/// value's span when it appears there verbatim (block scalars, strings
/// without escapes).
fn value_lines(source: &str, value: &str, span: Span) -> Vec<Line> {
    let region = source.get(span.range()).unwrap_or("");
    let mut cursor = 0;
    let mut out = Vec::new();
    for line in value.lines() {
        let at = if line.trim().is_empty() {
            None
        } else {
            region.get(cursor..).and_then(|r| r.find(line)).map(|i| {
                cursor += i + line.len();
                span.start as usize + cursor - line.len()
            })
        };
        out.push(Line {
            text: line.to_string(),
            at,
            fallback: span,
        });
    }
    out
}

/// A word of a command line and its byte range in the line.
struct Word<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

fn split_words(line: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push(Word {
                    text: &line[s..i],
                    start: s,
                    end: i,
                });
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(Word {
            text: &line[s..],
            start: s,
            end: line.len(),
        });
    }
    out
}

/// A word without the quotes, brackets and separators glued to it.
fn bare(w: &str) -> &str {
    w.trim_matches(|c: char| matches!(c, '"' | '\'' | '`' | '(' | ')' | '{' | '}' | ','))
        .trim_end_matches(';')
}

fn is_separator(w: &str) -> bool {
    matches!(w, "&&" | "||" | ";" | "|" | "&" | "then" | "do" | "else")
}

/// The program name of a word: its last path component.
fn program(w: &str) -> &str {
    let b = bare(w);
    b.rsplit('/').next().unwrap_or(b)
}

/// Steps on the lines, in order. `comment`: the comment leader of the
/// source (lines starting with it are skipped, and text after ` #`).
fn scan_lines(file: FileId, lines: Vec<Line>, comment: Option<char>) -> Vec<Step> {
    let mut steps = Vec::new();
    for line in lines {
        let mut text = line.text.as_str();
        if let Some(c) = comment {
            if text.trim_start().starts_with(c) {
                continue;
            }
            text = strip_trailing_comment(text, c);
        }
        // Separators glued to words (`pull&&pm2`): split them apart by
        // treating them as spaces, keeping offsets.
        let spaced: String = text
            .char_indices()
            .map(|(i, ch)| {
                let next = text[i + ch.len_utf8()..].chars().next();
                let prev = text[..i].chars().next_back();
                let glued_sep = (ch == '&' && (next == Some('&') || prev == Some('&')))
                    || (ch == '|' && (next == Some('|') || prev == Some('|')))
                    || ch == ';';
                if glued_sep { ' ' } else { ch }
            })
            .collect();
        // Keep separators as their own words so commands do not run on.
        let words = split_words(&spaced);
        let mut segment: Vec<Word> = Vec::new();
        let flush = |segment: &mut Vec<Word>, steps: &mut Vec<Step>| {
            for (kind, from, to) in classify(segment) {
                let (s, e) = (segment[from].start, segment[to].end);
                let shown = segment[from..=to]
                    .iter()
                    .map(|w| bare(w.text))
                    .collect::<Vec<_>>()
                    .join(" ");
                let span = match line.at {
                    Some(at) => Span::new(file, at + s, at + e),
                    None => line.fallback,
                };
                steps.push(Step {
                    kind,
                    text: shown,
                    span,
                });
            }
            segment.clear();
        };
        // A separator in the original text became a space: cut segments at
        // the places where the original had one.
        let mut last_end = 0;
        for w in words {
            let between = text.get(last_end..w.start).unwrap_or("");
            if between.contains(['&', '|', ';']) || is_separator(w.text) {
                flush(&mut segment, &mut steps);
            }
            last_end = w.end;
            if !is_separator(w.text) {
                segment.push(w);
            }
        }
        flush(&mut segment, &mut steps);
    }
    steps
}

fn strip_trailing_comment(text: &str, c: char) -> &str {
    let mut quote: Option<char> = None;
    let mut prev_space = true;
    for (i, ch) in text.char_indices() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if ch == '"' || ch == '\'' => quote = Some(ch),
            None if ch == c && prev_space => return &text[..i],
            None => {}
        }
        prev_space = ch.is_whitespace();
    }
    text
}

/// Units whose restart is not the app's.
const OTHER_UNITS: &[&str] = &[
    "nginx",
    "openresty",
    "apache2",
    "httpd",
    "caddy",
    "haproxy",
    "traefik",
    "docker",
    "containerd",
    "redis",
    "redis-server",
    "postgresql",
    "mysql",
    "mariadb",
    "memcached",
    "cron",
    "ssh",
    "sshd",
    "php-fpm",
];

fn other_unit(unit: &str) -> bool {
    let u = unit.trim_end_matches(".service");
    OTHER_UNITS
        .iter()
        .any(|o| u == *o || (u.starts_with(o) && u[o.len()..].starts_with(['@', '-', '.'])))
        || u.starts_with("php")
}

/// The steps in one command segment: (kind, first word, last word).
fn classify(seg: &[Word]) -> Vec<(StepKind, usize, usize)> {
    let mut out = Vec::new();
    let n = seg.len();
    let arg = |i: usize| seg.get(i).map(|w| bare(w.text)).unwrap_or("");
    // The end of a command word plus its first operand (not an option).
    let with_operand = |i: usize| {
        if i + 1 < n && !arg(i + 1).starts_with('-') {
            i + 1
        } else {
            i
        }
    };
    let mut i = 0;
    while i < n {
        let p = program(seg[i].text);
        let found: Option<(StepKind, usize)> = match p {
            "git" => {
                let mut j = i + 1;
                while j < n && arg(j).starts_with('-') {
                    j += if matches!(arg(j), "-C" | "-c") { 2 } else { 1 };
                }
                match arg(j) {
                    "pull" | "checkout" | "switch" | "merge" => Some((StepKind::Update, n - 1)),
                    "reset" if seg[j..].iter().any(|w| bare(w.text) == "--hard") => Some((StepKind::Update, n - 1)),
                    _ => None,
                }
            }
            "rsync" | "scp" => Some((StepKind::Update, i)),
            "pip" | "pip3" | "pipenv" | "poetry" | "pnpm" | "npm" | "bun" => {
                let sub = arg(i + 1);
                let ok = match p {
                    "pipenv" => matches!(sub, "install" | "sync"),
                    "npm" => matches!(sub, "ci" | "install" | "i"),
                    "pnpm" => matches!(sub, "install" | "i"),
                    _ => sub == "install",
                };
                ok.then_some((StepKind::Install, i + 1))
            }
            _ if p.starts_with("pip3.") && arg(i + 1) == "install" => Some((StepKind::Install, i + 1)),
            "pip-sync" => Some((StepKind::Install, i)),
            "yarn" => {
                let sub = arg(i + 1);
                (sub.is_empty() || sub == "install" || sub.starts_with('-')).then_some((StepKind::Install, i))
            }
            "uv" => match (arg(i + 1), arg(i + 2)) {
                ("sync", _) => Some((StepKind::Install, i + 1)),
                ("pip", "install" | "sync") => Some((StepKind::Install, i + 2)),
                _ => None,
            },
            "-m" if arg(i + 1) == "pip" && arg(i + 2) == "install" => Some((StepKind::Install, i + 2)),
            "make" | "$(MAKE)" | "${MAKE}" | "just" => Some((StepKind::Install, i)),
            "docker" | "docker-compose" | "podman" => {
                let builds = seg[i + 1..].iter().any(|w| matches!(bare(w.text), "build" | "--build"));
                builds.then_some((StepKind::Install, i))
            }
            "pm2" => matches!(
                arg(i + 1),
                "restart" | "reload" | "startOrRestart" | "startOrReload" | "gracefulReload"
            )
            .then(|| (StepKind::Restart, with_operand(i + 1))),
            "systemctl" => {
                let mut j = i + 1;
                while j < n && arg(j).starts_with('-') {
                    j += 1;
                }
                let restarts = matches!(
                    arg(j),
                    "restart" | "reload" | "try-restart" | "reload-or-restart" | "try-reload-or-restart"
                );
                let mut k = j + 1;
                while k < n && arg(k).starts_with('-') {
                    k += 1;
                }
                let unit = arg(k);
                (restarts && !unit.is_empty() && !other_unit(unit)).then_some((StepKind::Restart, k))
            }
            "service" => {
                let unit = arg(i + 1);
                (matches!(arg(i + 2), "restart" | "reload") && !unit.is_empty() && !other_unit(unit))
                    .then_some((StepKind::Restart, i + 2))
            }
            "supervisorctl" => (arg(i + 1) == "restart").then(|| (StepKind::Restart, with_operand(i + 1))),
            "kill" | "pkill" => {
                let hup = matches!(arg(i + 1), "-HUP" | "-1" | "-SIGHUP")
                    || (arg(i + 1) == "-s" && matches!(arg(i + 2), "HUP" | "SIGHUP"));
                let gunicorn = seg[i + 1..].iter().any(|w| w.text.contains("gunicorn"));
                (hup && gunicorn).then_some((StepKind::Restart, n - 1))
            }
            "touch" => {
                let j = with_operand(i);
                (j > i && arg(j).contains("uwsgi")).then_some((StepKind::Restart, j))
            }
            _ => {
                let stem = p.split('.').next().unwrap_or(p).to_ascii_lowercase();
                let script = p.contains('.') || bare(seg[i].text).contains('/');
                let installs = ["install", "setup", "bootstrap", "deps", "requirements"]
                    .iter()
                    .any(|k| stem.contains(k));
                (i == 0 && script && installs).then_some((StepKind::Install, i))
            }
        };
        match found {
            Some((kind, end)) => {
                let end = end.min(n - 1);
                out.push((kind, i, end));
                i = end + 1;
            }
            None => i += 1,
        }
    }
    out
}

/// One sequence per Makefile rule with a recipe.
fn make_sequences(file: FileId, f: &SourceFile) -> Vec<Sequence> {
    let mut out = Vec::new();
    let mut current: Option<(String, Vec<Line>)> = None;
    let finish = |cur: &mut Option<(String, Vec<Line>)>, out: &mut Vec<Sequence>| {
        if let Some((target, lines)) = cur.take() {
            out.push(Sequence {
                origin: format!("make target `{target}`"),
                steps: scan_lines(file, lines, Some('#')),
            });
        }
    };
    for line in text_lines(file, &f.text) {
        let text = line.text.as_str();
        if let Some(body) = text.strip_prefix('\t') {
            if let Some((_, lines)) = &mut current {
                let trimmed = body.trim_start_matches(['@', '-', '+', ' ']);
                let cut = text.len() - trimmed.len();
                lines.push(Line {
                    text: trimmed.to_string(),
                    at: line.at.map(|a| a + cut),
                    fallback: line.fallback,
                });
            }
            continue;
        }
        let t = text.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        finish(&mut current, &mut out);
        // `target: prerequisites`, not `VAR := value` or `VAR = value`.
        if let Some((targets, rest)) = t.split_once(':')
            && !rest.starts_with('=')
            && !targets.contains('=')
            && !targets.trim().is_empty()
        {
            let name = targets.split_whitespace().next().unwrap_or("").to_string();
            // A recipe on the rule line: `deploy: ; git pull`.
            let mut lines = Vec::new();
            if let Some((_, recipe)) = rest.split_once(';') {
                let at = line.at.map(|a| a + text.len() - recipe.len());
                lines.push(Line {
                    text: recipe.to_string(),
                    at,
                    fallback: line.fallback,
                });
            }
            current = Some((name, lines));
        }
    }
    finish(&mut current, &mut out);
    out
}

/// The workflow's `run:` blocks and SSH scripts, jobs in file order.
fn workflow_sequence(file: FileId, f: &SourceFile) -> Vec<Sequence> {
    let Ok(root) = crate::parse::pm2::parse(file, &f.text, crate::parse::pm2::Pm2Format::Yaml) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    let Some(Value::Map(jobs)) = root.value.get("jobs").map(|j| &j.value) else {
        return Vec::new();
    };
    for (_, job) in jobs {
        let Some(Value::List(steps)) = job.value.get("steps").map(|s| &s.value) else {
            continue;
        };
        for step in steps {
            if let Some(run) = step.value.get("run") {
                push_value(&mut lines, &f.text, run);
            }
            let ssh = step
                .value
                .get("uses")
                .and_then(|u| u.value.as_str())
                .is_some_and(|u| u.to_ascii_lowercase().contains("ssh"));
            if ssh && let Some(script) = step.value.get("with").and_then(|w| w.value.get("script")) {
                push_value(&mut lines, &f.text, script);
            }
        }
    }
    vec![Sequence {
        origin: "the workflow".into(),
        steps: scan_lines(file, lines, Some('#')),
    }]
}

fn push_value(lines: &mut Vec<Line>, text: &str, v: &Spanned<Value>) {
    if let Some(s) = v.value.as_str() {
        lines.extend(value_lines(text, s, v.span));
    }
}

/// PM2 `deploy.<env>`: `pre-deploy`, PM2's update, `post-deploy`.
fn pm2_sequences(file: FileId, f: &SourceFile, pm2: &Pm2File) -> Vec<Sequence> {
    let mut out = Vec::new();
    let Some(Value::Map(envs)) = pm2.deploy.as_ref().map(|d| &d.value) else {
        return out;
    };
    for (env, conf) in envs {
        let Some(post) = conf.value.get("post-deploy") else {
            continue;
        };
        let Some(post_text) = post.value.as_str() else { continue };
        let mut steps = Vec::new();
        if let Some(pre) = conf.value.get("pre-deploy")
            && let Some(s) = pre.value.as_str()
        {
            steps.extend(scan_lines(file, value_lines(&f.text, s, pre.span), None));
        }
        let update_span = conf.value.get("repo").map_or(env.span, |r| r.span);
        let git_ref = conf
            .value
            .get("ref")
            .and_then(|r| r.value.as_str())
            .unwrap_or("origin/master");
        steps.push(Step {
            kind: StepKind::Update,
            text: format!("git reset --hard {git_ref}"),
            span: update_span,
        });
        steps.extend(scan_lines(file, value_lines(&f.text, post_text, post.span), None));
        out.push(Sequence {
            origin: format!("pm2 deploy `{}`", env.value),
            steps,
        });
    }
    out
}

/// An update followed by a restart with no install in between: (update,
/// restart). One pair per update; an install before the update does not
/// count.
pub fn restarts_without_install(seq: &Sequence) -> Vec<(&Step, &Step)> {
    let mut out = Vec::new();
    let mut pending: Option<&Step> = None;
    for step in &seq.steps {
        match step.kind {
            StepKind::Update => {
                if pending.is_none() {
                    pending = Some(step);
                }
            }
            StepKind::Install => pending = None,
            StepKind::Restart => {
                if let Some(u) = pending.take() {
                    out.push((u, step));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(text: &str) -> Vec<(StepKind, String)> {
        scan_lines(FileId(0), text_lines(FileId(0), text), Some('#'))
            .into_iter()
            .map(|s| (s.kind, s.text))
            .collect()
    }

    fn pairs(text: &str) -> usize {
        let seq = Sequence {
            origin: String::new(),
            steps: scan_lines(FileId(0), text_lines(FileId(0), text), Some('#')),
        };
        restarts_without_install(&seq).len()
    }

    #[test]
    fn finds_updates_installs_and_restarts() {
        use StepKind::*;
        let got =
            steps("cd /srv/app && git pull origin main\nvenv/bin/pip install -r requirements.txt; pm2 restart api\n");
        assert_eq!(
            got,
            [
                (Update, "git pull origin main".into()),
                (Install, "venv/bin/pip install".into()),
                (Restart, "pm2 restart api".into())
            ]
        );
        let got = steps(
            "ssh deploy@host 'cd app&&git -C /srv/app reset --hard origin/main&&sudo systemctl restart app.service'",
        );
        assert_eq!(
            got,
            [
                (Update, "git -C /srv/app reset --hard origin/main".into()),
                (Restart, "systemctl restart app.service".into())
            ]
        );
        assert_eq!(steps("python3 -m pip install -r req.txt")[0].0, Install);
        assert_eq!(steps("uv sync --frozen")[0].0, Install);
        assert_eq!(steps("yarn --frozen-lockfile")[0].0, Install);
        assert_eq!(steps("kill -HUP $(cat /run/gunicorn.pid)")[0].0, Restart);
        assert_eq!(steps("./scripts/install_deps.sh")[0].0, Install);
        assert!(steps("systemctl reload nginx").is_empty());
        assert!(steps("git fetch origin").is_empty());
        assert!(steps("git reset HEAD~1").is_empty());
        assert!(steps("# git pull && pm2 restart all").is_empty());
        assert_eq!(steps("echo hi # git pull"), []);
        assert_eq!(steps("npm run build").len(), 0);
    }

    #[test]
    fn pairs_need_an_install_between() {
        assert_eq!(pairs("git pull\npm2 restart all\n"), 1);
        assert_eq!(pairs("git pull\nnpm ci\npm2 restart all\n"), 0);
        assert_eq!(pairs("npm ci\ngit pull\npm2 restart all\n"), 1);
        assert_eq!(pairs("pm2 restart all\ngit pull\n"), 0);
        assert_eq!(pairs("git pull\nmake deps\npm2 reload all\n"), 0);
        assert_eq!(pairs("git pull\npm2 restart a\npm2 restart b\n"), 1);
    }

    #[test]
    fn makefile_recipes_are_sequences() {
        let text = "VAR := x\n# comment\ndeploy: build\n\t@git pull\n\tsudo systemctl restart api\n\ninstall:\n\tpip install -r requirements.txt\n";
        let f = SourceFile::new(PathBuf::from("Makefile"), "Makefile".into(), text.as_bytes().to_vec());
        let seqs = make_sequences(FileId(0), &f);
        assert_eq!(seqs.len(), 2);
        assert_eq!(seqs[0].origin, "make target `deploy`");
        assert_eq!(restarts_without_install(&seqs[0]).len(), 1);
        let (u, r) = restarts_without_install(&seqs[0])[0];
        assert_eq!(&text[u.span.range()], "git pull");
        assert_eq!(&text[r.span.range()], "systemctl restart api");
    }

    #[test]
    fn workflow_blocks_keep_their_spans() {
        let text = "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: appleboy/ssh-action@v1\n        with:\n          host: x\n          script: |\n            cd /srv/app\n            git pull\n            pm2 reload api\n";
        let f = SourceFile::new(PathBuf::from("d.yml"), "d.yml".into(), text.as_bytes().to_vec());
        let seqs = workflow_sequence(FileId(0), &f);
        let p = restarts_without_install(&seqs[0]);
        assert_eq!(p.len(), 1);
        assert_eq!(&text[p[0].0.span.range()], "git pull");
        assert_eq!(&text[p[0].1.span.range()], "pm2 reload api");
    }

    #[test]
    fn garbage_never_panics() {
        for t in [
            "",
            "&&",
            "git",
            "pm2",
            "systemctl restart",
            "kill -s",
            "é&&é;|",
            "\t\t",
            "a:\n\tb",
            "-m pip",
        ] {
            let _ = steps(t);
            let f = SourceFile::new(PathBuf::from("M"), "M".into(), t.as_bytes().to_vec());
            let _ = make_sequences(FileId(0), &f);
            let _ = workflow_sequence(FileId(0), &f);
        }
    }
}
