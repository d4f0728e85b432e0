//! Importing the forms departments keep as spreadsheets: one declaration per form
//! sheet, of the kind its title and labels show, read along that kind's layout — the
//! same description (`form.toml`) the PDF is printed from, so a new kind or a user's
//! variant template imports without any Rust written for it.
//!
//! How a sheet is read (`walk.rs`):
//! 1. **The kind** ([`detect`]): every kind's title (`{year}` standing for the year)
//!    and fixed texts — section labels, headings, labels — are looked for in the
//!    sheet; the kind whose title is there and most of whose texts are wins (or
//!    `--kind`).
//! 2. **The sections**, in layout order, by their labels (a label merged down gives
//!    the section's rows); inside each, its header row and fixed labels; every value is
//!    read from the cell its layout position implies relative to those anchors: right
//!    of its label, or under its column heading, whatever the sheet's own column grid.
//!    Merged 一级/二级 labels and task names give the rows of their group; rows with no
//!    value are the skeleton's blank rows, not indicators.
//! 3. **Values** (`typed.rs`) are typed by their field: amounts exact from the stored
//!    number, text as typed (a percentage-formatted number in a text field as `100%`),
//!    paragraphs split at line breaks, choices from their tick marks (`□`, `□√`, `☑`,
//!    `√`).
//! 4. **The title** gives the year; a sign-off block below the table is read by its
//!    labels; values the form does not print (a jixiao export keeps them in the
//!    workbook's custom properties) are restored.
//! 5. **Nothing is dropped silently**: every non-empty cell not imported is a [`Note`]
//!    with its address and why. A sheet of another form, a missing label row, text in
//!    an amount cell are errors naming the cell.

mod detect;
mod restore;
mod slots;
mod typed;
mod walk;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use detect::{detect, find_title, fit, Fit};
pub use restore::{
    canonical, footer_field, shown_paths, unshown, unshown_toml, DERIVED_PROPERTY, KIND_PROPERTY,
    UNPRINTED_PROPERTY,
};
pub use slots::{static_texts, Slot};
pub use typed::ticked;

use crate::{read_bytes, CellRef, Sheet, SheetError, Workbook};
use jixiao_core::declaration::write::{to_toml_with, Annotations};
use jixiao_core::declaration::{Declaration, Value};
use jixiao_core::kind::{common, FieldType, Kind, Kinds};
use jixiao_core::text::single_line;
use walk::{Out, Walk};

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Import the picked sheets (every sheet that fits it, when none are picked) as
    /// this kind instead of detecting it.
    pub kind: Option<String>,
    /// The year, for forms whose title does not show it.
    pub year: Option<i32>,
    /// The sheets to import, by name or 1-based position (`--sheet`); every form
    /// sheet when empty.
    pub sheets: Vec<String>,
}

/// Something the import reports about a cell: a cell not imported, a placeholder, a
/// number read with fewer digits than stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// `Sheet1!C12`.
    pub address: String,
    /// What happened, in Chinese.
    pub zh: String,
    /// The same in English.
    pub en: String,
}

impl Note {
    /// A note about the cell at `address`.
    pub fn new(address: &str, zh: impl Into<String>, en: impl Into<String>) -> Note {
        Note {
            address: address.to_owned(),
            zh: zh.into(),
            en: en.into(),
        }
    }
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}：{} / {}", self.address, self.zh, self.en)
    }
}

/// One form sheet, imported.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The file, as given.
    pub file: String,
    /// The sheet's name.
    pub sheet: String,
    /// The declaration.
    pub declaration: Declaration,
    /// The cell each value came from, by key path (`budget.basic` → `Sheet1!C5`).
    pub cells: BTreeMap<String, String>,
    /// What the import reports: cells not imported and why, values changed on the way.
    pub notes: Vec<Note>,
}

/// A workbook imported: its form sheets, the sheets left out, and the form sheets that
/// could not be imported.
#[derive(Debug)]
pub struct Import {
    /// One per form sheet, in tab order.
    pub forms: Vec<Imported>,
    /// Sheets left out (empty, not a form of any kind, a form left blank), each with
    /// why.
    pub skipped: Vec<Note>,
    /// Form sheets that could not be imported, each with the error; the others are
    /// imported all the same.
    pub failed: Vec<SheetError>,
}

