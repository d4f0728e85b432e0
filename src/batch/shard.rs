//! `--shard I/N`: one of N deterministic, disjoint slices of a batch, so N machines (or
//! N CI jobs) can share a batch and together render all of it exactly once.
//!
//! A file's slice depends only on its path relative to the input root it was found
//! under (see [`crate::batch::discover::Input::relative`]), hashed with SHA-256: the
//! same file lands in the same slice on every machine and in every run, whatever else
//! the batch holds, and wherever the inputs are checked out.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// The I-th (1-based) of N slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u64,
    count: u64,
}

/// Why a `--shard` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// Not of the form `I/N`.
    #[error("分片应写作 I/N，如 1/4 / a shard is written I/N, e.g. 1/4: {0:?}")]
    Syntax(String),
    /// `I` is 0, or larger than `N`, or `N` is 0.
    #[error("分片 {0} 超出范围：须 1 ≤ I ≤ N / shard {0} out of range: need 1 ≤ I ≤ N")]
    Range(String),
}

impl Shard {
    /// The `index`-th (1-based) of `count` slices.
    pub fn new(index: u64, count: u64) -> Result<Shard, ShardError> {
        if count == 0 || index == 0 || index > count {
            return Err(ShardError::Range(format!("{index}/{count}")));
        }
        Ok(Shard { index, count })
    }

    /// Which slice (1-based) the file at `relative` belongs to among `count`.
    pub fn slice_of(relative: &Path, count: u64) -> u64 {
        let key: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let digest = Sha256::digest(key.join("/").as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % count.max(1) + 1
    }

    /// Whether the file at `relative` is in this slice.
    pub fn contains(&self, relative: &Path) -> bool {
        Shard::slice_of(relative, self.count) == self.index
    }

    /// 1-based index of this slice.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// Number of slices.
    pub fn count(&self) -> u64 {
        self.count
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Shard, ShardError> {
        let (i, n) = s
            .trim()
            .split_once('/')
            .ok_or_else(|| ShardError::Syntax(s.to_owned()))?;
        let parse = |t: &str| {
            t.trim()
                .parse::<u64>()
                .map_err(|_| ShardError::Syntax(s.to_owned()))
        };
        Shard::new(parse(i)?, parse(n)?)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn parses_i_of_n() {
        assert_eq!("1/4".parse::<Shard>(), Shard::new(1, 4));
        assert_eq!(
            " 4 / 4 ".parse::<Shard>().map(|s| s.to_string()),
            Ok("4/4".into())
        );
        assert_eq!(
            "1/1".parse::<Shard>().map(|s| (s.index(), s.count())),
            Ok((1, 1))
        );
    }

    #[test]
    fn refuses_malformed_and_out_of_range_shards() {
        for bad in ["", "1", "1-4", "a/4", "1/b", "-1/4", "1/4/2", "1.5/4"] {
            assert!(
                matches!(bad.parse::<Shard>(), Err(ShardError::Syntax(_))),
                "{bad:?}"
            );
        }
        for bad in ["0/4", "5/4", "0/0", "1/0"] {
            assert!(
                matches!(bad.parse::<Shard>(), Err(ShardError::Range(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn slices_are_disjoint_and_cover_everything() {
        let paths: Vec<PathBuf> = (0..500)
            .map(|i| PathBuf::from(format!("dir{}/decl-{i}.toml", i % 7)))
            .collect();
        for count in [1u64, 2, 3, 8] {
            let mut seen = vec![0; paths.len()];
            for index in 1..=count {
                let shard = Shard::new(index, count).expect("valid");
                let mut size = 0;
                for (i, p) in paths.iter().enumerate() {
                    if shard.contains(p) {
                        seen[i] += 1;
                        size += 1;
                    }
                }
                // Roughly balanced: no slice is empty or more than twice its share.
                assert!(
                    size > 0 && size < 2 * paths.len() / count as usize + 2,
                    "{size}"
                );
            }
            assert!(
                seen.iter().all(|&n| n == 1),
                "each path in exactly one slice"
            );
        }
    }

    #[test]
    fn the_slice_depends_only_on_the_relative_path() {
        // Pinned (computed independently: the first 8 bytes of SHA-256("sub/a.toml"),
        // big-endian, mod N, plus 1), so a change of hashing — which would reshuffle
        // every CI's slices — is noticed. Separators are always `/`.
        assert_eq!(Shard::slice_of(Path::new("sub/a.toml"), 5), 5);
        assert_eq!(
            (1..=8)
                .map(|n| Shard::slice_of(Path::new("guangzhou-kexie.toml"), n))
                .collect::<Vec<_>>(),
            [1, 2, 3, 2, 4, 6, 3, 2]
        );
    }
}
