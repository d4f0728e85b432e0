//! A layout Typst could not settle is reported as such, not as an anonymous template
//! warning.
//!
//! `tests/fixtures/unsettled-layout.toml` is document `group0/decl-0416.toml` of the
//! bench's mixed corpus (`examples/corpus.rs mixed 1000`): its repeated labels feed back
//! into the layout and Typst stops after five passes (BENCHMARKS.md, "first run on an
//! idle machine"). This test pins how that is reported today. When the template settles
//! every document, it fails: then it becomes a test that the fixture renders with no
//! warning at all.

mod common;

use common::{jixiao, read_manifest, root, stderr};

#[test]
fn an_unsettled_layout_is_named_on_the_command_line_and_in_the_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = root().join("tests/fixtures/unsettled-layout.toml");
    let fixture = fixture.to_str().expect("utf-8 path");

    let out = jixiao(&["render", fixture, "-o", "one.pdf"], dir.path());
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
    std::fs::copy(fixture, inputs.join("unsettled.toml")).expect("copy");
    std::fs::copy(
        root().join("samples/guangzhou-kexie.toml"),
        inputs.join("settled.toml"),
    )
    .expect("copy");
    let out = jixiao(
        &["render", "in", "--out-dir", "out", "--manifest", "m.csv"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = read_manifest(&dir.path().join("m.csv"));
    let codes_of = |file: &str| {
        rows.iter()
            .find(|r| r["input"].ends_with(file))
            .map(|r| r["codes"].clone())
            .unwrap_or_else(|| panic!("{file} not in the manifest"))
    };
    assert!(codes_of("unsettled.toml").contains("unsettled"));
    assert!(!codes_of("settled.toml").contains("unsettled"));
}
