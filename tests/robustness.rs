//! Hostile and careless inputs: a clear error and exit 1 (or a quiet end on a closed
//! pipe), never a panic (exit 101), never a half-written file; one bad file never stops a
//! batch; limits on size, pages and time.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{jixiao, root, stderr};

const HUGE: &str = "79228162514264337593543950335";

fn sample_text() -> String {
    std::fs::read_to_string(root().join("samples/guangzhou-kexie.toml")).expect("sample")
}

/// The sample with the value of `key` (a line `key = …` of the file) replaced.
fn with_value(key: &str, value: &str) -> String {
    let text = sample_text();
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no {key} in the sample"));
    let old = line.split('#').next().expect("value").trim_end();
    text.replacen(old, &format!("{key} = {value}"), 1)
}

fn assert_clear_failure(out: &std::process::Output, needle: &str) {
    let err = stderr(out) + &common::stdout(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(needle), "expected “{needle}” in:\n{err}");
}

#[test]
fn amounts_beyond_any_form_are_a_located_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (key, value) in [
        ("basic", format!("\"{HUGE}\"")),
        ("project", format!("\"{HUGE}\"")),
        ("basic", HUGE.to_owned()),
        ("basic", "9223372036854775807".to_owned()),
        ("basic", "1e300".to_owned()),
    ] {
        let file = dir.path().join("huge.toml");
        std::fs::write(&file, with_value(key, &value)).expect("write");
        for command in ["check", "render"] {
            let out = jixiao(&[command, "huge.toml"], dir.path());
            let err = stderr(&out) + &common::stdout(&out);
            assert_ne!(
                out.status.code(),
                Some(101),
                "{command} {key}={value}: {err}"
            );
            assert_eq!(out.status.code(), Some(1), "{command} {key}={value}: {err}");
            assert!(
                err.contains("过大") || err.contains("无效") || err.contains("不是"),
                "{err}"
            );
            assert!(
                err.contains("huge.toml:"),
                "the error names the line: {err}"
            );
            assert!(!dir.path().join("huge.pdf").exists());
        }
    }
}

#[test]
fn one_hostile_file_fails_alone_in_a_batch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let forms = dir.path().join("forms");
    std::fs::create_dir(&forms).expect("mkdir");
    std::fs::write(forms.join("a.toml"), sample_text()).expect("write");
    std::fs::write(
        forms.join("b.toml"),
        with_value("basic", &format!("\"{HUGE}\"")),
    )
    .expect("write");
    std::fs::write(forms.join("c.toml"), with_value("project", HUGE)).expect("write");
    std::fs::write(forms.join("d.toml"), sample_text()).expect("write");
    let out = jixiao(
        &[
            "render",
            "forms",
            "--out-dir",
            "out",
            "--name",
            "{stem}.pdf",
            "--manifest",
            "m.csv",
        ],
        dir.path(),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for (name, made) in [("a", true), ("b", false), ("c", false), ("d", true)] {
        assert_eq!(
            dir.path().join(format!("out/{name}.pdf")).exists(),
            made,
            "{name}: {err}"
        );
    }
    let manifest = std::fs::read_to_string(dir.path().join("m.csv")).expect("manifest");
    assert_eq!(
        manifest.lines().filter(|l| l.contains(",failed,")).count(),
        2,
        "{manifest}"
    );
}

/// Runs jixiao with stdout into a pipe whose reader reads `keep` bytes and closes it.
fn closed_pipe(args: &[&str], cwd: &Path, keep: usize) -> (Option<i32>, String, Vec<u8>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start jixiao");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut head = vec![0; keep];
    stdout.read_exact(&mut head).expect("the first bytes");
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        head,
    )
}

