//! The archive store: every archival render filed as
//! `DIR/{year}/{department}/v{N}-{sha8}.pdf`, with an append-only index
//! `DIR/index.jsonl` (one JSON object per line).
//!
//! - A stored file is never overwritten: versions are numbered from the files on disk
//!   and written with "create new" semantics.
//! - Filing a PDF identical to a stored version of the same department and year is
//!   recognised and stores nothing.
//! - A lock file serialises concurrent filings (several processes, or a batch).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use jixiao_core::filename::with_extension;
use jixiao_core::hash::sha256_hex;
use serde::{Deserialize, Serialize};

use jixiao_render::render::CREATOR;

/// One line of `index.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// When the version was filed (UTC, RFC 3339). The PDF itself never holds the clock.
    pub time: String,
    /// 预算年度
    pub year: i32,
    /// 部门名称
    pub department: String,
    /// The version number within the department and year, from 1.
    pub version: u32,
    /// The stored file, relative to the store.
    pub path: String,
    /// SHA-256 of the declaration file.
    pub input_sha256: String,
    /// SHA-256 of the stored PDF.
    pub output_sha256: String,
    /// The jixiao that rendered it.
    pub jixiao: String,
}

/// What filing a PDF did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filed {
    /// A new version was stored.
    Stored {
        /// Where.
        path: PathBuf,
        /// Its version number.
        version: u32,
    },
    /// An identical PDF was already stored: nothing was written.
    AlreadyStored {
        /// The stored file.
        path: PathBuf,
        /// Its version number.
        version: u32,
    },
}

/// An archive directory.
pub struct ArchiveStore {
    root: PathBuf,
}

/// `v12-0123abcd.pdf` → (12, "0123abcd").
fn parse_version_name(name: &str) -> Option<(u32, &str)> {
    let stem = name.strip_prefix('v')?.strip_suffix(".pdf")?;
    let (n, sha) = stem.split_once('-')?;
    Some((n.parse().ok()?, sha))
}

impl ArchiveStore {
    /// The store at `root` (created when the first file is filed).
    pub fn new(root: impl Into<PathBuf>) -> ArchiveStore {
        ArchiveStore { root: root.into() }
    }

    /// The index file.
    pub fn index_path(&self) -> PathBuf {
        self.root.join("index.jsonl")
    }

    /// The directory of a department's filings for a year.
    pub fn folder(&self, year: i32, department: &str) -> PathBuf {
        self.root
            .join(year.to_string())
            .join(with_extension(department, ""))
    }

    /// Every entry of the index, in filing order.
    pub fn entries(&self) -> std::io::Result<Vec<IndexEntry>> {
        let text = match std::fs::read_to_string(self.index_path()) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        Ok(text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect())
    }

    /// Files `pdf` (rendered from the declaration file `input`) for `department` and
    /// `year`.
    pub fn file(
        &self,
        year: i32,
        department: &str,
        input: &[u8],
        pdf: &[u8],
    ) -> std::io::Result<Filed> {
        let folder = self.folder(year, department);
        std::fs::create_dir_all(&folder)?;
        let lock = File::create(self.root.join(".lock"))?;
        lock.lock()?;
        let result = self.file_locked(&folder, year, department, input, pdf);
        drop(lock); // closing the file releases the lock
        result
    }

    fn file_locked(
        &self,
        folder: &Path,
        year: i32,
        department: &str,
        input: &[u8],
        pdf: &[u8],
    ) -> std::io::Result<Filed> {
        let output_sha = sha256_hex(pdf);
        let mut latest = 0;
        for entry in std::fs::read_dir(folder)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some((version, sha8)) = name.to_str().and_then(parse_version_name) else {
                continue;
            };
            latest = latest.max(version);
            if output_sha.starts_with(sha8) && std::fs::read(entry.path())? == pdf {
                return Ok(Filed::AlreadyStored {
                    path: entry.path(),
                    version,
                });
            }
        }
        let version = latest + 1;
        let name = format!("v{version}-{}.pdf", &output_sha[..8]);
        let path = folder.join(&name);
        let mut tmp = tempfile::Builder::new()
            .prefix(".jixiao-")
            .suffix(".part")
            .tempfile_in(folder)?;
        tmp.write_all(pdf)?;
        tmp.as_file().sync_all()?;
        tmp.persist_noclobber(&path).map_err(|e| e.error)?;
        let relative = path
            .strip_prefix(&self.root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let entry = IndexEntry {
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            year,
            department: department.to_owned(),
            version,
            path: relative,
            input_sha256: sha256_hex(input),
            output_sha256: output_sha,
            jixiao: CREATOR.to_owned(),
        };
        let mut line = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
        line.push('\n');
        let mut index = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.index_path())?;
        index.write_all(line.as_bytes())?;
        index.sync_all()?;
        Ok(Filed::Stored { path, version })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_numbered_and_identical_files_stored_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = ArchiveStore::new(dir.path());
        let first = store
            .file(2025, "测试部门", b"a", b"%PDF one")
            .expect("file");
        let again = store
            .file(2025, "测试部门", b"a", b"%PDF one")
            .expect("file");
        let second = store
            .file(2025, "测试部门", b"b", b"%PDF two")
            .expect("file");
        let other = store
            .file(2025, "其他/部门", b"a", b"%PDF one")
            .expect("file");
        let Filed::Stored {
            path: p1,
            version: 1,
        } = &first
        else {
            panic!("{first:?}")
        };
        assert_eq!(
            again,
            Filed::AlreadyStored {
                path: p1.clone(),
                version: 1
            }
        );
        assert!(
            matches!(second, Filed::Stored { version: 2, .. }),
            "{second:?}"
        );
        assert!(
            matches!(other, Filed::Stored { version: 1, .. }),
            "{other:?}"
        );
        let entries = store.entries().expect("index");
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].input_sha256, sha256_hex(b"a"));
        assert_eq!(entries[1].version, 2);
        assert!(
            entries[2].path.starts_with("2025/其他_部门/v1-"),
            "{}",
            entries[2].path
        );
        assert_eq!(std::fs::read(p1).expect("read"), b"%PDF one");
    }

    #[test]
    fn a_version_on_disk_is_never_overwritten_even_if_the_index_is_lost() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = ArchiveStore::new(dir.path());
        store.file(2025, "部门", b"a", b"one").expect("file");
        std::fs::remove_file(store.index_path()).expect("lose the index");
        let filed = store.file(2025, "部门", b"b", b"two").expect("file");
        assert!(
            matches!(filed, Filed::Stored { version: 2, .. }),
            "{filed:?}"
        );
        assert_eq!(
            parse_version_name("v12-0123abcd.pdf"),
            Some((12, "0123abcd"))
        );
        assert_eq!(parse_version_name("notes.pdf"), None);
    }
}
