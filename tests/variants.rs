//! A regional variant needs no Rust: a copied template whose form.toml names a kind of
//! its own, puts the year in the title, adds a 基本信息 row and prints a single 指标值
//! column. What a kind does not hold is refused, and a description that would leave a
//! value unprinted is refused too.

mod common;

use common::*;
use jixiao::{FontSet, Renderer, Template};

/// The built-in department-target template edited into a variant kind.
fn variant_template() -> tempfile::TempDir {
    let dir = builtin_template_copy();
    let manifest = dir.path().join("form.toml");
    let text = std::fs::read_to_string(&manifest).expect("form.toml");
    let edits = [
        (
            "name = \"department-target\"",
            "name = \"department-target-variant\"",
        ),
        (
            "title = \"部门整体预算绩效目标申报表\"",
            "title = \"{year}年市级部门整体预算绩效目标表\"",
        ),
        // A 基本信息 table …
        (
            "[[field]]\nkey = \"budget\"",
            "[[field]]\nkey = \"info\"\nlabel = \"基本信息\"\ntype = \"table\"\n\n  [[field.field]]\n  key = \"supervisor\"\n  label = \"主管部门\"\n  type = \"text\"\n\n[[field]]\nkey = \"budget\"",
        ),
        // … printed as a row of its own,
        (
            "[[section]]\nfield = \"budget\"",
            "[[section]]\nfield = \"info\"\ncolumns = [30, 125]\nrows = [[{ label = \"info.supervisor\" }, \"info.supervisor\"]]\n\n[[section]]\nfield = \"budget\"",
        ),
        // and one 指标值 column: no period_value field, header or cell.
        (
            "  [[field.field]]\n  key = \"period_value\"\n  label = \"实施周期指标值\"\n  type = \"text\"\n  about = \"如 ≥4场、100%、不少于10万人次。\"\n\n",
            "",
        ),
        ("one_of = [[\"period_value\", \"annual_value\"]]", "one_of = [[\"annual_value\"]]"),
        ("columns = [21, 25, 37, 36, 36]", "columns = [21, 25, 37, 72]"),
        (" { label = \"indicators.period_value\" },", ""),
        ("row = [\"name\", \"period_value\", \"annual_value\"]", "row = [\"name\", \"annual_value\"]"),
    ];
    let mut edited = text.clone();
    for (from, to) in edits {
        assert!(edited.contains(from), "the template changed: {from}");
        edited = edited.replacen(from, to, 1);
    }
    std::fs::write(&manifest, edited).expect("edit");
    dir
}

/// The reference sample as a declaration of the variant kind.
fn variant_declaration(source: &str) -> String {
    let body: String = source
        .lines()
        .filter(|l| !l.starts_with("period_value"))
        .map(|l| format!("{l}\n"))
        .collect();
    let (head, tail) = body.split_once("\n[budget]").expect("[budget]");
    format!(
        "kind = \"department-target-variant\"\n{head}\n[info]\nsupervisor = \"广州市人民政府\"\n\n[budget]{tail}"
    )
}

#[test]
fn a_variant_is_only_a_new_description() {
    let dir = variant_template();
    let renderer = Renderer::with_template(
        Template::load(dir.path()).expect("load"),
        FontSet::bundled(),
    )
    .expect("renderer");
    let (source, _) = sample("guangzhou-kexie.toml");
    let decl = jixiao::Declaration::from_toml_with(&variant_declaration(&source), renderer.kinds())
        .unwrap_or_else(|e| panic!("{e}"));
    let pdf = renderer
        .render(&decl, &Default::default())
        .expect("render")
        .pdf;
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
    // The built-in kinds are still there beside the variant.
    let (_, reference) = sample("guangzhou-kexie.toml");
    assert!(renderer.render(&reference, &Default::default()).is_ok());
}

#[test]
fn values_a_kind_does_not_hold_are_refused_not_dropped() {
    let dir = variant_template();
    let renderer = Renderer::with_template(
        Template::load(dir.path()).expect("load"),
        FontSet::bundled(),
    )
    .expect("renderer");
    let (source, _) = sample("guangzhou-kexie.toml");
    let with_period = variant_declaration(&source).replace(
        "annual_value = \"≥4场\"",
        "annual_value = \"≥4场\"\nperiod_value = \"≥4场\"",
    );
    let err = jixiao::Declaration::from_toml_with(&with_period, renderer.kinds())
        .expect_err("the variant has no 实施周期指标值 column");
    assert!(err.message.contains("period_value"), "{err}");

    // The built-in kind has no 基本信息.
    let err = jixiao::Declaration::from_toml(&variant_declaration(&source).replace(
        "kind = \"department-target-variant\"",
        "kind = \"department-target\"",
    ))
    .expect_err("the default form has no [info]");
    assert!(err.message.contains("info"), "{err}");
}

#[test]
fn a_description_that_would_not_print_a_field_is_refused() {
    let dir = builtin_template_copy();
    let manifest = dir.path().join("form.toml");
    let text = std::fs::read_to_string(&manifest).expect("form.toml");
    let without_cell = text
        .replace(
            "row = [\"name\", \"period_value\", \"annual_value\"]",
            "row = [\"name\", \"annual_value\"]",
        )
        .replace(" { label = \"indicators.period_value\" },", "")
        .replace(
            "columns = [21, 25, 37, 36, 36]",
            "columns = [21, 25, 37, 72]",
        );
    std::fs::write(&manifest, without_cell).expect("edit");
    let err = Template::load(dir.path()).expect_err("period_value has no cell");
    assert!(err.to_string().contains("period_value"), "{err}");
}

#[test]
fn a_signoff_block_prints_under_the_table_only_when_filled_in() {
    let (source, decl) = sample("guangzhou-kexie.toml");
    let plain = squeeze(&pdftotext(&render(&decl), None));
    assert!(!plain.contains("填报人"), "no empty sign-off block");
    let signed = jixiao::Declaration::from_toml(&format!(
        "{source}\n[signoff]\npreparer = \"李明\"\ndate = 2025-01-20\n"
    ))
    .expect("valid");
    let text = squeeze(&pdftotext(&render(&signed), None));
    assert!(text.contains("填报人：李明"), "{text}");
    assert!(text.contains("填报日期：2025年1月20日"), "{text}");
}
