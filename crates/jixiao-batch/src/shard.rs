//! `--shard I/N`: one of N deterministic, disjoint slices of a batch, so N machines (or
//! N CI jobs) can share a batch and together render all of it exactly once.
//!
//! A file's slice depends only on its path relative to the input root it was found
//! under (see [`crate::discover::Input::relative`]), hashed with SHA-256: the
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
    #[error(
        "分片应写作 I/N（如 1/4）或 auto/N / a shard is written I/N (e.g. 1/4) or auto/N: {0:?}"
    )]
    Syntax(String),
    /// `I` is 0, or larger than `N`, or `N` is 0.
    #[error("分片 {0} 超出范围：须 1 ≤ I ≤ N / shard {0} out of range: need 1 ≤ I ≤ N")]
    Range(String),
    /// `auto`, but no scheduler's index variable is set, or both are.
    #[error("--shard auto 需要环境变量 JOB_COMPLETION_INDEX（Kubernetes）或 SLURM_ARRAY_TASK_ID（Slurm）之一 / --shard auto needs exactly one of JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array){0}")]
    NoIndex(String),
    /// An index variable that is not a number, or out of range.
    #[error("环境变量 {var}={value} 不能用作分片序号 / {var}={value} is not a usable shard index: {why}")]
    BadIndex {
        /// The variable.
        var: &'static str,
        /// Its value.
        value: String,
        /// What is wrong with it.
        why: String,
    },
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

/// What `--shard` says: a fixed slice `I/N`, or `auto/N` (or `auto`) — the index taken
/// from the scheduler's environment when the batch starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardSpec {
    /// `I/N`.
    Fixed(Shard),
    /// `auto/N`, or `auto` (N from `SLURM_ARRAY_TASK_COUNT`).
    Auto {
        /// `N`, when given.
        count: Option<u64>,
    },
}

/// Kubernetes Indexed Job: the pod's index, 0-based.
pub const K8S_INDEX: &str = "JOB_COMPLETION_INDEX";
/// Slurm job array: this task's id (from `--array`, e.g. `0-3` or `1-4`).
pub const SLURM_INDEX: &str = "SLURM_ARRAY_TASK_ID";
/// Slurm job array: the smallest task id.
pub const SLURM_MIN: &str = "SLURM_ARRAY_TASK_MIN";
/// Slurm job array: the number of tasks.
pub const SLURM_COUNT: &str = "SLURM_ARRAY_TASK_COUNT";

impl ShardSpec {
    /// The slice this process renders. `env` looks up an environment variable (e.g.
    /// `|k| std::env::var(k).ok()`).
    ///
    /// For `auto`: with `JOB_COMPLETION_INDEX` set (Kubernetes, 0-based), `I` is it plus
    /// one; with `SLURM_ARRAY_TASK_ID` set, `I` is it minus `SLURM_ARRAY_TASK_MIN` (0 when
    /// unset) plus one, so `--array=0-3` and `--array=1-4` both give slices 1 to 4. `N`
    /// is the one given, else `SLURM_ARRAY_TASK_COUNT`. Exactly one of the two index
    /// variables must be set, and the index must be a slice of `N`.
    pub fn resolve(&self, env: impl Fn(&str) -> Option<String>) -> Result<Shard, ShardError> {
        let count = match *self {
            ShardSpec::Fixed(shard) => return Ok(shard),
            ShardSpec::Auto { count } => count,
        };
        let number = |var: &'static str, value: &str| {
            value
                .trim()
                .parse::<u64>()
                .map_err(|_| ShardError::BadIndex {
                    var,
                    value: value.to_owned(),
                    why: "不是非负整数 / not a non-negative integer".into(),
                })
        };
        let (var, raw, index, count) = match (env(K8S_INDEX), env(SLURM_INDEX)) {
            (Some(k8s), None) => {
                let count = count.ok_or_else(|| {
                    ShardError::NoIndex(
                        "；Kubernetes 下请写 --shard auto/N（N 为 completions）/ with Kubernetes, write --shard auto/N (N = completions)".into(),
                    )
                })?;
                (K8S_INDEX, k8s.clone(), number(K8S_INDEX, &k8s)?, count)
            }
            (None, Some(slurm)) => {
                let id = number(SLURM_INDEX, &slurm)?;
                let min = match env(SLURM_MIN) {
                    Some(min) => number(SLURM_MIN, &min)?,
                    None => 0,
                };
                let count = match (count, env(SLURM_COUNT)) {
                    (Some(n), _) => n,
                    (None, Some(n)) => number(SLURM_COUNT, &n)?,
                    (None, None) => {
                        return Err(ShardError::NoIndex(format!(
                            "；未设 {SLURM_COUNT}，请写 --shard auto/N / {SLURM_COUNT} is not set: write --shard auto/N"
                        )))
                    }
                };
                let index = id.checked_sub(min).ok_or_else(|| ShardError::BadIndex {
                    var: SLURM_INDEX,
                    value: slurm.clone(),
                    why: format!("小于 {SLURM_MIN}={min} / below {SLURM_MIN}={min}"),
                })?;
                (SLURM_INDEX, slurm, index, count)
            }
            (Some(_), Some(_)) => {
                return Err(ShardError::NoIndex("，两者都已设置 / both are set".into()))
            }
            (None, None) => return Err(ShardError::NoIndex(String::new())),
        };
        let i = index.saturating_add(1);
        Shard::new(i, count).map_err(|_| ShardError::BadIndex {
            var,
            value: raw,
            why: format!("分片 {i}/{count} 不存在 / there is no shard {i}/{count}"),
        })
    }
}

