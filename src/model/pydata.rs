//! Python packaging facts bundled with lint502.
//!
//! These are the tables in `data/python/`, which `scripts/gen_python_data.py` generates (see
//! `data/python/README.md`):
//!
//! * `stdlib.tsv`: CPython's top-level standard-library module names for 3.8 to 3.14, with the
//!   first and last version that has each one.
//! * `import-names.tsv`: distribution → importable modules, for distributions whose import name
//!   is not the identity guess (`PyYAML` → `yaml`, `google-cloud-storage` →
//!   `google.cloud.storage`).
//! * `extras.tsv`: the transitive closure that installing `dist` or `dist[extra]` brings along.
//!
//! `build.rs` compiles the files into sorted static arrays (`generated` below), looked up by binary
//! search: nothing is parsed at start-up.
//!
//! Module names may be dotted. Entries below namespace packages are dotted in the table
//! (`google.cloud.storage`), and the functions here match an import against them by prefix.
//! Distribution names may be given in any spelling. They are normalised with [`canonical_name`].

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

#[cfg(test)]
const STDLIB_TSV: &str = include_str!("../../data/python/stdlib.tsv");
#[cfg(test)]
const IMPORT_NAMES_TSV: &str = include_str!("../../data/python/import-names.tsv");
#[cfg(test)]
const EXTRAS_TSV: &str = include_str!("../../data/python/extras.tsv");
/// Bare-requirement closures of the long tail (same columns as extras.tsv).
#[cfg(test)]
const CLOSURES_TSV: &str = include_str!("../../data/python/closures.tsv");

/// A Python `(major, minor)` version.
pub type PyVersion = (u8, u8);

/// The oldest version `stdlib.tsv` covers. Older versions are answered as this one.
pub const OLDEST_VERSION: PyVersion = (3, 8);
/// The newest version `stdlib.tsv` covers. Newer versions are answered as this one.
pub const NEWEST_VERSION: PyVersion = (3, 14);

/// The tables, as `build.rs` wrote them from `data/python/*.tsv`.
#[allow(clippy::type_complexity)] // generated tuples, documented in build.rs
mod generated {
    include!(concat!(env!("OUT_DIR"), "/pydata_tables.rs"));
}

fn stdlib_row(module: &str) -> Option<(PyVersion, PyVersion)> {
    let t = generated::STDLIB;
    t.binary_search_by(|(m, _, _)| (*m).cmp(module))
        .ok()
        .map(|i| (t[i].1, t[i].2))
}

fn modules_row(dist: &str) -> Option<&'static [&'static str]> {
    let t = generated::MODULES;
    t.binary_search_by(|(d, _)| (*d).cmp(dist)).ok().map(|i| t[i].1)
}

/// The rows of one distribution in `EXTRAS` (sorted by distribution, then extra).
fn extras_rows(dist: &str) -> &'static [(&'static str, &'static str, &'static [&'static str])] {
    let t = generated::EXTRAS;
    let start = t.partition_point(|(d, _, _)| *d < dist);
    let end = start + t[start..].partition_point(|(d, _, _)| *d == dist);
    &t[start..end]
}

/// module (as written in the table) → distributions providing it, and proper dotted prefix of a
/// table module (a namespace package) → distributions below it.
type ReverseMaps = (
    HashMap<&'static str, Vec<&'static str>>,
    HashMap<&'static str, Vec<&'static str>>,
);

/// Data rows of a generated TSV: `#` comment lines and the column-header row are skipped.
#[cfg(test)]
fn data_rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split('\t').collect())
}

fn build_reverse(modules: &'static [(&'static str, &'static [&'static str])]) -> ReverseMaps {
    let mut providers: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
    let mut namespaces: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
    for &(dist, mods) in modules {
        for &m in mods {
            providers.entry(m).or_default().push(dist);
            for (i, _) in m.match_indices('.') {
                namespaces.entry(&m[..i]).or_default().push(dist);
            }
        }
    }
    for v in providers.values_mut().chain(namespaces.values_mut()) {
        v.sort_unstable();
        v.dedup();
    }
    (providers, namespaces)
}

