//! Configuration files: `lint502.toml`, `.lint502.toml`, or the
//! `[tool.lint502]` table of `pyproject.toml`.
//!
//! Discovery (ruff's model, one file per run): from the first checked path
//! (its folder when it is a file) upward to the filesystem root, the first
//! folder that holds one of them wins; within a folder the order is
//! `lint502.toml`, `.lint502.toml`, `pyproject.toml`, and a `pyproject.toml`
//! counts only when it has a `[tool.lint502]` table. `--config FILE` names
//! the file instead; `--isolated` reads none.
//!
//! Keys are kebab-case. Paths and globs are relative to the folder of the
//! configuration file. An unknown key, a value of the wrong type, or a rule
//! no code, prefix or name matches is an error (exit 2) that names the file
//! and line, with the nearest valid key or rule when one is close.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::Severity;
use crate::rules::RuleMeta;

/// The files looked for in each folder, in this order.
pub const FILE_NAMES: [&str; 3] = ["lint502.toml", ".lint502.toml", "pyproject.toml"];

/// Every key of the configuration table.
pub const KEYS: &[&str] = &[
    "select",
    "ignore",
    "extend-select",
    "severity",
    "fail-on",
    "per-file-ignores",
    "exclude",
    "nginx-prefix",
    "nginx-version",
    "python-version",
    "env",
    "module-names",
];

/// A configuration file that could not be used: `path:line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: String,
    /// 1-based; 0 when the error is about the file as a whole.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.path, self.line, self.column, self.message)
        }
    }
}

/// The configuration file settings come from, kept so that values taken from
/// it (`[env]`, `python-version`) can point at their line.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    /// As found or given.
    pub path: PathBuf,
    /// Its folder, absolute: globs and paths are relative to it.
    pub dir: PathBuf,
    pub bytes: Vec<u8>,
}

/// A glob of `per-file-ignores` or `exclude`.
#[derive(Debug, Clone)]
pub struct Glob {
    pub pattern: glob::Pattern,
    /// The pattern has no `/`: it is matched against each name in the path
    /// (`*.bak`, `legacy`), not against the whole relative path.
    pub name_only: bool,
}

impl Glob {
    fn new(text: &str) -> Result<Glob, glob::PatternError> {
        let t = text.trim().trim_start_matches("./").trim_end_matches('/');
        Ok(Glob {
            pattern: glob::Pattern::new(t)?,
            name_only: !t.contains('/'),
        })
    }

    /// Whether the glob matches `rel` (a `/`-separated path relative to the
    /// configuration folder) or one of the folders above it.
    pub fn matches(&self, rel: &str) -> bool {
        let opts = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        if self.name_only {
            return rel.split('/').any(|name| self.pattern.matches_with(name, opts));
        }
        let mut end = rel.len();
        loop {
            if self.pattern.matches_with(&rel[..end], opts) {
                return true;
            }
            match rel[..end].rfind('/') {
                Some(i) => end = i,
                None => return false,
            }
        }
    }
}

/// Codes, prefixes or names (`select`, `ignore`…), as written.
pub type Selectors = Vec<String>;

/// What a configuration file changes in a run of `check`, besides the
/// options the command line can override (see [`Config`]).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The file these came from (None: no configuration file).
    pub file: Option<ConfigFile>,
    pub extend_select: Selectors,
    pub ignore: Selectors,
    /// Per rule (code, prefix or name): a severity, or None for "off".
    pub severity: Vec<(String, Option<Severity>)>,
    pub per_file_ignores: Vec<(Glob, Selectors)>,
    pub exclude: Vec<Glob>,
    /// `[env]`: variables the deployment sets outside the repository, with
    /// the span of the value in the configuration file.
    pub env: Vec<(String, String, Range<usize>)>,
    /// `[module-names]`: an import name and the distributions that provide it.
    pub module_names: Vec<(String, Vec<String>)>,
    /// `python-version`, with the span of its value.
    pub python_version: Option<((u8, u8), Range<usize>)>,
}

