//! The round trip: `import(export(d))` is `d` (as printed: [`canonical`]) for every
//! sample of every kind (`samples/*.toml`, so a new kind is covered when its sample
//! lands), every valid declaration of the check corpus, and declarations generated
//! from the kind descriptions (proptest); the export is byte-reproducible; LibreOffice
//! re-saves it (xlsx, ods) to the same declaration and prints it to PDF.

mod common;
mod sheet_support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use common::{all_samples, root};
use jixiao::check::{check, DeclarationSource};
use jixiao::date::Date;
use jixiao::declaration::{Measure, Paragraphs, Record, Value};
use jixiao::export::to_xlsx;
use jixiao::import::{canonical, import_bytes, Options};
use jixiao::kind::{Field, FieldType, Kind};
use jixiao::{Amount, Declaration, FontSet, Kinds, Severity};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn samples() -> Vec<(PathBuf, Declaration)> {
    all_samples()
        .into_iter()
        .map(|(name, _, d)| (root().join("samples").join(name), d))
        .collect()
}

/// Imports `bytes` and compares with `d` as printed; the difference, if any.
fn round_trip(what: &str, d: &Declaration, bytes: &[u8]) -> Result<(), String> {
    let import = import_bytes(what, bytes, Kinds::builtin(), &Options::default())
        .map_err(|e| format!("{what}: {e}"))?;
    if import.forms.len() != 1 {
        return Err(format!("{what}: {} forms", import.forms.len()));
    }
    let form = &import.forms[0];
    if !form.notes.is_empty() {
        return Err(format!("{what}: notes {:#?}", form.notes));
    }
    let (got, want) = (canonical(&form.declaration), canonical(d));
    if got != want {
        return Err(format!(
            "{what}: differs\n--- imported\n{}\n--- original\n{}",
            got.to_toml(),
            want.to_toml()
        ));
    }
    Ok(())
}

#[test]
fn every_sample_of_every_kind_round_trips() {
    let samples = samples();
    let kinds: std::collections::BTreeSet<String> = samples
        .iter()
        .map(|(_, d)| d.kind().name().to_owned())
        .collect();
    // Every built-in kind has a sample, so every kind is covered here.
    for kind in Kinds::builtin().iter() {
        assert!(kinds.contains(kind.name()), "no sample of {}", kind.name());
    }
    for (path, d) in &samples {
        let name = path.display().to_string();
        let exported = to_xlsx(d, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(exported.notes.is_empty(), "{name}: {:?}", exported.notes);
        round_trip(&name, d, &exported.bytes).unwrap_or_else(|e| panic!("{e}"));
        // The same declaration, the same bytes.
        let again = to_xlsx(d, &name).expect("export");
        assert!(
            again.bytes == exported.bytes,
            "{name}: the export is not reproducible"
        );
    }
}

#[test]
fn the_round_trip_keeps_what_the_form_does_not_print() {
    // `date` and `archive` are not printed, nor is the year of the 广州 form.
    let (_, mut d) = common::sample("guangzhou-kexie.toml");
    d.set(
        "date",
        Value::Date(Date::parse("2025-01-20").expect("date")),
    );
    d.set("archive", Value::Bool(true));
    let bytes = to_xlsx(&d, "x.xlsx").expect("export").bytes;
    let import =
        import_bytes("x.xlsx", &bytes, Kinds::builtin(), &Options::default()).expect("import");
    let back = &import.forms[0].declaration;
    assert_eq!(back.year(), 2025);
    assert_eq!(
        back.document_date().map(|d| d.iso()).as_deref(),
        Some("2025-01-20")
    );
    assert!(back.archive());
    assert_eq!(canonical(back), canonical(&d));
    // A foreign sheet of that kind has no year anywhere: the import says so.
    let book = jixiao::sheet::read_bytes("x.xlsx", &bytes).expect("read");
    let mut sheet_only = jixiao::export::layout(&d).0;
    sheet_only.sheet_name = book.sheets()[0].name().to_owned();
    let plain =
        jixiao::sheet::write_xlsx("y.xlsx", &[sheet_only], &jixiao::sheet::DocInfo::default())
            .expect("write");
    let err =
        import_bytes("y.xlsx", &plain, Kinds::builtin(), &Options::default()).expect_err("no year");
    assert!(err.to_string().contains("--year"), "{err}");
    let with_year = Options {
        year: Some(2025),
        ..Options::default()
    };
    let imported = import_bytes("y.xlsx", &plain, Kinds::builtin(), &with_year).expect("import");
    assert_eq!(imported.forms[0].declaration.year(), 2025);
}

#[test]
fn every_valid_declaration_of_the_check_corpus_round_trips() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/check"))
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut tried = 0;
    for path in files {
        let source = DeclarationSource::read(&path).expect("read");
        let report = check(source, Kinds::builtin(), &FontSet::bundled());
        if report
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error)
        {
            continue;
        }
        let Some(d) = report.declaration else {
            continue;
        };
        let name = path.display().to_string();
        let exported = to_xlsx(&d, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
        round_trip(&name, &d, &exported.bytes).unwrap_or_else(|e| panic!("{e}"));
        tried += 1;
    }
    assert!(tried >= 8, "only {tried} valid declarations in the corpus");
}

