//! `jixiao init` and `jixiao schema`: a blank declaration to fill in, and a JSON Schema
//! whose every key has a Chinese title (the form label) and description.

mod common;

use common::*;
use jixiao::check::shape;

/// Walks the schema: every property of every object gets checked by `f(key, property)`.
fn each_property(
    schema: &serde_json::Value,
    root: &serde_json::Value,
    f: &mut dyn FnMut(&str, &serde_json::Value),
) {
    let resolve = |v: &serde_json::Value| -> serde_json::Value {
        match v.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => root
                .pointer(r.trim_start_matches('#'))
                .cloned()
                .unwrap_or(serde_json::Value::Null),
            None => v.clone(),
        }
    };
    let schema = resolve(schema);
    if let Some(props) = schema.get("properties").and_then(|p| p.as_object()) {
        for (key, prop) in props {
            f(key, prop);
            each_property(prop, root, f);
            if let Some(items) = prop.get("items") {
                each_property(items, root, f);
            }
            for alt in prop
                .get("anyOf")
                .and_then(|a| a.as_array())
                .into_iter()
                .flatten()
            {
                each_property(alt, root, f);
            }
        }
    }
}

#[test]
fn every_key_has_a_chinese_title_matching_the_form_label() {
    let out = jixiao(&["schema"], &root());
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(schema["title"], "部门整体预算绩效目标申报表");
    let mut seen = Vec::new();
    each_property(&schema, &schema, &mut |key, prop| {
        let title = prop["title"]
            .as_str()
            .unwrap_or_else(|| panic!("{key} has no title"));
        let description = prop["description"]
            .as_str()
            .unwrap_or_else(|| panic!("{key} has no description"));
        assert!(
            title.chars().any(jixiao::text::is_wide),
            "{key}: title {title} is not Chinese"
        );
        assert!(
            description.chars().any(jixiao::text::is_wide),
            "{key}: description not Chinese"
        );
        let field = [
            shape::ROOT,
            shape::BUDGET,
            shape::TASK,
            shape::TASK_ROW,
            shape::INDICATOR,
            shape::SIGNOFF,
        ]
        .into_iter()
        .flatten()
        .filter(|f| f.key == key)
        .find(|f| f.label.rsplit(" · ").next() == Some(title) || f.label == title);
        assert!(
            field.is_some(),
            "{key}: schema title {title} matches no form label of the checker"
        );
        seen.push(key.to_owned());
    });
    for key in [
        "department",
        "year",
        "basic",
        "transfer",
        "content",
        "amount",
        "target",
        "level1",
        "annual_value",
        "date",
        "archive",
        "preparer",
        "seal",
    ] {
        assert!(
            seen.iter().any(|k| k == key),
            "{key} missing from the schema"
        );
    }
    assert_eq!(
        schema["additionalProperties"], false,
        "unknown keys are errors in editors too"
    );
}

#[test]
fn init_writes_a_blank_declaration_and_the_schema_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = jixiao(&["init", "new.toml", "--year", "2026"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("new.toml")).expect("written");
    assert!(text.starts_with("#:schema ./jixiao.schema.json\n"));
    assert!(text.contains("year = 2026"));
    assert!(
        text.contains("level2 = \"生态环境成本指标\""),
        "the full skeleton"
    );
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("jixiao.schema.json")).expect("schema"),
    )
    .expect("json");
    assert_eq!(schema["title"], "部门整体预算绩效目标申报表");

    std::fs::write(dir.path().join("new.toml"), "mine").expect("write");
    let again = jixiao(&["init", "new.toml"], dir.path());
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("new.toml")).expect("read"),
        "mine",
        "never overwritten"
    );
}

#[test]
fn a_filled_in_blank_checks_clean_and_renders() {
    let dir = tempfile::tempdir().expect("tempdir");
    jixiao(&["init", "d.toml", "--year", "2026"], dir.path());
    let text = std::fs::read_to_string(dir.path().join("d.toml")).expect("read");
    // Fill in as a clerk would: department, goal, amounts, the task, and every indicator.
    let mut filled = text
        .replacen("department = \"\"", "department = \"广州市测试局\"", 1)
        .replacen(
            "goal = \"\"\"\n\n\"\"\"",
            "goal = \"\"\"\n提升公共服务水平。\n\"\"\"",
            1,
        );
    for (key, value) in [
        ("basic", "100"),
        ("project", "50"),
        ("special_fund", "0"),
        ("other_development", "10"),
        ("appropriation", "160"),
        ("other_funds", "0"),
        ("city_level", "150"),
        ("transfer", "10"),
        ("amount", "40"),
    ] {
        filled = filled.replacen(&format!("{key} = \"\""), &format!("{key} = {value}"), 1);
    }
    filled = filled
        .replacen("name = \"\"", "name = \"公共服务\"", 1)
        .replacen("content = \"\"", "content = \"开展活动。\"", 1)
        .replacen("target = \"\"", "target = \"服务群众。\"", 1)
        .replace("name = \"\"", "name = \"指标\"")
        .replace("period_value = \"\"", "period_value = \"≥1\"")
        .replace("annual_value = \"\"", "annual_value = \"≥1\"");
    std::fs::write(dir.path().join("d.toml"), filled).expect("write");
    let out = jixiao(&["check", "d.toml", "--deny-warnings"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(jixiao(&["render", "d.toml"], dir.path()).status.success());
}
