//! Declared dependencies in Python project manifests: `pyproject.toml`,
//! `Pipfile` and `setup.cfg`. Every dependency string goes through the
//! PEP 508 parser of [`super::requirements`], with spans into the manifest.
//!
//! Authorities:
//! - `pyproject.toml` `[project]`: PEP 621 / the "pyproject.toml
//!   specification" of the Python Packaging User Guide (`dependencies`,
//!   `optional-dependencies`, `requires-python`, `dynamic`); `[build-system]
//!   requires`: PEP 518; `[dependency-groups]`: PEP 735 (with
//!   `{include-group = "…"}`); `[tool.poetry]`: Poetry's documentation
//!   ("The pyproject.toml file", "Dependency specification": `dependencies`,
//!   `dev-dependencies`, `group.<name>.dependencies`); `[tool.uv]
//!   dev-dependencies` (uv) and `[tool.pdm.dev-dependencies]` (PDM);
//!   `[tool.setuptools.dynamic]` (setuptools' "Configuring setuptools using
//!   pyproject.toml files").
//! - `Pipfile`: pipenv's documentation ("Pipfile & Pipfile.lock",
//!   "Specifying package categories"): `[packages]`, `[dev-packages]`, other
//!   categories, `[requires] python_version` / `python_full_version`.
//! - `setup.cfg`: setuptools' `config/setupcfg.py` (`_parse_list`,
//!   `_parse_requirements_list`: one requirement per line, or `;`-separated
//!   on one line, `#` lines dropped, `file:` reads files) read with Python's
//!   `configparser` (full-line `#`/`;` comments, indented continuation
//!   lines, `=` or `:`).
//!
//! TOML is read with the `toml` crate's `DeTable`, which keeps the span of
//! every key and value, array items included.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use toml::Spanned as TomlSpanned;
use toml::de::{DeTable, DeValue};

use super::SyntaxError;
use super::requirements::{self, Marker, Name, NameOrigin, Requirement, SpecifierSet, Target, canonical_name};
use crate::model::value::Spanned;
use crate::source::{FileId, Span};

/// Which manifest format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ManifestKind {
    PyProject,
    Pipfile,
    SetupCfg,
}

/// The format of a file, by its name.
pub fn kind_of(path: &Path) -> Option<ManifestKind> {
    match path.file_name()?.to_str()? {
        "pyproject.toml" => Some(ManifestKind::PyProject),
        "Pipfile" => Some(ManifestKind::Pipfile),
        "setup.cfg" => Some(ManifestKind::SetupCfg),
        _ => None,
    }
}

/// What a manifest declares.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub kind: ManifestKind,
    /// Declared dependencies, in file order.
    pub dependencies: Vec<Dependency>,
    /// Python version requirements: `requires-python`, Poetry's `python`,
    /// Pipfile's `python_version`, setup.cfg's `python_requires`.
    pub python: Vec<PythonRequirement>,
    /// PEP 621 `dynamic` entries (`"dependencies"`, `"optional-dependencies"`,
    /// …): the build backend fills them in, so the manifest does not list
    /// them.
    pub dynamic: Vec<Spanned<String>>,
    /// Requirements files the build backend reads dependencies from
    /// (setuptools `file:` in setup.cfg, `[tool.setuptools.dynamic]`).
    pub requirement_files: Vec<RequirementFile>,
    /// PEP 735 group names (`[dependency-groups]` keys), as written.
    pub dependency_groups: Vec<Spanned<String>>,
    /// PEP 735 `{include-group = "…"}` entries.
    pub group_includes: Vec<GroupInclude>,
    /// TOML / INI syntax errors and invalid dependency strings.
    pub errors: Vec<SyntaxError>,
}

/// One declared dependency.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    /// The dependency. For Poetry and Pipfile tables the name is the key
    /// ([`NameOrigin::TableKey`]) and `text` is the key.
    pub requirement: Requirement,
    pub group: DependencyGroup,
    pub source: DependencySource,
    /// Poetry's version constraint as written (`^1.2`, `~1.2`, `1.2.*`,
    /// `>=1,<2`); Poetry's syntax is not PEP 440, so
    /// `requirement.specifier` is set only when the constraint also parses
    /// as a PEP 440 specifier list.
    pub poetry_constraint: Option<Spanned<String>>,
    /// Poetry `optional = true`: installed only through an extra.
    pub optional: bool,
}

/// Which set of dependencies a dependency belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DependencyGroup {
    /// Installed with the project.
    Main,
    /// An extra (`optional-dependencies`, setup.cfg `extras_require`).
    Extra(String),
    /// A named group: PEP 735, Poetry `group.<name>`, PDM, a Pipfile category.
    Group(String),
    /// Development only: Poetry `dev-dependencies`, uv `dev-dependencies`,
    /// Pipfile `dev-packages`.
    Dev,
    /// Needed to build the project (`[build-system] requires`).
    Build,
}

/// Where the dependency was declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DependencySource {
    /// `[project]` (PEP 621).
    Pep621,
    /// `[dependency-groups]` (PEP 735).
    Pep735,
    /// `[build-system]` (PEP 518).
    BuildSystem,
    /// `[tool.poetry]`.
    Poetry,
    /// `[tool.uv]`.
    Uv,
    /// `[tool.pdm]`.
    Pdm,
    Pipfile,
    SetupCfg,
}

/// A Python version requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct PythonRequirement {
    /// As written.
    pub text: Spanned<String>,
    /// Parsed as PEP 440 specifiers, when it is one (Poetry's `^3.8` and
    /// Pipfile's bare `3.11` are not).
    pub specifier: Option<SpecifierSet>,
    pub source: DependencySource,
}

/// A requirements file a manifest takes dependencies from.
#[derive(Debug, Clone, PartialEq)]
pub struct RequirementFile {
    /// Relative to the manifest's directory.
    pub path: Spanned<String>,
    pub group: DependencyGroup,
}

/// `{include-group = "name"}` in a PEP 735 group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupInclude {
    pub group: String,
    pub include: Spanned<String>,
}

