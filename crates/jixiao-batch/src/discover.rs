//! Finding the declarations of a batch: files named on the command line, directories
//! (searched recursively for `*.toml` declarations and `*.xlsx`, `*.xls`, `*.ods`
//! spreadsheets, imported in memory) and glob patterns (`'forms/**/*.toml'`, quoted so
//! the shell leaves them alone; also for shells that do not expand globs).
//!
//! Hidden files and directories (names starting with `.`) and the lock files office
//! programs leave beside an open workbook (`~$form.xlsx`) are skipped inside
//! directories and globs. The result is sorted by path and has no file twice.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use globset::GlobBuilder;
use walkdir::WalkDir;

/// One declaration file of a batch.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// The file, as found: the argument given, joined with the path below it.
    pub path: PathBuf,
    /// Its path relative to the root it was found under: the directory given, the fixed
    /// leading part of a glob, or just the file name for a file named directly.
    /// `--out-dir` mirrors this path and `--shard` hashes it.
    pub relative: PathBuf,
}

impl Input {
    /// The file name without its extension (`decl.toml` → `decl`), for `{stem}`.
    pub fn stem(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// A command-line argument that gave no input.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// Neither a file, nor a directory, nor a glob pattern.
    #[error("找不到输入 {0} / no such file or directory")]
    NotFound(PathBuf),
    /// A directory could not be searched.
    #[error("无法读取目录 {path} / cannot read the directory: {source}")]
    Walk {
        /// The directory or glob searched.
        path: PathBuf,
        /// Why.
        source: walkdir::Error,
    },
    /// A malformed glob pattern.
    #[error("通配符 {pattern} 有误 / invalid glob pattern: {source}")]
    Pattern {
        /// The pattern.
        pattern: String,
        /// Why.
        source: globset::Error,
    },
    /// A directory or pattern with no `.toml` file (or spreadsheet) in it.
    #[error(
        "{0} 中没有 .toml 申报文件或电子表格 / no .toml declaration or spreadsheet found there"
    )]
    Empty(PathBuf),
}

/// The inputs found, and the arguments that gave none.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Every declaration file, sorted by path, each once.
    pub inputs: Vec<Input>,
    /// Arguments that could not be used.
    pub problems: Vec<DiscoverError>,
}

/// Whether `arg` is a glob pattern rather than a path.
pub fn is_glob(arg: &Path) -> bool {
    !arg.exists() && arg.to_string_lossy().contains(['*', '?', '[', '{'])
}

/// Whether `arg` names more than one file: a directory or a glob.
pub fn is_many(arg: &Path) -> bool {
    arg.is_dir() || is_glob(arg)
}

/// Finds every declaration named by `args` (files, directories, globs).
pub fn discover(args: &[PathBuf]) -> Discovered {
    let mut found = Discovered::default();
    let mut seen = HashSet::new();
    for arg in args {
        let before = found.inputs.len();
        let result = if arg.is_dir() {
            walk(arg, arg, None, &mut found.inputs)
        } else if arg.exists() {
            let relative = arg.file_name().map(PathBuf::from).unwrap_or_default();
            found.inputs.push(Input {
                path: arg.clone(),
                relative,
            });
            Ok(())
        } else if is_glob(arg) {
            glob(arg, &mut found.inputs)
        } else {
            Err(DiscoverError::NotFound(arg.clone()))
        };
        match result {
            Err(e) => found.problems.push(e),
            Ok(()) if found.inputs.len() == before => {
                found.problems.push(DiscoverError::Empty(arg.clone()))
            }
            Ok(()) => {}
        }
    }
    found.inputs.sort();
    found.inputs.retain(|input| {
        let key = std::fs::canonicalize(&input.path).unwrap_or_else(|_| input.path.clone());
        seen.insert(key)
    });
    found
}

/// The extensions of the files a batch takes: declarations and spreadsheets.
pub const EXTENSIONS: [&str; 4] = ["toml", "xlsx", "xls", "ods"];

