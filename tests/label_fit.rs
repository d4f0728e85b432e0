//! Labels printed again on continuation pages take no room (templates/common/rows.typ),
//! so nothing but the template's own arithmetic keeps them inside their cells: labels of
//! several lines keep their first and last rows together, labels taller than their rows
//! are printed once in the flow. These tests look at the laid-out pages themselves: no
//! table rule runs through a line of text, no two runs of text overlap, and no text
//! spills into the page margins, on every sample and on a sweep of one real-sized form
//! shifted down the page a little at a time so that its groups break at every height.

mod common;

use common::{all_samples, root};
use jixiao::{Declaration, Renderer};
use typst::layout::{Abs, Frame, FrameItem, Point};
use typst::visualize::Geometry;

/// A run of text on a page: its box (x from, x to, y top, y bottom), in points, and text.
struct Run {
    x: (f64, f64),
    y: (f64, f64),
    text: String,
}

/// A horizontal rule: x from, x to, y.
struct Rule {
    x: (f64, f64),
    y: f64,
}

/// Everything drawn on one page that the checks need.
#[derive(Default)]
struct Page {
    runs: Vec<Run>,
    rules: Vec<Rule>,
}

fn walk(frame: &Frame, at: Point, page: &mut Page) {
    for (pos, item) in frame.items() {
        let here = at + *pos;
        match item {
            FrameItem::Group(group) => {
                // Tables only translate; anything else would need the full transform.
                let t = group.transform;
                walk(&group.frame, here + Point::new(t.tx, t.ty), page);
            }
            FrameItem::Text(text) => {
                let size = text.size.to_pt();
                let (x, y) = (here.x.to_pt(), here.y.to_pt());
                // The body of a CJK line: the ideographs stand on the baseline and reach
                // about 0.8 em above it; a margin keeps rules drawn just clear of the
                // ink from counting.
                page.runs.push(Run {
                    x: (x, x + text.width().to_pt()),
                    y: (y - 0.75 * size, y + 0.05 * size),
                    text: text.text.to_string(),
                });
            }
            FrameItem::Shape(shape, _) if shape.stroke.is_some() => {
                if let Geometry::Line(to) = shape.geometry {
                    if to.y == Abs::zero() && to.x != Abs::zero() {
                        let (x0, x1) = (here.x.to_pt(), (here.x + to.x).to_pt());
                        page.rules.push(Rule {
                            x: (x0.min(x1), x0.max(x1)),
                            y: here.y.to_pt(),
                        });
                    }
                }
            }
            _ => {}
        }
    }
}

fn overlap(a: (f64, f64), b: (f64, f64)) -> f64 {
    a.1.min(b.1) - a.0.max(b.0)
}

/// Lays `decl` out and asserts that every label and value stays inside its cell.
fn assert_text_inside_cells(name: &str, decl: &Declaration) {
    let laid = Renderer::builtin().layout(decl).expect("layout");
    assert!(
        laid.warnings.is_empty(),
        "{name}: {:?}",
        laid.warnings.iter().map(|w| &w.message).collect::<Vec<_>>()
    );
    for (i, page) in laid.document.pages().iter().enumerate() {
        let n = i + 1;
        let mut drawn = Page::default();
        walk(&page.frame, Point::zero(), &mut drawn);
        let height = page.frame.height().to_pt();
        // The form's margins: 2 cm at the top, 2.2 cm at the foot (the footer sits in it).
        let (top, foot) = (Abs::cm(2.0).to_pt(), height - Abs::cm(2.2).to_pt());
        let body: Vec<&Run> = drawn.runs.iter().filter(|r| r.y.1 < foot + 1.0).collect();
        assert!(
            !body.is_empty() && !drawn.rules.is_empty(),
            "{name}, page {n}: the walk found {} runs and {} rules",
            body.len(),
            drawn.rules.len()
        );
        for run in &body {
            assert!(
                run.y.0 > top - 1.0,
                "{name}, page {n}: {:?} rises into the top margin",
                run.text
            );
            for rule in &drawn.rules {
                assert!(
                    !(rule.y > run.y.0 && rule.y < run.y.1 && overlap(run.x, rule.x) > 1.0),
                    "{name}, page {n}: a rule at y = {:.1} runs through {:?} ({:.1}..{:.1})",
                    rule.y,
                    run.text,
                    run.y.0,
                    run.y.1
                );
            }
        }
        for (k, a) in body.iter().enumerate() {
            for b in &body[k + 1..] {
                assert!(
                    !(overlap(a.x, b.x) > 1.0 && overlap(a.y, b.y) > 1.0),
                    "{name}, page {n}: {:?} and {:?} are printed over each other",
                    a.text,
                    b.text
                );
            }
        }
        // A run below the foot margin that is not the footer spilled out of the table.
        for run in drawn.runs.iter().filter(|r| r.y.1 >= foot + 1.0) {
            assert!(
                run.text.contains('页') || run.text.chars().all(|c| c.is_ascii_digit()),
                "{name}, page {n}: {:?} spills into the foot margin",
                run.text
            );
        }
    }
}

#[test]
fn every_sample_keeps_its_text_inside_its_cells() {
    for (name, _, decl) in all_samples() {
        assert_text_inside_cells(&name, &decl);
    }
}

/// The mixed-corpus form of tests/convergence.rs with its 总体绩效目标 lengthened a few
/// characters at a time: every step moves the tables below it down, so each group of
/// rows meets the page foot at a different height, down to slivers of one line.
#[test]
fn a_form_shifted_down_the_page_keeps_its_labels_inside_their_cells() {
    let path = root().join("tests/fixtures/repeated-labels-feedback.toml");
    let text = std::fs::read_to_string(&path).expect("read fixture");
    let goal_line = text
        .lines()
        .find(|l| l.starts_with("goal = \""))
        .expect("the fixture has a goal");
    for step in 0..16 {
        let padding = "加强科普阵地建设，".repeat(step * 2);
        let longer = goal_line.replacen("goal = \"", &format!("goal = \"{padding}"), 1);
        let decl = Declaration::from_toml(&text.replacen(goal_line, &longer, 1))
            .unwrap_or_else(|e| panic!("step {step}: {e}"));
        assert_text_inside_cells(&format!("step {step}"), &decl);
    }
}

/// A task whose 名称 is far taller than its one row: the label is printed once and the
/// row grows to hold it, on one page.
#[test]
fn a_label_taller_than_its_rows_makes_them_grow() {
    let path = root().join("tests/fixtures/repeated-labels-feedback.toml");
    let text = std::fs::read_to_string(&path).expect("read fixture");
    let name = "name = \"视频号，服务公民科学素质承担2\"";
    assert!(text.contains(name));
    let long = format!(
        "name = \"{}\"",
        "视频号，服务公民科学素质，建设科普阵地，".repeat(8)
    );
    let decl = Declaration::from_toml(&text.replacen(name, &long, 1)).expect("parse");
    assert_text_inside_cells("long task name", &decl);
}