impl Manifest {
    fn new(kind: ManifestKind) -> Manifest {
        Manifest {
            kind,
            dependencies: Vec::new(),
            python: Vec::new(),
            dynamic: Vec::new(),
            requirement_files: Vec::new(),
            dependency_groups: Vec::new(),
            group_includes: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Whether `[project] dynamic` lists `field` (`"dependencies"`, …).
    pub fn is_dynamic(&self, field: &str) -> bool {
        self.dynamic.iter().any(|d| d.value == field)
    }

    /// The dependencies of a PEP 735 group with its `include-group`s
    /// expanded (names compared after PEP 503 normalization, as PEP 735
    /// says). Errors: an unknown group, or a cycle.
    pub fn dependency_group(&self, name: &str) -> Result<Vec<&Dependency>, String> {
        let mut out = Vec::new();
        let mut stack = Vec::new();
        self.expand_group(&canonical_name(name), &mut stack, &mut out)?;
        Ok(out)
    }

    fn expand_group<'a>(
        &'a self,
        name: &str,
        stack: &mut Vec<String>,
        out: &mut Vec<&'a Dependency>,
    ) -> Result<(), String> {
        if stack.iter().any(|s| s == name) {
            return Err(format!(
                "cyclic dependency group include: {} -> {name}",
                stack.join(" -> ")
            ));
        }
        if !self.dependency_groups.iter().any(|g| canonical_name(&g.value) == name) {
            return Err(format!("dependency group '{name}' not found"));
        }
        stack.push(name.to_owned());
        // Dependencies and includes in file order.
        let mut items: Vec<(u32, Result<&Dependency, &GroupInclude>)> = self
            .dependencies
            .iter()
            .filter(|d| {
                d.source == DependencySource::Pep735
                    && matches!(&d.group, DependencyGroup::Group(g) if canonical_name(g) == name)
            })
            .map(|d| (d.requirement.span.start, Ok(d)))
            .chain(
                self.group_includes
                    .iter()
                    .filter(|g| canonical_name(&g.group) == name)
                    .map(|g| (g.include.span.start, Err(g))),
            )
            .collect();
        items.sort_by_key(|(at, _)| *at);
        for (_, item) in items {
            match item {
                Ok(d) => out.push(d),
                Err(g) => self.expand_group(&canonical_name(&g.include.value), stack, out)?,
            }
        }
        stack.pop();
        Ok(())
    }
}

/// Read a manifest. Never fails: syntax errors and invalid dependency
/// strings are in [`Manifest::errors`], the rest is read.
pub fn parse(file: FileId, text: &str, kind: ManifestKind) -> Manifest {
    match kind {
        ManifestKind::PyProject | ManifestKind::Pipfile => {
            let mut m = Manifest::new(kind);
            let (doc, errors) = DeTable::parse_recoverable(text);
            let cx = Cx { file, text };
            for e in errors {
                let range = e.span().unwrap_or(0..0);
                m.errors.push(SyntaxError {
                    message: e.message().trim_end().to_owned(),
                    span: cx.span(range.start, range.end),
                    line: None,
                });
            }
            let root = doc.get_ref();
            if kind == ManifestKind::PyProject {
                read_pyproject(&cx, root, &mut m);
            } else {
                read_pipfile(&cx, root, &mut m);
            }
            m.dependencies.sort_by_key(|d| d.requirement.span.start);
            m
        }
        ManifestKind::SetupCfg => read_setup_cfg(file, text),
    }
}

// ==================================================================== TOML

struct Cx<'a> {
    file: FileId,
    text: &'a str,
}

type Value<'i> = TomlSpanned<DeValue<'i>>;

impl Cx<'_> {
    fn span(&self, a: usize, b: usize) -> Span {
        let a = a.min(self.text.len());
        Span::new(self.file, a, b.clamp(a, self.text.len()))
    }
    fn line(&self, at: u32) -> u32 {
        let at = (at as usize).min(self.text.len());
        self.text.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1
    }
    /// Maps offsets in a TOML string's value to the file: exact when the
    /// value is written without escapes, else the whole string token.
    fn string_spanner(&self, value: &str, token: std::ops::Range<usize>) -> impl Fn(usize, usize) -> Span + '_ {
        let raw = self.text.get(token.clone()).unwrap_or_default();
        let mut base = None;
        for (open, close) in [("\"\"\"", "\"\"\""), ("'''", "'''"), ("\"", "\""), ("'", "'")] {
            if raw.len() >= open.len() + close.len() && raw.starts_with(open) && raw.ends_with(close) {
                let mut inner_start = open.len();
                let inner = &raw[open.len()..raw.len() - close.len()];
                let inner = if open.len() == 3 {
                    // A newline right after the opening delimiter is trimmed.
                    let trimmed = inner
                        .strip_prefix("\r\n")
                        .or_else(|| inner.strip_prefix('\n'))
                        .unwrap_or(inner);
                    inner_start += inner.len() - trimmed.len();
                    trimmed
                } else {
                    inner
                };
                if inner == value {
                    base = Some(token.start + inner_start);
                }
                break;
            }
        }
        let file = self.file;
        move |a: usize, b: usize| match base {
            Some(at) => Span::new(file, at + a, at + b),
            None => Span::new(file, token.start, token.end),
        }
    }
}

fn get<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a Value<'i>> {
    t.get(key)
}

fn table<'a, 'i>(v: Option<&'a Value<'i>>) -> Option<&'a DeTable<'i>> {
    v.and_then(|v| v.get_ref().as_table())
}

fn path<'a, 'i>(root: &'a DeTable<'i>, keys: &[&str]) -> Option<&'a Value<'i>> {
    let (last, init) = keys.split_last()?;
    let mut t = root;
    for k in init {
        t = table(get(t, k))?;
    }
    get(t, last)
}

fn string<'a>(v: &'a Value<'_>) -> Option<&'a str> {
    v.get_ref().as_str()
}

fn spanned_string(cx: &Cx<'_>, v: &Value<'_>) -> Option<Spanned<String>> {
    let r = v.span();
    string(v).map(|s| Spanned::new(s.to_owned(), cx.span(r.start, r.end)))
}

/// Wrong TOML type for a field the manifest's tools require.
fn type_error(cx: &Cx<'_>, v: &Value<'_>, what: &str) -> SyntaxError {
    let r = v.span();
    SyntaxError {
        message: format!("{what} must be {}", expected_type(what)),
        span: cx.span(r.start, r.end),
        line: None,
    }
}