/// Imports the workbook in `bytes` (xlsx, xls, ods), named `file` in messages.
pub fn import_bytes(
    file: &str,
    bytes: &[u8],
    kinds: &Kinds,
    options: &Options,
) -> Result<Import, SheetError> {
    let book = read_bytes(file, bytes)?;
    import_workbook(&book, kinds, options)
}

/// Imports every form sheet of `book` — or the sheets `options.sheets` picks. Each
/// sheet stands alone: an empty sheet, a sheet of no known form and (unless picked) a
/// form left blank — no list item and no amount but zeros — are reported in
/// [`Import::skipped`]; a form sheet that cannot be imported is reported in
/// [`Import::failed`] and the other sheets are imported all the same. Only when no
/// sheet gives a form is the result an error: the first failure, or why the first
/// sheet is no form.
pub fn import_workbook(
    book: &Workbook,
    kinds: &Kinds,
    options: &Options,
) -> Result<Import, SheetError> {
    let hint = book
        .properties()
        .get(restore::KIND_PROPERTY)
        .map(String::as_str);
    let picked = picked_sheets(book, &options.sheets)?;
    // A sheet named on the command line, or the only one, is imported as it is: a
    // blank form too, and a poor fit of `--kind` too.
    let strict = !options.sheets.is_empty() || book.sheets().len() == 1;
    let kind = match &options.kind {
        Some(name) => Some(kinds.get(name).ok_or_else(|| {
            let first = book.sheets().first();
            SheetError::cell(
                book.file(),
                &first.map_or_else(|| "A1".to_owned(), |s| s.address(CellRef::new(0, 0))),
                format!("未知的表样 {name}（jixiao kinds 列出全部）"),
                format!("unknown kind {name} (jixiao kinds lists them)"),
            )
        })?),
        None => None,
    };
    let mut forms = Vec::new();
    let mut skipped = Vec::new();
    let mut failed = Vec::new();
    let mut first_refusal: Option<SheetError> = None;
    for sheet in picked {
        let at = format!("{}!A1", crate::address::quote_sheet_name(sheet.name()));
        if sheet.cells().next().is_none() {
            skipped.push(Note::new(
                &at,
                format!("工作表“{}”是空的", sheet.name()),
                format!("sheet `{}` is empty", sheet.name()),
            ));
            continue;
        }
        let fit = match kind {
            Some(kind) => {
                let fit = fit(sheet, kind);
                let fits = if strict {
                    fit.found > 0 || fit.title.is_some()
                } else {
                    fit.accepted()
                };
                if !fits {
                    let (error, note) = not_a_form(book.file(), sheet, Some(&fit));
                    skipped.push(note);
                    first_refusal.get_or_insert(error);
                    continue;
                }
                fit
            }
            None => match detect(sheet, kinds, hint) {
                Ok(fit) => fit,
                Err(best) => {
                    let (error, note) = not_a_form(book.file(), sheet, best.as_ref());
                    skipped.push(note);
                    first_refusal.get_or_insert(error);
                    continue;
                }
            },
        };
        let name = fit.kind.name().to_owned();
        let title = fit.kind.generic_title();
        let blank = |why_zh: String, why_en: String| {
            Note::new(
                &at,
                format!(
                    "工作表“{}”是一张空白的{title}（{name}）：{why_zh}；未导入（要导入它，用 --sheet 指明）",
                    sheet.name()
                ),
                format!(
                    "sheet `{}` is a blank {name} form ({title}): {why_en}; not imported (name it with --sheet to import it)",
                    sheet.name()
                ),
            )
        };
        match import_sheet(book, sheet, &fit, options) {
            Ok(form) if !strict && is_blank(&form.declaration) => skipped.push(blank(
                "没有一项指标或列表行，金额全为 0 或空".to_owned(),
                "no indicator or list row, every amount zero or blank".to_owned(),
            )),
            Ok(form) => forms.push(form),
            Err(e) if !strict && only_zeros(sheet) => {
                let (zh, en) = e.in_each_language();
                skipped.push(blank(
                    format!("表中的数字全为 0，且无法按表样读取（{zh}）"),
                    format!("every number in it is zero, and it does not read as the kind ({en})"),
                ));
            }
            Err(e) => failed.push(e),
        }
    }
    if forms.is_empty() {
        let mut failed = failed.into_iter();
        return Err(failed
            .next()
            .or(first_refusal)
            .unwrap_or_else(|| SheetError::Empty {
                file: book.file().to_owned(),
            }));
    }
    Ok(Import {
        forms,
        skipped,
        failed,
    })
}

