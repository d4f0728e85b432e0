//! The JSON Schema of a kind's declarations (draft 2020-12), generated from its
//! description: every key with its Chinese form label as the title and what to write
//! as the description, for editors with taplo / Even Better TOML (completion, hover,
//! validation).

use serde_json::{json, Map, Value};

use crate::kind::{common, Field, FieldType, Kind, Kinds};

/// The schema of declarations of `kind`.
pub fn kind_schema(kind: &Kind, default_kind: bool) -> Value {
    let mut schema = object(&kind.fields, true);
    let obj = schema
        .as_object_mut()
        .unwrap_or_else(|| unreachable!("object() builds an object"));
    obj.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    obj.insert("title".into(), json!(kind.generic_title()));
    obj.insert("description".into(), json!(kind.spec.about));
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        props.insert(
            common::KIND.into(),
            json!({
                "title": "表样",
                "description": format!("申报表的种类：\"{}\"（{}）", kind.name(), kind.generic_title()),
                "const": kind.name(),
            }),
        );
    }
    if !default_kind {
        if let Some(req) = obj.get_mut("required").and_then(Value::as_array_mut) {
            req.insert(0, json!(common::KIND));
        }
    }
    schema
}

/// One schema for declarations of any of `kinds`: each kind's schema, chosen by `kind`.
pub fn all_kinds_schema(kinds: &Kinds) -> Value {
    let branches: Vec<Value> = kinds
        .iter()
        .map(|k| {
            let mut s = kind_schema(k, k.name() == kinds.default_name());
            if let Some(o) = s.as_object_mut() {
                o.remove("$schema");
            }
            s
        })
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "jixiao 申报文件",
        "description": "jixiao 申报文件：用 kind 选择表样（jixiao kinds 列出全部）；不写 kind 时为部门整体预算绩效目标申报表。",
        "oneOf": branches,
    })
}

fn object(fields: &[Field], top: bool) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for f in fields {
        if top && f.key == common::KIND {
            continue;
        }
        properties.insert(f.key.clone(), property(f));
        if f.required {
            required.push(json!(f.key));
        }
    }
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn property(f: &Field) -> Value {
    let description = if f.about.is_empty() {
        f.title.clone()
    } else {
        format!("{}：{}", f.title, f.about)
    };
    let mut p = match f.kind {
        FieldType::Text => json!({ "type": ["string", "number"] }),
        FieldType::Paragraphs => json!({
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" } }
            ]
        }),
        FieldType::Amount | FieldType::Number | FieldType::Percent => {
            json!({ "type": ["number", "string"] })
        }
        FieldType::Year => json!({ "type": "integer", "minimum": 2000, "maximum": 2100 }),
        FieldType::Date => json!({ "type": "string" }),
        FieldType::Boolean => json!({ "type": "boolean" }),
        FieldType::Choice => {
            let mut options: Vec<Value> = f.options.iter().map(|o| json!(o)).collect();
            options.push(json!(""));
            json!({ "type": "string", "enum": options })
        }
        FieldType::Table => object(&f.fields, false),
        FieldType::List => json!({ "type": "array", "items": object(&f.fields, false) }),
    };
    if let Some(o) = p.as_object_mut() {
        o.insert("title".into(), json!(f.label));
        o.insert("description".into(), json!(description));
    }
    p
}
