//! ods: what calamine does not read from `content.xml` — merged ranges
//! (`table:number-columns-spanned` / `number-rows-spanned`) and percentage cells
//! (`office:value-type="percentage"`, with the decimals the cell's text shows).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;

use crate::address::{CellRange, CellRef};

/// What this pass finds in one table.
#[derive(Debug, Default)]
pub(super) struct Extras {
    pub merges: Vec<CellRange>,
    /// Percentage cells → decimals shown.
    percent: HashMap<CellRef, usize>,
    /// Percentage cells repeated over a rectangle (`number-columns-repeated`, a
    /// repeated row) → decimals shown.
    percent_areas: Vec<(CellRange, usize)>,
    /// The bounding box of the non-empty cells (repeats included): first and last.
    pub used: Option<(CellRef, CellRef)>,
}

impl Extras {
    /// How many cells calamine will lay out densely for this table.
    pub(super) fn area(&self) -> u64 {
        self.used.map_or(0, |(a, b)| {
            (u64::from(b.row - a.row) + 1) * (u64::from(b.col - a.col) + 1)
        })
    }

    /// The decimals a percentage cell at `pos` shows, if it is one.
    pub(super) fn percent_decimals(&self, pos: CellRef) -> Option<usize> {
        self.percent.get(&pos).copied().or_else(|| {
            self.percent_areas
                .iter()
                .find(|(r, _)| r.contains(pos))
                .map(|(_, d)| *d)
        })
    }

    fn add_percent(&mut self, area: CellRange, decimals: usize) {
        if area.is_single() {
            self.percent.insert(area.first, decimals);
        } else {
            self.percent_areas.push((area, decimals));
        }
    }

    fn grow(&mut self, first: CellRef, last: CellRef) {
        self.used = Some(match self.used {
            None => (first, last),
            Some((a, b)) => (
                CellRef::new(a.row.min(first.row), a.col.min(first.col)),
                CellRef::new(b.row.max(last.row), b.col.max(last.col)),
            ),
        });
    }
}

const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// Whether the ZIP is an OpenDocument spreadsheet (its `mimetype` entry says so).
pub(super) fn is_ods<R: std::io::Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> bool {
    let Ok(entry) = zip.by_name("mimetype") else {
        return false;
    };
    let mut head = Vec::new();
    entry
        .take(ODS_MIME.len() as u64 + 16)
        .read_to_end(&mut head)
        .is_ok()
        && head.starts_with(ODS_MIME)
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn count(e: &BytesStart<'_>, name: &str) -> u32 {
    attr(e, name)
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1)
}

/// Reads `content.xml` once, by table name.
pub(super) fn read_extras(bytes: &[u8]) -> Result<HashMap<String, Extras>, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut xml = String::new();
    zip.by_name("content.xml")
        .map_err(|e| e.to_string())?
        .take(256 << 20)
        .read_to_string(&mut xml)
        .map_err(|e| e.to_string())?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out: HashMap<String, Extras> = HashMap::new();
    let mut table: Option<String> = None;
    let (mut row, mut col, mut row_repeat) = (0u32, 0u32, 1u32);
    // The percentage cell whose text is being read: its area and text so far.
    let mut percent_cell: Option<(CellRange, String)> = None;
    let mut depth_in_cell = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.name().as_ref() {
                    "table:table" => {
                        table = attr(e, "table:name");
                        row = 0;
                        if let Some(name) = &table {
                            out.entry(name.clone()).or_default();
                        }
                    }
                    "table:table-row" => {
                        col = 0;
                        row_repeat = count(e, "table:number-rows-repeated");
                        if empty {
                            row = row.saturating_add(row_repeat);
                        }
                    }
                    "table:table-cell" | "table:covered-table-cell" => {
                        let repeat = count(e, "table:number-columns-repeated");
                        let cols = count(e, "table:number-columns-spanned");
                        let rows = count(e, "table:number-rows-spanned");
                        let here = CellRef::new(row, col);
                        if let Some(extras) = table.as_ref().and_then(|t| out.get_mut(t)) {
                            let has_content = !empty
                                || attr(e, "office:value-type").is_some()
                                || attr(e, "table:formula").is_some();
                            if has_content {
                                let last = CellRef::new(
                                    row.saturating_add(row_repeat - 1),
                                    col.saturating_add(repeat - 1),
                                );
                                extras.grow(here, last);
                            }
                            if e.name().as_ref() == "table:table-cell" && (cols > 1 || rows > 1) {
                                let last = CellRef::new(
                                    row.saturating_add(rows - 1),
                                    col.saturating_add(cols - 1),
                                );
                                extras.merges.push(CellRange::new(here, last));
                            }
                            if attr(e, "office:value-type").as_deref() == Some("percentage") {
                                let area = CellRange::new(
                                    here,
                                    CellRef::new(
                                        row.saturating_add(row_repeat - 1),
                                        col.saturating_add(repeat - 1),
                                    ),
                                );
                                if empty {
                                    extras.add_percent(area, 0);
                                } else {
                                    percent_cell = Some((area, String::new()));
                                    depth_in_cell = 0;
                                }
                            }
                        }
                        col = col.saturating_add(repeat);
                    }
                    _ if percent_cell.is_some() && !empty => depth_in_cell += 1,
                    _ => {}
                }
            }
            Event::Text(ref t) => {
                if let Some((_, text)) = percent_cell.as_mut() {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::End(ref e) => match e.name().as_ref() {
                "table:table-row" => row = row.saturating_add(row_repeat),
                "table:table" => table = None,
                "table:table-cell" | "table:covered-table-cell" if depth_in_cell == 0 => {
                    if let (Some((pos, text)), Some(extras)) = (
                        percent_cell.take(),
                        table.as_ref().and_then(|t| out.get_mut(t)),
                    ) {
                        extras.add_percent(pos, shown_decimals(&text));
                    }
                }
                _ if percent_cell.is_some() => depth_in_cell = depth_in_cell.saturating_sub(1),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Digits after the decimal separator in a shown percentage (`95.00%` → 2).
fn shown_decimals(text: &str) -> usize {
    let number = text.trim().trim_end_matches('%').trim();
    match number.rfind(['.', ',']) {
        Some(i) => number[i + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .count(),
        None => 0,
    }
}
