//! Every built-in kind, end to end: its sample (transcribed from a real filing) renders;
//! the PDF holds every value of the sample — read from the TOML file by this test, and
//! printed the way the form prints it — and every 一级/二级 label, in the order the form
//! lays them out; each real spreadsheet's non-empty cells all appear in its sample's PDF;
//! continuation pages repeat section and group labels in every kind, and column headers
//! are never left alone at the foot of a page.

mod common;

use std::collections::BTreeMap;

use common::*;
use jixiao::declaration::{Record, Value};
use jixiao::kind::{paths, FieldType, Kind};
use jixiao::{Declaration, Kinds, Renderer};
use rust_decimal::{Decimal, RoundingStrategy};

/// Every sample: its file name, text and declaration.
fn samples() -> Vec<(String, String, Declaration)> {
    all_samples()
}

#[test]
fn every_kind_has_a_sample_that_checks_without_errors() {
    let all = samples();
    for kind in Kinds::builtin().iter() {
        assert!(
            all.iter().any(|(_, _, d)| d.kind().name() == kind.name()),
            "no sample of {}",
            kind.name()
        );
    }
    for (name, _, _) in &all {
        let out = jixiao(&["check", &format!("samples/{name}")], &root());
        assert!(out.status.success(), "{name}:\n{}", stdout(&out));
    }
}

#[test]
fn kinds_lists_every_kind_name_first_then_its_title() {
    let out = jixiao(&["kinds"], &root());
    assert!(out.status.success());
    let text = stdout(&out);
    for kind in Kinds::builtin().iter() {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(kind.name()))
            .unwrap_or_else(|| panic!("{} not listed:\n{text}", kind.name()));
        assert!(line.contains(&kind.generic_title()), "{line}");
    }
}

/// An amount as the form prints it, computed here: two decimals (half away from zero)
/// and thousands separators.
fn form_amount(literal: &str) -> String {
    let digits: String = literal.chars().filter(|c| *c != ',' && *c != '_').collect();
    let value: Decimal = digits
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("amount {literal}"));
    let rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let plain = format!("{:.2}", rounded.abs());
    let (int, frac) = plain.split_once('.').expect("two decimals");
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!(
        "{}{grouped}.{frac}",
        if rounded.is_sign_negative() { "-" } else { "" }
    )
}

/// Every value of a sample as the form prints it, read from the raw TOML: strings as
/// written, amounts formatted, numbers as written; with the key path of each.
fn expected_values(text: &str, kind: &Kind) -> Vec<(String, String)> {
    fn walk(value: &toml::Value, path: &str, kind: &Kind, out: &mut Vec<(String, String)>) {
        match value {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    walk(v, &paths::join(path, k), kind, out);
                }
            }
            toml::Value::Array(items) => {
                let field = kind.field_at(path);
                let is_list = field.is_some_and(|f| f.kind == FieldType::List);
                for (i, item) in items.iter().enumerate() {
                    let p = if is_list {
                        format!("{path}[{i}]")
                    } else {
                        path.to_owned()
                    };
                    walk(item, &p, kind, out);
                }
            }
            _ => {
                let Some(field) = kind.field_at(path) else {
                    panic!("{path} is not a field of {}", kind.name());
                };
                if field.common || field.kind == FieldType::Year {
                    return; // kind, date, archive, year: not cells of the form
                }
                let literal = match value {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Float(f) => f.to_string(),
                    toml::Value::Datetime(d) => {
                        let date = d.date.expect("a date");
                        format!("{}年{}月{}日", date.year, date.month, date.day)
                    }
                    toml::Value::Boolean(_) => return,
                    _ => unreachable!(),
                };
                if literal.trim().is_empty() {
                    return;
                }
                let shown = match field.kind {
                    FieldType::Amount => form_amount(&literal),
                    FieldType::Percent if !literal.ends_with('%') => format!("{literal}%"),
                    _ => literal,
                };
                out.push((path.to_owned(), squeeze(&shown)));
            }
        }
    }
    let table: toml::Value = toml::from_str(text).expect("TOML");
    let mut out = Vec::new();
    walk(&table, "", kind, &mut out);
    out
}

