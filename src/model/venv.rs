//! A virtualenv inside the checked folder: what its installed distributions
//! provide and require, read from their `*.dist-info` metadata. When present
//! it wins over lint502's bundled tables (`data/python/`), which are a
//! fallback for repositories without one.
//!
//! Read (never executed): `pyvenv.cfg` marks a virtualenv (PEP 405);
//! `lib/python3.*/site-packages/*.dist-info/` (POSIX) or
//! `Lib/site-packages/` (Windows) hold one folder per distribution
//! (PEP 376 / the "Recording installed projects" spec): `METADATA`'s `Name:`
//! and `Requires-Dist:` lines (core metadata spec), `top_level.txt`
//! (setuptools; absent from many wheels) and `RECORD` (every installed file,
//! first CSV field).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::contain::Roots;

/// At most this many distributions are read from one virtualenv.
const MAX_DISTRIBUTIONS: usize = 5_000;
/// Metadata files larger than this are not read.
const MAX_METADATA: u64 = 4 << 20;

#[derive(Debug, Default, Clone)]
pub struct Venv {
    /// The folder holding `pyvenv.cfg`.
    pub root: PathBuf,
    /// Canonical distribution name → top-level import names.
    pub modules: HashMap<String, Vec<String>>,
    /// Canonical distribution name → canonical names it requires (without
    /// the requirements that only an extra brings).
    pub requires: HashMap<String, Vec<String>>,
    /// Canonical distribution name → installed version (`METADATA`'s
    /// `Version:`), for pinning a requirement `--fix` adds.
    pub versions: HashMap<String, String>,
}

impl Venv {
    /// The distributions `dist` brings along, transitively (not itself).
    pub fn closure(&self, dist: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut stack: Vec<&str> = self
            .requires
            .get(dist)
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default();
        while let Some(d) = stack.pop() {
            if d == dist || out.iter().any(|o| o == d) {
                continue;
            }
            out.push(d.to_owned());
            if let Some(more) = self.requires.get(d) {
                stack.extend(more.iter().map(String::as_str));
            }
        }
        out
    }
}

/// The first virtualenv in `base` or one folder below it (`venv/`,
/// `.venv/`, `env/`, any name: `pyvenv.cfg` decides).
///
/// Only inside `fence` (`crate::contain`): a virtualenv folder, a
/// `site-packages` or a `*.dist-info` that is a symlink leaving the checked
/// folders is not read, as if absent (`.venv -> /opt/venvs/app` included:
/// what lies outside the repository is not lint502's to read).
pub fn find(base: &Path, fence: &Roots) -> Option<Venv> {
    let mut candidates = vec![base.to_path_buf()];
    if let Ok(rd) = std::fs::read_dir(base) {
        let mut dirs: Vec<PathBuf> = rd.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
        dirs.sort();
        candidates.extend(dirs);
    }
    let root = candidates
        .into_iter()
        .find(|d| d.join("pyvenv.cfg").is_file() && fence.contains(d))?;
    let mut site: Vec<PathBuf> = Vec::new();
    if let Ok(rd) = std::fs::read_dir(root.join("lib")) {
        for e in rd.flatten() {
            let p = e.path().join("site-packages");
            if p.is_dir() {
                site.push(p);
            }
        }
    }
    let win = root.join("Lib").join("site-packages");
    if win.is_dir() {
        site.push(win);
    }
    site.retain(|d| fence.contains(d));
    site.sort();
    let mut venv = Venv {
        root,
        ..Venv::default()
    };
    let mut count = 0;
    for dir in site {
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        // A symlinked entry is checked against the fence (the folder itself
        // was); a plain one is inside with its folder.
        let mut infos: Vec<PathBuf> = rd
            .flatten()
            .filter(|e| {
                let p = e.path();
                p.extension().is_some_and(|x| x == "dist-info")
                    && (!e.file_type().is_ok_and(|t| t.is_symlink()) || fence.contains(&p))
            })
            .map(|e| e.path())
            .collect();
        infos.sort();
        for info in infos {
            count += 1;
            if count > MAX_DISTRIBUTIONS {
                return Some(venv);
            }
            read_dist_info(&info, &mut venv);
        }
    }
    Some(venv)
}

