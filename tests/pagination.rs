//! Pagination of long forms: on every page a merged cell reaches, its label is printed
//! again (section label, task 名称, indicator 一级/二级), and a column-header row never
//! stands alone at the foot of a page.
//!
//! Which rows cover which page comes from the laid-out document (the template's row
//! markers); what is printed on each page comes from the PDF text.

mod common;

use std::collections::BTreeMap;

use common::*;
use jixiao::{Declaration, Renderer};

/// Row id → the labels that must be printed on every page the row reaches.
fn required_labels(renderer: &Renderer, decl: &Declaration) -> BTreeMap<String, Vec<String>> {
    let data = renderer.form_data(decl);
    let mut req = BTreeMap::new();
    req.insert("goal".to_owned(), vec!["总体绩效目标".to_owned()]);
    req.insert(
        "other".to_owned(),
        vec!["其他需完成的任务（可选填）".to_owned()],
    );
    req.insert("task-0".to_owned(), vec!["年度重点工作任务".to_owned()]);
    let mut y = 1;
    for group in &data.tasks {
        for _ in 0..group.rows.len().max(1) {
            req.insert(
                format!("task-{y}"),
                vec!["年度重点工作任务".to_owned(), group.name.clone()],
            );
            y += 1;
        }
    }
    req.insert("ind-0".to_owned(), vec!["绩效指标".to_owned()]);
    let mut y = 1;
    for l1 in &data.indicators {
        for l2 in &l1.groups {
            for _ in 0..l2.items.len().max(1) {
                req.insert(
                    format!("ind-{y}"),
                    vec!["绩效指标".to_owned(), l1.name.clone(), l2.name.clone()],
                );
                y += 1;
            }
        }
    }
    req
}

#[test]
fn continuation_pages_repeat_section_and_group_labels() {
    let (_, decl) = sample("long-declaration.toml");
    let renderer = Renderer::builtin();
    let laid = renderer.layout(&decl).expect("layout");
    let rows = laid.row_pages();
    let pdf = renderer.render(&decl).expect("render").pdf;
    let pages: Vec<String> = (1..=laid.pages())
        .map(|p| squeeze(&pdftotext(&pdf, Some(p))))
        .collect();
    let required = required_labels(&renderer, &decl);

    assert_eq!(
        rows.len(),
        required.len(),
        "every row of the form carries its markers"
    );
    let mut continuation_checks = 0;
    for (id, labels) in &required {
        let (first, last) = rows[id];
        for page in first..=last {
            for label in labels {
                assert!(
                    pages[page - 1].contains(&squeeze(label)),
                    "page {page}: row {id} is there but its label {label} is not"
                );
            }
        }
        continuation_checks += last - first;
    }
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
    assert!(
        section_pages("task-") >= 5,
        "tasks span {} pages",
        section_pages("task-")
    );
    assert!(
        section_pages("ind-") >= 3,
        "indicators span {} pages",
        section_pages("ind-")
    );
}

/// The header row of a section and its first body row start on the same page.
fn assert_header_not_orphaned(laid: &jixiao::render::Laid, context: &str) {
    let rows = laid.row_pages();
    for (header, first) in [("task-0", "task-1"), ("ind-0", "ind-1")] {
        let (h, _) = rows[header];
        let (f, _) = rows[first];
        assert_eq!(
            h, f,
            "{context}: header row {header} is on page {h} but its first row starts on page {f}"
        );
    }
}

#[test]
fn long_sample_headers_are_not_orphaned() {
    let (_, decl) = sample("long-declaration.toml");
    let laid = Renderer::builtin().layout(&decl).expect("layout");
    assert_header_not_orphaned(&laid, "long sample");
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
        decl.goal = jixiao::declaration::Paragraphs(vec![line.repeat(lines)]);
        let laid = renderer.layout(&decl).expect("layout");
        assert_header_not_orphaned(&laid, &format!("goal of {lines} lines"));
        header_pages.insert(laid.row_pages()["task-0"].0);
    }
    assert!(
        header_pages.contains(&1) && header_pages.contains(&2),
        "the sweep must cross a page foot: {header_pages:?}"
    );
}
