//! Fuzz target: the spreadsheet reader (`jixiao::sheet::read_bytes`) and the import
//! (`jixiao::import`) on arbitrary bytes and on the real 湛江 2023 xlsx with one part
//! replaced by the input. Nothing may panic or hang; a workbook that reads must keep
//! the grid's invariants, and its texts and numbers must survive the writer and the
//! reader again; a sheet that imports must give a declaration its own TOML reads back
//! exactly, and that exports and imports again to the same declaration as printed.
//!
//! The first input byte picks the mode: `0` the rest is the file; `1`, `2`, `3` the rest
//! replaces the real form's sheet XML, shared strings or styles. Seeds, committed in
//! `fuzz/corpus/sheet/` and made by `scripts/fuzz-seeds.sh`: the three real files
//! prefixed with `\x00`, the three parts prefixed with their mode. Run:
//! `bash scripts/fuzz.sh 60 sheet`.
//!
//! `tests/sheet_fuzz.rs` includes this file and runs [`check`] on those seeds and on
//! deterministic mutations of them in every test run; `tests/fuzz_corpus.rs` replays the
//! committed corpus.
#![cfg_attr(fuzzing, no_main)]

use std::io::{Cursor, Read, Write};

use jixiao::import::{canonical, import_bytes, import_workbook, Options};
use jixiao::sheet::{
    read_bytes, write_xlsx, CellRef, CellStyle, CellValue, Content, DocInfo, Layout, Ledger,
    Number, Workbook,
};
use jixiao::{Declaration, Kinds};

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| check(data));

/// The real form whose parts the structured modes replace.
pub(crate) const SEED: &[u8] =
    include_bytes!("../../../shared/forms/zhanjiang-2023-department-target.xlsx");

/// The parts modes 1–3 replace.
pub(crate) const PARTS: [&str; 3] = [
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
];

/// One fuzz input: read it, and check what reads.
pub(crate) fn check(data: &[u8]) {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = match mode % 4 {
        0 => rest.to_vec(),
        m => match with_part(SEED, PARTS[usize::from(m) - 1], rest) {
            Some(b) => b,
            None => return,
        },
    };
    match read_bytes("fuzz.xlsx", &bytes) {
        Err(e) => {
            assert_eq!(e.exit_code(), 1);
            assert!(!e.to_string().is_empty());
        }
        Ok(book) => {
            invariants(&book);
            imports(&book);
        }
    }
}

/// The import: an error is a user error; an imported declaration reads back from its
/// TOML, and exports and imports to itself (as printed).
pub(crate) fn imports(book: &Workbook) {
    let kinds = Kinds::builtin();
    let import = match import_workbook(book, kinds, &Options::default()) {
        Err(e) => {
            assert_eq!(e.exit_code(), 1);
            assert!(!e.to_string().is_empty());
            return;
        }
        Ok(import) => import,
    };
    for form in &import.forms {
        // Read as `jixiao check` reads it: a sheet may leave out what a declaration
        // requires (the checks then say so), but every value reads back the same.
        let toml = form.to_toml();
        let table = toml::de::DeTable::parse(&toml)
            .unwrap_or_else(|e| panic!("the imported TOML is not TOML: {e}\n{toml}"));
        let reading = Declaration::read(table.get_ref(), kinds);
        let wrong: Vec<_> = reading
            .findings
            .iter()
            .filter(|f| f.code != "missing")
            .collect();
        assert!(
            wrong.is_empty(),
            "the imported TOML does not read: {wrong:?}\n{toml}"
        );
        let again = reading.declaration.expect("a declaration of a known kind");
        assert!(
            again == form.declaration,
            "the imported TOML reads back differently:\n{toml}"
        );
        let Ok(exported) = jixiao::export::to_xlsx(&form.declaration, "again.xlsx") else {
            continue; // e.g. a text longer than a cell holds
        };
        let back = import_bytes("again.xlsx", &exported.bytes, kinds, &Options::default())
            .unwrap_or_else(|e| panic!("the export does not import: {e}\n{toml}"));
        assert_eq!(back.forms.len(), 1);
        assert!(
            canonical(&back.forms[0].declaration) == canonical(&form.declaration),
            "export and import change the declaration:\n{toml}\n---\n{}",
            back.forms[0].declaration.to_toml()
        );
    }
}

/// The seed with one part's bytes replaced (the other parts as they are).
pub(crate) fn with_part(seed: &[u8], part: &str, content: &[u8]) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(seed)).ok()?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).ok()?;
        let name = entry.name().ok()?.to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).ok()?;
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .ok()?;
        out.write_all(if name == part { content } else { &bytes })
            .ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}

fn invariants(book: &Workbook) {
    for sheet in book.sheets() {
        let count = sheet.cells().count();
        for cell in sheet.cells() {
            let pos = cell.pos();
            assert_eq!(CellRef::parse(&pos.a1()), Some(pos));
            let _ = (cell.plain_text(), cell.display_text(), sheet.address(pos));
            if let Some(m) = cell.merge() {
                assert!(m.contains(pos));
            }
            if let Some(n) = cell.number() {
                if !n.was_rounded() {
                    let again = n
                        .value()
                        .to_string()
                        .parse::<f64>()
                        .ok()
                        .and_then(Number::from_stored);
                    assert_eq!(again.map(|a| a.value()), Some(n.value()), "{pos}");
                }
            }
        }
        for m in sheet.merges() {
            assert_eq!(sheet.anchor(m.last), m.first);
        }
        let ledger = Ledger::new(sheet);
        assert_eq!(ledger.leftovers().len(), count);
        if let Some(used) = sheet.used_range() {
            let mut ledger = Ledger::new(sheet);
            ledger.mark_range(used);
            assert!(ledger.leftovers().is_empty());
            // Groups down any column cover the rows asked for, once each, in order.
            let rows = used.first.row..=used.last.row.min(used.first.row.saturating_add(2000));
            let mut next = *rows.start();
            for g in sheet.groups(used.first.col, rows.clone()) {
                assert_eq!(*g.rows.start(), next);
                next = g.rows.end() + 1;
            }
            assert_eq!(next, rows.end() + 1);
        }
        rewrite(sheet);
    }
}

/// Texts and numbers of the visible cells, written and read again, are the same.
fn rewrite(sheet: &jixiao::sheet::Sheet) {
    let mut layout = Layout::new("s");
    let mut expected = Vec::new();
    for cell in sheet
        .cells()
        .filter(|c| !c.is_covered() && c.pos().col < 16_384 && c.pos().row < 1_048_576)
        .take(500)
    {
        let content = match cell.value() {
            CellValue::Text(t) if t.chars().count() <= 32_767 => Content::Text(t.clone()),
            CellValue::Number(n) => Content::Number(n.value()),
            _ => continue,
        };
        layout.put(cell.pos(), content, CellStyle::default());
        expected.push((cell.pos(), cell.value().clone()));
    }
    if expected.is_empty() {
        return;
    }
    let bytes = write_xlsx("again.xlsx", &[layout], &DocInfo::default())
        .expect("texts and read numbers always write");
    let again = read_bytes("again.xlsx", &bytes).expect("the written file reads");
    let s = &again.sheets()[0];
    for (pos, value) in expected {
        let got = s.value(pos);
        match (got, &value) {
            (CellValue::Number(a), CellValue::Number(b)) => {
                assert_eq!(a.value(), b.value(), "{pos}")
            }
            _ => assert_eq!(got, &value, "{pos}"),
        }
    }
}
