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
    assert_text_inside_cells_with(&Renderer::builtin(), name, decl);
}

/// [`assert_text_inside_cells`] with `renderer`'s templates.
fn assert_text_inside_cells_with(renderer: &Renderer, name: &str, decl: &Declaration) {
    let laid = renderer.layout(decl).expect("layout");
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

/// The regional variant of `tests/fixtures/regional/` (rows merged down, two header
/// rows, a header repeated on page 2, minimum row heights, lines above and below).
fn regional(text: &str) -> (Renderer, Declaration) {
    let template =
        jixiao::Template::load(&root().join("tests/fixtures/regional")).expect("template");
    let templates = jixiao::Templates::with(vec![template]);
    let decl = Declaration::from_toml_with(text, &templates.kinds()).expect("parse");
    let renderer = Renderer::new(templates, jixiao::FontSet::bundled()).expect("renderer");
    (renderer, decl)
}

#[test]
fn the_regional_variant_keeps_its_text_inside_its_cells() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/regional.toml")).expect("read");
    let (renderer, decl) = regional(&text);
    assert_text_inside_cells_with(&renderer, "regional", &decl);
}

/// A value merged down five rows and far taller than they are (the 原因 beside the
/// money rows): each row grows by the same share — not the last one by all of it — and
/// the text stays inside its cell.
#[test]
fn a_cell_taller_than_the_rows_it_spans_shares_the_height_among_them() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/regional.toml")).expect("read");
    let reason = "reason = [\"年初预算 120 万元，年中调整为 125 万元；\", \"两个项目的环评批复推迟，对应的 5 万元咨询费结转至次年支付。\"]";
    assert!(text.contains(reason));
    let long = format!(
        "reason = [{}]",
        (1..=8)
            .map(|i| format!("\"第 {i} 项：两个项目的环评批复推迟，对应的咨询费结转至次年支付。\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (renderer, decl) = regional(&text.replacen(reason, &long, 1));
    assert_text_inside_cells_with(&renderer, "long reason", &decl);
    // The rows of the money block: the rules under each of its labels' rows.
    let laid = renderer.layout(&decl).expect("layout");
    let page = &laid.document.pages()[0];
    let mut drawn = Page::default();
    walk(&page.frame, Point::zero(), &mut drawn);
    let y_of = |label: &str| {
        drawn
            .runs
            .iter()
            .find(|r| r.text == label)
            .unwrap_or_else(|| panic!("no {label}"))
    };
    let first = y_of("资金总额");
    let last = y_of("其他资金");
    let mut ys: Vec<f64> = drawn
        .rules
        .iter()
        .filter(|r| r.x.0 <= first.x.0 && r.x.1 >= first.x.1)
        .map(|r| r.y)
        .filter(|y| *y > first.y.0 - 40.0 && *y < last.y.1 + 200.0)
        .collect();
    ys.sort_by(f64::total_cmp);
    ys.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    // The rule above 资金总额, then one under each of the five rows.
    let start = ys
        .iter()
        .rposition(|y| *y < first.y.0)
        .expect("a rule above the first row");
    let rows: Vec<f64> = ys[start..start + 6]
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect();
    let min = rows.iter().copied().fold(f64::MAX, f64::min);
    let max = rows.iter().copied().fold(0.0, f64::max);
    assert!(
        max - min < 1.0 && min > 7.0 * 72.0 / 25.4 + 5.0,
        "the five rows should share the extra height evenly: {rows:?}"
    );
}
