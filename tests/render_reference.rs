//! End to end: the reference declaration (广州市科学技术协会) rendered and read back.

mod common;

use common::*;

/// The reference sample as plain TOML, read by the test itself (not through jixiao).
fn raw(text: &str) -> toml::Table {
    text.parse().expect("the sample is TOML")
}

fn strings(v: Option<&toml::Value>) -> Vec<String> {
    match v {
        Some(toml::Value::String(s)) => vec![s.clone()],
        Some(toml::Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn tables(v: Option<&toml::Value>) -> Vec<toml::Table> {
    v.and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|i| i.as_table().cloned()).collect())
        .unwrap_or_default()
}

/// Every text value of the declaration that sits in its own (non-merged) cell, in the
/// order the form prints it (the sample writes its amounts as the form prints them).
fn body_values(text: &str) -> Vec<String> {
    let t = raw(text);
    let mut v = strings(t.get("department"));
    let budget = t["budget"].as_table().expect("[budget]");
    for key in [
        "basic",
        "appropriation",
        "project",
        "other_funds",
        "special_fund",
        "city_level",
        "other_development",
        "transfer",
    ] {
        v.extend(strings(budget.get(key)));
    }
    v.extend(strings(t.get("goal")));
    for g in tables(t.get("tasks")) {
        for r in tables(g.get("rows")) {
            v.extend(strings(r.get("content")));
            v.extend(strings(r.get("amount")));
            v.extend(strings(r.get("target")));
        }
    }
    v.extend(strings(t.get("other_tasks")));
    for i in tables(t.get("indicators")) {
        for key in ["name", "period_value", "annual_value"] {
            v.extend(strings(i.get(key)));
        }
    }
    v.retain(|s| !s.trim().is_empty());
    v
}

/// Labels that are printed in merged cells and may be repeated on every page, plus the
/// page footers: removed before checking the reading order of the body values.
fn strip_labels(text: &str, source: &str) -> String {
    let t = raw(source);
    let mut labels: Vec<String> = [
        "年度重点工作任务",
        "总体绩效目标",
        "绩效指标",
        "其他需完成的任务（可选填）",
    ]
    .map(String::from)
    .to_vec();
    for g in tables(t.get("tasks")) {
        labels.extend(strings(g.get("name")).iter().map(|s| squeeze(s)));
    }
    for i in tables(t.get("indicators")) {
        labels.extend(strings(i.get("level1")).iter().map(|s| squeeze(s)));
        labels.extend(strings(i.get("level2")).iter().map(|s| squeeze(s)));
    }
    labels.sort_by_key(|l| std::cmp::Reverse(l.chars().count()));
    let mut s = squeeze(text);
    s = strip_footers(&s);
    for l in labels.iter().filter(|l| !l.is_empty()) {
        s = s.replace(l.as_str(), "");
    }
    s
}

#[test]
fn every_value_is_printed_in_reading_order() {
    let (source, decl) = sample("guangzhou-kexie.toml");
    let pdf = render(&decl);
    let pages: Vec<String> = (1..=page_count(&pdf))
        .map(|p| strip_labels(&pdftotext(&pdf, Some(p)), &source))
        .collect();
    let mut cursors = vec![0; pages.len() + 1];
    let mut current = 0;
    for value in body_values(&source) {
        let want = strip_labels(&value, &source);
        if want.is_empty() {
            continue;
        }
        let found = (current..pages.len()).find_map(|q| find_on_pages(&pages, &cursors, q, &want));
        let Some(fragments) = found else {
            panic!(
                "value missing or out of order (searching from page {}): {value}",
                current + 1
            );
        };
        current = fragments[0].0;
        for (q, end) in fragments {
            cursors[q] = end;
        }
    }
}

#[test]
fn amounts_print_with_separators_and_two_decimals() {
    let (_, decl) = sample("guangzhou-kexie.toml");
    let text = squeeze(&pdftotext(&render(&decl), None));
    for amount in [
        "6,686.98",
        "13,078.68",
        "26,141.61",
        "19,765.66",
        "6,375.95",
        "0.00",
        "16,475.95",
        "400.00",
        "685.00",
    ] {
        assert!(text.contains(amount), "{amount} missing");
    }
    assert!(
        !text.contains("6686.98"),
        "an amount printed without its separator"
    );
}

#[test]
fn all_labels_of_the_form_are_printed() {
    let (_, decl) = sample("guangzhou-kexie.toml");
    let text = squeeze(&pdftotext(&render(&decl), None));
    let labels = [
        "部门整体预算绩效目标申报表",
        "部门名称",
        "预算整体情况",
        "部门预算支出",
        "预算金额（万元）",
        "收入来源",
        "基本支出",
        "财政拨款",
        "项目支出",
        "其他资金",
        "事业发展性支出",
        "按预算级次划分",
        "财政专项资金",
        "市本级使用资金",
        "其他事业发展性支出",
        "拟用于对下转移支付资金",
        "总体绩效目标",
        "年度重点工作任务",
        "名称",
        "主要实施内容",
        "拟投入的资金（万元）",
        "期望达到的目标（概述）",
        "其他需完成的任务（可选填）",
        "绩效指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "实施周期指标值",
        "年度指标值",
        "产出指标",
        "效益指标",
        "满意度指标",
        "成本指标",
        // the ten 二级 labels, including the empty ones
        "数量指标",
        "质量指标",
        "时效指标",
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "服务对象满意度指标",
        "经济成本指标",
        "社会成本指标",
        "生态环境成本指标",
    ];
    for label in labels {
        assert!(text.contains(label), "label {label} missing");
    }
}

#[test]
fn pages_are_a4_and_every_font_is_embedded() {
    let (_, decl) = sample("guangzhou-kexie.toml");
    let pdf = render(&decl);
    let doc = lopdf::Document::load_mem(&pdf).expect("valid PDF");
    let pages = doc.get_pages();
    assert!(
        pages.len() >= 3,
        "the reference form spans several pages, got {}",
        pages.len()
    );
    for (n, id) in &pages {
        let page = doc.get_dictionary(*id).expect("page dict");
        let media = page
            .get(b"MediaBox")
            .and_then(|m| m.as_array())
            .expect("MediaBox");
        let nums: Vec<f32> = media
            .iter()
            .map(|o| o.as_float().expect("number"))
            .collect();
        assert!(
            (nums[2] - nums[0] - 595.28).abs() < 0.5,
            "page {n} width {nums:?}"
        );
        assert!(
            (nums[3] - nums[1] - 841.89).abs() < 0.5,
            "page {n} height {nums:?}"
        );
    }
    let mut fonts = 0;
    for (_, obj) in doc.objects.iter() {
        let Ok(dict) = obj.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor") {
            fonts += 1;
            let embedded = [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
                .iter()
                .any(|k| dict.has(k));
            let name = dict
                .get(b"FontName")
                .and_then(|n| n.as_name())
                .map(|n| String::from_utf8_lossy(n).to_string());
            assert!(embedded, "font {name:?} is not embedded");
        }
    }
    assert!(
        fonts >= 2,
        "expected the serif body and the sans title fonts, found {fonts} descriptors"
    );
}

/// The names of the fonts a PDF embeds (its font descriptors' `FontName`s, subset tag
/// included).
fn embedded_font_names(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).expect("valid PDF");
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor"))
        .filter_map(|d| d.get(b"FontName").and_then(|n| n.as_name()).ok())
        .map(|n| String::from_utf8_lossy(n).to_string())
        .collect()
}