#[test]
fn amounts_beyond_a_spreadsheets_digits_are_kept_as_text() {
    let (_, mut d) = common::sample("zhanjiang-2023-department-target.toml");
    let exact: Decimal = "12345678901234.123456789".parse().expect("decimal");
    d.set("budget.basic", Value::Amount(Amount::new(exact)));
    let exported = to_xlsx(&d, "x.xlsx").expect("export");
    assert_eq!(exported.notes.len(), 1, "{:?}", exported.notes);
    let import = import_bytes(
        "x.xlsx",
        &exported.bytes,
        Kinds::builtin(),
        &Options::default(),
    )
    .expect("import");
    assert_eq!(
        import.forms[0]
            .declaration
            .get("budget.basic")
            .and_then(|v| v.decimal()),
        Some(exact)
    );
}

// ------------------------------------------------------------------ generated

/// Text as clerks type it: CJK, Latin, digits, ≥ ≧ % 、and inner spaces or line breaks.
fn text() -> BoxedStrategy<String> {
    "[甲乙丙丁绩效指标资金万元人次≥≧%、，（）A-Za-z0-9/—]{1,6}([ \n]?[甲乙丙丁≥%A-Za-z0-9]{1,6}){0,2}"
        .prop_map(|s| s)
        .boxed()
}

/// A paragraph as printed: no line breaks, single spaces, trimmed.
fn paragraph() -> BoxedStrategy<String> {
    "[甲乙丙丁绩效目标完成率，。；A-Za-z0-9%]{1,12}( [甲乙丙A-Za-z0-9]{1,8}){0,2}".boxed()
}

/// An amount a spreadsheet keeps exactly, and so do the sums a kind derives from a few
/// of them (at most 15 significant digits; longer ones: see
/// `amounts_beyond_a_spreadsheets_digits_are_kept_as_text`).
fn decimal(max_scale: u32, negative: bool) -> BoxedStrategy<Decimal> {
    (0i64..1_000_000_000, 0..=max_scale, any::<bool>())
        .prop_map(move |(m, scale, neg)| {
            let d = Decimal::new(m, scale);
            if negative && neg {
                -d
            } else {
                d
            }
        })
        .boxed()
}

fn scalar(field: &Field) -> BoxedStrategy<Option<Value>> {
    let value: BoxedStrategy<Value> = match field.kind {
        FieldType::Text => text().prop_map(Value::Text).boxed(),
        FieldType::Paragraphs => proptest::collection::vec(paragraph(), 1..4)
            .prop_map(|p| Value::Paragraphs(Paragraphs(p)))
            .boxed(),
        FieldType::Amount => decimal(4, field.negative)
            .prop_map(|d| Value::Amount(Amount::new(d)))
            .boxed(),
        FieldType::Percent => (0i64..20_000, 0u32..=2)
            .prop_map(|(m, s)| {
                let v = Decimal::new(m, s);
                Value::Percent(Measure {
                    value: v,
                    text: format!("{v}%"),
                })
            })
            .boxed(),
        FieldType::Number => (0i64..100_000, 0u32..=2)
            .prop_map(|(m, s)| {
                let v = Decimal::new(m, s);
                Value::Number(Measure {
                    value: v,
                    text: v.to_string(),
                })
            })
            .boxed(),
        FieldType::Year => (2000i32..2100).prop_map(Value::Year).boxed(),
        FieldType::Date => (2000i32..2100, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| {
                Value::Date(Date(
                    chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date"),
                ))
            })
            .boxed(),
        FieldType::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
        FieldType::Choice => {
            let options = field.options.clone();
            (0..options.len().max(1))
                .prop_map(move |i| Value::Choice(options.get(i).cloned().unwrap_or_default()))
                .boxed()
        }
        FieldType::Table | FieldType::List => unreachable!("containers are records"),
    };
    if field.required {
        value.prop_map(Some).boxed()
    } else {
        proptest::option::weighted(0.8, value).boxed()
    }
}

