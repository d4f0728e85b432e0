//! Custom document properties (name → text): xlsx `docProps/custom.xml`
//! (`<property name="…"><vt:lpwstr>…</vt:lpwstr></property>`) and ods `meta.xml`
//! (`<meta:user-defined meta:name="…">…</meta:user-defined>`). calamine does not read
//! them. They are metadata, not content: a part that is missing or cannot be read
//! gives no properties instead of failing the read.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::XmlVersion;

use crate::grid::FileFormat;

/// The largest properties part read (a few kilobytes in practice).
const MAX_PART: u64 = 4 << 20;

/// The custom properties of a workbook of `format` (none for xls and xlsb).
pub(super) fn read(format: FileFormat, bytes: &[u8]) -> BTreeMap<String, String> {
    let (part, element, name_attr) = match format {
        FileFormat::Xlsx => ("docProps/custom.xml", "property", "name"),
        FileFormat::Ods => ("meta.xml", "user-defined", "name"),
        FileFormat::Xls | FileFormat::Xlsb => return BTreeMap::new(),
    };
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return BTreeMap::new();
    };
    let Ok(entry) = zip.by_name(part) else {
        return BTreeMap::new();
    };
    let mut xml = String::new();
    if entry.take(MAX_PART).read_to_string(&mut xml).is_err() {
        return BTreeMap::new();
    }
    parse(&xml, element, name_attr)
}

/// Every `element` with a `name_attr` attribute, and the text inside it (the text of
/// its child elements, for xlsx's `<vt:lpwstr>`).
fn parse(xml: &str, element: &str, name_attr: &str) -> BTreeMap<String, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == element => {
                let name = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == name_attr)
                    .and_then(|a| {
                        a.normalized_value(XmlVersion::Implicit1_0)
                            .ok()
                            .map(|v| v.into_owned())
                    });
                current = name.map(|n| (n, String::new()));
            }
            Ok(Event::Text(t)) => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&t.xml10_content());
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&entity(&r.xml10_content()));
                }
            }
            Ok(Event::CData(c)) => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&c.xml10_content());
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == element => {
                if let Some((name, text)) = current.take() {
                    out.insert(name, text);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    out
}

/// The text of an entity or character reference (`amp`, `#10`, `#x4E2D`).
fn entity(name: &str) -> String {
    let c = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => name
            .strip_prefix("#x")
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
            .and_then(char::from_u32),
    };
    c.map(String::from).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xlsx_and_ods_properties() {
        let xlsx = r#"<?xml version="1.0"?><Properties xmlns="x" xmlns:vt="v"><property fmtid="{D5}" pid="2" name="jixiao-kind"><vt:lpwstr>department-target</vt:lpwstr></property><property pid="3" name="toml"><vt:lpwstr>year = 2025&#10;a = "&lt;&amp;&gt;"</vt:lpwstr></property></Properties>"#;
        let p = parse(xlsx, "property", "name");
        assert_eq!(
            p.get("jixiao-kind").map(String::as_str),
            Some("department-target")
        );
        assert_eq!(
            p.get("toml").map(String::as_str),
            Some("year = 2025\na = \"<&>\"")
        );
        let ods = r#"<office:document-meta><office:meta><meta:user-defined meta:name="jixiao-kind" meta:value-type="string">甲</meta:user-defined></office:meta></office:document-meta>"#;
        let p = parse(ods, "user-defined", "name");
        assert_eq!(p.get("jixiao-kind").map(String::as_str), Some("甲"));
        assert!(parse("<broken", "property", "name").is_empty());
    }
}
