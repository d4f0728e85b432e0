//! Pagination of long forms: on every page a merged cell reaches, its label is printed
//! again (section label, task 名称, indicator 一级/二级), and a column-header row never
//! stands alone at the foot of a page.
//!
//! Which rows cover which page comes from the laid-out document (the template's row
//! markers); what is printed on each page comes from the PDF text.

mod common;

use std::collections::BTreeMap;

use common::*;
use jixiao::declaration::{Paragraphs, Value};
use jixiao::{Declaration, Renderer};

/// Row id → the labels that must be printed on every page the row reaches: the merged
/// cells over it (section label, block label, task 名称, indicator 一级/二级), from the
/// laid-out grid the template draws (row ids are `s{section}-{row}`).
fn required_labels(renderer: &Renderer, decl: &Declaration) -> BTreeMap<String, Vec<String>> {
    let data = renderer.form_data(decl);
    let mut req = BTreeMap::new();
    for (i, section) in data.sections.iter().enumerate() {
        for y in 0..section.rows {
            let labels = section
                .labels_over(y)
                .iter()
                .map(|c| c.content.joined())
                .collect();
            req.insert(format!("s{i}-{y}"), labels);
        }
    }
    req
}

/// How much of a form's pagination a check exercised.
struct Checked {
    /// Pages after a row's first that the row continues on.
    rows_continued: usize,
    /// Pages after a label's first that the label is printed on again.
    labels_repeated: usize,
}

/// Asserts that on every page a row reaches, every label merged over it is printed.
fn assert_labels_on_every_page(renderer: &Renderer, decl: &Declaration) -> Checked {
    let laid = renderer.layout_marked(decl).expect("layout");
    let rows = laid.row_pages();
    let pdf = renderer
        .render(decl, &Default::default())
        .expect("render")
        .pdf;
    let pages: Vec<String> = (1..=laid.pages())
        .map(|p| squeeze(&pdftotext(&pdf, Some(p))))
        .collect();
    let required = required_labels(renderer, decl);
    assert_eq!(
        rows.len(),
        required.len(),
        "every row of the form carries its markers"
    );
    let mut rows_continued = 0;
    let mut label_pages: BTreeMap<&str, std::collections::BTreeSet<usize>> = BTreeMap::new();
    for (id, labels) in &required {
        let (first, last) = rows[id];
        for page in first..=last {
            for label in labels {
                assert!(
                    pages[page - 1].contains(&squeeze(label)),
                    "page {page}: row {id} is there but its label {label} is not"
                );
                label_pages.entry(label).or_default().insert(page);
            }
        }
        rows_continued += last - first;
    }
    let labels_repeated = label_pages.values().map(|p| p.len() - 1).sum();
    Checked {
        rows_continued,
        labels_repeated,
    }
}

#[test]
fn continuation_pages_repeat_section_and_group_labels() {
    let (_, decl) = sample("long-declaration.toml");
    let renderer = Renderer::builtin();
    let continuation_checks = assert_labels_on_every_page(&renderer, &decl).rows_continued;
    let laid = renderer.layout_marked(&decl).expect("layout");
    let rows = laid.row_pages();
    // The sample really exercises continuation pages: the 3,000-character cell alone
    // runs over several pages, and both long sections break.
    assert!(
        continuation_checks >= 5,
        "only {continuation_checks} continuation pages checked"
    );
    let section_pages = |prefix: &str| {
        let spans: Vec<_> = rows
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(_, v)| *v)
            .collect();
        spans.iter().map(|s| s.1).max().unwrap_or(0) - spans.iter().map(|s| s.0).min().unwrap_or(0)
            + 1
    };
    let data = renderer.form_data(&decl);
    let section_of = |label: &str| {
        let i = data
            .sections
            .iter()
            .position(|s| s.labels_over(0).iter().any(|c| c.content.joined() == label))
            .unwrap_or_else(|| panic!("no section {label}"));
        format!("s{i}-")
    };
    let (tasks, indicators) = (section_of("年度重点工作任务"), section_of("绩效指标"));
    assert!(
        section_pages(&tasks) >= 5,
        "tasks span {} pages",
        section_pages(&tasks)
    );
    assert!(
        section_pages(&indicators) >= 3,
        "indicators span {} pages",
        section_pages(&indicators)
    );
}

