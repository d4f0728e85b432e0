//! Helpers shared by the integration tests: rendering samples and reading PDFs back.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use jixiao::{Declaration, Renderer};

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Reads and parses a sample declaration.
pub(crate) fn sample(name: &str) -> (String, Declaration) {
    let path = root().join("samples").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let decl = Declaration::from_toml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (text, decl)
}

/// Renders a declaration with the built-in template.
pub(crate) fn render(decl: &Declaration) -> Vec<u8> {
    match Renderer::builtin().render(decl, &Default::default()) {
        Ok(r) => r.pdf,
        Err(e) => panic!("render failed:\n{e}"),
    }
}

/// Text of a PDF (or of one page of it, 1-based) in content-stream order
/// (`pdftotext -raw`, from poppler-utils; `scripts/test.sh` installs it).
pub(crate) fn pdftotext(pdf: &[u8], page: Option<usize>) -> String {
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
pub(crate) fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Number of pages, via lopdf.
pub(crate) fn page_count(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf)
        .expect("valid PDF")
        .get_pages()
        .len()
}

/// Runs the jixiao binary.
pub(crate) fn jixiao(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run jixiao")
}

/// Runs the jixiao binary in `cwd` with `env` set, and with `SOURCE_DATE_EPOCH` and
/// `JIXIAO_P12_PASSWORD` unset unless `env` sets them (so the caller's environment never
/// decides a test).
pub(crate) fn jixiao_env<S: AsRef<std::ffi::OsStr>>(
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
pub(crate) fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A process's standard output, as text.
pub(crate) fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A copy of the built-in template of the default kind in a temporary directory, to
/// edit in a test.
pub(crate) fn builtin_template_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, data) in jixiao::Template::builtin_files(jixiao::kind::DEFAULT_KIND).expect("kind") {
        std::fs::write(dir.path().join(name), data).expect("copy template");
    }
    dir
}

/// Removes `第N页共M页` footers from squeezed page text.
pub(crate) fn strip_footers(s: &str) -> String {
    {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find('第') {
            out.push_str(&rest[..i]);
            let tail = &rest[i + '第'.len_utf8()..];
            let digits: String = tail.chars().take_while(|c| c.is_ascii_digit()).collect();
            let after = &tail[digits.len()..];
            if !digits.is_empty() && after.starts_with("页共") {
                let after = &after["页共".len()..];
                let d2: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
                if !d2.is_empty() && after[d2.len()..].starts_with('页') {
                    rest = &after[d2.len() + '页'.len_utf8()..];
                    continue;
                }
            }
            out.push('第');
            rest = tail;
        }
        out.push_str(rest);
        out
    }
}

/// Finds `want` on page `q` at or after `cursors[q]`, whole or split across consecutive
/// pages (a table row broken by a page break continues at the top of the next page).
/// Returns the (page, end) of each fragment.
pub(crate) fn find_on_pages(
    pages: &[String],
    cursors: &[usize],
    q: usize,
    want: &str,
) -> Option<Vec<(usize, usize)>> {
    let page = pages.get(q)?;
    let from = cursors[q];
    if let Some(i) = page[from..].find(want) {
        return Some(vec![(q, from + i + want.len())]);
    }
    let bounds: Vec<usize> = want.char_indices().map(|(i, _)| i).skip(1).collect();
    for &k in bounds.iter().rev() {
        let (head, tail) = want.split_at(k);
        if let Some(i) = page[from..].find(head) {
            if let Some(mut rest) = find_on_pages(pages, cursors, q + 1, tail) {
                rest.insert(0, (q, from + i + head.len()));
                return Some(rest);
            }
        }
    }
    None
}

/// The text of every page of `pdf`, squeezed, without page footers.
pub(crate) fn page_texts(pdf: &[u8]) -> Vec<String> {
    (1..=page_count(pdf))
        .map(|p| strip_footers(&squeeze(&pdftotext(pdf, Some(p)))))
        .collect()
}

/// Whether `want` (squeezed) is printed somewhere: whole on a page, or split across
/// consecutive pages (a cell broken by a page break).
pub(crate) fn printed(pages: &[String], want: &str) -> bool {
    let cursors = vec![0; pages.len() + 1];
    (0..pages.len()).any(|q| find_on_pages(pages, &cursors, q, want).is_some())
}

/// Every sample declaration (`samples/*.toml`, sorted): file name, text, declaration.
pub(crate) fn all_samples() -> Vec<(String, String, Declaration)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("samples"))
        .expect("samples/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            let (text, decl) = sample(&name);
            (name, text, decl)
        })
        .collect()
}

/// A row of a CSV manifest: column name to value.
pub(crate) type ManifestRow = std::collections::BTreeMap<String, String>;

/// Every row of the CSV manifest at `path`.
pub(crate) fn read_manifest(path: &Path) -> Vec<ManifestRow> {
    let mut reader = csv::Reader::from_path(path).expect("manifest");
    reader.deserialize().map(|r| r.expect("row")).collect()
}