/// The sheets `picks` names (by name, else by 1-based position), in the order given;
/// every sheet when there are none. A pick no sheet answers is the error, listing the
/// sheets.
fn picked_sheets<'b>(book: &'b Workbook, picks: &[String]) -> Result<Vec<&'b Sheet>, SheetError> {
    if picks.is_empty() {
        return Ok(book.sheets().iter().collect());
    }
    let mut out: Vec<&Sheet> = Vec::new();
    for pick in picks {
        let by_name = book
            .sheets()
            .iter()
            .find(|s| s.name() == pick.as_str())
            .or_else(|| {
                book.sheets()
                    .iter()
                    .find(|s| s.name().trim() == pick.trim())
            });
        let by_index = || {
            pick.trim()
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| book.sheets().get(i))
        };
        match by_name.or_else(by_index) {
            Some(sheet) if !out.iter().any(|s| std::ptr::eq(*s, sheet)) => out.push(sheet),
            Some(_) => {}
            None => {
                let names: Vec<String> = book
                    .sheets()
                    .iter()
                    .enumerate()
                    .map(|(i, s)| format!("{} {}", i + 1, s.name()))
                    .collect();
                let count = names.len();
                let list = names.join("、");
                return Err(SheetError::Cell {
                    address: book.file().to_owned(),
                    message_zh: format!(
                        "没有工作表“{pick}”：--sheet 写工作表名或序号（1–{count}）：{list}"
                    ),
                    message_en: format!(
                        "no sheet `{pick}`: --sheet takes a sheet's name or position (1–{count}): {}",
                        names.join(", ")
                    ),
                });
            }
        }
    }
    Ok(out)
}

/// Whether an imported form holds nothing but its identification: no item in any
/// list and no amount, number or percentage other than zero.
fn is_blank(decl: &Declaration) -> bool {
    let kind = decl.kind();
    let lists_empty = kind
        .fields
        .iter()
        .filter(|f| f.kind == FieldType::List)
        .all(|f| match decl.get(&f.key) {
            Some(Value::List(items)) => items.is_empty(),
            _ => true,
        });
    let mut only_zeros = true;
    decl.walk(&mut |_, _, v| match v {
        Value::Amount(a) if !a.value().is_zero() => only_zeros = false,
        Value::Number(m) | Value::Percent(m) if !m.value.is_zero() => only_zeros = false,
        _ => {}
    });
    lists_empty && only_zeros
}

/// Whether every number a sheet shows (stored as a number, or typed as text such as
/// `'0.00'` or `'0.00%'`) is zero.
fn only_zeros(sheet: &Sheet) -> bool {
    sheet
        .cells()
        .filter(|c| !c.is_covered())
        .all(|c| match c.number() {
            Some(n) => n.value().is_zero(),
            None => c
                .text()
                .map(|t| t.trim().trim_end_matches(['%', '％']).replace(',', ""))
                .and_then(|t| t.parse::<rust_decimal::Decimal>().ok())
                .is_none_or(|d| d.is_zero()),
        })
}

/// The error and the note for a sheet that is no form of any kind.
fn not_a_form(file: &str, sheet: &Sheet, best: Option<&Fit>) -> (SheetError, Note) {
    let first = sheet
        .cells()
        .find(|c| !c.is_covered())
        .map_or(CellRef::new(0, 0), |c| c.pos());
    let address = sheet.address(first);
    let shown = sheet
        .cell(first)
        .map(|c| single_line(&c.plain_text()))
        .unwrap_or_default();
    let (zh, en) = match best {
        Some(fit) => (
            format!(
                "工作表“{}”不是已知的表样：“{shown}”不是任何表样的标题；最接近的是 {}（{}），其 {} 个栏目中只找到 {} 个，例如缺少“{}”。可用 --kind 指定表样",
                sheet.name(),
                fit.kind.name(),
                fit.kind.generic_title(),
                fit.total,
                fit.found,
                fit.first_missing.clone().unwrap_or_default()
            ),
            format!(
                "sheet `{}` is not a form of a known kind: `{shown}` is no kind's title; the closest is {} ({}), of whose {} labels only {} are there (e.g. no `{}`). Give the kind with --kind",
                sheet.name(),
                fit.kind.name(),
                fit.kind.generic_title(),
                fit.total,
                fit.found,
                fit.first_missing.clone().unwrap_or_default()
            ),
        ),
        None => (
            format!("工作表“{}”不是已知的表样", sheet.name()),
            format!("sheet `{}` is not a form of a known kind", sheet.name()),
        ),
    };
    (
        SheetError::cell(file, &address, zh.clone(), en.clone()),
        Note::new(&address, zh, en),
    )
}

