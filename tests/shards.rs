//! A batch split over processes: `--shard I/N` slices run side by side with
//! `xargs -P`, `--shard auto/N` taking the slice from a scheduler's index variable
//! (Kubernetes Indexed Job, Slurm array), and `jixiao manifest merge` putting the
//! slices' manifests back together — byte-for-byte the manifest of one unsliced run.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

/// The scheduler variables `--shard auto` reads; removed from every child's
/// environment unless a test sets them, so the machine's environment decides nothing.
const SCHEDULER_VARS: [&str; 4] = [
    "JOB_COMPLETION_INDEX",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_COUNT",
];

fn run(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.args(args).current_dir(cwd);
    for var in SCHEDULER_VARS {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run jixiao")
}

/// Seven reference declarations, each for its own department, in `dir/forms`.
fn forms(dir: &Path) {
    let reference =
        std::fs::read_to_string(root().join("samples/guangzhou-kexie.toml")).expect("sample");
    for i in 0..7 {
        let path = dir.join(format!("forms/g{}/d{i}.toml", i % 2));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let text = reference.replace(
            "department = \"广州市科学技术协会\"",
            &format!("department = \"测试部门{i}\""),
        );
        std::fs::write(path, text).expect("write");
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The unsliced manifest of `forms`, its PDFs written under `out`.
fn whole_batch(dir: &Path) -> String {
    let out = run(
        &[
            "render",
            "forms",
            "--out-dir",
            "out",
            "--manifest",
            "whole.csv",
        ],
        dir,
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let whole = read(&dir.join("whole.csv"));
    assert_eq!(whole.lines().count(), 8, "a header and seven records");
    std::fs::remove_dir_all(dir.join("out")).expect("clear out");
    whole
}

#[test]
fn slices_run_by_xargs_in_parallel_merge_into_the_whole_batch() {
    let dir = tempfile::tempdir().expect("tempdir");
    forms(dir.path());
    let whole = whole_batch(dir.path());

    // Three processes at once, one slice each, as the README shows.
    let script = r#"seq 1 3 | xargs -P 3 -I{} "$JIXIAO" render forms --out-dir out --shard {}/3 --manifest part-{}.csv"#;
    let sharded = Command::new("sh")
        .args(["-c", script])
        .env("JIXIAO", env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(dir.path())
        .output()
        .expect("sh");
    assert!(sharded.status.success(), "{}", stderr(&sharded));
    let mut sizes = Vec::new();
    for i in 1..=3 {
        let part = read(&dir.path().join(format!("part-{i}.csv")));
        sizes.push(part.lines().count().saturating_sub(1));
        for record in part.lines().skip(1) {
            assert!(record.ends_with(&format!(",{i}/3")), "{record}");
        }
    }
    assert_eq!(sizes.iter().sum::<usize>(), 7, "slices {sizes:?}");

    let merged = run(
        &[
            "manifest",
            "merge",
            "part-1.csv",
            "part-2.csv",
            "part-3.csv",
            "-o",
            "all.csv",
        ],
        dir.path(),
        &[],
    );
    assert!(merged.status.success(), "{}", stderr(&merged));
    assert!(
        stderr(&merged).contains("7 个输入 / inputs, 7 已生成 / rendered"),
        "{}",
        stderr(&merged)
    );
    assert_eq!(
        read(&dir.path().join("all.csv")),
        whole,
        "the merged manifest is the unsliced run's"
    );
    // Every PDF is there once; the JSON form of the same merge agrees.
    let pdfs = walkdir::WalkDir::new(dir.path().join("out"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .count();
    assert_eq!(pdfs, 7);
    let json = run(
        &[
            "manifest",
            "merge",
            "part-3.csv",
            "part-1.csv",
            "part-2.csv",
            "-o",
            "all.json",
        ],
        dir.path(),
        &[],
    );
    assert!(json.status.success(), "{}", stderr(&json));
    let records: Vec<serde_json::Value> =
        serde_json::from_str(&read(&dir.path().join("all.json"))).expect("json");
    assert_eq!(records.len(), 7);
    assert!(records.iter().all(|r| r["shard"].is_null()));
}

#[test]
fn a_merge_with_a_slice_missing_or_given_twice_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    forms(dir.path());
    for i in 1..=3 {
        let shard = format!("{i}/3");
        let manifest = format!("part-{i}.csv");
        let out = run(
            &[
                "render",
                "forms",
                "--out-dir",
                "out",
                "--shard",
                &shard,
                "--manifest",
                &manifest,
            ],
            dir.path(),
            &[],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    // A slice with no file writes a header-only manifest, which stands for any one
    // missing slice; so take a slice that has records out.
    let nonempty = (1..=3)
        .find(|i| {
            read(&dir.path().join(format!("part-{i}.csv")))
                .lines()
                .count()
                > 1
        })
        .expect("some slice has files");
    let others: Vec<String> = (1..=3)
        .filter(|&i| i != nonempty)
        .map(|i| format!("part-{i}.csv"))
        .collect();
    let mut args = vec!["manifest", "merge"];
    args.extend(others.iter().map(String::as_str));
    args.extend(["-o", "all.csv"]);
    let missing = run(&args, dir.path(), &[]);
    assert_eq!(missing.status.code(), Some(1), "{}", stderr(&missing));
    assert!(
        stderr(&missing).contains(&format!("missing shards: {nonempty}/3")),
        "{}",
        stderr(&missing)
    );
    let twice = format!("part-{nonempty}.csv");
    let duplicate = run(
        &[
            "manifest",
            "merge",
            "part-1.csv",
            "part-2.csv",
            "part-3.csv",
            &twice,
            "-o",
            "all.csv",
        ],
        dir.path(),
        &[],
    );
    assert_eq!(duplicate.status.code(), Some(1), "{}", stderr(&duplicate));
    assert!(
        stderr(&duplicate).contains("input listed twice"),
        "{}",
        stderr(&duplicate)
    );
    assert!(
        !dir.path().join("all.csv").exists(),
        "no merged manifest after a refused merge"
    );
}

#[test]
fn auto_shards_take_the_index_from_kubernetes_or_slurm() {
    let dir = tempfile::tempdir().expect("tempdir");
    forms(dir.path());
    let slice = |args: &[&str], env: &[(&str, &str)], manifest: &str| {
        let mut all = vec![
            "render",
            "forms",
            "--out-dir",
            "out",
            "--manifest",
            manifest,
        ];
        all.extend(args);
        let out = run(&all, dir.path(), env);
        assert!(out.status.success(), "{:?}: {}", env, stderr(&out));
        read(&dir.path().join(manifest))
    };
    for i in 1..=3 {
        let fixed = slice(&["--shard", &format!("{i}/3")], &[], "fixed.csv");
        // Kubernetes Indexed Job: JOB_COMPLETION_INDEX counts from 0.
        let k8s_index = (i - 1).to_string();
        let k8s = slice(
            &["--shard", "auto/3"],
            &[("JOB_COMPLETION_INDEX", &k8s_index)],
            "k8s.csv",
        );
        assert_eq!(
            k8s, fixed,
            "JOB_COMPLETION_INDEX={k8s_index} is slice {i}/3"
        );
        // Slurm array --array=10-12: task ids from SLURM_ARRAY_TASK_MIN, N from the
        // task count when `auto` has none.
        let slurm_id = (9 + i).to_string();
        let slurm = slice(
            &["--shard", "auto"],
            &[
                ("SLURM_ARRAY_TASK_ID", &slurm_id),
                ("SLURM_ARRAY_TASK_MIN", "10"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ],
            "slurm.csv",
        );
        assert_eq!(
            slurm, fixed,
            "SLURM_ARRAY_TASK_ID={slurm_id} is slice {i}/3"
        );
    }
    // No index in the environment, or one past the last slice: an error, no PDF.
    std::fs::remove_dir_all(dir.path().join("out")).expect("clear out");
    for env in [&[][..], &[("JOB_COMPLETION_INDEX", "3")]] {
        let out = run(
            &["render", "forms", "--out-dir", "out", "--shard", "auto/3"],
            dir.path(),
            env,
        );
        assert_eq!(out.status.code(), Some(1), "{env:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("JOB_COMPLETION_INDEX"),
            "{env:?}: {}",
            stderr(&out)
        );
        assert!(
            !dir.path().join("out").exists(),
            "{env:?}: nothing rendered"
        );
    }
}