#[test]
fn every_sample_prints_every_value_and_every_indicator_label() {
    let renderer = Renderer::builtin();
    for (name, text, decl) in samples() {
        let pdf = renderer
            .render(&decl, &Default::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .pdf;
        let pages = page_texts(&pdf);
        let values = expected_values(&text, decl.kind());
        assert!(values.len() >= 10, "{name}: only {} values", values.len());
        for (path, want) in &values {
            assert!(
                printed(&pages, want),
                "{name}: {path} = {want} is not in the PDF"
            );
        }
        // The title, and the labels of the indicator tree as written.
        assert!(printed(&pages, &squeeze(&decl.title())), "{name}: title");
        for (path, field) in decl.kind().walk() {
            if let Some(tree) = &field.tree {
                for level in &tree.levels {
                    for (p, want) in values.iter() {
                        if paths::generic(p) == format!("{path}[].{level}") {
                            assert!(printed(&pages, want), "{name}: label {want}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn values_print_in_the_order_the_form_lays_them_out() {
    let renderer = Renderer::builtin();
    for (name, _, decl) in samples() {
        let pdf = renderer
            .render(&decl, &Default::default())
            .expect("render")
            .pdf;
        let pages = page_texts(&pdf);
        let data = renderer.form_data(&decl);
        let mut cursors = vec![0; pages.len() + 1];
        let mut current = 0;
        for section in &data.sections {
            for cell in section.cells.iter().filter(|c| c.rowspan == 1) {
                let want = squeeze(&cell.content.joined());
                if want.is_empty() {
                    continue;
                }
                let found =
                    (current..pages.len()).find_map(|q| find_on_pages(&pages, &cursors, q, &want));
                let Some(fragments) = found else {
                    panic!(
                        "{name}: {want} missing or out of order (from page {})",
                        current + 1
                    );
                };
                current = fragments[0].0;
                for (q, end) in fragments {
                    cursors[q] = end;
                }
            }
        }
    }
}

/// The sample declaration made long: every list's items repeated `times` times.
fn stretched(decl: &Declaration, times: usize) -> Declaration {
    fn stretch(record: &mut Record, times: usize) {
        for value in record.values_mut() {
            match value {
                Value::List(items) => {
                    for item in items.iter_mut() {
                        stretch(item, times);
                    }
                    let once = items.clone();
                    for _ in 1..times {
                        items.extend(once.iter().cloned());
                    }
                }
                Value::Table(inner) => stretch(inner, times),
                _ => {}
            }
        }
    }
    let mut long = decl.clone();
    stretch(long.values_mut(), times);
    long
}

#[test]
fn continuation_pages_repeat_labels_and_headers_stay_with_their_rows_in_every_kind() {
    let renderer = Renderer::builtin();
    let mut kinds_checked = BTreeMap::new();
    for (name, _, decl) in samples() {
        if name == "long-declaration.toml" {
            continue; // tests/pagination.rs
        }
        let long = stretched(&decl, 6);
        let laid = renderer
            .layout_marked(&long)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(laid.pages() >= 2, "{name}: only {} pages", laid.pages());
        let rows = laid.row_pages();
        let pdf = renderer
            .render(&long, &Default::default())
            .expect("render")
            .pdf;
        let pages: Vec<String> = (1..=laid.pages())
            .map(|p| squeeze(&pdftotext(&pdf, Some(p))))
            .collect();
        let data = renderer.form_data(&long);
        let mut continued = 0;
        for (i, section) in data.sections.iter().enumerate() {
            for y in 0..section.rows {
                let id = format!("s{i}-{y}");
                let (first, last) = *rows
                    .get(&id)
                    .unwrap_or_else(|| panic!("{name}: row {id} carries no markers"));
                for page in first..=last {
                    for label in section.labels_over(y) {
                        let want = squeeze(&label.content.joined());
                        assert!(
                            pages[page - 1].contains(&want),
                            "{name}: page {page} has row {id} but not its label {want}"
                        );
                    }
                }
            }
            // Continuation pages of the merged labels (section, group, tree labels).
            for cell in section.cells.iter().filter(|c| c.rowspan > 1) {
                let from = rows[&format!("s{i}-{}", cell.y)].0;
                let to = rows[&format!("s{i}-{}", cell.y + cell.rowspan - 1)].1;
                continued += to - from;
            }
            if section.header_rows > 0 {
                let (h, _) = rows[&format!("s{i}-0")];
                let (f, _) = rows[&format!("s{i}-{}", section.header_rows)];
                assert_eq!(h, f, "{name}: the header of section {i} is orphaned");
            }
        }
        assert!(continued >= 1, "{name}: no row or label ran over a page");
        kinds_checked.insert(decl.kind().name().to_owned(), continued);
    }
    assert_eq!(
        kinds_checked.len() + 1,
        Kinds::builtin().iter().count() + 1,
        "every kind: {kinds_checked:?}"
    );
}

/// A real spreadsheet's non-empty cells, as text: strings as typed, numbers as the
/// forms print them (the test accepts the plain digits, the amount with two decimals
/// and separators, or the percentage of a `%`-formatted number).
fn sheet_cells(file: &str) -> Vec<(String, Vec<String>)> {
    let path = root().join("../shared/forms").join(file);
    let book = jixiao::sheet::read_file(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let sheet = &book.sheets()[0];
    let mut out = Vec::new();
    for cell in sheet
        .cells()
        .filter(|c| !c.is_covered() && !c.value().is_empty())
    {
        let address = sheet.address(cell.pos());
        let ways = match cell.number() {
            Some(n) => {
                let mut ways = vec![cell.plain_text(), form_amount(&n.value().to_string())];
                if cell.is_percent() {
                    ways.push(n.percent_text());
                }
                ways
            }
            None => vec![cell.plain_text()],
        };
        out.push((address, ways.iter().map(|w| squeeze(w)).collect()));
    }
    out
}

#[test]
fn every_non_empty_cell_of_the_real_spreadsheets_is_in_the_samples_pdf() {
    let renderer = Renderer::builtin();
    for (xlsx, toml) in [
        (
            "zhanjiang-2023-department-target.xlsx",
            "zhanjiang-2023-department-target.toml",
        ),
        (
            "wuhan-donghu-2020-project.xlsx",
            "wuhan-donghu-2020-project.toml",
        ),
        (
            "chongqing-yuzhong-2021-project-self-evaluation.xlsx",
            "chongqing-yuzhong-2021-project-self-evaluation.toml",
        ),
    ] {
        let (_, decl) = sample(toml);
        let pdf = renderer
            .render(&decl, &Default::default())
            .expect("render")
            .pdf;
        let pages = page_texts(&pdf);
        let cells = sheet_cells(xlsx);
        assert!(cells.len() > 80, "{xlsx}: only {} cells", cells.len());
        for (address, ways) in cells {
            assert!(
                ways.iter().any(|w| printed(&pages, w)),
                "{xlsx} {address}: {ways:?} is not in the PDF of {toml}"
            );
        }
    }
}

/// Checks a declaration's text; the findings as (code, path, line).
fn findings(text: &str) -> Vec<(String, String, usize)> {
    use jixiao::check::{check, DeclarationSource};
    let report = check(
        DeclarationSource::from_bytes("t.toml".into(), text.as_bytes().to_vec()),
        Kinds::builtin(),
        &jixiao::FontSet::bundled(),
    );
    report
        .findings
        .iter()
        .zip(report.diagnostics(false))
        .map(|(f, d)| {
            let line = d.line_column().map_or(0, |(l, _)| l);
            (f.code.to_string(), f.path.clone(), line)
        })
        .collect()
}

/// The 1-based line of the `n`-th (0-based) line of `text` that starts with `needle`.
fn line_of(text: &str, needle: &str, n: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with(needle))
        .nth(n)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("no {needle}"))
}

#[test]
fn misplaced_labels_print_where_filed_with_a_warning_and_no_phantom_row() {
    // As in the 湛江 2024 filing: 质量指标 under 效益指标, 服务对象 for 服务对象满意度指标.
    let text = r#"kind = "department-target-table"
department = "测试局"
year = 2024
goal = "目标"
[[tasks]]
name = "甲"
content = "内容"
amount = 1
target = "目标"
[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "指标一"
value = "1"
[[indicators]]
level1 = "效益指标"
level2 = "质量指标"
name = "指标二"
value = "2"
[[indicators]]
level1 = "效益指标"
level2 = "社会效益指标"
name = "指标三"
value = "3"
[[indicators]]
level1 = "满意度指标"
level2 = "服务对象"
name = "指标四"
value = "≥90%"
"#;
    let found = findings(text);
    let label_warnings: Vec<&(String, String, usize)> = found
        .iter()
        .filter(|(code, _, _)| code == "nonstandard-label")
        .collect();
    assert_eq!(label_warnings.len(), 2, "{found:?}");
    assert_eq!(label_warnings[0].1, "indicators[1].level2");
    assert_eq!(
        label_warnings[0].2,
        line_of(text, "level2 = \"质量指标\"", 0)
    );
    assert_eq!(label_warnings[1].1, "indicators[3].level2");

    let decl = Declaration::from_toml(text).expect("parses");
    let renderer = Renderer::builtin();
    let data = renderer.form_data(&decl);
    let tree = data.sections.last().expect("the indicator section");
    let level2: Vec<String> = tree
        .cells
        .iter()
        .filter(|c| c.x == 2 && c.role == jixiao::layout::Role::Group)
        .map(|c| c.content.joined())
        .collect();
    assert_eq!(
        level2,
        [
            "数量指标",
            "质量指标",
            "时效指标",
            "成本指标",
            "质量指标",
            "经济效益指标",
            "社会效益指标",
            "生态效益指标",
            "可持续影响指标",
            "服务对象",
        ],
        "filed order, skeleton rows around it, none beside 服务对象"
    );
    let pdf = renderer
        .render(&decl, &Default::default())
        .expect("render")
        .pdf;
    let pages = page_texts(&pdf).concat();
    assert!(!pages.contains("服务对象满意度指标"), "a phantom row");
    let (quality, social) = (
        pages.rfind("质量指标指标二").expect("质量指标 under 效益"),
        pages.find("社会效益指标指标三").expect("社会效益指标"),
    );
    assert!(quality < social, "质量指标 prints where it was filed");
}

/// `text` with the `n`-th occurrence of `from` replaced by `to`.
fn edit(text: &str, from: &str, to: &str, n: usize) -> String {
    let at = text
        .match_indices(from)
        .nth(n)
        .unwrap_or_else(|| panic!("no {from}"))
        .0;
    format!("{}{to}{}", &text[..at], &text[at + from.len()..])
}

#[test]
fn every_self_evaluation_check_can_fail_with_a_located_diagnostic() {
    let cases: [(&str, &str, &str, usize, &str, &str, &str); 9] = [
        // sample, text to change, change, occurrence, expected code, path, line marker
        (
            "ezhou-2019-project-self-evaluation.toml",
            "score = 10\n",
            "score = 25\n",
            0,
            "score-over-points",
            "indicators[3].score",
            "score = 25",
        ),
        (
            "ezhou-2019-project-self-evaluation.toml",
            "rate = \"60%\"",
            "rate = \"80%\"",
            0,
            "rate",
            "funds.total.rate",
            "rate = \"80%\"",
        ),
        (
            "ezhou-2019-project-self-evaluation.toml",
            "score = 6 ",
            "score = 12 ",
            0,
            "score-over-points",
            "funds.total.score",
            "score = 12",
        ),
        (
            "ezhou-2019-project-self-evaluation.toml",
            "initial = 287                       # 年初预算数\nbudget",
            "initial = 300                       # 年初预算数\nbudget",
            0,
            "funds-total",
            "funds.total.initial",
            "initial = 300",
        ),
        (
            "chongqing-yuzhong-2021-project-self-evaluation.toml",
            "[budget]",
            "[total]\nweight = 90\n\n[budget]",
            0,
            "total-weight",
            "total.weight",
            "weight = 90",
        ),
        (
            "chongqing-yuzhong-2021-project-self-evaluation.toml",
            "weight = 15",
            "weight = 25",
            0,
            "weights-total",
            "indicators",
            "[[indicators]]",
        ),
        (
            "chongqing-yuzhong-2021-project-self-evaluation.toml",
            "weight = 5\n",
            "weight = 5\nscore = 6\n",
            0,
            "score-over-weight",
            "indicators[1].score",
            "score = 6",
        ),
        (
            "chongqing-kexuecheng-2021-department-self-evaluation.toml",
            "score = 7.6",
            "score = 17.6",
            0,
            "score-over-weight",
            "funds.total.score",
            "score = 17.6",
        ),
        (
            "chongqing-kexuecheng-2021-department-self-evaluation.toml",
            "score = 10\n",
            "score = 11\n",
            0,
            "score-over-weight",
            "indicators[15].score",
            "score = 11",
        ),
    ];
    for (file, from, to, n, code, path, marker) in cases {
        let (text, _) = sample(file);
        let before = findings(&text);
        assert!(
            !before.iter().any(|(c, p, _)| c == code && p == path),
            "{file}: {code} at {path} before the change"
        );
        let broken = edit(&text, from, to, n);
        let after = findings(&broken);
        let hit = after
            .iter()
            .find(|(c, p, _)| c == code && p == path)
            .unwrap_or_else(|| panic!("{file}: no {code} at {path} after `{to}`: {after:?}"));
        assert_eq!(
            hit.2,
            line_of(&broken, marker, 0),
            "{file}: {code} points at its line"
        );
    }
}