/// Imports one sheet as the kind `fit` names.
pub fn import_sheet(
    book: &Workbook,
    sheet: &Sheet,
    fit: &Fit,
    options: &Options,
) -> Result<Imported, SheetError> {
    let kind: &Arc<Kind> = &fit.kind;
    let file = book.file();
    let mut walk = Walk::new(file, sheet, kind);
    let used = sheet.used_range();
    let last_row = used.map_or(0, |r| r.last.row);
    // The title rows: above the first section.
    let top = [fit.title, fit.subtitle]
        .iter()
        .flatten()
        .map(|(pos, _)| sheet.span(*pos).last.row + 1)
        .max()
        .unwrap_or(0);
    for (pos, _) in [fit.title, fit.subtitle].iter().flatten() {
        walk.ledger.mark(*pos);
    }
    let footer_field = restore::footer_field(kind);
    let mut placed = walk.place_sections(top, last_row)?;
    let mut out = Out::default();
    // The lines outside the table; those below it end the last section.
    if let (Some(first), Some(last)) = (placed.first().cloned(), placed.last().cloned()) {
        let table_first = first.label.map_or(first.first, |l| l.row.min(first.first));
        if let Some(foot) = walk.read_lines(table_first, last.first, &mut out)? {
            if let Some(p) = placed.last_mut() {
                p.last = p.last.min(foot.saturating_sub(1)).max(p.first);
            }
        }
    }
    // A sign-off block below the table ends the last section.
    if let (Some(field), Some(last)) = (footer_field, placed.last().cloned()) {
        let from = match last.label.map(|l| sheet.span(l)) {
            Some(span) if !span.is_single() => span.last.row + 1,
            _ => last.first + 1,
        };
        if let Some(first) = walk.read_footer(field, from, &mut out)? {
            if let Some(p) = placed.last_mut() {
                p.last = p.last.min(first.saturating_sub(1)).max(p.first);
            }
        }
    }
    walk.read_sections(&placed, &mut out)?;
    let mut record = out.record;
    let mut cells: BTreeMap<String, String> = out.cells.into_iter().collect();
    let mut notes = std::mem::take(&mut walk.notes);

    // The year: the title's, the workbook's own record of it, or --year.
    let year_field = kind.field(common::YEAR);
    let from_title = fit.year();
    if let (Some(year), Some((pos, _))) = (from_title, fit.title.or(fit.subtitle)) {
        record.insert(common::YEAR.to_owned(), Value::Year(year));
        cells.insert(common::YEAR.to_owned(), sheet.address(pos));
    }
    let mine = book
        .properties()
        .get(restore::KIND_PROPERTY)
        .map(String::as_str)
        == Some(kind.name());
    if mine {
        restore::restore(kind, book.properties(), &mut record);
    }
    match (record.get(common::YEAR), options.year) {
        (None, Some(year)) => {
            record.insert(common::YEAR.to_owned(), Value::Year(year));
        }
        (Some(Value::Year(y)), Some(year)) if *y != year => notes.push(Note::new(
            &cells.get(common::YEAR).cloned().unwrap_or_default(),
            format!("表中的年度是 {y}，未采用 --year {year}"),
            format!("the sheet shows the year {y}; --year {year} is not used"),
        )),
        _ => {}
    }
    if !record.contains_key(common::YEAR) && year_field.is_some_and(|f| f.required) {
        let at = fit.title.map_or(CellRef::new(0, 0), |(pos, _)| pos);
        return Err(SheetError::cell(
            file,
            &sheet.address(at),
            "表中看不出预算年度（标题不含年份）：请用 --year 指定",
            "the sheet does not show the budget year (its title has none): give it with --year",
        ));
    }
    if fit.title.is_none() {
        notes.push(Note::new(
            &sheet.address(CellRef::new(0, 0)),
            format!(
                "没有找到表样 {} 的标题“{}”",
                kind.name(),
                kind.generic_title()
            ),
            format!("the title of the kind {} was not found", kind.name()),
        ));
    }
    if mine {
        restore::underive(kind, book.properties(), &mut record);
    }

    // Everything not used, with why.
    let sections: Vec<(u32, u32, String)> = placed
        .iter()
        .zip(kind.sections())
        .map(|(p, s)| {
            (
                p.first,
                p.last,
                slots::section_label(kind, s).unwrap_or_else(|| "表格".to_owned()),
            )
        })
        .collect();
    let first_row = sections.first().map_or(0, |s| s.0);
    let unused: Vec<(CellRef, bool)> = sheet
        .cells()
        .filter(|c| !walk.ledger.is_used(c.pos()))
        .map(|c| (c.pos(), c.is_covered()))
        .collect();
    for (pos, covered) in unused {
        if covered {
            continue;
        }
        if pos.row < first_row {
            walk.ledger.skip(
                pos,
                "在表格上方，不是表样的标题 / above the table, not the form's title",
            );
        } else if let Some((_, _, label)) = sections
            .iter()
            .find(|(a, b, _)| (*a..=*b).contains(&pos.row))
        {
            if !walk.ledger.is_skipped(pos) {
                walk.ledger.skip(
                    pos,
                    format!(
                        "在“{label}”栏目内，但不在表样的任何栏位上 / inside the `{label}` section, but at no place of the form's layout"
                    ),
                );
            }
        }
    }
    for left in walk.ledger.leftovers() {
        let text = single_line(&left.text);
        let shown: String = text.chars().take(40).collect();
        let more = if text.chars().count() > 40 { "…" } else { "" };
        let (zh, en) = left
            .reason
            .split_once(" / ")
            .unwrap_or((&left.reason, &left.reason));
        notes.push(Note::new(
            &left.address,
            format!("“{shown}{more}”未导入：{zh}"),
            format!("`{shown}{more}` not imported: {en}"),
        ));
    }
    let declaration = Declaration::from_values(kind.clone(), record);
    Ok(Imported {
        file: file.to_owned(),
        sheet: sheet.name().to_owned(),
        declaration,
        cells,
        notes,
    })
}