fn expected_type(what: &str) -> &'static str {
    if what.ends_with("dependencies") || what.ends_with("requires") || what.ends_with(']') {
        "an array of strings"
    } else {
        "a string"
    }
}

/// A PEP 508 string in a TOML array.
fn pep508_dependency(cx: &Cx<'_>, v: &Value<'_>, group: DependencyGroup, source: DependencySource, m: &mut Manifest) {
    let Some(s) = string(v) else {
        m.errors.push(type_error(cx, v, "a dependency"));
        return;
    };
    let spanner = cx.string_spanner(s, v.span());
    match requirements::parse_pep508(s, &spanner) {
        Ok(mut r) => {
            r.line = cx.line(r.span.start);
            m.dependencies.push(Dependency {
                requirement: r,
                group,
                source,
                poetry_constraint: None,
                optional: false,
            });
        }
        Err(mut e) => {
            e.message = format!("Invalid requirement: {}: {}", py_quote(s), e.message);
            m.errors.push(e);
        }
    }
}

/// Python's `repr()` quoting, as packaging's messages show the string.
fn py_quote(s: &str) -> String {
    if s.contains('\'') && !s.contains('"') {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

fn pep508_array(
    cx: &Cx<'_>,
    v: Option<&Value<'_>>,
    what: &str,
    group: DependencyGroup,
    source: DependencySource,
    m: &mut Manifest,
) {
    let Some(v) = v else { return };
    let Some(items) = v.get_ref().as_array() else {
        m.errors.push(type_error(cx, v, what));
        return;
    };
    for item in items.iter() {
        pep508_dependency(cx, item, group.clone(), source, m);
    }
}

fn read_pyproject(cx: &Cx<'_>, root: &DeTable<'_>, m: &mut Manifest) {
    use DependencySource::*;
    // PEP 621
    if let Some(project) = table(get(root, "project")) {
        pep508_array(
            cx,
            get(project, "dependencies"),
            "project.dependencies",
            DependencyGroup::Main,
            Pep621,
            m,
        );
        if let Some(v) = get(project, "optional-dependencies") {
            match v.get_ref().as_table() {
                Some(extras) => {
                    for (extra, deps) in extras.iter() {
                        let what = format!("project.optional-dependencies.{}", extra.get_ref());
                        let group = DependencyGroup::Extra(extra.get_ref().to_string());
                        pep508_array(cx, Some(deps), &what, group, Pep621, m);
                    }
                }
                None => m.errors.push(type_error(cx, v, "project.optional-dependencies[]")),
            }
        }
        if let Some(v) = get(project, "requires-python") {
            python_requirement(cx, v, Pep621, m);
        }
        if let Some(v) = get(project, "dynamic") {
            match v.get_ref().as_array() {
                Some(items) => m.dynamic.extend(items.iter().filter_map(|i| spanned_string(cx, i))),
                None => m.errors.push(type_error(cx, v, "project.dynamic[]")),
            }
        }
    }
    // PEP 518
    pep508_array(
        cx,
        path(root, &["build-system", "requires"]),
        "build-system.requires",
        DependencyGroup::Build,
        BuildSystem,
        m,
    );
    // PEP 735
    if let Some(groups) = table(get(root, "dependency-groups")) {
        for (name, items) in groups.iter() {
            let group = name.get_ref().to_string();
            let r = name.span();
            m.dependency_groups
                .push(Spanned::new(group.clone(), cx.span(r.start, r.end)));
            let Some(array) = items.get_ref().as_array() else {
                m.errors
                    .push(type_error(cx, items, &format!("dependency-groups.{group}[]")));
                continue;
            };
            for item in array.iter() {
                if let Some(t) = item.get_ref().as_table() {
                    match get(t, "include-group").and_then(|v| spanned_string(cx, v)) {
                        Some(include) => m.group_includes.push(GroupInclude {
                            group: group.clone(),
                            include,
                        }),
                        None => m.errors.push(SyntaxError {
                            message: "a dependency group table must be {include-group = \"name\"}".into(),
                            span: cx.span(item.span().start, item.span().end),
                            line: None,
                        }),
                    }
                } else {
                    pep508_dependency(cx, item, DependencyGroup::Group(group.clone()), Pep735, m);
                }
            }
        }
        check_group_includes(m);
    }
    // uv, PDM
    pep508_array(
        cx,
        path(root, &["tool", "uv", "dev-dependencies"]),
        "tool.uv.dev-dependencies",
        DependencyGroup::Dev,
        Uv,
        m,
    );
    if let Some(groups) = table(path(root, &["tool", "pdm", "dev-dependencies"])) {
        for (name, items) in groups.iter() {
            let what = format!("tool.pdm.dev-dependencies.{}", name.get_ref());
            let group = DependencyGroup::Group(name.get_ref().to_string());
            pep508_array(cx, Some(items), &what, group, Pdm, m);
        }
    }
    // Poetry
    if let Some(poetry) = table(path(root, &["tool", "poetry"])) {
        if let Some(deps) = table(get(poetry, "dependencies")) {
            poetry_table(cx, deps, DependencyGroup::Main, m);
        }
        if let Some(deps) = table(get(poetry, "dev-dependencies")) {
            poetry_table(cx, deps, DependencyGroup::Dev, m);
        }
        if let Some(groups) = table(get(poetry, "group")) {
            for (name, g) in groups.iter() {
                if let Some(deps) = table(g.get_ref().as_table().and_then(|t| get(t, "dependencies"))) {
                    poetry_table(cx, deps, DependencyGroup::Group(name.get_ref().to_string()), m);
                }
            }
        }
    }
    // setuptools: dependencies from files
    if let Some(dynamic) = table(path(root, &["tool", "setuptools", "dynamic"])) {
        if let Some(d) = table(get(dynamic, "dependencies")) {
            file_refs(cx, get(d, "file"), DependencyGroup::Main, m);
        }
        if let Some(extras) = table(get(dynamic, "optional-dependencies")) {
            for (extra, d) in extras.iter() {
                let group = DependencyGroup::Extra(extra.get_ref().to_string());
                file_refs(cx, table(Some(d)).and_then(|t| get(t, "file")), group, m);
            }
        }
    }
}

/// `file = "a.txt"` or `file = ["a.txt", "b.txt"]`.
fn file_refs(cx: &Cx<'_>, v: Option<&Value<'_>>, group: DependencyGroup, m: &mut Manifest) {
    let Some(v) = v else { return };
    let items: Vec<&Value<'_>> = match v.get_ref().as_array() {
        Some(a) => a.iter().collect(),
        None => vec![v],
    };
    for item in items {
        if let Some(path) = spanned_string(cx, item) {
            m.requirement_files.push(RequirementFile {
                path,
                group: group.clone(),
            });
        }
    }
}

/// PEP 735: an include names an existing group, and includes do not cycle.
fn check_group_includes(m: &mut Manifest) {
    let mut errors = Vec::new();
    let mut reported = HashSet::new();
    for inc in &m.group_includes {
        let target = canonical_name(&inc.include.value);
        if !m.dependency_groups.iter().any(|g| canonical_name(&g.value) == target) {
            errors.push(SyntaxError {
                message: format!("dependency group '{}' not found", inc.include.value),
                span: inc.include.span,
                line: None,
            });
        } else if let Err(message) = m.dependency_group(&inc.group)
            && reported.insert(canonical_name(&inc.group))
            && message.starts_with("cyclic")
        {
            errors.push(SyntaxError {
                message,
                span: inc.include.span,
                line: None,
            });
        }
    }
    m.errors.extend(errors);
}

fn python_requirement(cx: &Cx<'_>, v: &Value<'_>, source: DependencySource, m: &mut Manifest) {
    let Some(text) = spanned_string(cx, v) else {
        m.errors.push(type_error(cx, v, "requires-python"));
        return;
    };
    let s = string(v).unwrap_or_default();
    let spanner = cx.string_spanner(s, v.span());
    let specifier = match requirements::parse_specifier_set(s, &spanner) {
        Ok(set) => Some(set),
        Err(e) if source == DependencySource::Pep621 => {
            m.errors.push(e);
            None
        }
        Err(_) => None,
    };
    m.python.push(PythonRequirement {
        text,
        specifier,
        source,
    });
}

/// A name from a TOML key.
fn key_name(cx: &Cx<'_>, key: &TomlSpanned<std::borrow::Cow<'_, str>>) -> Name {
    let r = key.span();
    Name {
        written: key.get_ref().to_string(),
        canonical: canonical_name(key.get_ref()),
        span: cx.span(r.start, r.end),
        origin: NameOrigin::TableKey,
    }
}

/// A requirement built from a table entry (Poetry, Pipfile).
fn table_requirement(cx: &Cx<'_>, name: Name, span: Span) -> Requirement {
    Requirement {
        name: Some(name.clone()),
        extras: Vec::new(),
        specifier: None,
        marker: None,
        target: Target::Index,
        editable: false,
        hashes: Vec::new(),
        config_settings: Vec::new(),
        text: name.written.clone(),
        span,
        line: cx.line(span.start),
    }
}

/// `extras = ["a", "b"]`.
fn extras_of(cx: &Cx<'_>, t: &DeTable<'_>) -> Vec<Spanned<String>> {
    get(t, "extras")
        .and_then(|v| v.get_ref().as_array())
        .map(|a| a.iter().filter_map(|i| spanned_string(cx, i)).collect())
        .unwrap_or_default()
}

/// `markers = "…"`, checked as a PEP 508 marker.
fn marker_of(cx: &Cx<'_>, v: Option<&Value<'_>>, m: &mut Manifest) -> Option<Marker> {
    let v = v?;
    let s = string(v)?;
    let spanner = cx.string_spanner(s, v.span());
    match requirements::parse_marker(s, &spanner) {
        Ok(marker) => Some(marker),
        Err(mut e) => {
            e.message = format!("Invalid marker: {}: {}", py_quote(s), e.message);
            m.errors.push(e);
            None
        }
    }
}

/// `git`/`url`/`path`/`file` of a Poetry or Pipfile table.
fn source_of(cx: &Cx<'_>, t: &DeTable<'_>) -> Target {
    if let Some(v) = get(t, "git").and_then(|v| spanned_string(cx, v)) {
        return Target::Url {
            url: v.value,
            vcs: Some("git".into()),
            span: v.span,
        };
    }
    for key in ["url", "file"] {
        if let Some(v) = get(t, key).and_then(|v| spanned_string(cx, v)) {
            return Target::Url {
                url: v.value,
                vcs: None,
                span: v.span,
            };
        }
    }
    if let Some(v) = get(t, "path").and_then(|v| spanned_string(cx, v)) {
        let archive = [".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar"]
            .iter()
            .any(|e| v.value.to_ascii_lowercase().ends_with(e));
        return Target::Path {
            path: v.value,
            archive,
            span: v.span,
        };
    }
    Target::Index
}

fn poetry_table(cx: &Cx<'_>, deps: &DeTable<'_>, group: DependencyGroup, m: &mut Manifest) {
    for (key, value) in deps.iter() {
        if key.get_ref() == "python" {
            if let Some(text) = spanned_string(cx, value) {
                let s = text.value.clone();
                let spanner = cx.string_spanner(&s, value.span());
                m.python.push(PythonRequirement {
                    specifier: requirements::parse_specifier_set(&s, &spanner).ok(),
                    text,
                    source: DependencySource::Poetry,
                });
            }
            continue;
        }
        // A list of tables is several constraints (for different markers).
        let entries: Vec<&Value<'_>> = match value.get_ref().as_array() {
            Some(a) => a.iter().collect(),
            None => vec![value],
        };
        for entry in entries {
            let name = key_name(cx, key);
            let r = entry.span();
            let k = key.span();
            let mut req = table_requirement(cx, name, cx.span(k.start.min(r.start), r.end.max(k.end)));
            let mut optional = false;
            let constraint_value = match entry.get_ref() {
                DeValue::String(_) => Some(entry),
                DeValue::Table(t) => {
                    req.extras = extras_of(cx, t);
                    req.marker = marker_of(cx, get(t, "markers"), m);
                    req.target = source_of(cx, t);
                    req.editable = get(t, "develop").and_then(|v| v.get_ref().as_bool()) == Some(true);
                    optional = get(t, "optional").and_then(|v| v.get_ref().as_bool()) == Some(true);
                    get(t, "version")
                }
                _ => {
                    m.errors.push(SyntaxError {
                        message: format!(
                            "tool.poetry dependency {} must be a version string, a table or an array of tables",
                            key.get_ref()
                        ),
                        span: cx.span(r.start, r.end),
                        line: None,
                    });
                    continue;
                }
            };
            let poetry_constraint = constraint_value.and_then(|v| spanned_string(cx, v));
            if let (Some(c), Some(v)) = (&poetry_constraint, constraint_value) {
                let spanner = cx.string_spanner(&c.value, v.span());
                req.specifier = requirements::parse_specifier_set(&c.value, &spanner)
                    .ok()
                    .filter(|s| !s.specifiers.is_empty());
            }
            m.dependencies.push(Dependency {
                requirement: req,
                group: group.clone(),
                source: DependencySource::Poetry,
                poetry_constraint,
                optional,
            });
        }
    }
}