/// A configuration file read: the options the command line can override,
/// then the rest.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub select: Option<Selectors>,
    pub fail_on: Option<Severity>,
    /// Absolute (joined to the configuration folder).
    pub nginx_prefix: Option<PathBuf>,
    pub nginx_version: Option<String>,
    pub settings: Settings,
}

/// How closely `selector` names a rule: None when it does not; a code or a
/// name is more specific than any prefix, a longer prefix than a shorter one.
pub fn specificity(selector: &str, meta: &RuleMeta) -> Option<usize> {
    if selector.eq_ignore_ascii_case(meta.code) || selector == meta.name {
        return Some(usize::MAX);
    }
    let up = selector.to_ascii_uppercase();
    (!up.is_empty() && meta.code.starts_with(&up)).then_some(up.len())
}

/// Whether some rule answers to `selector`.
pub fn is_known_selector(selector: &str) -> bool {
    crate::rules::RULES
        .iter()
        .any(|r| specificity(selector, r.meta).is_some())
}

/// The closest of `candidates` to `word`, when it is close enough to be a
/// typo of it.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1) + 1;
    let mut near = crate::text::Near::new(&word.to_ascii_lowercase());
    candidates
        .into_iter()
        .filter_map(|c| Some((near.distance_within(&c.to_ascii_lowercase(), limit)?, c)))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// "did you mean `X009`?" for a selector no rule answers to.
pub fn rule_suggestion(selector: &str) -> Option<&'static str> {
    let candidates = crate::rules::RULES.iter().flat_map(|r| [r.meta.code, r.meta.name]);
    nearest(selector, candidates)
}

impl Settings {
    /// The most specific `[severity]` entry for a rule: Some(None) is "off".
    pub fn severity_of(&self, meta: &RuleMeta) -> Option<Option<Severity>> {
        self.severity
            .iter()
            .filter_map(|(sel, sev)| specificity(sel, meta).map(|s| (s, *sev)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, sev)| sev)
    }

    /// Whether a rule runs: the most specific entry of `select` (all rules
    /// when empty) or `extend-select` turns it on, and an `ignore` entry at
    /// least as specific turns it off again (so `ignore = ["NGX"]` with
    /// `extend-select = ["NGX004"]` keeps NGX004). `"off"` in `[severity]`
    /// turns it off too.
    pub fn enabled(&self, select: &[String], meta: &RuleMeta) -> bool {
        let chosen = if select.is_empty() {
            Some(0)
        } else {
            select.iter().filter_map(|s| specificity(s, meta)).max()
        };
        let extended = self.extend_select.iter().filter_map(|s| specificity(s, meta)).max();
        let Some(on) = chosen.max(extended) else {
            return false;
        };
        if self
            .ignore
            .iter()
            .filter_map(|s| specificity(s, meta))
            .any(|off| off >= on)
        {
            return false;
        }
        self.severity_of(meta) != Some(None)
    }

    /// `path` relative to the configuration folder, `/`-separated (None: no
    /// configuration file, or the path is outside its folder).
    pub fn relative(&self, path: &Path) -> Option<String> {
        let file = self.file.as_ref()?;
        let abs = std::path::absolute(path).ok()?;
        let rel = match abs.strip_prefix(&file.dir) {
            Ok(r) => r.to_path_buf(),
            Err(_) => {
                // Symlinks on either side: compare the resolved paths.
                let canon = path.canonicalize().ok()?;
                let dir = file.dir.canonicalize().ok()?;
                canon.strip_prefix(&dir).ok()?.to_path_buf()
            }
        };
        let parts: Vec<String> = rel
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        Some(parts.join("/"))
    }

    /// Whether `exclude` keeps lint502 from reading `path`.
    pub fn excluded(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        self.relative(path)
            .is_some_and(|rel| self.exclude.iter().any(|g| g.matches(&rel)))
    }

    /// Whether `per-file-ignores` turns a rule off in `path`.
    pub fn ignored_in(&self, path: &Path, meta: &RuleMeta) -> bool {
        if self.per_file_ignores.is_empty() {
            return false;
        }
        let Some(rel) = self.relative(path) else {
            return false;
        };
        self.per_file_ignores
            .iter()
            .any(|(g, sels)| g.matches(&rel) && sels.iter().any(|s| specificity(s, meta).is_some()))
    }
}

