//! Containment: lint502 reads only inside the folders it was asked to check.
//!
//! A CI gate runs on pull requests from strangers. A config that says
//! `include ../../../../etc/shadow;` or a requirements file with
//! `-r /home/runner/.ssh/id_rsa` must not make lint502 read (and quote in its
//! output) a file of the machine it runs on. So every path that comes from
//! the checked files themselves (nginx `include`, pip `-r`/`-c`) and every
//! symlink met while walking is checked against [`Roots`] first; what lies
//! outside is reported (LNT005) and not read.
//!
//! The roots, decided by [`Roots::of`]:
//! - a folder named on the command line is a root;
//! - a file named on the command line makes its enclosing git work tree a
//!   root (the nearest folder above it holding `.git`), else its own folder.
//!
//! Paths are compared after resolving symlinks (`canonicalize`), so a symlink
//! inside the repository that points out of it is outside. A path that does
//! not exist is resolved as far as it exists and the rest is appended
//! lexically (`..` after a missing folder is taken lexically, as the kernel
//! would fail to resolve it anyway).

use std::path::{Component, Path, PathBuf};

/// The folders a run may read from, each as written (made absolute and
/// normalized) and with symlinks resolved. Empty: no limit (library callers
/// that build a model from explicit files, and the corpus tests).
#[derive(Debug, Clone, Default)]
pub struct Roots(Vec<PathBuf>);

impl Roots {
    /// The roots for a run over `paths` (see the module documentation).
    pub fn of(paths: &[PathBuf]) -> Roots {
        let mut roots = Vec::new();
        for p in paths {
            let Some(abs) = lexical(p) else { continue };
            let root = if abs.is_dir() {
                abs
            } else {
                let Some(parent) = abs.parent() else { continue };
                let work_tree = parent.ancestors().find(|a| a.join(".git").exists());
                work_tree.unwrap_or(parent).to_path_buf()
            };
            if let Ok(canon) = root.canonicalize() {
                roots.push(canon);
            }
            roots.push(root);
        }
        roots.sort();
        roots.dedup();
        Roots(roots)
    }

    /// No limit.
    pub fn unbounded() -> Roots {
        Roots(Vec::new())
    }

    pub fn is_unbounded(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `path` (relative paths: from the working directory) lies
    /// inside a root once symlinks are resolved.
    ///
    /// A path that is outside on its face (after `..` is taken lexically) is
    /// never touched: whether a file exists outside is not lint502's to learn.
    /// Only a path inside on its face is resolved, to catch symlinks out.
    pub fn contains(&self, path: &Path) -> bool {
        if self.0.is_empty() {
            return true;
        }
        let Some(abs) = lexical(path) else { return false };
        if !self.0.iter().any(|r| abs.starts_with(r)) {
            return false;
        }
        let Some(real) = resolve(&abs) else { return false };
        self.0.iter().any(|r| real.starts_with(r))
    }

    /// The roots, for messages.
    pub fn describe(&self) -> String {
        self.0
            .iter()
            .map(|r| crate::source::display_path(r))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `path` made absolute (from the working directory) with `.` and `..`
/// taken lexically, without touching the file system.
pub fn lexical(path: &Path) -> Option<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    Some(out)
}

/// `path` with symlinks resolved as far as it exists, the rest normalized
/// lexically. None when not even the working directory can be found.
pub fn resolve(path: &Path) -> Option<PathBuf> {
    if let Ok(c) = path.canonicalize() {
        return Some(c);
    }
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    // The longest existing ancestor, canonicalized, then the rest.
    let mut existing = abs.as_path();
    let mut rest: Vec<Component<'_>> = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for comp in rest.iter().rev() {
                match comp {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    other => out.push(other.as_os_str()),
                }
            }
            return Some(out);
        }
        let name = existing.components().next_back()?;
        rest.push(name);
        existing = existing.parent()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_outside_and_missing_paths() {
        let dir = std::env::temp_dir().join(format!("lint502-contain-{}", std::process::id()));
        let repo = dir.join("repo");
        std::fs::create_dir_all(repo.join("conf")).unwrap();
        std::fs::write(dir.join("secret.txt"), "x").unwrap();
        let roots = Roots::of(std::slice::from_ref(&repo));
        assert!(roots.contains(&repo.join("conf")));
        assert!(roots.contains(&repo.join("conf/missing.conf")));
        assert!(roots.contains(&repo.join("conf/../missing.conf")));
        assert!(!roots.contains(&repo.join("conf/../../secret.txt")));
        assert!(!roots.contains(&repo.join("missing/../../secret.txt")));
        assert!(!roots.contains(Path::new("/etc/passwd")));
        #[cfg(unix)]
        {
            let link = repo.join("conf/link.conf");
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(dir.join("secret.txt"), &link).unwrap();
            assert!(!roots.contains(&link));
        }
        assert!(Roots::unbounded().contains(Path::new("/etc/passwd")));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_checked_file_is_contained_by_its_work_tree() {
        let dir = std::env::temp_dir().join(format!("lint502-contain-git-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::create_dir_all(dir.join("deploy/nginx")).unwrap();
        std::fs::write(dir.join("deploy/nginx/nginx.conf"), "events {}\n").unwrap();
        let roots = Roots::of(&[dir.join("deploy/nginx/nginx.conf")]);
        assert!(roots.contains(&dir.join("deploy/snippets/x.conf")));
        assert!(!roots.contains(&dir.join("../elsewhere.conf")));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
