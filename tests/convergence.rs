//! Layouts settle: the repeated labels of the built-in templates never feed back into
//! where rows land, and a layout that does not settle (a user's template can still make
//! one) is reported as such, not as an anonymous template warning.
//!
//! `tests/fixtures/repeated-labels-feedback.toml` is document `group0/decl-0416.toml` of
//! the bench's mixed corpus (`examples/corpus.rs mixed 1000`). With labels that took room
//! on every page, a label printed over k pages moved a row so that it then needed k ± 1
//! pages, and Typst stopped after five passes with the footer's 共N页 possibly wrong
//! (BENCHMARKS.md, "first run on an idle machine"; 51 of those 1,000 documents).

mod common;

use common::{
    builtin_template_copy, jixiao, page_count, pdftotext, read_manifest, root, squeeze, stderr,
};

#[test]
fn a_form_whose_labels_once_fed_back_renders_without_warning_and_counts_its_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = root().join("tests/fixtures/repeated-labels-feedback.toml");
    let fixture = fixture.to_str().expect("utf-8 path");

    let out = jixiao(&["render", fixture, "-o", "form.pdf"], dir.path());
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        !err.contains("警告") && !err.contains("warning") && !err.contains("排版"),
        "the layout settles, so nothing is reported:\n{err}"
    );
    let pdf = std::fs::read(dir.path().join("form.pdf")).expect("read pdf");
    let pages = page_count(&pdf);
    assert!(pages >= 5, "the fixture runs over pages: {pages}");
    for page in 1..=pages {
        let text = squeeze(&pdftotext(&pdf, Some(page)));
        assert!(
            text.contains(&format!("第{page}页共{pages}页")),
            "page {page} of {pages} prints its number and the true total:\n{text}"
        );
    }
}

/// A template that can never settle: a marker that is there only when the previous pass
/// found none.
fn oscillating_template() -> tempfile::TempDir {
    let template = builtin_template_copy();
    let main = template.path().join("main.typ");
    let mut source = std::fs::read_to_string(&main).expect("read main.typ");
    source.push_str("\n#context if query(<jx-osc>).len() == 0 [#metadata(0)<jx-osc>]\n");
    std::fs::write(&main, source).expect("write main.typ");
    template
}

#[test]
fn an_unsettled_layout_is_named_on_the_command_line_and_in_the_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let template = oscillating_template();
    let template = template.path().to_str().expect("utf-8 path");
    let sample = root().join("samples/guangzhou-kexie.toml");
    let sample = sample.to_str().expect("utf-8 path");

    let out = jixiao(
        &["render", sample, "-o", "one.pdf", "--template", template],
        dir.path(),
    );
    let err = stderr(&out);
    assert!(
        out.status.success(),
        "a warning does not stop the render:\n{err}"
    );
    assert!(dir.path().join("one.pdf").is_file());
    assert!(
        err.contains("排版五遍后仍未稳定") && err.contains("did not converge"),
        "the clerk's words and Typst's own:\n{err}"
    );
    assert!(
        !err.contains("模板 / template: document did not converge"),
        "{err}"
    );

    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).expect("mkdir");
    std::fs::copy(sample, inputs.join("unsettled.toml")).expect("copy");
    let out = jixiao(
        &[
            "render",
            "in",
            "--out-dir",
            "out",
            "--manifest",
            "m.csv",
            "--template",
            template,
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = read_manifest(&dir.path().join("m.csv"));
    assert_eq!(rows.len(), 1);
    assert!(rows[0]["codes"].contains("unsettled"), "{:?}", rows[0]);

    // The same declaration with the built-in template settles.
    let out = jixiao(
        &["render", "in", "--out-dir", "out2", "--manifest", "m2.csv"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = read_manifest(&dir.path().join("m2.csv"));
    assert!(!rows[0]["codes"].contains("unsettled"), "{:?}", rows[0]);
}
