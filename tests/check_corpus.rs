//! The checker on a corpus of broken declarations (`tests/check/*.toml`, each starting
//! with a comment saying what is wrong): every expected diagnostic, in Chinese and
//! English, is a reviewed snapshot (`tests/snapshots/`). And the real binary: a file with
//! an error renders no PDF and exits 1; a file with only warnings renders.

mod common;

use common::*;
use jixiao::check::{check, DeclarationSource, Lang};
use jixiao::diag::render_all;
use jixiao::{FontSet, Kinds, Severity};

fn corpus() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("tests/check"))
        .expect("tests/check")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_corpus_is_large_enough() {
    let broken = corpus()
        .iter()
        .filter(|p| !p.ends_with("valid-base.toml"))
        .count();
    assert!(broken >= 30, "only {broken} broken declarations");
}

#[test]
fn diagnostics_match_the_reviewed_snapshots() {
    let kinds = Kinds::builtin();
    let fonts = FontSet::bundled();
    insta::glob!("check/*.toml", |path| {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(path).expect("read");
        let report = check(
            DeclarationSource::from_bytes(format!("tests/check/{name}"), bytes),
            kinds,
            &fonts,
        );
        let codes: Vec<String> = report
            .findings
            .iter()
            .map(|f| format!("{:?} {} {}", f.severity, f.code, f.path))
            .collect();
        let zh = render_all(&report.diagnostics(false), false, Lang::Zh);
        let en = render_all(&report.diagnostics(false), false, Lang::En);
        insta::assert_snapshot!(format!(
            "{}\n\n--- zh ---\n{zh}\n--- en ---\n{en}",
            codes.join("\n")
        ));
    });
}

#[test]
fn the_binary_writes_no_pdf_for_a_declaration_with_errors() {
    let kinds = Kinds::builtin();
    let fonts = FontSet::bundled();
    for path in corpus() {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let report = check(DeclarationSource::read(&path).expect("read"), kinds, &fonts);
        let has_errors = report
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error);
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::copy(&path, dir.path().join(&name)).expect("copy");
        let out = jixiao(&["render", &name], dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        let pdf = dir.path().join(name.replace(".toml", ".pdf"));
        if has_errors {
            assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
            assert!(!pdf.exists(), "{name}: a PDF was written despite errors");
            assert_eq!(
                std::fs::read_dir(dir.path()).expect("list").count(),
                1,
                "{name}: leftovers"
            );
        } else {
            assert!(out.status.success(), "{name}: {stderr}");
            assert!(pdf.exists(), "{name}: warnings must not block the PDF");
            let denied = jixiao(
                &["render", &name, "--deny-warnings", "-o", "denied.pdf"],
                dir.path(),
            );
            let has_warnings = !report.findings.is_empty();
            assert_eq!(
                denied.status.success(),
                !has_warnings,
                "{name}: --deny-warnings"
            );
        }
    }
}

#[test]
fn the_samples_check_clean() {
    let dir = root();
    let out = jixiao(&["check", "samples/guangzhou-kexie.toml"], &dir);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("0 个错误，0 个警告"), "{stdout}");
    // The long sample's 3,155-character cell is there on purpose (it exercises
    // pagination): its warning is the only diagnostic.
    let out = jixiao(
        &["check", "samples/long-declaration.toml", "--format", "json"],
        &dir,
    );
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let codes: Vec<&str> = json
        .as_array()
        .expect("array")
        .iter()
        .map(|d| d["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["cell-too-long"]);
}

#[test]
fn check_reports_all_files_and_fails_if_any_fails() {
    let dir = root();
    let out = jixiao(
        &[
            "check",
            "tests/check/valid-base.toml",
            "tests/check/identity-income.toml",
            "tests/check/no-satisfaction.toml",
            "--lang",
            "en",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("tests/check/identity-income.toml:11:17"),
        "{stdout}"
    );
    assert!(
        stdout.contains("checked 3 file(s): 1 error(s), 1 warning(s), 1 file(s) failed"),
        "{stdout}"
    );
    let denied = jixiao(
        &[
            "check",
            "tests/check/no-satisfaction.toml",
            "--deny-warnings",
        ],
        &dir,
    );
    assert_eq!(denied.status.code(), Some(1));
}

#[test]
fn json_output_carries_line_column_code_and_label() {
    let out = jixiao(
        &[
            "check",
            "tests/check/identity-levels.toml",
            "--format",
            "json",
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let d = &json[0];
    assert_eq!(d["code"], "amount-identity");
    assert_eq!(d["path"], "budget.city_level");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["label"], "按预算级次划分 · 市本级使用资金");
    assert!(d["line"].as_u64().is_some() && d["column"].as_u64().is_some());
}

/// Issue 37: a typo no longer hides the arithmetic — `jixiao check` reports the unknown
/// key and the totals that disagree together, each at its line; a typo in one of the
/// terms leaves that total unchecked rather than reporting a sum it cannot know.
#[test]
fn a_typo_and_a_sum_error_are_reported_together() {
    let out = jixiao(
        &["check", "tests/check/typo-and-sum.toml", "--format", "json"],
        &root(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let found: Vec<(String, u64)> = json
        .as_array()
        .expect("array")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert!(found.contains(&("unknown-key".to_owned(), 29)), "{found:?}");
    assert!(
        found.contains(&("amount-identity".to_owned(), 11)),
        "{found:?}"
    );

    let out = jixiao(
        &[
            "check",
            "tests/check/typo-in-a-term.toml",
            "--format",
            "json",
        ],
        &root(),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let codes: Vec<&str> = json
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["unknown-key"]);
}