/// The sample with `n` more indicator rows.
fn with_indicators(n: usize) -> String {
    let mut text = sample_text();
    for i in 0..n {
        text.push_str(&format!(
            "\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"指标{i}\"\nperiod_value = \"{i}\"\nannual_value = \"{i}\"\n"
        ));
    }
    text
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("d.toml"), with_indicators(1000)).expect("write");
    // A thousand unknown keys: a thousand errors, printed to stdout by `check`.
    let unknown = with_indicators(1000).replace("annual_value =", "annual_valeu =");
    std::fs::write(dir.path().join("bad.toml"), unknown).expect("write");
    for args in [
        vec!["schema"],
        vec!["data", "d.toml"],
        vec!["check", "bad.toml"],
        vec!["check", "--format", "json", "bad.toml"],
    ] {
        // The whole output is larger than a pipe's buffer (64 KiB), so the writer
        // meets the closed pipe.
        let full = jixiao(&args, dir.path());
        assert!(
            full.stdout.len() > 64 << 10,
            "{args:?}: only {} bytes",
            full.stdout.len()
        );
        let (code, err, head) = closed_pipe(&args, dir.path(), 10);
        assert_eq!(head, full.stdout[..10]);
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
        assert_eq!(code, Some(0), "{args:?}: {err}");
    }
}

#[test]
fn a_declaration_over_ten_mebibytes_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = sample_text();
    text.push_str(&format!("# {}\n", "填".repeat(4 << 20)));
    assert!(text.len() > 10 << 20);
    std::fs::write(dir.path().join("big.toml"), &text).expect("write");
    for command in ["check", "render", "data"] {
        let out = jixiao(&[command, "big.toml"], dir.path());
        assert_clear_failure(&out, "10 MiB");
    }
    assert!(!dir.path().join("big.pdf").exists());
    // In a batch, the other files are rendered.
    std::fs::create_dir(dir.path().join("b")).expect("mkdir");
    std::fs::rename(dir.path().join("big.toml"), dir.path().join("b/big.toml")).expect("mv");
    std::fs::write(dir.path().join("b/ok.toml"), sample_text()).expect("write");
    let out = jixiao(&["render", "b", "--name", "{stem}.pdf"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("10 MiB"), "{}", stderr(&out));
    assert!(dir.path().join("b/ok.pdf").exists());
    assert!(!dir.path().join("b/big.pdf").exists());
}

#[test]
fn a_render_over_the_page_limit_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("d.toml"), sample_text()).expect("write");
    // The sample has four pages: three are too few, four are enough.
    let out = jixiao(&["render", "d.toml", "--max-pages", "3"], dir.path());
    assert_clear_failure(&out, "表格排出 4 页，超过 3 页的上限");
    assert!(!dir.path().join("d.pdf").exists());
    let out = jixiao(&["render", "d.toml", "--max-pages", "4"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        common::page_count(&std::fs::read(dir.path().join("d.pdf")).expect("pdf")),
        4
    );
    assert_eq!(
        jixiao(&["render", "d.toml", "--max-pages", "0"], dir.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_declaration_that_cannot_fit_is_refused_before_layout() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 2,000 more indicator rows: more than 60 rows a page for 10 pages.
    let text = with_indicators(2000);
    std::fs::write(dir.path().join("long.toml"), &text).expect("write");
    let out = jixiao(&["render", "long.toml", "--max-pages", "10"], dir.path());
    assert_clear_failure(&out, "必然超过 10 页的上限");
    assert!(!dir.path().join("long.pdf").exists());
}

#[test]
fn a_render_over_the_time_limit_is_given_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("d.toml"), sample_text()).expect("write");
    let out = jixiao(&["render", "d.toml", "--timeout", "0.001"], dir.path());
    assert_clear_failure(&out, "时间上限");
    assert!(!dir.path().join("d.pdf").exists());
    assert_eq!(
        jixiao(&["render", "d.toml", "--timeout", "-1"], dir.path())
            .status
            .code(),
        Some(2)
    );
    let out = jixiao(&["render", "d.toml", "--timeout", "0"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "0 means no limit: {}",
        stderr(&out)
    );
}