#[test]
fn title_is_sans_bold_and_body_is_serif() {
    let (_, decl) = sample("guangzhou-kexie.toml");
    let names = embedded_font_names(&render(&decl));
    assert!(
        names.iter().any(|n| n.ends_with("+NotoSansCJKsc-Bold")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.ends_with("+NotoSerifCJKsc-Regular")),
        "{names:?}"
    );
    // The reference form is written in GB 2312's characters: the common halves of the
    // faces print all of it, the rare halves are not used (fonts/README.md).
    assert!(!names.iter().any(|n| n.contains("Rare")), "{names:?}");
}

#[test]
fn rare_characters_print_from_the_rare_halves_of_the_faces() {
    // Characters outside GB 2312, as in people's and places' names: the main block (喆,
    // 堃), Extension A (䶮) and B (𨱏), in the department's name, which the table prints
    // in the body serif. (The titles are the kinds' own, in GB 2312; that the sans finds
    // its rare half the same way: `src/fonts.rs`, the fallback test.)
    let (text, _) = sample("guangzhou-kexie.toml");
    let rare = "广州市喆堃䶮𨱏科学技术协会";
    let edited = text.replacen(
        "department = \"广州市科学技术协会\"",
        &format!("department = \"{rare}\""),
        1,
    );
    assert_ne!(edited, text, "the sample names its department");
    let decl = jixiao::Declaration::from_toml(&edited).expect("the edited sample parses");
    let pdf = render(&decl);
    let names = embedded_font_names(&pdf);
    for face in [
        "NotoSerifCJKsc-Regular",
        "NotoSerifCJKsc-Regular-Rare",
        "NotoSansCJKsc-Bold",
    ] {
        assert!(
            names.iter().any(|n| n.ends_with(&format!("+{face}"))),
            "{face} not in {names:?}"
        );
    }
    assert!(!names.iter().any(|n| n.contains("Bold-Rare")), "{names:?}");
    // Read back through each font's ToUnicode map: the name whole.
    let printed = squeeze(&pdftotext(&pdf, None));
    assert!(printed.contains(rare), "{printed}");
}