/// PEP 508 marker variables pipenv accepts as keys of a package table.
const PIPENV_MARKER_KEYS: &[&str] = &[
    "os_name",
    "sys_platform",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "python_version",
    "python_full_version",
    "implementation_name",
    "implementation_version",
];

fn read_pipfile(cx: &Cx<'_>, root: &DeTable<'_>, m: &mut Manifest) {
    for (section, value) in root.iter() {
        let group = match section.get_ref().as_ref() {
            "packages" => DependencyGroup::Main,
            "dev-packages" => DependencyGroup::Dev,
            "requires" => {
                if let Some(t) = value.get_ref().as_table() {
                    for key in ["python_version", "python_full_version"] {
                        if let Some(v) = get(t, key) {
                            python_requirement(cx, v, DependencySource::Pipfile, m);
                        }
                    }
                }
                continue;
            }
            "source" | "pipenv" | "scripts" => continue,
            // pipenv's package categories: any other table.
            other => DependencyGroup::Group(other.to_owned()),
        };
        let Some(packages) = value.get_ref().as_table() else {
            continue;
        };
        for (key, entry) in packages.iter() {
            let name = key_name(cx, key);
            let r = entry.span();
            let k = key.span();
            let mut req = table_requirement(cx, name, cx.span(k.start, r.end.max(k.end)));
            let version = match entry.get_ref() {
                DeValue::String(_) => Some(entry),
                DeValue::Table(t) => {
                    req.extras = extras_of(cx, t);
                    req.target = source_of(cx, t);
                    req.editable = get(t, "editable").and_then(|v| v.get_ref().as_bool()) == Some(true);
                    req.marker = pipfile_marker(cx, t, m);
                    get(t, "version")
                }
                _ => {
                    m.errors.push(SyntaxError {
                        message: format!("{} must be a version string or a table", key.get_ref()),
                        span: cx.span(r.start, r.end),
                        line: None,
                    });
                    continue;
                }
            };
            if let Some(v) = version
                && let Some(s) = string(v)
                && s.trim() != "*"
                && !s.trim().is_empty()
            {
                let spanner = cx.string_spanner(s, v.span());
                match requirements::parse_specifier_set(s, &spanner) {
                    Ok(set) => req.specifier = Some(set),
                    Err(e) => m.errors.push(e),
                }
            }
            m.dependencies.push(Dependency {
                requirement: req,
                group: group.clone(),
                source: DependencySource::Pipfile,
                poetry_constraint: None,
                optional: false,
            });
        }
    }
}

