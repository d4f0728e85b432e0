//! Helpers shared by the integration tests: rendering samples and reading PDFs back.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use jixiao::{Declaration, Renderer};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Reads and parses a sample declaration.
pub fn sample(name: &str) -> (String, Declaration) {
    let path = root().join("samples").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let decl = Declaration::from_toml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (text, decl)
}

/// Renders a declaration with the built-in template.
pub fn render(decl: &Declaration) -> Vec<u8> {
    match Renderer::builtin().render(decl) {
        Ok(r) => r.pdf,
        Err(e) => panic!("render failed:\n{e}"),
    }
}

/// Text of a PDF (or of one page of it, 1-based) in content-stream order
/// (`pdftotext -raw`, from poppler-utils; `scripts/test.sh` installs it).
pub fn pdftotext(pdf: &[u8], page: Option<usize>) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let mut cmd = Command::new("pdftotext");
    cmd.arg("-raw").arg("-enc").arg("UTF-8");
    if let Some(p) = page {
        cmd.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    cmd.arg(&path).arg("-");
    let out = cmd
        .output()
        .expect("pdftotext not found: install poppler-utils (bash scripts/test.sh does)");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 text")
}

/// Removes all whitespace, so text wrapped across lines in a cell compares equal.
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Number of pages, via lopdf.
pub fn page_count(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf)
        .expect("valid PDF")
        .get_pages()
        .len()
}

/// Runs the jixiao binary.
pub fn jixiao(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run jixiao")
}

/// Runs the jixiao binary in `cwd` with `env` set, and with `SOURCE_DATE_EPOCH` and
/// `JIXIAO_P12_PASSWORD` unset unless `env` sets them (so the caller's environment never
/// decides a test).
pub fn jixiao_env<S: AsRef<std::ffi::OsStr>>(
    args: &[S],
    cwd: &Path,
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("JIXIAO_P12_PASSWORD");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run jixiao")
}

/// A process's standard error, as text.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A process's standard output, as text.
pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A copy of the built-in template of the default kind in a temporary directory, to
/// edit in a test.
pub fn builtin_template_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, data) in jixiao::Template::builtin_files(jixiao::kind::DEFAULT_KIND).expect("kind") {
        std::fs::write(dir.path().join(name), data).expect("copy template");
    }
    dir
}
