//! The data a template receives (`/data.json`): the declaration arranged the way the
//! form prints it.
//!
//! Everything is already formatted: amounts are strings like `6,686.98` (blank when left
//! out), long texts are lists of paragraphs with whitespace normalised, derived totals
//! and rates are filled in. `sections` is the form laid out as placed cells
//! ([`jixiao_core::layout`]), which the built-in templates draw; `values` holds every field by
//! key for templates that lay the form out themselves. The template only lays out.

use serde::Serialize;
use serde_json::{Map, Value as Json};

use jixiao_core::declaration::{Declaration, Record, Value};
use jixiao_core::kind::spec::Orientation;
use jixiao_core::kind::{Field, FieldType};
use jixiao_core::layout::{self, Content, Line, Section};
use jixiao_core::totals;

/// The whole form, as `/data.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormData {
    /// The kind's name, e.g. `department-target`.
    pub kind: String,
    /// The title, with the year filled in.
    pub title: String,
    /// The second title line (e.g. `（2022年度）`), or `""`.
    pub subtitle: String,
    /// Who files the form, on one line.
    pub filer: String,
    /// The year.
    pub year: i32,
    /// Page settings.
    pub page: PageData,
    /// Every field by key, formatted; a field left out is `""` (`[]` for paragraphs
    /// and lists).
    pub values: Json,
    /// The form, laid out.
    pub sections: Vec<Section>,
    /// The lines of text outside the table (`at`: `top`, `head`, `foot`), each with
    /// its parts (`text`, `align`, `width`).
    pub lines: Vec<Line>,
    /// The sign-off block's fields (`label`, `value`, `seal`), or `None` (JSON `null`)
    /// when the declaration leaves it empty: the block is then not printed.
    pub signoff: Option<Vec<SignOffField>>,
    /// Whether every row of the table carries the row markers of `rows.typ`, instead of
    /// only the rows a merged label looks for. The markers take no room, so the pages are
    /// the same either way; marking every row costs layout time and is for reading each
    /// row's pages back ([`crate::render::Renderer::layout_marked`]). `false` in
    /// [`FormData::new`].
    pub mark_rows: bool,
}

/// Page settings from the kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageData {
    /// `portrait` or `landscape`.
    pub orientation: Orientation,
    /// Body text size in points.
    pub text_size: f64,
    /// Title size in points.
    pub title_size: f64,
    /// Second title line's size in points.
    pub subtitle_size: f64,
}

/// One field of the sign-off block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignOffField {
    /// Its label, e.g. 填报人.
    pub label: String,
    /// Its value, formatted; `""` when left out.
    pub value: String,
    /// Whether it is the seal's place (printed on its own, with room for the seal).
    pub seal: bool,
}

impl FormData {
    /// Arranges a declaration for its kind's template.
    pub fn new(decl: &Declaration) -> FormData {
        let kind = decl.kind();
        let derived = totals::derive(decl);
        let year = decl.year();
        FormData {
            kind: kind.name().to_owned(),
            title: kind.title(year),
            subtitle: kind.subtitle(year),
            filer: decl.filer(),
            year,
            page: PageData {
                orientation: kind.spec.page.orientation,
                text_size: kind.spec.page.text_size,
                title_size: kind.spec.page.title_size,
                subtitle_size: kind.spec.page.subtitle_size,
            },
            values: record_json(decl.values(), &kind.fields),
            sections: layout::sections(decl, &derived),
            lines: layout::lines(decl),
            signoff: signoff(decl),
            mark_rows: false,
        }
    }

    /// The data as JSON bytes, as the template reads it.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_else(|e| unreachable!("FormData always serialises: {e}"))
    }
}

/// The sign-off block, when the kind has one and the declaration fills it in.
fn signoff(decl: &Declaration) -> Option<Vec<SignOffField>> {
    let field = decl.kind().field(jixiao_core::kind::common::SIGNOFF)?;
    let Some(Value::Table(record)) = decl.get(&field.key) else {
        return None;
    };
    if record.values().all(Value::is_blank) {
        return None;
    }
    Some(
        field
            .fields
            .iter()
            .map(|f| SignOffField {
                label: f.label.clone(),
                value: record
                    .get(&f.key)
                    .map(|v| layout::format_value(v, f).joined())
                    .unwrap_or_default(),
                seal: f.key == "seal",
            })
            .collect(),
    )
}

/// A record as JSON: every field of `fields`, formatted.
fn record_json(record: &Record, fields: &[Field]) -> Json {
    let mut map = Map::new();
    for f in fields {
        if f.common {
            continue;
        }
        map.insert(f.key.clone(), value_json(record.get(&f.key), f));
    }
    Json::Object(map)
}

fn value_json(value: Option<&Value>, field: &Field) -> Json {
    match (field.kind, value) {
        (FieldType::Table, Some(Value::Table(r))) => {
            if field.optional_block && r.values().all(Value::is_blank) {
                Json::Null
            } else {
                record_json(r, &field.fields)
            }
        }
        (FieldType::Table, _) if field.optional_block => Json::Null,
        (FieldType::Table, _) => record_json(&Record::new(), &field.fields),
        (FieldType::List, Some(Value::List(items))) => Json::Array(
            items
                .iter()
                .map(|item| record_json(item, &field.fields))
                .collect(),
        ),
        (FieldType::List, _) | (FieldType::Paragraphs, None) => Json::Array(Vec::new()),
        (_, Some(v)) => match layout::format_value(v, field) {
            Content::Text(t) => Json::String(t),
            Content::Paras(p) => Json::Array(p.into_iter().map(Json::String).collect()),
        },
        (_, None) => Json::String(String::new()),
    }
}
