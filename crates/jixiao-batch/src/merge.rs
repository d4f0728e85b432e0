//! `jixiao manifest merge`: the manifests of a batch's slices (`--shard I/N`, run as
//! separate processes, pods or array tasks) made into the manifest of the whole batch.
//!
//! The merge refuses — writing nothing — when the pieces do not add up to one batch:
//! an input listed twice, a slice given twice, slices of different `N`, a slice
//! missing, or sliced and unsliced manifests mixed. The merged manifest is sorted by
//! input and has no `shard` column values, so it is byte-for-byte the manifest one
//! unsliced run over the same inputs writes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::manifest::Entry;
use super::shard::Shard;

/// Why manifests could not be merged: one message per problem (Chinese, then English).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.join("\n"))]
pub struct MergeError(pub Vec<String>);

/// The shard a manifest's records say it is, if any.
fn shard_of(path: &Path, entries: &[Entry]) -> Result<Option<Shard>, String> {
    let labels: BTreeSet<Option<&str>> = entries.iter().map(|e| e.shard.as_deref()).collect();
    if labels.len() > 1 {
        return Err(format!(
            "{}：记录分属不同分片 / records from different shards",
            path.display()
        ));
    }
    match labels.into_iter().next().flatten() {
        None => Ok(None),
        Some(label) => label.parse::<Shard>().map(Some).map_err(|e| {
            format!(
                "{}：shard 栏 {label:?} 无效 / invalid shard column: {e}",
                path.display()
            )
        }),
    }
}