/// The configuration of a run: the file `--config` names, else the one
/// found upward from the first checked path; none with `isolated`.
pub fn resolve(paths: &[PathBuf], named: Option<&Path>, isolated: bool) -> Result<Option<Config>, ConfigError> {
    if isolated {
        return Ok(None);
    }
    if let Some(p) = named {
        let bytes = std::fs::read(p).map_err(|e| ConfigError {
            path: crate::source::display_path(p),
            line: 0,
            column: 0,
            message: format!("cannot read the configuration file: {e}"),
        })?;
        let is_pyproject = p.file_name().is_some_and(|n| n == "pyproject.toml");
        return load(p, bytes, is_pyproject).map(|c| Some(c.unwrap_or_default()));
    }
    let start = paths.first().map(PathBuf::as_path).unwrap_or(Path::new("."));
    let Ok(start) = std::path::absolute(start) else {
        return Ok(None);
    };
    let mut dir = if start.is_file() {
        start.parent().map(Path::to_path_buf)
    } else {
        Some(start)
    };
    while let Some(d) = dir {
        for name in FILE_NAMES {
            let p = d.join(name);
            if !p.is_file() {
                continue;
            }
            let Ok(bytes) = std::fs::read(&p) else { continue };
            let is_pyproject = name == "pyproject.toml";
            // A pyproject.toml without the table is not a configuration
            // file: not even parsed (its own errors are not ours).
            if is_pyproject && !String::from_utf8_lossy(&bytes).contains("lint502") {
                continue;
            }
            if let Some(c) = load(&p, bytes, is_pyproject)? {
                return Ok(Some(c));
            }
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    Ok(None)
}

/// Read one configuration file; `Ok(None)` for a `pyproject.toml` without a
/// `[tool.lint502]` table.
pub fn load(path: &Path, bytes: Vec<u8>, pyproject: bool) -> Result<Option<Config>, ConfigError> {
    let display = crate::source::display_path(path);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let dir = std::path::absolute(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let r = Reader {
        display: &display,
        text: &text,
        dir: &dir,
    };
    let root = DeTable::parse(&text).map_err(|e| {
        let at = e.span().map(|s| s.start).unwrap_or(0);
        r.error(at, format!("not valid TOML: {}", e.message().trim_end()))
    })?;
    let (table, prefix) = if pyproject {
        let tool = root.get_ref().get("tool").map(Spanned::get_ref);
        let Some(DeValue::Table(tool)) = tool else {
            return Ok(None);
        };
        match tool.get("lint502") {
            Some(v) => match v.get_ref() {
                DeValue::Table(t) => (t, "tool.lint502."),
                _ => return Err(r.error(v.span().start, "`tool.lint502` must be a table".into())),
            },
            None => return Ok(None),
        }
    } else {
        (root.get_ref(), "")
    };
    let mut c = r.read(table, prefix)?;
    c.settings.file = Some(ConfigFile {
        path: path.to_path_buf(),
        dir,
        bytes,
    });
    Ok(Some(c))
}

struct Reader<'a> {
    display: &'a str,
    text: &'a str,
    dir: &'a Path,
}

type Entry<'i> = (&'i Spanned<std::borrow::Cow<'i, str>>, &'i Spanned<DeValue<'i>>);

impl Reader<'_> {
    fn error(&self, offset: usize, message: String) -> ConfigError {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
        ConfigError {
            path: self.display.to_owned(),
            line,
            column,
            message,
        }
    }

    /// The top-level keys, in file order (the first error is the first in
    /// the file).
    fn read(&self, table: &DeTable<'_>, prefix: &str) -> Result<Config, ConfigError> {
        let mut entries: Vec<Entry<'_>> = table.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        let mut c = Config::default();
        for (key, value) in entries {
            let at = key.span().start;
            let name = key.get_ref().as_ref();
            let full = format!("{prefix}{name}");
            match name {
                "select" => c.select = Some(self.selectors(value, &full)?),
                "ignore" => c.settings.ignore = self.selectors(value, &full)?,
                "extend-select" => c.settings.extend_select = self.selectors(value, &full)?,
                "severity" => {
                    for (k, v) in self.table(value, &full)? {
                        let rule = k.get_ref().as_ref();
                        self.known_rule(rule, k.span().start, &full)?;
                        let level = self.string(v, &format!("{full}.{rule}"))?;
                        let sev = match level.as_str() {
                            "off" => None,
                            l => Some(Severity::parse(l).ok_or_else(|| {
                                self.error(
                                    v.span().start,
                                    format!(
                                        "`{full}.{rule}` is `{level}`, expected \"error\", \"warning\", \"info\" or \"off\""
                                    ),
                                )
                            })?),
                        };
                        c.settings.severity.push((rule.to_owned(), sev));
                    }
                }
                "fail-on" => {
                    let s = self.string(value, &full)?;
                    c.fail_on = Some(Severity::parse(&s).filter(|_| s != "warn").ok_or_else(|| {
                        self.error(
                            value.span().start,
                            format!("`{full}` is `{s}`, expected \"error\", \"warning\" or \"info\""),
                        )
                    })?);
                }
                "per-file-ignores" => {
                    for (k, v) in self.table(value, &full)? {
                        let g = self.glob(k.get_ref(), k.span().start, &full)?;
                        let sels = self.selectors(v, &format!("{full}.\"{}\"", k.get_ref()))?;
                        c.settings.per_file_ignores.push((g, sels));
                    }
                }
                "exclude" => {
                    for (s, span) in self.strings(value, &full)? {
                        c.settings.exclude.push(self.glob(&s, span.start, &full)?);
                    }
                }
                "nginx-prefix" => {
                    let s = self.string(value, &full)?;
                    c.nginx_prefix = Some(self.dir.join(s));
                }
                "nginx-version" => {
                    let s = self.string(value, &full)?;
                    if crate::model::nginx_version::parse(&s).is_none() {
                        return Err(self.error(
                            value.span().start,
                            format!("`{full}` is `{s}`, expected a version such as \"1.28.0\", \"1.30\" or \"latest\""),
                        ));
                    }
                    c.nginx_version = Some(s);
                }
                "python-version" => {
                    let s = self.string(value, &full)?;
                    let v = python_version(&s).ok_or_else(|| {
                        self.error(
                            value.span().start,
                            format!("`{full}` is `{s}`, expected a version such as \"3.12\""),
                        )
                    })?;
                    c.settings.python_version = Some((v, value_span(self.text, value)));
                }
                "env" => {
                    for (k, v) in self.table(value, &full)? {
                        let var = k.get_ref().as_ref();
                        let s = match v.get_ref() {
                            DeValue::String(s) => s.to_string(),
                            DeValue::Integer(i) => i.as_str().to_owned(),
                            DeValue::Boolean(b) => b.to_string(),
                            other => {
                                return Err(self.error(
                                    v.span().start,
                                    format!("`{full}.{var}` must be a string, found {}", other.type_str()),
                                ));
                            }
                        };
                        c.settings.env.push((var.to_owned(), s, value_span(self.text, v)));
                    }
                }
                "module-names" => {
                    for (k, v) in self.table(value, &full)? {
                        let module = k.get_ref().as_ref();
                        let what = format!("{full}.{module}");
                        let dists = match v.get_ref() {
                            DeValue::String(s) => vec![s.to_string()],
                            _ => self.strings(v, &what)?.into_iter().map(|(s, _)| s).collect(),
                        };
                        c.settings.module_names.push((module.to_owned(), dists));
                    }
                }
                _ => {
                    let hint = match nearest(name, KEYS.iter().copied()) {
                        Some(k) => format!(", did you mean `{k}`?"),
                        None => format!(", expected one of {}", KEYS.join(", ")),
                    };
                    return Err(self.error(at, format!("unknown key `{full}` in {}{hint}", file_name(self.display))));
                }
            }
        }
        Ok(c)
    }

    fn table<'v, 'i>(&self, v: &'v Spanned<DeValue<'i>>, what: &str) -> Result<Vec<Entry<'v>>, ConfigError> {
        match v.get_ref() {
            DeValue::Table(t) => {
                let mut entries: Vec<Entry<'v>> = t.iter().collect();
                entries.sort_by_key(|(k, _)| k.span().start);
                Ok(entries)
            }
            other => Err(self.error(
                v.span().start,
                format!("`{what}` must be a table, found {}", other.type_str()),
            )),
        }
    }

    fn string(&self, v: &Spanned<DeValue<'_>>, what: &str) -> Result<String, ConfigError> {
        match v.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            other => Err(self.error(
                v.span().start,
                format!("`{what}` must be a string, found {}", other.type_str()),
            )),
        }
    }

    fn strings(&self, v: &Spanned<DeValue<'_>>, what: &str) -> Result<Vec<(String, Range<usize>)>, ConfigError> {
        let DeValue::Array(items) = v.get_ref() else {
            return Err(self.error(
                v.span().start,
                format!("`{what}` must be an array of strings, found {}", v.get_ref().type_str()),
            ));
        };
        items
            .iter()
            .map(|item| self.string(item, what).map(|s| (s, item.span())))
            .collect()
    }

    fn selectors(&self, v: &Spanned<DeValue<'_>>, what: &str) -> Result<Selectors, ConfigError> {
        let mut out = Vec::new();
        for (s, span) in self.strings(v, what)? {
            self.known_rule(&s, span.start, what)?;
            out.push(s);
        }
        Ok(out)
    }

    fn known_rule(&self, s: &str, at: usize, what: &str) -> Result<(), ConfigError> {
        if is_known_selector(s) {
            return Ok(());
        }
        let hint = match rule_suggestion(s) {
            Some(r) => format!(", did you mean `{r}`?"),
            None => " (see `lint502 rules`)".to_owned(),
        };
        Err(self.error(
            at,
            format!("no rule matches `{s}` in `{what}`: expected a code, a prefix or a name{hint}"),
        ))
    }

    fn glob(&self, s: &str, at: usize, what: &str) -> Result<Glob, ConfigError> {
        Glob::new(s).map_err(|e| self.error(at, format!("`{s}` in `{what}` is not a glob: {}", e.msg)))
    }
}