/// A metadata file, unless larger than [`MAX_METADATA`] or a symlink (a
/// wheel installs none there; one could point anywhere).
fn read_small(p: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(p).ok()?;
    if !meta.is_file() || meta.len() > MAX_METADATA {
        return None;
    }
    let bytes = std::fs::read(p).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn read_dist_info(info: &Path, venv: &mut Venv) {
    let Some(metadata) = read_small(&info.join("METADATA")) else {
        return;
    };
    let mut name = None;
    let mut version = None;
    let mut requires = Vec::new();
    // Headers end at the first blank line (the description follows).
    for line in metadata.lines() {
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Name:") {
            name = Some(crate::model::pydata::canonical_name(v.trim()));
        } else if let Some(v) = line.strip_prefix("Version:") {
            version = Some(v.trim().to_owned());
        } else if let Some(v) = line.strip_prefix("Requires-Dist:") {
            let (req, marker) = v.split_once(';').unwrap_or((v, ""));
            if marker.contains("extra") {
                continue;
            }
            let n: String = req
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            if !n.is_empty() {
                requires.push(crate::model::pydata::canonical_name(&n));
            }
        }
    }
    let Some(name) = name else { return };
    if let Some(v) = version.filter(|v| {
        !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '!'))
    }) {
        venv.versions.insert(name.clone(), v);
    }
    let mut modules: Vec<String> = Vec::new();
    if let Some(top) = read_small(&info.join("top_level.txt")) {
        modules.extend(
            top.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| l.replace('/', ".")),
        );
    } else if let Some(record) = read_small(&info.join("RECORD")) {
        for line in record.lines() {
            let path = line.split(',').next().unwrap_or("");
            let first = path.split('/').next().unwrap_or("");
            if first.is_empty()
                || first.ends_with(".dist-info")
                || first.ends_with(".data")
                || first == ".."
                || first == "__pycache__"
            {
                continue;
            }
            let module = if path.contains('/') {
                first.to_owned()
            } else if let Some(stem) = first.strip_suffix(".py") {
                stem.to_owned()
            } else if first.ends_with(".so") || first.ends_with(".pyd") {
                first.split('.').next().unwrap_or("").to_owned()
            } else {
                continue;
            };
            if !module.is_empty() && !modules.contains(&module) {
                modules.push(module);
            }
        }
    }
    modules.sort();
    modules.dedup();
    venv.modules.insert(name.clone(), modules);
    venv.requires.insert(name, requires);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_modules_and_requirements() {
        let dir = std::env::temp_dir().join(format!("lint502-venv-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let site = dir.join(".venv/lib/python3.12/site-packages");
        let a = site.join("PyYAML-6.0.2.dist-info");
        std::fs::create_dir_all(&a).expect("mkdir");
        std::fs::write(
            a.join("METADATA"),
            "Metadata-Version: 2.1\nName: PyYAML\n\nName: not-a-header\n",
        )
        .expect("w");
        std::fs::write(a.join("top_level.txt"), "_yaml\nyaml\n").expect("w");
        let b = site.join("acme_web-1.0.dist-info");
        std::fs::create_dir_all(&b).expect("mkdir");
        std::fs::write(
            b.join("METADATA"),
            "Name: acme_web\nRequires-Dist: PyYAML>=6\nRequires-Dist: pytest ; extra == \"test\"\n",
        )
        .expect("w");
        std::fs::write(
            b.join("RECORD"),
            "acme/__init__.py,,\nacme_tool.py,,\nacme_web-1.0.dist-info/METADATA,,\n../../bin/acme,,\n",
        )
        .expect("w");
        std::fs::write(dir.join(".venv/pyvenv.cfg"), "home = /usr/bin\n").expect("w");
        let v = find(&dir, &Roots::unbounded()).expect("venv");
        assert_eq!(v.modules["pyyaml"], ["_yaml", "yaml"]);
        assert_eq!(v.modules["acme-web"], ["acme", "acme_tool"]);
        assert_eq!(v.requires["acme-web"], ["pyyaml"]);
        assert_eq!(v.closure("acme-web"), ["pyyaml"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