/// PEP 503 normalised project name: runs of `-`, `_` and `.` become one `-`, and the name is
/// lowercased (`Django_Filter` → `django-filter`).
pub fn canonical_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_sep {
                out.push('-');
            }
            in_sep = true;
        } else {
            out.extend(c.to_lowercase());
            in_sep = false;
        }
    }
    out
}

fn top_level(module: &str) -> &str {
    module.split('.').next().unwrap_or(module)
}

fn clamp(version: PyVersion) -> PyVersion {
    version.clamp(OLDEST_VERSION, NEWEST_VERSION)
}

/// Whether `module_top` (or the top-level package of a dotted name) is a standard-library module
/// of that Python version. Versions outside 3.8..=3.14 are answered as the nearest covered one.
pub fn is_stdlib(module_top: &str, version: PyVersion) -> bool {
    let v = clamp(version);
    stdlib_since_until(module_top).is_some_and(|(first, last)| first <= v && v <= last)
}

/// The first and last version in 3.8..=3.14 that have this standard-library module. A first
/// version of 3.8 means "3.8 or earlier", and a last version of 3.14 means "still present".
pub fn stdlib_since_until(module: &str) -> Option<(PyVersion, PyVersion)> {
    stdlib_row(top_level(module))
}

/// When `module` was standard library in an earlier version but not in `version`: the version
/// that removed it (`removed_in("distutils", (3, 12)) == Some((3, 12))`). Otherwise `None`,
/// including when the module was only added later.
pub fn removed_in(module: &str, version: PyVersion) -> Option<PyVersion> {
    let (_, last) = stdlib_since_until(module)?;
    (clamp(version) > last).then_some((last.0, last.1 + 1))
}

/// The modules a distribution provides, as recorded in `import-names.tsv` (`None` when the
/// distribution is not in the table). An empty slice means it installs no importable module.
pub fn known_modules(distribution: &str) -> Option<&'static [&'static str]> {
    modules_row(canonical_name(distribution).as_str())
}

/// The modules a distribution provides: the table entry when there is one, otherwise the
/// [`guessed_modules`] (pattern rules, then the identity `name.replace('-', '_')`).
pub fn modules_of(distribution_canonical_name: &str) -> Vec<Cow<'static, str>> {
    match known_modules(distribution_canonical_name) {
        Some(mods) => mods.iter().map(|&m| Cow::Borrowed(m)).collect(),
        None => guessed_modules(distribution_canonical_name)
            .into_iter()
            .map(Cow::Owned)
            .collect(),
    }
}

/// Namespace families whose distributions are named `<prefix>-<rest>` and install
/// `<namespace>.<rest with '-' → '.'>`, e.g. `azure-storage-blob` → `azure.storage.blob`.
/// Facts checked against the wheels read for `import-names.tsv`; the concrete distributions
/// read there are in the table, so these rules only serve the others.
const DOTTED_FAMILIES: &[(&str, &str)] = &[
    ("azure-", "azure"),
    ("opentelemetry-", "opentelemetry"),
    ("zope-", "zope"),
    ("jaraco-", "jaraco"),
    ("backports-", "backports"),
    ("sphinxcontrib-", "sphinxcontrib"),
    ("ruamel-", "ruamel"),
];