/// Merges `manifests` (each file's path and records) into one list sorted by input.
///
/// Every record keeps its fields except `shard`, which is cleared. An empty manifest
/// (a slice that happened to get no file) says nothing about which slice it was; it
/// counts towards `N` and fills a gap.
pub fn merge(manifests: &[(PathBuf, Vec<Entry>)]) -> Result<Vec<Entry>, MergeError> {
    let mut problems = Vec::new();
    let mut by_index: BTreeMap<u64, Vec<&Path>> = BTreeMap::new();
    let mut counts: BTreeMap<u64, Vec<&Path>> = BTreeMap::new();
    let (mut sliced, mut unsliced, mut empty) = (0usize, 0usize, 0usize);
    for (path, entries) in manifests {
        if entries.is_empty() {
            empty += 1;
            continue;
        }
        match shard_of(path, entries) {
            Err(problem) => problems.push(problem),
            Ok(None) => unsliced += 1,
            Ok(Some(shard)) => {
                sliced += 1;
                by_index.entry(shard.index()).or_default().push(path);
                counts.entry(shard.count()).or_default().push(path);
            }
        }
    }
    if sliced > 0 && unsliced > 0 {
        problems.push(
            "分片清单与未分片清单混在一起 / sliced (--shard) and unsliced manifests mixed"
                .to_owned(),
        );
    }
    let shown = |paths: &[&Path]| {
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if counts.len() > 1 {
        let detail: Vec<String> = counts
            .iter()
            .map(|(n, paths)| format!("N={n}: {}", shown(paths)))
            .collect();
        problems.push(format!(
            "分片总数不一致 / the manifests are slices of different N: {}",
            detail.join("; ")
        ));
    }
    for (index, paths) in &by_index {
        if paths.len() > 1 {
            problems.push(format!(
                "分片 {index} 出现了 {} 次 / shard {index} given {} times: {}",
                paths.len(),
                paths.len(),
                shown(paths)
            ));
        }
    }
    if let (Some(&count), 1) = (counts.keys().next(), counts.len()) {
        let missing: Vec<String> = (1..=count)
            .filter(|i| !by_index.contains_key(i))
            .map(|i| format!("{i}/{count}"))
            .collect();
        if missing.len() > empty {
            let empties = if empty > 0 {
                format!("（{empty} 个空清单只能顶替其中 {empty} 个）/ ({empty} empty manifest(s) can stand for only {empty} of them)")
            } else {
                String::new()
            };
            problems.push(format!(
                "缺少分片 / missing shards: {}{empties}",
                missing.join(", ")
            ));
        }
        if manifests.len() > count as usize && problems.is_empty() {
            problems.push(format!(
                "清单多于分片数 {count} / more manifests ({}) than shards ({count})",
                manifests.len()
            ));
        }
    }
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    for (path, entries) in manifests {
        for entry in entries {
            if let Some(first) = seen.insert(&entry.input, path) {
                problems.push(format!(
                    "输入 {} 重复出现 / input listed twice: in {} and {}",
                    entry.input,
                    first.display(),
                    path.display()
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(MergeError(problems));
    }
    let mut all: Vec<Entry> = manifests
        .iter()
        .flat_map(|(_, entries)| entries.iter().cloned())
        .map(|e| Entry { shard: None, ..e })
        .collect();
    all.sort_by(|a, b| a.input.cmp(&b.input));
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(input: &str, shard: Option<&str>) -> Entry {
        Entry {
            shard: shard.map(str::to_owned),
            ..Entry::failed(input.to_owned(), "x".to_owned())
        }
    }

    fn file(name: &str, entries: Vec<Entry>) -> (PathBuf, Vec<Entry>) {
        (PathBuf::from(name), entries)
    }

    #[test]
    fn slices_merge_into_one_sorted_manifest_without_shard_values() {
        let merged = merge(&[
            file(
                "m2.csv",
                vec![entry("b", Some("2/3")), entry("d", Some("2/3"))],
            ),
            file("m1.csv", vec![entry("c", Some("1/3"))]),
            file("m3.csv", vec![entry("a", Some("3/3"))]),
        ])
        .expect("merges");
        let inputs: Vec<&str> = merged.iter().map(|e| e.input.as_str()).collect();
        assert_eq!(inputs, ["a", "b", "c", "d"]);
        assert!(merged.iter().all(|e| e.shard.is_none()));
    }

    #[test]
    fn an_empty_manifest_fills_one_gap() {
        let two_of_three = [
            file("m1.csv", vec![entry("a", Some("1/3"))]),
            file("m3.csv", vec![entry("c", Some("3/3"))]),
        ];
        let err = merge(&two_of_three).expect_err("slice 2 missing");
        assert!(err.to_string().contains("2/3"), "{err}");
        let mut with_empty = two_of_three.to_vec();
        with_empty.push(file("m2.csv", vec![]));
        assert_eq!(merge(&with_empty).expect("merges").len(), 2);
    }

    #[test]
    fn duplicates_mixed_counts_and_mixed_kinds_are_refused() {
        let err = merge(&[
            file("m1.csv", vec![entry("a", Some("1/2"))]),
            file("m1-again.csv", vec![entry("a", Some("1/2"))]),
        ])
        .expect_err("shard 1 twice");
        let text = err.to_string();
        assert!(text.contains("shard 1 given 2 times"), "{text}");
        assert!(
            text.contains("input listed twice: in m1.csv and m1-again.csv"),
            "{text}"
        );
        assert!(text.contains("missing shards: 2/2"), "{text}");

        let err = merge(&[
            file("a.csv", vec![entry("a", Some("1/2"))]),
            file("b.csv", vec![entry("b", Some("2/3"))]),
        ])
        .expect_err("different N");
        assert!(err.to_string().contains("different N"), "{err}");

        let err = merge(&[
            file("a.csv", vec![entry("a", Some("1/1"))]),
            file("b.csv", vec![entry("b", None)]),
        ])
        .expect_err("mixed");
        assert!(err.to_string().contains("mixed"), "{err}");

        let err = merge(&[file(
            "a.csv",
            vec![entry("a", Some("1/2")), entry("b", Some("2/2"))],
        )])
        .expect_err("two shards in one file");
        assert!(err.to_string().contains("different shards"), "{err}");
    }

    #[test]
    fn unsliced_manifests_merge_when_their_inputs_are_disjoint() {
        let merged = merge(&[
            file("x.csv", vec![entry("x/1", None)]),
            file("y.json", vec![entry("y/1", None)]),
        ])
        .expect("merges");
        assert_eq!(merged.len(), 2);
        assert!(merge(&[
            file("x.csv", vec![entry("same", None)]),
            file("y.csv", vec![entry("same", None)]),
        ])
        .is_err());
    }
}