/// The span of a value; for a string, without its quotes (`"8000"` → `8000`).
fn value_span(text: &str, v: &Spanned<DeValue<'_>>) -> Range<usize> {
    let r = v.span();
    let raw = text.get(r.clone()).unwrap_or("");
    let q = raw.chars().next().filter(|c| *c == '"' || *c == '\'');
    match q {
        Some(q) if raw.len() >= 2 && raw.ends_with(q) && !raw.starts_with("\"\"\"") && !raw.starts_with("'''") => {
            r.start + 1..r.end - 1
        }
        _ => r,
    }
}

fn file_name(display: &str) -> &str {
    display.rsplit('/').next().unwrap_or(display)
}

/// `3.12` or `3.12.4`.
pub fn python_version(s: &str) -> Option<(u8, u8)> {
    let mut parts = s.trim().split('.');
    let major: u8 = parts.next()?.parse().ok()?;
    let minor: u8 = parts.next()?.parse().ok()?;
    if let Some(patch) = parts.next() {
        patch.parse::<u32>().ok()?;
    }
    (major == 3 && parts.next().is_none()).then_some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Option<Config>, ConfigError> {
        load(Path::new("lint502.toml"), text.as_bytes().to_vec(), false)
    }

    #[test]
    fn unknown_key_suggests_the_nearest() {
        let e = parse("ignore = []\nselekt = [\"X001\"]\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "lint502.toml:2:1: unknown key `selekt` in lint502.toml, did you mean `select`?"
        );
        let e = parse("[severty]\nX001 = \"off\"\n").unwrap_err();
        assert!(e.message.contains("did you mean `severity`?"), "{e}");
        let e = parse("zzzzzzzz = 1\n").unwrap_err();
        assert!(e.message.contains("expected one of select"), "{e}");
    }

    #[test]
    fn values_are_checked() {
        let e = parse("select = [\"X999\"]\n").unwrap_err();
        assert!(e.message.starts_with("no rule matches `X999`"), "{e}");
        let e = parse("fail-on = \"fatal\"\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse("[severity]\nX001 = \"loud\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        let e = parse("python-version = \"2.7\"\n").unwrap_err();
        assert!(e.message.contains("expected a version"), "{e}");
        let e = parse("select = \"X001\"\n").unwrap_err();
        assert!(e.message.contains("must be an array of strings, found string"), "{e}");
        let e = parse("select = [\n").unwrap_err();
        assert!(e.message.starts_with("not valid TOML"), "{e}");
    }

    #[test]
    fn reads_every_key() {
        let c = parse(
            "select = [\"X\", \"NGX\"]\nignore = [\"X016\"]\nextend-select = [\"PM005\"]\nfail-on = \"warning\"\n\
             exclude = [\"legacy/\", \"*.bak\"]\nnginx-version = \"1.30\"\npython-version = \"3.12\"\n\
             [severity]\nupstream-keepalive-race = \"error\"\nNGX013 = \"off\"\n\
             [per-file-ignores]\n\"deploy/*.conf\" = [\"NGX004\"]\n[env]\nPORT = \"8000\"\nWORKERS = 4\n\
             [module-names]\nfoo = \"python-foo\"\nbar = [\"a\", \"b\"]\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.select.as_deref(), Some(&["X".to_owned(), "NGX".to_owned()][..]));
        assert_eq!(c.fail_on, Some(Severity::Warning));
        assert_eq!(c.settings.python_version.as_ref().map(|v| v.0), Some((3, 12)));
        assert_eq!(c.settings.env.len(), 2);
        assert_eq!(c.settings.env[1].1, "4");
        assert_eq!(c.settings.module_names[1].1, vec!["a", "b"]);
        assert_eq!(c.settings.severity[1], ("NGX013".to_owned(), None));
        assert!(c.settings.exclude[0].matches("legacy/nginx/app.conf"));
        assert!(c.settings.exclude[1].matches("deploy/app.conf.bak"));
        assert!(!c.settings.exclude[0].matches("deploy/legacy.conf"));
        assert!(c.settings.per_file_ignores[0].0.matches("deploy/app.conf"));
        assert!(!c.settings.per_file_ignores[0].0.matches("deploy/nginx/app.conf"));
    }

    #[test]
    fn pyproject_table() {
        let p = Path::new("pyproject.toml");
        let none = load(p, b"[project]\nname = \"x\"\n".to_vec(), true).unwrap();
        assert!(none.is_none());
        let e = load(p, b"[tool.lint502]\nfail_on = \"info\"\n".to_vec(), true).unwrap_err();
        assert_eq!(
            e.to_string(),
            "pyproject.toml:2:1: unknown key `tool.lint502.fail_on` in pyproject.toml, did you mean `fail-on`?"
        );
    }

    #[test]
    fn selection_by_specificity() {
        let meta = |code| crate::rules::find(code).unwrap().meta;
        let s = Settings {
            ignore: vec!["NGX".into()],
            extend_select: vec!["NGX004".into()],
            ..Settings::default()
        };
        assert!(s.enabled(&[], meta("NGX004")));
        assert!(!s.enabled(&[], meta("NGX001")));
        assert!(s.enabled(&[], meta("X001")));
        assert!(!s.enabled(&["X".into()], meta("PM005")));
        let s = Settings {
            severity: vec![("X".into(), Some(Severity::Info)), ("X001".into(), None)],
            ..Settings::default()
        };
        assert!(!s.enabled(&[], meta("X001")));
        assert_eq!(s.severity_of(meta("X002")), Some(Some(Severity::Info)));
    }

    #[test]
    fn python_versions() {
        assert_eq!(python_version("3.12"), Some((3, 12)));
        assert_eq!(python_version("3.9.18"), Some((3, 9)));
        assert_eq!(python_version("3"), None);
        assert_eq!(python_version("2.7"), None);
    }
}