impl Imported {
    /// The declaration as TOML in the layout of the samples: each key with its form
    /// label and the cell it came from; at the top where it was imported from, at the
    /// end every cell not imported.
    pub fn to_toml(&self) -> String {
        let d = &self.declaration;
        let mut header = vec![
            format!("{} — {}", d.title(), d.filer()),
            format!(
                "由 jixiao import 据 {}（工作表“{}”）导入；每个键右侧的注释是它在表中的栏目和单元格。",
                self.file, self.sheet
            ),
            format!(
                "imported by jixiao import from {} (sheet `{}`); beside each key: its label on the form and its cell.",
                self.file, self.sheet
            ),
        ];
        let blank = blank_fields(d);
        if !blank.is_empty() {
            header.push(format!("表中未填 / left blank: {}", blank.join("、")));
        }
        let footer = if self.notes.is_empty() {
            Vec::new()
        } else {
            let mut lines = vec!["导入说明 / import notes:".to_owned()];
            lines.extend(self.notes.iter().map(|n| format!("  {n}")));
            lines
        };
        to_toml_with(
            d,
            &Annotations {
                header,
                notes: self.cells.clone(),
                footer,
            },
        )
    }
}

/// The labels of the top-level and table fields the declaration leaves out.
fn blank_fields(decl: &Declaration) -> Vec<String> {
    let mut out = Vec::new();
    for field in decl.kind().fields.iter().filter(|f| !f.common) {
        match (field.kind, decl.get(&field.key)) {
            (FieldType::Table, Some(Value::Table(t))) => {
                for inner in &field.fields {
                    if t.get(&inner.key).is_none_or(Value::is_blank) {
                        out.push(inner.title.clone());
                    }
                }
            }
            (FieldType::Table, None) if field.optional_block => {}
            (FieldType::Table, None) => out.push(field.label.clone()),
            (_, None) => out.push(field.label.clone()),
            (_, Some(v)) if v.is_blank() => out.push(field.label.clone()),
            _ => {}
        }
    }
    out.retain(|l| l != "预算年度");
    out
}