/// `markers = "…"` and marker keys (`sys_platform = "== 'win32'"`), joined
/// with `and` as pipenv does.
fn pipfile_marker(cx: &Cx<'_>, t: &DeTable<'_>, m: &mut Manifest) -> Option<Marker> {
    let mut parts: Vec<String> = Vec::new();
    let mut span: Option<Span> = None;
    let mut widen = |s: Span| span = Some(span.map_or(s, |x: Span| x.to(s)));
    if let Some(v) = get(t, "markers")
        && let Some(s) = string(v)
    {
        parts.push(format!("({s})"));
        widen(cx.span(v.span().start, v.span().end));
    }
    for key in PIPENV_MARKER_KEYS {
        if let Some(v) = get(t, key)
            && let Some(s) = string(v)
        {
            parts.push(format!("{key} {s}"));
            widen(cx.span(v.span().start, v.span().end));
        }
    }
    let span = span?;
    let text = parts.join(" and ");
    let whole = |_: usize, _: usize| span;
    match requirements::parse_marker(&text, &whole) {
        Ok(marker) => Some(marker),
        Err(mut e) => {
            e.message = format!("Invalid marker: {}: {}", py_quote(&text), e.message);
            m.errors.push(e);
            None
        }
    }
}

// ===================================================================== INI

/// One option of an INI section, as configparser reads it.
struct IniOption {
    key: String,
    key_span: Span,
    /// Value lines: (text, start offset), first line included (it may be
    /// empty), comment lines left out.
    lines: Vec<(String, usize)>,
}

struct IniSection {
    name: String,
    options: Vec<IniOption>,
}