/// Fallback guesses for a distribution missing from `import-names.tsv`. These are naming
/// conventions, not facts, so a caller should treat them as "probably":
///
/// * `google-cloud-foo-bar` → `google.cloud.foo_bar` and `google.cloud.foobar`;
/// * the dotted families in `DOTTED_FAMILIES` (`azure-storage-blob` → `azure.storage.blob`);
/// * `django-foo` → `foo`, and `djangorestframework-foo` → `rest_framework_foo`;
/// * `python-foo`, `py-foo`, `foo-py` and `foo-python` → `foo`;
/// * always the identity `name.replace('-', '_')` (`flask-login` → `flask_login`).
///
/// Every rule that applies adds a candidate. The result is deduplicated and the identity comes
/// last.
pub fn guessed_modules(distribution: &str) -> Vec<String> {
    let name = canonical_name(distribution);
    let ident = |s: &str| s.replace('-', "_");
    let mut out: Vec<String> = Vec::new();
    if let Some(rest) = name.strip_prefix("google-cloud-") {
        out.push(format!("google.cloud.{}", ident(rest)));
        out.push(format!("google.cloud.{}", rest.replace('-', "")));
    }
    for (prefix, ns) in DOTTED_FAMILIES {
        if let Some(rest) = name.strip_prefix(prefix) {
            out.push(format!("{ns}.{}", rest.replace('-', ".")));
        }
    }
    if let Some(rest) = name.strip_prefix("djangorestframework-") {
        out.push(format!("rest_framework_{}", ident(rest)));
    }
    for prefix in ["django-", "python-", "py-"] {
        if let Some(rest) = name.strip_prefix(prefix) {
            out.push(ident(rest));
        }
    }
    for suffix in ["-py", "-python"] {
        if let Some(rest) = name.strip_suffix(suffix) {
            out.push(ident(rest));
        }
    }
    out.push(ident(&name));
    let mut seen = BTreeSet::new();
    out.retain(|m| !m.is_empty() && seen.insert(m.clone()));
    out
}

/// Distributions in `import-names.tsv` that provide `module` (dotted or not). A table entry
/// matches when it is the module or a parent package of it (`google.cloud.storage` matches
/// `google.cloud.storage.blob`). When nothing matches that way and `module` is a namespace package
/// of table entries (`google.cloud`), the distributions below it are returned. Identity
/// distributions (`requests` → `requests`) are not in the table; fall back to `module_top` with
/// `_` → `-` for those.
pub fn distributions_providing(module_top: &str) -> Vec<&'static str> {
    let (providers, namespaces) = reverse_maps();
    let mut out: Vec<&'static str> = Vec::new();
    let mut prefix = module_top;
    loop {
        if let Some(d) = providers.get(prefix) {
            out.extend(d);
        }
        match prefix.rfind('.') {
            Some(i) => prefix = &prefix[..i],
            None => break,
        }
    }
    if out.is_empty()
        && let Some(d) = namespaces.get(module_top)
    {
        out.extend(d);
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn reverse_maps() -> &'static ReverseMaps {
    static REVERSE: OnceLock<ReverseMaps> = OnceLock::new();
    REVERSE.get_or_init(|| build_reverse(generated::MODULES))
}

/// Whether installing `distribution` makes `import module` work, going by [`modules_of`]:
/// `module` is a provided module, a submodule of one, or a namespace package above one.
pub fn provides(distribution: &str, module: &str) -> bool {
    modules_of(distribution).iter().any(|m| {
        let m = m.as_ref();
        m == module
            || module.strip_prefix(m).is_some_and(|r| r.starts_with('.'))
            || m.strip_prefix(module).is_some_and(|r| r.starts_with('.'))
    })
}

/// The distributions that `pip install dist[extras...]` installs besides `dist` itself. This is
/// the union of the recorded closures of the bare requirement and of each extra, sorted. Extras
/// not recorded are ignored. A distribution not in `extras.tsv` gives an empty list.
pub fn brings_along(dist_canonical: &str, extras: &[&str]) -> Vec<&'static str> {
    let dist = canonical_name(dist_canonical);
    let rows = extras_rows(&dist);
    let mut out = BTreeSet::new();
    let keys = std::iter::once("-".to_string()).chain(extras.iter().map(|e| canonical_name(e)));
    for extra in keys {
        if let Some((_, _, closure)) = rows.iter().find(|(_, e, _)| *e == extra) {
            out.extend(closure.iter().copied());
        }
    }
    out.into_iter().collect()
}

