//! The cost of a form grows linearly with its rows: a declaration with ten times the
//! rows takes less than twelve times the work to lay out, in no more layout passes.
//!
//! "Work" is counted, not timed: with Typst's timing switched on, every function call
//! a template makes and every layout step records an event, so the number of events
//! is the amount of work done, the same on a loaded machine as on an idle one. Layout
//! passes are the `iter (N)` scopes of `typst::compile`. Both are counted on a cold
//! cache (every memoised result dropped first), so nothing is reused from a previous
//! layout. One test in this file: the timing events are process-wide.

use std::fmt::Write as _;

use jixiao::{Declaration, Renderer};

/// A declaration with `tasks` task rows (in groups of five) and `indicators`
/// indicators spread over the standard tree, every text distinct.
fn declaration(tasks: usize, indicators: usize) -> Declaration {
    let mut toml = String::from(
        "department = \"测试部门\"\nyear = 2025\ngoal = \"推进各项工作，提升服务水平。\"\n\
         [budget]\nbasic = \"100.00\"\nproject = \"200.00\"\n",
    );
    for t in 0..tasks {
        if t % 5 == 0 {
            let _ = writeln!(toml, "[[tasks]]\nname = \"重点任务{}\"", t / 5 + 1);
        }
        let _ = writeln!(
            toml,
            "[[tasks.rows]]\ncontent = \"开展第{t}项专项工作，组织培训、交流与宣传活动。\"\n\
             amount = \"{}.00\"\ntarget = \"完成第{t}项工作目标，服务对象满意度不低于百分之九十。\"",
            t % 90 + 10
        );
    }
    let tree = [
        ("产出指标", ["数量指标", "质量指标", "时效指标"].as_slice()),
        (
            "效益指标",
            &["经济效益指标", "社会效益指标", "生态效益指标"],
        ),
        ("满意度指标", &["服务对象满意度指标"]),
        (
            "成本指标",
            &["经济成本指标", "社会成本指标", "生态环境成本指标"],
        ),
    ];
    let branches: Vec<(&str, &str)> = tree
        .iter()
        .flat_map(|(l1, l2s)| l2s.iter().map(move |l2| (*l1, *l2)))
        .collect();
    for i in 0..indicators {
        // In tree order, so every 二级 group is one run of rows.
        let (l1, l2) = branches[i * branches.len() / indicators.max(1)];
        let _ = writeln!(
            toml,
            "[[indicators]]\nlevel1 = \"{l1}\"\nlevel2 = \"{l2}\"\nname = \"第{i}项指标完成情况\"\n\
             period_value = \"≥{i}次\"\nannual_value = \"≥{i}次\""
        );
    }
    Declaration::from_toml(&toml).unwrap_or_else(|e| panic!("{e}\n{toml}"))
}

/// Layout passes, timing events and pages of laying out `decl` from a cold cache.
fn measure(renderer: &Renderer, decl: &Declaration) -> (usize, usize, usize) {
    typst::comemo::evict(0);
    typst_timing::clear();
    typst_timing::enable();
    let laid = renderer.layout(decl).unwrap_or_else(|e| panic!("{e}"));
    typst_timing::disable();
    let mut json = Vec::new();
    typst_timing::export_json(&mut json, |_| (String::new(), 0)).expect("timing events");
    let events: Vec<serde_json::Value> = serde_json::from_slice(&json).expect("timing JSON");
    let begun: Vec<&str> = events
        .iter()
        .filter(|e| e["ph"] == "B")
        .filter_map(|e| e["name"].as_str())
        .collect();
    let passes = begun.iter().filter(|n| n.starts_with("iter (")).count();
    (passes, begun.len(), laid.pages())
}

#[test]
fn ten_times_the_rows_take_less_than_twelve_times_the_work() {
    let renderer = Renderer::builtin();
    let small = declaration(100, 100);
    let large = declaration(1000, 1000);
    let (small_passes, small_work, small_pages) = measure(&renderer, &small);
    let (large_passes, large_work, large_pages) = measure(&renderer, &large);
    let ratio = large_work as f64 / small_work as f64;
    eprintln!(
        "200 rows: {small_pages} pages, {small_passes} passes, {small_work} events; \
         2,000 rows: {large_pages} pages, {large_passes} passes, {large_work} events; ratio {ratio:.2}"
    );
    // The forms really are long: tasks and indicators both run over many pages.
    assert!(
        small_pages >= 5 && large_pages >= 8 * small_pages,
        "{small_pages} and {large_pages} pages"
    );
    // Two passes: the first sees no row markers yet, the second (needed for the page
    // total in the footer anyway) prints the labels on every page; no third.
    assert_eq!(small_passes, 2, "passes for 200 rows");
    assert_eq!(large_passes, 2, "passes for 2,000 rows");
    assert!(
        ratio < 12.0,
        "2,000 rows took {ratio:.1}× the work of 200 rows ({large_work} vs {small_work} events)"
    );
}