/// The mixed-corpus form whose labels, when they took room, fed back into the layout
/// (tests/convergence.rs): its task 名称 and indicator labels of several lines still
/// come back on every page their rows reach.
#[test]
fn labels_of_several_lines_repeat_on_every_page() {
    let path = root().join("tests/fixtures/repeated-labels-feedback.toml");
    let text = std::fs::read_to_string(&path).expect("read fixture");
    let decl = Declaration::from_toml(&text).expect("parse fixture");
    let repeated = assert_labels_on_every_page(&Renderer::builtin(), &decl).labels_repeated;
    assert!(repeated >= 6, "only {repeated} labels printed again");
}

/// The header rows of every section and its first body row start on the same page.
fn assert_header_not_orphaned(laid: &jixiao::render::Laid, data: &jixiao::FormData, context: &str) {
    let rows = laid.row_pages();
    let mut checked = 0;
    for (i, section) in data.sections.iter().enumerate() {
        if section.header_rows == 0 {
            continue;
        }
        let (header, first) = (format!("s{i}-0"), format!("s{i}-{}", section.header_rows));
        let (h, _) = rows[&header];
        let (f, _) = rows[&first];
        assert_eq!(
            h, f,
            "{context}: header row {header} is on page {h} but its first row starts on page {f}"
        );
        checked += 1;
    }
    assert!(checked >= 2, "{context}: the task and indicator headers");
}

#[test]
fn long_sample_headers_are_not_orphaned() {
    let (_, decl) = sample("long-declaration.toml");
    let renderer = Renderer::builtin();
    let laid = renderer.layout_marked(&decl).expect("layout");
    assert_header_not_orphaned(&laid, &renderer.form_data(&decl), "long sample");
}

#[test]
fn a_header_at_the_foot_of_a_page_moves_with_its_first_row() {
    // Slide the task header down the first page one line at a time by growing the goal,
    // so that at some length the header lands at the page foot.
    let (_, base) = sample("guangzhou-kexie.toml");
    let renderer = Renderer::builtin();
    let line = "绩效目标文字用于推动表头逐行下移直至页面底部为止。".repeat(2);
    let mut header_pages = std::collections::BTreeSet::new();
    for lines in 8..40 {
        let mut decl = base.clone();
        assert!(decl.set(
            "goal",
            Value::Paragraphs(Paragraphs(vec![line.repeat(lines)]))
        ));
        let laid = renderer.layout_marked(&decl).expect("layout");
        let data = renderer.form_data(&decl);
        assert_header_not_orphaned(&laid, &data, &format!("goal of {lines} lines"));
        let tasks = data
            .sections
            .iter()
            .position(|s| s.header_rows > 0)
            .expect("the task section");
        header_pages.insert(laid.row_pages()[&format!("s{tasks}-0")].0);
    }
    assert!(
        header_pages.contains(&1) && header_pages.contains(&2),
        "the sweep must cross a page foot: {header_pages:?}"
    );
}

/// The rendered layout marks only the rows merged labels look for (the first row's start,
/// the last row's end); marking every row, as the tests above do to read each row's
/// pages, changes no page: both layouts export to the same PDF bytes, and the rows both
/// mark start and end on the same pages.
#[test]
fn marking_every_row_changes_no_page() {
    let renderer = Renderer::builtin();
    for name in ["long-declaration.toml", "guangzhou-kexie.toml"] {
        let (_, decl) = sample(name);
        let sparse = renderer.layout(&decl).expect("layout");
        let marked = renderer.layout_marked(&decl).expect("layout");
        let options = typst_pdf::PdfOptions::default();
        let pdf =
            |laid: &jixiao::render::Laid| typst_pdf::pdf(&laid.document, &options).expect("export");
        assert!(pdf(&sparse) == pdf(&marked), "{name}: the pages differ");
        let (few, all) = (sparse.row_pages(), marked.row_pages());
        let data = renderer.form_data(&decl);
        let mut asked = 0;
        for (i, section) in data.sections.iter().enumerate() {
            for cell in section.cells.iter().filter(|c| c.rowspan > 1) {
                let (first, last) = (
                    format!("s{i}-{}", cell.y),
                    format!("s{i}-{}", cell.y + cell.rowspan - 1),
                );
                for id in [&first, &last] {
                    assert!(few.contains_key(id), "{name}: row {id} is not marked");
                }
                assert_eq!(few[&first].0, all[&first].0, "{name}: start of {first}");
                assert_eq!(few[&last].1, all[&last].1, "{name}: end of {last}");
                asked += 1;
            }
        }
        assert!(asked >= 5, "{name}: only {asked} merged labels");
        assert!(
            few.len() < all.len(),
            "{name}: {} of {} rows marked",
            few.len(),
            all.len()
        );
    }
}
