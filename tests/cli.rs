//! The `jixiao` binary: rendering, output paths, errors that leave no PDF behind,
//! custom templates and fonts, help.

mod common;

use std::path::Path;

use common::*;

fn copy_sample(dir: &Path, name: &str) -> std::path::PathBuf {
    let to = dir.join(name);
    std::fs::copy(root().join("samples").join(name), &to).expect("copy sample");
    to
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn renders_next_to_the_input_by_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_sample(dir.path(), "guangzhou-kexie.toml");
    let out = jixiao(&["render", "guangzhou-kexie.toml"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = std::fs::read(dir.path().join("guangzhou-kexie.pdf")).expect("PDF next to input");
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(
        files_in(dir.path()),
        ["guangzhou-kexie.pdf", "guangzhou-kexie.toml"]
    );
}

#[test]
fn renders_to_the_path_given_with_o() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = copy_sample(dir.path(), "guangzhou-kexie.toml");
    let out = jixiao(
        &["render", input.to_str().expect("utf8"), "-o", "sub.pdf"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("sub.pdf").exists());
}

/// Renders `toml` and expects failure: exit code 1, `expect` in the message, and no PDF
/// (nor temporary file) left behind; an existing PDF at the target is kept as it was.
fn assert_fails_cleanly(toml: &[u8], expect: &[&str]) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bad.toml"), toml).expect("write");
    std::fs::write(dir.path().join("old.pdf"), b"previous version").expect("write");
    for args in [
        &["render", "bad.toml"][..],
        &["render", "bad.toml", "-o", "old.pdf"],
    ] {
        let out = jixiao(args, dir.path());
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let message = stderr(&out);
        for e in expect {
            assert!(message.contains(e), "expected {e:?} in:\n{message}");
        }
        assert!(!message.contains("panicked"), "{message}");
        assert_eq!(
            files_in(dir.path()),
            ["bad.toml", "old.pdf"],
            "no PDF or temp file may be left"
        );
        assert_eq!(
            std::fs::read(dir.path().join("old.pdf")).expect("read"),
            b"previous version"
        );
    }
}

#[test]
fn a_typo_in_a_key_is_an_error_at_its_line() {
    assert_fails_cleanly(
        "department = \"部门\"\nyear = 2025\n\n[budget]\nbasik = 1\n".as_bytes(),
        &["bad.toml:5:1", "basik", "`basic`"],
    );
}

#[test]
fn malformed_toml_is_an_error_at_its_line() {
    assert_fails_cleanly(
        "department = \"部门\nyear = 2025\n".as_bytes(),
        &["bad.toml:1:"],
    );
}

#[test]
fn a_bad_amount_is_an_error_at_its_line() {
    assert_fails_cleanly(
        "department = \"部门\"\nyear = 2025\n[budget]\nbasic = \"1,23.00\"\n".as_bytes(),
        &["bad.toml:4:9", "千分位"],
    );
}

#[test]
fn a_character_no_font_has_is_reported_with_field_and_code_point() {
    assert_fails_cleanly(
        "department = \"部门\u{E000}\"\nyear = 2025\n".as_bytes(),
        &["U+E000", "部门名称", "department"],
    );
}

#[test]
fn a_file_that_is_not_utf8_is_an_error_with_the_byte_offset() {
    let mut bytes = b"department = \"".to_vec();
    bytes.extend([0xff, 0xfe]);
    bytes.extend(b"\"\nyear = 2025\n");
    assert_fails_cleanly(&bytes, &["UTF-8", "14"]);
}

#[test]
fn a_missing_input_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = jixiao(&["render", "nope.toml"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nope.toml"));
    assert!(files_in(dir.path()).is_empty());
}

#[test]
fn a_bom_and_crlf_line_ends_are_fine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text =
        std::fs::read_to_string(root().join("samples/guangzhou-kexie.toml")).expect("sample");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(text.replace('\n', "\r\n").into_bytes());
    std::fs::write(dir.path().join("win.toml"), bytes).expect("write");
    let out = jixiao(&["render", "win.toml"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn help_describes_every_command_and_option() {
    let dir = tempfile::tempdir().expect("tempdir");
    let top = String::from_utf8_lossy(&jixiao(&["--help"], dir.path()).stdout).into_owned();
    for word in ["render", "data", "template", "申报表"] {
        assert!(top.contains(word), "--help lacks {word}:\n{top}");
    }
    let render =
        String::from_utf8_lossy(&jixiao(&["render", "--help"], dir.path()).stdout).into_owned();
    for word in ["--output", "--template", "--font-dir", "DECL.toml"] {
        assert!(
            render.contains(word),
            "render --help lacks {word}:\n{render}"
        );
    }
}

#[test]
fn an_exported_template_can_be_edited_and_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = copy_sample(dir.path(), "guangzhou-kexie.toml");
    let out = jixiao(&["template", "mytemplate"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest = dir.path().join("mytemplate/form.toml");
    let edited = std::fs::read_to_string(&manifest)
        .expect("form.toml")
        .replace(
            "title = \"部门整体预算绩效目标申报表\"",
            "title = \"{year}年市级部门整体预算绩效目标表\"",
        );
    std::fs::write(&manifest, edited).expect("edit");
    let out = jixiao(
        &[
            "render",
            input.to_str().expect("utf8"),
            "--template",
            "mytemplate",
            "-o",
            "custom.pdf",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = squeeze(&pdftotext(
        &std::fs::read(dir.path().join("custom.pdf")).expect("pdf"),
        Some(1),
    ));
    assert!(text.contains("2025年市级部门整体预算绩效目标表"), "{text}");

    let again = jixiao(&["template", "mytemplate"], dir.path());
    assert_eq!(
        again.status.code(),
        Some(1),
        "exporting over an existing template must be refused"
    );
}

#[test]
fn font_dir_adds_fonts_a_custom_template_can_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = copy_sample(dir.path(), "guangzhou-kexie.toml");
    jixiao(&["template", "t"], dir.path());
    let main = dir.path().join("t/main.typ");
    let edited = std::fs::read_to_string(&main).expect("main.typ").replace(
        "#form(data)",
        "#text(font: \"DejaVu Sans Mono\")[Mono 2025]\n#form(data)",
    );
    std::fs::write(&main, edited).expect("edit");
    let input = input.to_str().expect("utf8");

    let without = jixiao(
        &["render", input, "--template", "t", "-o", "a.pdf"],
        dir.path(),
    );
    assert!(without.status.success());
    assert!(
        stderr(&without).contains("unknown font family"),
        "{}",
        stderr(&without)
    );

    let fonts = root().join("tests/fixtures/fonts");
    let with = jixiao(
        &[
            "render",
            input,
            "--template",
            "t",
            "--font-dir",
            fonts.to_str().expect("utf8"),
            "-o",
            "b.pdf",
        ],
        dir.path(),
    );
    assert!(with.status.success(), "{}", stderr(&with));
    assert!(
        !stderr(&with).contains("unknown font family"),
        "{}",
        stderr(&with)
    );
    let pdf = std::fs::read(dir.path().join("b.pdf")).expect("pdf");
    assert!(
        pdf.windows(14).any(|w| w == b"DejaVuSansMono"),
        "the DejaVu font is embedded"
    );
}

#[test]
fn a_custom_template_error_names_the_file_and_line_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = copy_sample(dir.path(), "guangzhou-kexie.toml");
    jixiao(&["template", "t"], dir.path());
    std::fs::write(dir.path().join("t/main.typ"), "#let x = 1\n#nope\n").expect("write");
    let out = jixiao(
        &[
            "render",
            input.to_str().expect("utf8"),
            "--template",
            "t",
            "-o",
            "x.pdf",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("main.typ:2:2"), "{}", stderr(&out));
    assert!(!dir.path().join("x.pdf").exists());
}