/// Python's `configparser` with setuptools' settings (`=`/`:`, full-line
/// `#`/`;` comments, no inline comments, empty lines kept in values).
fn read_ini(file: FileId, text: &str, errors: &mut Vec<SyntaxError>) -> Vec<IniSection> {
    let mut sections: Vec<IniSection> = Vec::new();
    let mut indent_level = 0usize;
    let mut current_option = false;
    let mut line_start = 0;
    let mut seen_sections: HashMap<String, usize> = HashMap::new();
    for (no, raw) in text.split_inclusive('\n').enumerate() {
        let at = line_start;
        line_start += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let stripped = line.trim();
        let err = |message: String| SyntaxError {
            message,
            span: Span::new(file, at, at + line.len()),
            line: Some(no as u32 + 1),
        };
        if stripped.starts_with('#') || stripped.starts_with(';') {
            continue;
        }
        if stripped.is_empty() {
            if current_option && let Some(o) = sections.last_mut().and_then(|s| s.options.last_mut()) {
                o.lines.push((String::new(), at));
            }
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let value_at = at + indent;
        if current_option && indent > indent_level {
            if let Some(o) = sections.last_mut().and_then(|s| s.options.last_mut()) {
                o.lines.push((stripped.to_owned(), value_at));
            }
            continue;
        }
        indent_level = indent;
        if stripped.starts_with('[')
            && let Some(close) = stripped.rfind(']')
            && close > 1
        {
            let name = stripped[1..close].to_owned();
            current_option = false;
            if seen_sections.insert(name.clone(), no).is_some() {
                errors.push(err(format!(
                    "While reading from '<setup.cfg>' [line {:2}]: section '{name}' already exists",
                    no + 1
                )));
            }
            sections.push(IniSection {
                name,
                options: Vec::new(),
            });
            continue;
        }
        let Some(section) = sections.last_mut() else {
            errors.push(err(format!(
                "File contains no section headers.\nfile: '<setup.cfg>', line: {}\n{}",
                no + 1,
                py_quote(raw)
            )));
            return sections;
        };
        let sep = stripped.find(['=', ':']);
        match sep {
            Some(k) if !stripped[..k].trim().is_empty() => {
                let key = stripped[..k].trim_end().to_owned();
                let value = stripped[k + 1..].trim_start();
                let v_at = value_at + (stripped.len() - value.len());
                section.options.push(IniOption {
                    key: key.clone(),
                    key_span: Span::new(file, value_at, value_at + key.len()),
                    lines: vec![(value.trim_end().to_owned(), v_at)],
                });
                current_option = true;
            }
            _ => {
                errors.push(err(format!(
                    "Source contains parsing errors: '<setup.cfg>'\n\t[line {:2}]: {}",
                    no + 1,
                    py_quote(raw)
                )));
                current_option = false;
            }
        }
    }
    sections
}

fn read_setup_cfg(file: FileId, text: &str) -> Manifest {
    let mut m = Manifest::new(ManifestKind::SetupCfg);
    let sections = read_ini(file, text, &mut m.errors);
    let cx = Cx { file, text };
    for section in &sections {
        match section.name.as_str() {
            "options" => {
                for o in &section.options {
                    match o.key.replace('-', "_").as_str() {
                        "install_requires" => cfg_requirements(&cx, o, DependencyGroup::Main, &mut m),
                        "setup_requires" => cfg_requirements(&cx, o, DependencyGroup::Build, &mut m),
                        "python_requires" => {
                            let (value, at) = o
                                .lines
                                .iter()
                                .find(|(l, _)| !l.is_empty())
                                .cloned()
                                .unwrap_or_else(|| (String::new(), o.key_span.end as usize));
                            let spanner = |a: usize, b: usize| Span::new(file, at + a, at + b);
                            let specifier = match requirements::parse_specifier_set(&value, &spanner) {
                                Ok(s) => Some(s),
                                Err(e) => {
                                    m.errors.push(e);
                                    None
                                }
                            };
                            m.python.push(PythonRequirement {
                                text: Spanned::new(value.clone(), spanner(0, value.len())),
                                specifier,
                                source: DependencySource::SetupCfg,
                            });
                        }
                        _ => {}
                    }
                }
            }
            "options.extras_require" => {
                for o in &section.options {
                    cfg_requirements(&cx, o, DependencyGroup::Extra(o.key.clone()), &mut m);
                }
            }
            _ => {}
        }
    }
    m.dependencies.sort_by_key(|d| d.requirement.span.start);
    m
}

/// setuptools' `_parse_requirements_list`: `file:` reads files; several
/// lines give one requirement each, one line is split at `;`; stripped,
/// empty and `#` items dropped. Then `pkg_resources`-style `drop_comment`
/// (` #` starts a comment) before the PEP 508 parse.
fn cfg_requirements(cx: &Cx<'_>, o: &IniOption, group: DependencyGroup, m: &mut Manifest) {
    let file = cx.file;
    let first = o.lines.first().map(|(l, _)| l.as_str()).unwrap_or_default();
    if let Some(spec) = first.strip_prefix("file:") {
        let at = o.lines[0].1 + 5;
        let mut offset = 0;
        for part in spec.split(',') {
            let trimmed = part.trim();
            if !trimmed.is_empty() {
                let lead = part.len() - part.trim_start().len();
                let s = at + offset + lead;
                m.requirement_files.push(RequirementFile {
                    path: Spanned::new(trimmed.to_owned(), Span::new(file, s, s + trimmed.len())),
                    group: group.clone(),
                });
            }
            offset += part.len() + 1;
        }
        return;
    }
    // configparser joins the lines with "\n" and drops trailing empty ones.
    let mut lines: Vec<&(String, usize)> = o.lines.iter().collect();
    while lines.last().is_some_and(|(l, _)| l.is_empty()) {
        lines.pop();
    }
    let items: Vec<(String, usize)> = if lines.len() > 1 {
        lines.iter().map(|(l, at)| (l.clone(), *at)).collect()
    } else {
        let (l, at) = lines.first().map(|(l, at)| (l.as_str(), *at)).unwrap_or(("", 0));
        let mut offset = 0;
        l.split(';')
            .map(|p| {
                let item = (p.to_owned(), at + offset);
                offset += p.len() + 1;
                item
            })
            .collect()
    };
    for (item, at) in items {
        let lead = item.len() - item.trim_start().len();
        let trimmed = item.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let text = trimmed.split(" #").next().unwrap_or_default().trim_end();
        let base = at + lead;
        let spanner = |a: usize, b: usize| Span::new(file, base + a, base + b);
        match requirements::parse_pep508(text, &spanner) {
            Ok(mut r) => {
                r.line = cx.line(r.span.start);
                m.dependencies.push(Dependency {
                    requirement: r,
                    group: group.clone(),
                    source: DependencySource::SetupCfg,
                    poetry_constraint: None,
                    optional: false,
                });
            }
            Err(mut e) => {
                e.message = format!("Invalid requirement: {}: {}", py_quote(text), e.message);
                m.errors.push(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(0);

    fn names(m: &Manifest, group: &DependencyGroup) -> Vec<String> {
        m.dependencies
            .iter()
            .filter(|d| &d.group == group)
            .filter_map(|d| d.requirement.name.as_ref().map(|n| n.canonical.clone()))
            .collect()
    }
    fn at(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    #[test]
    fn kinds_by_name() {
        assert_eq!(kind_of(Path::new("a/pyproject.toml")), Some(ManifestKind::PyProject));
        assert_eq!(kind_of(Path::new("Pipfile")), Some(ManifestKind::Pipfile));
        assert_eq!(kind_of(Path::new("x/setup.cfg")), Some(ManifestKind::SetupCfg));
        assert_eq!(kind_of(Path::new("Pipfile.lock")), None);
    }

    #[test]
    fn pep621_pep518_pep735() {
        let text = include_str!("../../testdata/parse/requirements/manifests/pyproject.toml");
        let m = parse(F, text, ManifestKind::PyProject);
        use DependencyGroup::*;
        assert_eq!(names(&m, &Main), ["django", "gunicorn", "psycopg"]);
        assert_eq!(names(&m, &Build), ["setuptools", "wheel"]);
        assert_eq!(names(&m, &Extra("redis".into())), ["django-redis"]);
        assert_eq!(names(&m, &Group("dev".into())), ["ipython"]);
        assert_eq!(names(&m, &Dev), ["pre-commit"]);
        let g = &m
            .dependencies
            .iter()
            .find(|d| d.requirement.text.starts_with("gunicorn"))
            .unwrap()
            .requirement;
        assert_eq!(at(text, g.name.as_ref().unwrap().span), "gunicorn");
        assert_eq!(at(text, g.extras[0].span), "setproctitle");
        assert_eq!(g.marker.as_ref().unwrap().to_string(), "sys_platform != \"win32\"");
        let p = &m
            .dependencies
            .iter()
            .find(|d| d.requirement.text.starts_with("psycopg"))
            .unwrap()
            .requirement;
        assert!(matches!(&p.target, Target::Url { url, .. } if url == "https://example.com/psycopg.tar.gz"));
        assert_eq!(p.line, 12);
        // The invalid string is reported with packaging's message, the others read.
        assert_eq!(m.errors.len(), 1, "{:?}", m.errors);
        assert_eq!(
            m.errors[0].message,
            "Invalid requirement: 'bad dependency': Expected semicolon (after name with no version specifier) or end"
        );
        assert_eq!(at(text, m.errors[0].span), "d");
        let py = &m.python[0];
        assert_eq!(py.specifier.as_ref().unwrap().normalized(), "<4,>=3.9");
        assert_eq!(at(text, py.text.span), "\">=3.9, <4\"");
        assert!(m.is_dynamic("version") && !m.is_dynamic("dependencies"));
        let dev: Vec<String> = m
            .dependency_group("Dev")
            .unwrap()
            .iter()
            .filter_map(|d| d.requirement.name.as_ref().map(|n| n.canonical.clone()))
            .collect();
        assert_eq!(dev, ["pytest", "pytest-django", "ruff", "ipython"]);
        assert!(m.dependency_group("nope").is_err());
    }

    #[test]
    fn dynamic_dependencies_and_files() {
        let text = "[project]\nname = \"x\"\ndynamic = [\"dependencies\", \"optional-dependencies\"]\n\
                    [tool.setuptools.dynamic]\ndependencies = {file = [\"requirements.txt\"]}\n\
                    optional-dependencies.dev = {file = \"requirements-dev.txt\"}\n";
        let m = parse(F, text, ManifestKind::PyProject);
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        assert!(m.is_dynamic("dependencies"));
        let files: Vec<(&str, &DependencyGroup)> = m
            .requirement_files
            .iter()
            .map(|f| (f.path.value.as_str(), &f.group))
            .collect();
        assert_eq!(
            files,
            [
                ("requirements.txt", &DependencyGroup::Main),
                ("requirements-dev.txt", &DependencyGroup::Extra("dev".into()))
            ]
        );
        assert!(m.dependencies.is_empty());
    }

    #[test]
    fn dependency_group_errors() {
        let text = "[dependency-groups]\na = [{include-group = \"b\"}]\nb = [{include-group = \"a\"}]\n\
                    c = [{include-group = \"missing\"}, {bad = 1}]\n";
        let m = parse(F, text, ManifestKind::PyProject);
        let messages: Vec<&str> = m.errors.iter().map(|e| e.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|e| e.starts_with("cyclic dependency group include")),
            "{messages:?}"
        );
        assert!(
            messages.contains(&"dependency group 'missing' not found"),
            "{messages:?}"
        );
        assert!(messages.iter().any(|e| e.contains("include-group")), "{messages:?}");
    }

    #[test]
    fn poetry() {
        let text = include_str!("../../testdata/parse/requirements/manifests/poetry-pyproject.toml");
        let m = parse(F, text, ManifestKind::PyProject);
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        use DependencyGroup::*;
        assert_eq!(
            names(&m, &Main),
            ["requests", "flask", "uvicorn", "mylib", "local", "pendulum", "pendulum"]
        );
        assert_eq!(names(&m, &Dev), ["black"]);
        assert_eq!(names(&m, &Group("test".into())), ["pytest"]);
        let dep = |n: &str| {
            m.dependencies
                .iter()
                .find(|d| d.requirement.name.as_ref().is_some_and(|x| x.canonical == n))
                .unwrap()
        };
        assert_eq!(dep("requests").poetry_constraint.as_ref().unwrap().value, "^2.31");
        assert_eq!(dep("requests").requirement.specifier, None, "^ is not PEP 440");
        let flask = dep("flask");
        assert_eq!(flask.requirement.specifier.as_ref().unwrap().normalized(), "<3,>=2.0");
        assert_eq!(flask.requirement.extras[0].value, "async");
        assert_eq!(at(text, flask.requirement.name.as_ref().unwrap().span), "Flask");
        assert!(dep("uvicorn").optional);
        assert!(matches!(&dep("mylib").requirement.target, Target::Url { vcs: Some(v), .. } if v == "git"));
        assert!(dep("local").requirement.editable);
        assert_eq!(m.python[0].text.value, "^3.10");
        assert_eq!(m.python[0].specifier, None);
        let pendulum: Vec<bool> = m
            .dependencies
            .iter()
            .filter(|d| d.requirement.text == "pendulum")
            .map(|d| d.requirement.marker.is_some())
            .collect();
        assert_eq!(pendulum, [false, true]);
    }

    #[test]
    fn pipfile() {
        let text = include_str!("../../testdata/parse/requirements/manifests/Pipfile");
        let m = parse(F, text, ManifestKind::Pipfile);
        use DependencyGroup::*;
        assert_eq!(
            names(&m, &Main),
            [
                "requests",
                "django",
                "zope-interface",
                "celery",
                "pywin32",
                "mypkg",
                "records",
                "broken"
            ]
        );
        assert_eq!(names(&m, &Dev), ["pytest"]);
        assert_eq!(names(&m, &Group("docs".into())), ["sphinx"]);
        let dep = |n: &str| {
            &m.dependencies
                .iter()
                .find(|d| d.requirement.name.as_ref().is_some_and(|x| x.canonical == n))
                .unwrap()
                .requirement
        };
        assert_eq!(dep("django").specifier.as_ref().unwrap().normalized(), "==4.2.7");
        assert_eq!(dep("requests").specifier, None);
        assert_eq!(
            dep("celery").marker.as_ref().unwrap().to_string(),
            "python_version >= \"3.8\""
        );
        assert_eq!(
            dep("pywin32").marker.as_ref().unwrap().to_string(),
            "sys_platform == \"win32\""
        );
        assert!(dep("mypkg").editable && matches!(dep("mypkg").target, Target::Path { .. }));
        assert_eq!(m.python[0].text.value, "3.11");
        assert_eq!(m.errors.len(), 1, "{:?}", m.errors);
        assert_eq!(m.errors[0].message, "Invalid specifier: '=>1.0'");
        assert_eq!(at(text, m.errors[0].span), "=>1.0");
    }

    #[test]
    fn setup_cfg() {
        let text = include_str!("../../testdata/parse/requirements/manifests/setup.cfg");
        let m = parse(F, text, ManifestKind::SetupCfg);
        use DependencyGroup::*;
        assert_eq!(names(&m, &Main), ["requests", "click", "flask"]);
        assert_eq!(names(&m, &Build), ["setuptools-scm"]);
        assert_eq!(names(&m, &Extra("redis".into())), ["redis", "hiredis"]);
        let flask = &m
            .dependencies
            .iter()
            .find(|d| d.requirement.text.starts_with("flask"))
            .unwrap()
            .requirement;
        assert_eq!(flask.text, "flask[async]>=2.0");
        assert_eq!(at(text, flask.name.as_ref().unwrap().span), "flask");
        assert_eq!(at(text, flask.span), "flask[async]>=2.0");
        assert_eq!(m.errors.len(), 1, "{:?}", m.errors);
        assert!(
            m.errors[0]
                .message
                .starts_with("Invalid requirement: 'not a requirement'")
        );
        assert_eq!(m.python[0].specifier.as_ref().unwrap().normalized(), ">=3.8");
        assert_eq!(at(text, m.python[0].text.span), ">=3.8");
        let files: Vec<&str> = m.requirement_files.iter().map(|f| f.path.value.as_str()).collect();
        assert_eq!(files, ["requirements/extra.txt", "requirements/more.txt"]);
        assert_eq!(at(text, m.requirement_files[1].path.span), "requirements/more.txt");
    }

    #[test]
    fn syntax_errors_do_not_stop_the_read() {
        let m = parse(F, "[project\ndependencies = [\"a\"]\n", ManifestKind::PyProject);
        assert!(!m.errors.is_empty());
        let m = parse(
            F,
            "no header\n[options]\ninstall_requires = a\n",
            ManifestKind::SetupCfg,
        );
        assert!(m.errors[0].message.starts_with("File contains no section headers."));
        let m = parse(
            F,
            "[options]\ninstall_requires = a\nnot an option\n",
            ManifestKind::SetupCfg,
        );
        assert_eq!(names(&m, &DependencyGroup::Main), ["a"]);
        assert!(m.errors[0].message.starts_with("Source contains parsing errors"));
        let m = parse(F, "[project]\ndependencies = \"a\"\n", ManifestKind::PyProject);
        assert_eq!(m.errors[0].message, "project.dependencies must be an array of strings");
        // Escapes in a TOML string: spans fall back to the whole string.
        let text = "[project]\ndependencies = [\"a\\u0062c>=1\"]\n";
        let m = parse(F, text, ManifestKind::PyProject);
        let r = &m.dependencies[0].requirement;
        assert_eq!(r.name.as_ref().unwrap().canonical, "abc");
        assert_eq!(at(text, r.name.as_ref().unwrap().span), "\"a\\u0062c>=1\"");
    }

    #[test]
    fn never_panics() {
        const ALPHABET: &[&str] = &[
            "[",
            "]",
            "[project]",
            "[tool.poetry.dependencies]",
            "[packages]",
            "[options]",
            "[dependency-groups]",
            "dependencies",
            "install_requires",
            " = ",
            "=",
            ":",
            "\"",
            "'",
            "\"\"\"",
            "{",
            "}",
            ",",
            "\n",
            "  ",
            "a",
            "b>=1",
            ";",
            "#",
            "include-group",
            "version",
            "extras",
            "markers",
            "é",
            "\\",
            "\\u00",
            "requires",
            "python",
            "optional-dependencies",
            "file:",
            "dynamic",
            "git",
            "path",
        ];
        for text in crate::text::random_texts(0x3a1f, 6_000, 64, ALPHABET) {
            for kind in [ManifestKind::PyProject, ManifestKind::Pipfile, ManifestKind::SetupCfg] {
                let m = parse(F, &text, kind);
                for d in &m.dependencies {
                    let s = d.requirement.span;
                    assert!(s.start <= s.end && s.end as usize <= text.len(), "{text:?}");
                }
                for e in &m.errors {
                    assert!(
                        e.span.start <= e.span.end && e.span.end as usize <= text.len(),
                        "{text:?}: {e:?}"
                    );
                }
            }
        }
    }
}