/// Whether a file found in a directory or by a glob is a batch input: a declaration
/// or a spreadsheet, not an office program's lock file (`~$form.xlsx`).
fn is_input(path: &Path) -> bool {
    let lock = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("~$"));
    !lock
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Adds the inputs under `dir` (relative to `root`) that `matcher` accepts.
fn walk(
    dir: &Path,
    root: &Path,
    matcher: Option<(&globset::GlobMatcher, Option<usize>)>,
    out: &mut Vec<Input>,
) -> Result<(), DiscoverError> {
    let mut walker = WalkDir::new(dir).follow_links(true).sort_by_file_name();
    if let Some((_, Some(depth))) = matcher {
        walker = walker.max_depth(depth);
    }
    let entries = walker
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in entries {
        let entry = entry.map_err(|source| DiscoverError::Walk {
            path: dir.to_owned(),
            source,
        })?;
        if !entry.file_type().is_file() || !is_input(entry.path()) {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_owned();
        if let Some((m, _)) = matcher {
            if !m.is_match(&relative) {
                continue;
            }
        }
        out.push(Input {
            path: entry.into_path(),
            relative,
        });
    }
    Ok(())
}

/// Adds the inputs matching the glob `pattern`: the leading components without
/// wildcards are the root searched, the rest is matched against paths below it.
fn glob(pattern: &Path, out: &mut Vec<Input>) -> Result<(), DiscoverError> {
    let mut base = PathBuf::new();
    let mut rest = PathBuf::new();
    for component in pattern.components() {
        let text = component.as_os_str().to_string_lossy();
        let wild = text.contains(['*', '?', '[', '{']);
        if rest.as_os_str().is_empty() && !wild {
            base.push(component);
        } else {
            rest.push(component);
        }
    }
    let rest_text = rest
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    let glob = GlobBuilder::new(&rest_text)
        .literal_separator(true)
        .build()
        .map_err(|source| DiscoverError::Pattern {
            pattern: pattern.display().to_string(),
            source,
        })?;
    let depth = (!rest_text.contains("**")).then(|| rest.components().count());
    let root = if base.as_os_str().is_empty() || base.components().all(|c| c == Component::CurDir) {
        PathBuf::from(".")
    } else {
        base.clone()
    };
    if !root.is_dir() {
        return Err(DiscoverError::NotFound(pattern.to_owned()));
    }
    let start = out.len();
    walk(&root, &root, Some((&glob.compile_matcher(), depth)), out)?;
    // Paths as the user would write them: `*.toml` gives `a.toml`, not `./a.toml`.
    if base.as_os_str().is_empty() {
        for input in &mut out[start..] {
            input.path = input.relative.clone();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for f in [
            "a.toml",
            "b.TOML",
            "notes.txt",
            "sub/form.xlsx",
            "sub/~$form.xlsx",
            "sub/c.toml",
            "sub/deeper/d.toml",
            ".hidden/e.toml",
            "sub/.f.toml",
        ] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, "").expect("write");
        }
        dir
    }

    fn relatives(found: &Discovered) -> Vec<String> {
        found
            .inputs
            .iter()
            .map(|i| i.relative.to_string_lossy().replace('\\', "/"))
            .collect()
    }

    #[test]
    fn a_directory_gives_its_toml_files_recursively_without_hidden_ones() {
        let dir = tree();
        let found = discover(&[dir.path().to_owned()]);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        assert_eq!(
            relatives(&found),
            [
                "a.toml",
                "b.TOML",
                "sub/c.toml",
                "sub/deeper/d.toml",
                "sub/form.xlsx"
            ]
        );
        assert!(found.inputs[0].path.starts_with(dir.path()));
    }

    #[test]
    fn globs_match_below_their_fixed_part() {
        let dir = tree();
        let one = discover(&[dir.path().join("sub/*.toml")]);
        assert_eq!(relatives(&one), ["c.toml"]);
        let all = discover(&[dir.path().join("**/*.toml")]);
        assert_eq!(
            relatives(&all),
            ["a.toml", "sub/c.toml", "sub/deeper/d.toml"]
        );
    }

    #[test]
    fn files_are_taken_as_named_and_never_twice() {
        let dir = tree();
        let a = dir.path().join("a.toml");
        let found = discover(&[a.clone(), dir.path().to_owned(), a.clone()]);
        assert_eq!(
            found
                .inputs
                .iter()
                .filter(|i| i.path.ends_with("a.toml"))
                .count(),
            1
        );
        assert_eq!(found.inputs.len(), 5);
    }

    #[test]
    fn missing_paths_and_empty_matches_are_reported() {
        let dir = tree();
        let found = discover(&[
            dir.path().join("nope.toml"),
            dir.path().join("*.json"),
            dir.path().join("[.toml"),
        ]);
        assert!(found.inputs.is_empty());
        assert!(matches!(found.problems[0], DiscoverError::NotFound(_)));
        assert!(matches!(found.problems[1], DiscoverError::Empty(_)));
        assert!(matches!(found.problems[2], DiscoverError::Pattern { .. }));
    }
}
