//! xlsx: cells streamed with calamine's `XlsxCellReader` (values, cached results and
//! formulas in one pass, number formats from the style palette in a second), merged
//! ranges from calamine, column widths and row heights from the sheet XML here.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use calamine::{Reader, Xlsx};
use quick_xml::events::Event;
use quick_xml::XmlVersion;

use super::{
    apply_dates, cell_value, damaged, data_date, dims_to_range, unreadable, worksheets, SheetCells,
};
use crate::address::CellRef;
use crate::error::SheetError;
use crate::format::NumberFormat;
use crate::grid::Sheet;

pub(super) fn read(file: &str, bytes: &[u8]) -> Result<Vec<Sheet>, SheetError> {
    let mut book = match Xlsx::new(Cursor::new(bytes)) {
        Ok(b) => b,
        Err(calamine::XlsxError::Password) => {
            return Err(SheetError::Encrypted {
                file: file.to_string(),
            })
        }
        Err(e) => return Err(damaged(file, "workbook.xml", e)),
    };
    let geometry = sheet_geometry(bytes);
    let is_1904 = book.has_1904_epoch();
    let mut sheets = Vec::new();
    for (name, visible) in worksheets(book.sheets_metadata()) {
        let (mut cells, dates) = read_cells(&mut book, file, &name, is_1904)?;
        let formats = read_formats(&mut book, file, &name)?;
        for (pos, _, format, _) in &mut cells {
            *format = Some(formats.get(pos).cloned().unwrap_or_default());
        }
        let merges = book
            .merge_cells_by_sheet_name(&name)
            .map_err(|e| unreadable(file, &name, e))?
            .iter()
            .map(dims_to_range)
            .collect::<Vec<_>>();
        let mut sheet = Sheet::new(name.clone(), cells, merges);
        sheet.visible = visible;
        apply_dates(&mut sheet, dates);
        if let Some(g) = geometry.get(&name) {
            sheet.col_widths = g.cols.clone();
            sheet.row_heights = g.rows.iter().copied().collect();
        }
        sheets.push(sheet);
    }
    Ok(sheets)
}

fn read_cells<R: std::io::Read + std::io::Seek>(
    book: &mut Xlsx<R>,
    file: &str,
    name: &str,
    is_1904: bool,
) -> Result<SheetCells, SheetError> {
    let mut reader = book
        .worksheet_cells_reader(name)
        .map_err(|e| unreadable(file, name, e))?;
    let mut cells = Vec::new();
    let mut dates = Vec::new();
    while let Some(record) = reader
        .next_cell_with_formula()
        .map_err(|e| unreadable(file, name, e))?
    {
        let pos = CellRef::new(record.pos.0, record.pos.1);
        let formula = record.formula.filter(|f| !f.is_empty());
        if let Some(date) = data_date(&record.value, is_1904) {
            dates.push((pos, date));
        }
        cells.push((pos, cell_value(&record.value), None, formula));
    }
    Ok((cells, dates))
}

fn read_formats<R: std::io::Read + std::io::Seek>(
    book: &mut Xlsx<R>,
    file: &str,
    name: &str,
) -> Result<HashMap<CellRef, NumberFormat>, SheetError> {
    let mut reader = book
        .worksheet_cells_reader(name)
        .map_err(|e| unreadable(file, name, e))?;
    let mut formats = HashMap::new();
    while let Some((row, col, id)) = reader
        .next_style_id()
        .map_err(|e| unreadable(file, name, e))?
    {
        if let Some(nf) = reader
            .styles()
            .get(id)
            .and_then(|s| s.number_format.as_ref())
        {
            formats.insert(
                CellRef::new(row, col),
                NumberFormat::new(nf.format_code.clone()),
            );
        }
    }
    Ok(formats)
}

/// Column widths and row heights of one sheet, as stored.
#[derive(Default)]
struct Geometry {
    cols: Vec<(u32, u32, f64)>,
    rows: Vec<(u32, f64)>,
}

/// Widths and heights by sheet name. They are layout, not content: a part that
/// cannot be read leaves them out instead of failing the import.
fn sheet_geometry(bytes: &[u8]) -> HashMap<String, Geometry> {
    let mut out = HashMap::new();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    let (Some(workbook), Some(rels)) = (
        entry(&mut zip, "xl/workbook.xml"),
        entry(&mut zip, "xl/_rels/workbook.xml.rels"),
    ) else {
        return out;
    };
    let targets: HashMap<String, String> = elements(&rels, "Relationship")
        .into_iter()
        .filter_map(|a| Some((a.get("Id")?.clone(), a.get("Target")?.clone())))
        .collect();
    for sheet in elements(&workbook, "sheet") {
        let (Some(name), Some(target)) = (
            sheet.get("name"),
            sheet.get("id").and_then(|id| targets.get(id)),
        ) else {
            continue;
        };
        let path = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("xl/{target}"),
        };
        let Some(xml) = entry(&mut zip, &path) else {
            continue;
        };
        let mut g = Geometry::default();
        for col in elements(&xml, "col") {
            let num = |k: &str| col.get(k).and_then(|v| v.parse::<f64>().ok());
            if let (Some(min), Some(max), Some(width)) = (num("min"), num("max"), num("width")) {
                if min >= 1.0 && max >= min && max <= 16_384.0 {
                    g.cols.push((min as u32 - 1, max as u32 - 1, width));
                }
            }
        }
        for row in elements(&xml, "row") {
            let (Some(r), Some(ht)) = (
                row.get("r").and_then(|v| v.parse::<u32>().ok()),
                row.get("ht").and_then(|v| v.parse::<f64>().ok()),
            ) else {
                continue;
            };
            if r >= 1 {
                g.rows.push((r - 1, ht));
            }
        }
        out.insert(name.clone(), g);
    }
    out
}

/// One ZIP entry as text, if present and readable (capped at 64 MiB).
fn entry<R: std::io::Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Option<String> {
    let file = zip.by_name(name).ok()?;
    let mut text = String::new();
    file.take(64 << 20).read_to_string(&mut text).ok()?;
    Some(text)
}

/// The attributes (local names → unescaped values) of every element with this local
/// name, in document order. Stops quietly at malformed XML.
fn elements(xml: &str, local: &str) -> Vec<HashMap<String, String>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == local => {
                let attrs = e
                    .attributes()
                    .flatten()
                    .filter_map(|a| {
                        let key = a.key.local_name().as_ref().to_string();
                        let value = a
                            .normalized_value(XmlVersion::Implicit1_0)
                            .ok()?
                            .into_owned();
                        Some((key, value))
                    })
                    .collect();
                out.push(attrs);
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    out
}