/// The extras of `dist` recorded in `extras.tsv` (PEP 685 names), sorted; empty when the
/// distribution is not there.
pub fn extras_of(dist: &str) -> Vec<&'static str> {
    let dist = canonical_name(dist);
    let mut out: Vec<&'static str> = extras_rows(&dist)
        .iter()
        .filter(|(_, e, _)| *e != "-")
        .map(|&(_, e, _)| e)
        .collect();
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse_completely() {
        for (text, cols) in [
            (STDLIB_TSV, 3),
            (IMPORT_NAMES_TSV, 4),
            (EXTRAS_TSV, 4),
            (CLOSURES_TSV, 4),
        ] {
            let rows: Vec<_> = data_rows(text).collect();
            assert!(rows.len() > 100, "too few rows");
            assert!(
                rows.iter().all(|r| r.len() == cols),
                "a row with the wrong column count"
            );
        }
        assert_eq!(generated::STDLIB.len(), data_rows(STDLIB_TSV).count());
        // closures.tsv leaves out the distributions extras.tsv covers.
        assert_eq!(
            generated::EXTRAS.len(),
            data_rows(EXTRAS_TSV).count() + data_rows(CLOSURES_TSV).count()
        );
        assert!(brings_along("django-prometheus", &[]).contains(&"prometheus-client"));
    }

    #[test]
    fn stdlib_versions() {
        assert!(is_stdlib("distutils", (3, 11)));
        assert!(!is_stdlib("distutils", (3, 12)));
        assert_eq!(removed_in("distutils", (3, 12)), Some((3, 12)));
        assert_eq!(removed_in("distutils", (3, 11)), None);
        assert!(!is_stdlib("tomllib", (3, 10)));
        assert!(is_stdlib("tomllib", (3, 11)));
        assert_eq!(stdlib_since_until("tomllib"), Some(((3, 11), (3, 14))));
        assert_eq!(removed_in("tomllib", (3, 10)), None);
        assert!(is_stdlib("cgi", (3, 12)));
        assert!(!is_stdlib("cgi", (3, 13)));
        assert_eq!(removed_in("cgi", (3, 13)), Some((3, 13)));
        assert_eq!(removed_in("cgi", (3, 14)), Some((3, 13)));
        for m in ["imp", "asynchat", "asyncore", "smtpd"] {
            assert_eq!(removed_in(m, (3, 12)), Some((3, 12)), "{m}");
        }
        for m in [
            "telnetlib",
            "lib2to3",
            "crypt",
            "pipes",
            "uu",
            "xdrlib",
            "msilib",
            "audioop",
        ] {
            assert_eq!(removed_in(m, (3, 13)), Some((3, 13)), "{m}");
        }
        assert!(is_stdlib("os.path", (3, 8)));
        assert!(is_stdlib("annotationlib", (3, 14)));
        assert!(!is_stdlib("annotationlib", (3, 13)));
        assert!(is_stdlib("zoneinfo", (3, 9)) && !is_stdlib("zoneinfo", (3, 8)));
        assert!(!is_stdlib("requests", (3, 12)));
        assert!(!is_stdlib("test", (3, 12)), "CPython's test package is left out");
        // Outside the covered range: the nearest covered version answers.
        assert!(is_stdlib("json", (3, 99)) && is_stdlib("json", (2, 7)));
        assert!(!is_stdlib("distutils", (3, 99)));
    }

    #[test]
    fn canonical_names() {
        assert_eq!(canonical_name("Django_Filter"), "django-filter");
        assert_eq!(canonical_name("zope.interface"), "zope-interface");
        assert_eq!(canonical_name("a-_.-b"), "a-b");
        assert_eq!(canonical_name("PyYAML"), "pyyaml");
    }

    #[test]
    fn import_names_from_the_table() {
        let has = |dist: &str, module: &str| modules_of(dist).iter().any(|m| m == module);
        assert!(has("pyyaml", "yaml"));
        assert!(has("PyYAML", "yaml"));
        assert!(has("pillow", "PIL"));
        for d in ["opencv-python", "opencv-python-headless", "opencv-contrib-python"] {
            assert!(has(d, "cv2"), "{d}");
        }
        assert!(has("scikit-learn", "sklearn"));
        assert!(has("beautifulsoup4", "bs4"));
        assert!(has("pyjwt", "jwt"));
        assert!(has("python-dotenv", "dotenv"));
        assert!(has("python-dateutil", "dateutil"));
        assert!(has("pyopenssl", "OpenSSL"));
        assert!(has("pycryptodome", "Crypto"));
        assert!(has("psycopg2-binary", "psycopg2"));
        assert!(has("djangorestframework", "rest_framework"));
        assert!(has("django-cors-headers", "corsheaders"));
        assert!(has("django-filter", "django_filters"));
        assert!(has("strawberry-graphql", "strawberry"));
        assert!(has("strawberry-graphql-django", "strawberry_django"));
        assert!(has("django-taggit", "taggit"));
        assert!(has("django-mptt", "mptt"));
        assert!(has("django-debug-toolbar", "debug_toolbar"));
        assert!(has("protobuf", "google.protobuf"));
        assert!(has("google-cloud-storage", "google.cloud.storage"));
        assert!(distributions_providing("yaml").contains(&"pyyaml"));
        assert!(distributions_providing("cv2").contains(&"opencv-python-headless"));
        assert!(distributions_providing("google.cloud.storage.blob").contains(&"google-cloud-storage"));
        assert!(distributions_providing("google.cloud").contains(&"google-cloud-storage"));
        assert!(distributions_providing("rest_framework").contains(&"djangorestframework"));
        assert!(provides("google-cloud-storage", "google.cloud.storage"));
        assert!(provides("google-cloud-storage", "google"));
        assert!(!provides("google-cloud-storage", "google.protobuf"));
        assert!(provides("Pillow", "PIL.Image"));
    }

    #[test]
    fn pattern_fallbacks() {
        let g = guessed_modules;
        assert_eq!(g("django-some-app"), ["some_app", "django_some_app"]);
        assert_eq!(g("python-thing"), ["thing", "python_thing"]);
        assert_eq!(g("py-thing"), ["thing", "py_thing"]);
        assert_eq!(g("thing-py"), ["thing", "thing_py"]);
        assert_eq!(g("Foo_Bar"), ["foo_bar"]);
        assert_eq!(g("azure-mgmt-compute"), ["azure.mgmt.compute", "azure_mgmt_compute"]);
        assert!(g("google-cloud-secret-thing").contains(&"google.cloud.secret_thing".to_string()));
        // Not in the table: modules_of falls back to the guesses, identity last.
        assert_eq!(known_modules("django-some-app-not-on-pypi"), None);
        assert_eq!(
            modules_of("django-some-app-not-on-pypi").last().map(|m| m.as_ref()),
            Some("django_some_app_not_on_pypi")
        );
        assert!(provides("python-thing", "thing.sub"));
    }

    #[test]
    fn extras_closures() {
        let fastapi = brings_along("fastapi", &["standard"]);
        for d in [
            "uvicorn",
            "python-multipart",
            "email-validator",
            "jinja2",
            "httpx",
            "starlette",
            "pydantic",
        ] {
            assert!(fastapi.contains(&d), "fastapi[standard] brings {d}: {fastapi:?}");
        }
        let bare = brings_along("fastapi", &[]);
        assert!(bare.contains(&"starlette") && !bare.contains(&"uvicorn"), "{bare:?}");
        let uvicorn = brings_along("uvicorn", &["standard"]);
        for d in [
            "uvloop",
            "httptools",
            "websockets",
            "watchfiles",
            "python-dotenv",
            "pyyaml",
        ] {
            assert!(uvicorn.contains(&d), "uvicorn[standard] brings {d}: {uvicorn:?}");
        }
        assert!(brings_along("Pydantic", &["EMAIL"]).contains(&"email-validator"));
        assert!(brings_along("fastapi", &["no-such-extra"]) == bare);
        assert!(brings_along("no-such-dist", &[]).is_empty());
        assert!(extras_of("uvicorn").contains(&"standard"));
    }
}
