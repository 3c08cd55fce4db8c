//! The data an EFS file system keeps: a simulated file tree that outlives every task, shared across
//! tasks, instances and Availability Zones (ECSDG efs-volumes.md; reference §8.2).
//!
//! Paths are scoped by a mount's root (the access point's `RootDirectory.Path` joined with the volume's
//! `rootDirectory`): a task sees `/x` of its mount as `<root>/x` of the file system and cannot climb
//! above its root (`..` at the root stays at the root, as in a chroot).

use super::model::{EfsState, FileEntry, FileSystem};
use crate::table::Table;

/// One name in a directory listing.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DirEntry {
    pub name: String,
    pub is_dir: bool,
    /// File size; 0 for directories.
    pub bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EfsDataError {
    FileSystemNotFound(String),
    /// The path names a directory or has no file name.
    NotAFile(String),
}

/// Joins `root` and `path` into a normalized absolute path that never leaves `root`.
pub(crate) fn scoped_path(root: &str, path: &str) -> String {
    let mut parts: Vec<&str> = root.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    let floor = parts.len();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.len() > floor {
                    parts.pop();
                }
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        "/".to_string()
    } else {
        format!("/{}", parts.join("/"))
    }
}

/// `/a/b/c` → [`/a`, `/a/b`].
fn parents(path: &str) -> Vec<String> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    (1..parts.len()).map(|i| format!("/{}", parts[..i].join("/"))).collect()
}

impl FileSystem {
    /// Whether `path` (absolute) is the root, a known directory, or a prefix of a stored file.
    pub fn dir_exists(&self, path: &str) -> bool {
        if path == "/" || self.dirs.contains(path) {
            return true;
        }
        let prefix = format!("{path}/");
        self.files.range_from(prefix.as_str()).next().is_some_and(|(k, _)| k.starts_with(&prefix))
    }
}

impl EfsState {
    /// Writes `content` to `path` under `root` of the file system (creating parent directories) and
    /// returns the absolute path written. `root` is [`MountInfo::root`](super::MountInfo) for a task's mount.
    pub fn write(&mut self, fs_id: &str, root: &str, path: &str, content: &str, task_id: &str, now_ms: u64) -> Result<String, EfsDataError> {
        let fs = self.file_systems.get_mut(fs_id).ok_or_else(|| EfsDataError::FileSystemNotFound(fs_id.to_string()))?;
        let abs = scoped_path(root, path);
        if abs == "/" || fs.dirs.contains(&abs) || fs.dir_exists(&abs) {
            return Err(EfsDataError::NotAFile(abs));
        }
        for dir in parents(&abs) {
            // A file in the way of a directory: refuse rather than silently shadow it.
            if fs.files.contains_key(&dir) {
                return Err(EfsDataError::NotAFile(dir));
            }
            fs.dirs.insert(dir);
        }
        fs.files.insert(abs.clone(), FileEntry::new(content, task_id, now_ms));
        Ok(abs)
    }

    /// The file at `path` under `root`, if any.
    pub fn read(&self, fs_id: &str, root: &str, path: &str) -> Option<&FileEntry> {
        self.file_systems.get(fs_id)?.files.get(&scoped_path(root, path))
    }

    /// Names directly inside `dir` under `root`, sorted, directories flagged. Empty when the directory
    /// does not exist.
    pub fn list(&self, fs_id: &str, root: &str, dir: &str) -> Vec<DirEntry> {
        let Some(fs) = self.file_systems.get(fs_id) else {
            return Vec::new();
        };
        let base = scoped_path(root, dir);
        let prefix = if base == "/" { "/".to_string() } else { format!("{base}/") };
        let mut out: Table<String, DirEntry> = Table::new();
        let child = |key: &str| -> Option<(String, bool)> {
            let rest = key.strip_prefix(&prefix)?;
            if rest.is_empty() {
                return None;
            }
            match rest.split_once('/') {
                Some((name, _)) => Some((name.to_string(), true)),
                None => Some((rest.to_string(), false)),
            }
        };
        for dir in &fs.dirs {
            if let Some((name, _)) = child(dir) {
                out.insert(name.clone(), DirEntry { name, is_dir: true, bytes: 0 });
            }
        }
        for (key, file) in &fs.files {
            if let Some((name, is_dir)) = child(key) {
                let bytes = if is_dir { 0 } else { file.bytes };
                out.get_or_insert_with(name.clone(), || DirEntry { name, is_dir, bytes });
            }
        }
        out.into_values().collect()
    }

    /// Creates a directory (absolute path) with its parents, e.g. an access point's root on first mount.
    pub fn make_dir(&mut self, fs_id: &str, path: &str) -> bool {
        let Some(fs) = self.file_systems.get_mut(fs_id) else {
            return false;
        };
        let abs = scoped_path("/", path);
        if abs == "/" || fs.files.contains_key(&abs) {
            return abs == "/";
        }
        for dir in parents(&abs) {
            fs.dirs.insert(dir);
        }
        fs.dirs.insert(abs);
        true
    }
}

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn scoping_never_leaves_the_root() {
        assert_eq!(scoped_path("/app", "data/x.txt"), "/app/data/x.txt");
        assert_eq!(scoped_path("/app", "/x"), "/app/x");
        assert_eq!(scoped_path("/app", "../../etc/passwd"), "/app/etc/passwd");
        assert_eq!(scoped_path("/", "a/./b/../c"), "/a/c");
        assert_eq!(scoped_path("/", ""), "/");
        assert_eq!(parents("/a/b/c"), vec!["/a".to_string(), "/a/b".to_string()]);
    }
}