/// A record of `fields`; list items of an indicator tree get labels from the tree
/// (mostly standard ones, sometimes the filer's own).
fn record(fields: &[Field], depth: usize) -> BoxedStrategy<Record> {
    let parts: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .iter()
        .filter(|f| f.key != "kind")
        .map(|f| {
            let key = f.key.clone();
            let value: BoxedStrategy<Option<Value>> = match f.kind {
                FieldType::Table => record(&f.fields, depth + 1)
                    .prop_map(|r| Some(Value::Table(r)))
                    .boxed(),
                FieldType::List if depth < 2 => {
                    let item = match &f.tree {
                        Some(tree) => tree_item(&f.fields, tree.clone(), depth),
                        None => record(&f.fields, depth + 1),
                    };
                    proptest::collection::vec(item, 0..4)
                        .prop_map(|items| Some(Value::List(items)))
                        .boxed()
                }
                FieldType::List => Just(None).boxed(),
                _ => scalar(f),
            };
            value.prop_map(move |v| v.map(|v| (key.clone(), v))).boxed()
        })
        .collect();
    parts
        .prop_map(|kv| kv.into_iter().flatten().collect::<BTreeMap<_, _>>())
        .boxed()
}

fn tree_item(
    fields: &[Field],
    tree: Arc<jixiao::kind::Tree>,
    depth: usize,
) -> BoxedStrategy<Record> {
    let labels: Vec<(String, Vec<String>)> = tree
        .branches
        .iter()
        .map(|b| (b.name.clone(), b.children.clone()))
        .collect();
    let levels = tree.levels.clone();
    (
        record(fields, depth + 1),
        0..labels.len().max(1),
        0usize..8,
        proptest::option::weighted(0.15, "[自定栏目]{2,4}"),
    )
        .prop_map(move |(mut item, b, c, own)| {
            let (l1, children) = labels.get(b).cloned().unwrap_or_default();
            let l2 = own.clone().unwrap_or_else(|| {
                children
                    .get(c % children.len().max(1))
                    .cloned()
                    .unwrap_or_default()
            });
            if let Some(k) = levels.first() {
                item.insert(k.clone(), Value::Text(l1));
            }
            if let Some(k) = levels.get(1) {
                item.insert(k.clone(), Value::Text(l2));
            }
            item
        })
        .boxed()
}

fn declaration() -> impl Strategy<Value = Declaration> {
    let kinds: Vec<Arc<Kind>> = Kinds::builtin().iter().cloned().collect();
    (0..kinds.len()).prop_flat_map(move |i| {
        let kind = kinds[i].clone();
        record(&kind.fields, 0).prop_map(move |mut r| {
            r.entry("year".into()).or_insert(Value::Year(2025));
            Declaration::from_values(kind.clone(), r)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn generated_declarations_round_trip(d in declaration()) {
        // The declaration as a TOML file says it (empty tables and lists are no keys).
        let d = Declaration::from_toml(&d.to_toml())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", d.to_toml())))?;
        let exported = to_xlsx(&d, "gen.xlsx").map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(exported.notes.is_empty(), "{:?}", exported.notes);
        if let Err(e) = round_trip(d.kind().name(), &d, &exported.bytes) {
            return Err(TestCaseError::fail(e));
        }
    }
}

// ------------------------------------------------------------------ LibreOffice

/// Every sample's export, re-saved by LibreOffice as xlsx and as ods, imports to the
/// same declaration; LibreOffice prints each export to PDF. Three starts of
/// LibreOffice in all.
#[test]
fn libreoffice_resaves_and_prints_the_exports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let profile = dir.path().join("profile");
    let exported = dir.path().join("exported");
    std::fs::create_dir_all(&exported).expect("mkdir");
    let samples = samples();
    let mut inputs = Vec::new();
    for (path, d) in &samples {
        let stem = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let file = exported.join(format!("{stem}.xlsx"));
        std::fs::write(&file, to_xlsx(d, &stem).expect("export").bytes).expect("write");
        inputs.push(file);
    }
    for (target, ext) in [("xlsx", "xlsx"), ("ods", "ods")] {
        let out = dir.path().join(ext);
        sheet_support::convert(&profile, &inputs, target, &out);
        for (path, d) in &samples {
            let stem = path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            let file = out.join(format!("{stem}.{ext}"));
            let bytes = std::fs::read(&file).expect("LibreOffice wrote it");
            round_trip(&format!("{stem} re-saved as {ext}"), d, &bytes)
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let pdf = dir.path().join("pdf");
    sheet_support::convert(&profile, &inputs, "pdf", &pdf);
    for (path, d) in &samples {
        let stem = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(pdf.join(format!("{stem}.pdf"))).expect("a PDF");
        assert!(bytes.starts_with(b"%PDF-"), "{stem}");
        // The amounts are printed as the export formats them (#,##0.00).
        let text = common::squeeze(&common::pdftotext(&bytes, None));
        if let Some((_, a)) = d.amounts().first() {
            let shown = a.to_form_string();
            assert!(
                text.contains(&shown),
                "{stem}: {shown} not in LibreOffice's PDF"
            );
        }
    }
}