impl FromStr for ShardSpec {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<ShardSpec, ShardError> {
        let t = s.trim();
        if t == "auto" {
            return Ok(ShardSpec::Auto { count: None });
        }
        if let Some(n) = t.strip_prefix("auto/") {
            let count = n
                .trim()
                .parse::<u64>()
                .map_err(|_| ShardError::Syntax(s.to_owned()))?;
            if count == 0 {
                return Err(ShardError::Range(t.to_owned()));
            }
            return Ok(ShardSpec::Auto { count: Some(count) });
        }
        t.parse().map(ShardSpec::Fixed)
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

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn auto_takes_the_index_from_kubernetes_or_slurm() {
        let auto4: ShardSpec = "auto/4".parse().expect("auto/4");
        assert_eq!(auto4, ShardSpec::Auto { count: Some(4) });
        // Kubernetes: 0-based.
        for (index, want) in [("0", 1), ("3", 4)] {
            let shard = auto4.resolve(env(&[(K8S_INDEX, index)])).expect("k8s");
            assert_eq!((shard.index(), shard.count()), (want, 4));
        }
        // Slurm: relative to the array's first id, --array=1-4 and --array=0-3 alike.
        let shard = auto4
            .resolve(env(&[(SLURM_INDEX, "3"), (SLURM_MIN, "1")]))
            .expect("slurm 1-4");
        assert_eq!(shard.to_string(), "3/4");
        let shard = auto4
            .resolve(env(&[(SLURM_INDEX, "3"), (SLURM_MIN, "0")]))
            .expect("slurm 0-3");
        assert_eq!(shard.to_string(), "4/4");
        // `auto` alone: N from Slurm's task count.
        let auto: ShardSpec = "auto".parse().expect("auto");
        let shard = auto
            .resolve(env(&[
                (SLURM_INDEX, "11"),
                (SLURM_MIN, "10"),
                (SLURM_COUNT, "3"),
            ]))
            .expect("slurm count");
        assert_eq!(shard.to_string(), "2/3");
        // A fixed shard ignores the environment.
        let fixed: ShardSpec = "2/5".parse().expect("2/5");
        assert_eq!(
            fixed
                .resolve(env(&[(K8S_INDEX, "0")]))
                .map(|s| s.to_string()),
            Ok("2/5".into())
        );
    }

    #[test]
    fn auto_refuses_a_missing_ambiguous_or_out_of_range_index() {
        let auto4: ShardSpec = "auto/4".parse().expect("auto/4");
        assert!(matches!(
            auto4.resolve(env(&[])),
            Err(ShardError::NoIndex(_))
        ));
        assert!(matches!(
            auto4.resolve(env(&[(K8S_INDEX, "0"), (SLURM_INDEX, "0")])),
            Err(ShardError::NoIndex(_))
        ));
        for bad in ["4", "-1", "x", ""] {
            assert!(
                matches!(
                    auto4.resolve(env(&[(K8S_INDEX, bad)])),
                    Err(ShardError::BadIndex { .. })
                ),
                "{bad:?}"
            );
        }
        assert!(matches!(
            auto4.resolve(env(&[(SLURM_INDEX, "0"), (SLURM_MIN, "1")])),
            Err(ShardError::BadIndex { .. })
        ));
        // Kubernetes does not say how many pods there are: N must be given.
        let auto: ShardSpec = "auto".parse().expect("auto");
        assert!(matches!(
            auto.resolve(env(&[(K8S_INDEX, "0")])),
            Err(ShardError::NoIndex(_))
        ));
        for bad in ["auto/0", "auto/x", "auto/", "autox"] {
            assert!(bad.parse::<ShardSpec>().is_err(), "{bad:?}");
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
