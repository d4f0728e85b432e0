//! Form variants need no Rust: a copied template whose form.toml puts the year in the
//! title, adds a 基本信息 row and prints a single 指标值 column.

mod common;

use common::*;
use jixiao::{FontSet, Renderer, Template};

fn variant_template() -> tempfile::TempDir {
    let dir = builtin_template_copy();
    let manifest = dir.path().join("form.toml");
    let text = std::fs::read_to_string(&manifest)
        .expect("form.toml")
        .replace(
            "title = \"部门整体预算绩效目标申报表\"",
            "title = \"{year}年市级部门整体预算绩效目标表\"",
        )
        .replace(
            "indicator_values = [\"period_value\", \"annual_value\"]",
            "indicator_values = [\"annual_value\"]",
        )
        .replace(
            "info_fields = []",
            "info_fields = [{ key = \"supervisor\", label = \"主管部门\" }]",
        );
    std::fs::write(&manifest, text).expect("edit");
    dir
}

#[test]
fn a_variant_is_only_a_new_form_toml() {
    let dir = variant_template();
    let renderer = Renderer::new(
        Template::load(dir.path()).expect("load"),
        FontSet::bundled(),
    )
    .expect("renderer");
    let (_, mut decl) = sample("guangzhou-kexie.toml");
    decl.info
        .insert("supervisor".into(), "广州市人民政府".into());
    for ind in &mut decl.indicators {
        ind.period_value.clear();
    }
    let pdf = renderer.render(&decl).expect("render").pdf;
    let text = squeeze(&pdftotext(&pdf, None));
    assert!(
        text.contains("2025年市级部门整体预算绩效目标表"),
        "title with the year"
    );
    assert!(
        text.contains("主管部门广州市人民政府"),
        "the extra 基本信息 row"
    );
    assert!(
        text.contains("年度指标值") && !text.contains("实施周期指标值"),
        "a single 指标值 column"
    );
    assert!(
        text.contains("进度≥50%") && text.contains("超过90%"),
        "annual values printed"
    );
}

#[test]
fn values_a_variant_does_not_print_are_refused_not_dropped() {
    let dir = variant_template();
    let renderer = Renderer::new(
        Template::load(dir.path()).expect("load"),
        FontSet::bundled(),
    )
    .expect("renderer");
    let (_, decl) = sample("guangzhou-kexie.toml");
    let err = renderer
        .render(&decl)
        .err()
        .expect("period values have no column in the variant");
    assert!(
        err.to_string().contains("indicators[0].period_value"),
        "{err}"
    );

    let (_, mut decl) = sample("guangzhou-kexie.toml");
    decl.info
        .insert("supervisor".into(), "广州市人民政府".into());
    let err = Renderer::builtin()
        .render(&decl)
        .err()
        .expect("the default form has no 基本信息 fields");
    assert!(err.to_string().contains("info.supervisor"), "{err}");
}

#[test]
fn a_signoff_block_a_template_does_not_print_is_refused() {
    let dir = builtin_template_copy();
    let manifest = dir.path().join("form.toml");
    let text = std::fs::read_to_string(&manifest).expect("form.toml");
    assert!(
        text.contains("signoff = true"),
        "the default template prints it"
    );
    std::fs::write(&manifest, text.replace("signoff = true", "signoff = false")).expect("edit");
    let renderer = Renderer::new(
        Template::load(dir.path()).expect("load"),
        FontSet::bundled(),
    )
    .expect("renderer");
    let (_, mut decl) = sample("guangzhou-kexie.toml");
    renderer.render(&decl).expect("no sign-off: renders");
    decl.signoff.preparer = "李明".into();
    let err = renderer
        .render(&decl)
        .err()
        .expect("a filled-in sign-off block with nowhere to print it");
    assert!(err.to_string().contains("signoff"), "{err}");
    assert!(Renderer::builtin().render(&decl).is_ok());
}
