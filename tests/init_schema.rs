//! `jixiao init`, `jixiao schema` and the checker agree on every key of every kind: one
//! test walks each kind's description and finds every field in the JSON Schema (with
//! its Chinese label as the title), in the `init --kind` blank, and known to the checker
//! (a misspelt copy of the key is refused at that path).

mod common;

use common::*;
use jixiao::check::{check, DeclarationSource};
use jixiao::{FontSet, Kinds};

/// The schema node of the property at a spec path (`tasks[].rows[].amount`).
fn schema_at<'a>(schema: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    let mut node = schema;
    for segment in path.split('.') {
        let (key, list) = match segment.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (segment, false),
        };
        node = node.get("properties")?.get(key)?;
        if list {
            node = node.get("items")?;
        }
    }
    Some(node)
}

#[test]
fn schema_blank_and_checker_agree_on_every_key_of_every_kind() {
    let fonts = FontSet::bundled();
    for kind in Kinds::builtin().iter() {
        let out = jixiao(&["schema", "--kind", kind.name()], &root());
        assert!(out.status.success(), "{}", stderr(&out));
        let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(
            schema["additionalProperties"], false,
            "unknown keys are errors in editors too"
        );
        let blank = jixiao::init::blank_declaration(kind, 2026);
        for (spec, field) in kind.walk() {
            let node = schema_at(&schema, &spec)
                .unwrap_or_else(|| panic!("{}: {spec} missing from the schema", kind.name()));
            if field.key != "kind" {
                assert_eq!(
                    node["title"],
                    field.label.as_str(),
                    "{}: {spec}",
                    kind.name()
                );
                let description = node["description"].as_str().unwrap_or("");
                assert!(
                    description.chars().any(jixiao::text::is_wide),
                    "{}: {spec} has no Chinese description",
                    kind.name()
                );
            }
            if field.is_container() || field.key == "kind" {
                continue;
            }
            // The key's line in the blank, under its table's header.
            let parent = spec.rsplit_once('.').map(|(p, _)| p);
            let from = match parent {
                None => 0,
                Some(p) => {
                    let header = match p.strip_suffix("[]") {
                        Some(list) => format!("\n[[{}]]", list.replace("[]", "")),
                        None => format!("\n[{}]", p.replace("[]", "")),
                    };
                    blank
                        .find(&header)
                        .unwrap_or_else(|| panic!("{}: no {header} in the blank", kind.name()))
                        + 1
                }
            };
            let line = format!("\n{} = ", field.key);
            let Some(at) = blank[from..].find(&line).map(|i| i + from) else {
                panic!("{}: {spec} missing from the init blank", kind.name());
            };
            // The checker knows the key: misspelt, it is refused at that very path.
            let mut broken = blank.clone();
            broken.replace_range(at + 1..at + 1 + field.key.len(), &format!("{}x", field.key));
            let report = check(
                DeclarationSource::from_bytes("blank.toml".into(), broken.into_bytes()),
                Kinds::builtin(),
                &fonts,
            );
            let unknown: Vec<&str> = report
                .findings
                .iter()
                .filter(|f| f.code == "unknown-key")
                .map(|f| f.path.as_str())
                .collect();
            assert_eq!(unknown.len(), 1, "{}: {spec}: {unknown:?}", kind.name());
            assert_eq!(
                jixiao::kind::paths::generic(unknown[0]),
                format!("{spec}x"),
                "{}: the misspelt key is refused where it is",
                kind.name()
            );
        }
    }
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
    assert!(text.starts_with("#:schema ./jixiao.department-target.schema.json\n"));
    assert!(text.contains("year = 2026"));
    assert!(
        text.contains("level2 = \"生态环境成本指标\""),
        "the full skeleton"
    );
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("jixiao.department-target.schema.json"))
            .expect("schema"),
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
        .replacen(
            "content = \"\"\"\n\n\"\"\"",
            "content = \"\"\"\n开展活动。\n\"\"\"",
            1,
        )
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
