//! Reading an OFD package back: its parts, the main entry, the document's page list and
//! attachments. Lenient where producers differ (namespace prefixes, absolute or relative
//! locations), strict where a mistake would mislead (paths outside the package, missing
//! parts).

use std::collections::BTreeMap;

use super::zip::{self, Entry};
use super::OfdError;

/// The parts of a package, in the order of its zip directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    entries: Vec<Entry>,
}

impl Package {
    /// Reads the zip file `bytes`.
    pub fn parse(bytes: &[u8]) -> Result<Package, OfdError> {
        let entries = zip::read(bytes).map_err(|e| OfdError::Package(e.to_string()))?;
        Ok(Package { entries })
    }

    /// A package of `entries`.
    pub fn from_entries(entries: Vec<Entry>) -> Package {
        Package { entries }
    }

    /// The part at `path` (no leading slash).
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        let path = path.trim_start_matches('/');
        self.entries
            .iter()
            .find(|e| e.name == path)
            .map(|e| e.data.as_slice())
    }

    /// The part at `path`, or an error naming it.
    pub fn require(&self, path: &str) -> Result<&[u8], OfdError> {
        self.get(path).ok_or_else(|| {
            OfdError::Package(format!("缺少部件 {path} / the part {path} is missing"))
        })
    }

    /// Every part, in order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The parts, consumed.
    pub fn into_entries(self) -> Vec<Entry> {
        self.entries
    }
}

/// The directory of a package path (`Doc_0/Document.xml` → `Doc_0`).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Resolves the location `loc` written in a part in directory `dir`: absolute locations
/// (`/Doc_0/…`) from the package root, others from `dir`; `.` and `..` applied. `None`
/// when the location leaves the package.
pub fn resolve(dir: &str, loc: &str) -> Option<String> {
    let loc = loc.trim();
    let mut parts: Vec<&str> = Vec::new();
    if !loc.starts_with('/') {
        parts.extend(dir.split('/').filter(|p| !p.is_empty()));
    }
    for part in loc.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// An XML part, parsed.
pub fn parse_xml<'a>(path: &str, bytes: &'a [u8]) -> Result<roxmltree::Document<'a>, OfdError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| OfdError::Package(format!("{path} 不是 UTF-8 / {path} is not UTF-8")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    roxmltree::Document::parse(text).map_err(|e| {
        OfdError::Package(format!(
            "{path} 不是有效的 XML / {path} is not valid XML: {e}"
        ))
    })
}

/// The first child element of `node` with local name `name`.
pub fn child<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'input>> {
    node.children()
        .find(|n| n.is_element() && n.tag_name().name() == name)
}

/// Every child element of `node` with local name `name`.
pub fn children<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

/// The text of the child element `name`, trimmed.
pub fn child_text(node: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    child(node, name)
        .and_then(|n| n.text())
        .map(|t| t.trim().to_owned())
}

/// What `OFD.xml` says about the (first) document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MainEntry {
    /// `DocRoot`, resolved.
    pub doc_root: String,
    /// `Signatures`, resolved, when the document is signed.
    pub signatures: Option<String>,
    /// `DocID`.
    pub doc_id: Option<String>,
    /// `Title`.
    pub title: Option<String>,
    /// `Creator` and `CreatorVersion`, joined by a space.
    pub creator: Option<String>,
    /// `CreationDate`.
    pub creation_date: Option<String>,
    /// `CustomData` by name.
    pub custom: BTreeMap<String, String>,
}

/// Reads `OFD.xml`.
pub fn main_entry(package: &Package) -> Result<MainEntry, OfdError> {
    let bytes = package.require("OFD.xml")?;
    let doc = parse_xml("OFD.xml", bytes)?;
    let root = doc.root_element();
    if root.tag_name().name() != "OFD" {
        return Err(OfdError::Package(
            "OFD.xml 的根元素不是 OFD / the root element of OFD.xml is not OFD".into(),
        ));
    }
    let body = child(root, "DocBody").ok_or_else(|| {
        OfdError::Package("OFD.xml 中没有 DocBody / OFD.xml has no DocBody".into())
    })?;
    let loc = |name: &str| -> Result<Option<String>, OfdError> {
        match child_text(body, name) {
            None => Ok(None),
            Some(text) => resolve("", &text).map(Some).ok_or_else(|| {
                OfdError::Package(format!(
                    "OFD.xml 的 {name} 指向包外 / the {name} of OFD.xml points outside the package"
                ))
            }),
        }
    };
    let doc_root = loc("DocRoot")?.ok_or_else(|| {
        OfdError::Package("OFD.xml 中没有 DocRoot / OFD.xml has no DocRoot".into())
    })?;
    let signatures = loc("Signatures")?;
    let info = child(body, "DocInfo");
    let text = |name: &str| info.and_then(|i| child_text(i, name));
    let creator = match (text("Creator"), text("CreatorVersion")) {
        (Some(c), Some(v)) => Some(format!("{c} {v}")),
        (c, _) => c,
    };
    let mut custom = BTreeMap::new();
    if let Some(datas) = info.and_then(|i| child(i, "CustomDatas")) {
        for data in children(datas, "CustomData") {
            if let Some(name) = data.attribute("Name") {
                custom.insert(
                    name.to_owned(),
                    data.text().unwrap_or_default().trim().to_owned(),
                );
            }
        }
    }
    Ok(MainEntry {
        doc_root,
        signatures,
        doc_id: text("DocID"),
        title: text("Title"),
        creator,
        creation_date: text("CreationDate"),
        custom,
    })
}

/// What `Document.xml` says: the pages in order (id, content path) and the attachment
/// list's path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentEntry {
    /// Each page: its id and the path of its `Content.xml`.
    pub pages: Vec<(String, String)>,
    /// The attachment list, resolved.
    pub attachments: Option<String>,
    /// `PageArea/PhysicalBox` (x, y, width, height) in mm.
    pub physical_box: Option<[f64; 4]>,
}

/// Reads the document at `doc_root`.
pub fn document(package: &Package, doc_root: &str) -> Result<DocumentEntry, OfdError> {
    let bytes = package.require(doc_root)?;
    let doc = parse_xml(doc_root, bytes)?;
    let root = doc.root_element();
    let dir = parent(doc_root);
    let mut out = DocumentEntry::default();
    if let Some(pages) = child(root, "Pages") {
        for page in children(pages, "Page") {
            let id = page.attribute("ID").unwrap_or_default().to_owned();
            let loc = page.attribute("BaseLoc").unwrap_or_default();
            let path = resolve(dir, loc).ok_or_else(|| {
                OfdError::Package(format!(
                    "页面 {id} 的位置 {loc} 无效 / page {id} has an invalid location {loc}"
                ))
            })?;
            out.pages.push((id, path));
        }
    }
    out.attachments = child_text(root, "Attachments").and_then(|loc| resolve(dir, &loc));
    out.physical_box = child(root, "CommonData")
        .and_then(|c| child(c, "PageArea"))
        .and_then(|a| child_text(a, "PhysicalBox"))
        .and_then(|b| {
            let v: Vec<f64> = b
                .split_whitespace()
                .filter_map(|t| t.parse().ok())
                .collect();
            <[f64; 4]>::try_from(v).ok()
        });
    Ok(out)
}

/// One attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// `ID`.
    pub id: String,
    /// `Name`.
    pub name: String,
    /// `Format`.
    pub format: Option<String>,
    /// The file's package path.
    pub path: String,
}

/// Reads the attachment list at `path`.
pub fn attachments(package: &Package, path: &str) -> Result<Vec<Attachment>, OfdError> {
    let bytes = package.require(path)?;
    let doc = parse_xml(path, bytes)?;
    let dir = parent(path);
    let mut out = Vec::new();
    for a in children(doc.root_element(), "Attachment") {
        let Some(file) = child_text(a, "FileLoc").and_then(|loc| resolve(dir, &loc)) else {
            continue;
        };
        out.push(Attachment {
            id: a.attribute("ID").unwrap_or_default().to_owned(),
            name: a.attribute("Name").unwrap_or_default().to_owned(),
            format: a.attribute("Format").map(str::to_owned),
            path: file,
        });
    }
    Ok(out)
}

/// The declaration a jixiao OFD carries: its name and bytes. Found through the main
/// entry's `jixiao.source.file` custom data, else as the first TOML attachment.
pub fn source_attachment(package: &Package) -> Result<Option<(String, Vec<u8>)>, OfdError> {
    let main = main_entry(package)?;
    let document = document(package, &main.doc_root)?;
    let Some(list) = &document.attachments else {
        return Ok(None);
    };
    let all = attachments(package, list)?;
    let named = main
        .custom
        .get(super::meta::SOURCE_FILE)
        .and_then(|p| all.iter().find(|a| a.path == p.trim_start_matches('/')));
    let found = named.or_else(|| {
        all.iter().find(|a| {
            a.format.as_deref() == Some("toml") || a.name.to_lowercase().ends_with(".toml")
        })
    });
    Ok(found.and_then(|a| {
        package
            .get(&a.path)
            .map(|bytes| (a.name.clone(), bytes.to_vec()))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_from_their_directory_or_the_root() {
        assert_eq!(
            resolve("Doc_0", "Pages/Page_0/Content.xml").as_deref(),
            Some("Doc_0/Pages/Page_0/Content.xml")
        );
        assert_eq!(
            resolve("Doc_0/Signs", "/Doc_0/Signs/Sign_0/Signature.xml").as_deref(),
            Some("Doc_0/Signs/Sign_0/Signature.xml")
        );
        assert_eq!(
            resolve("Doc_0/Res", "./font_1.ttf").as_deref(),
            Some("Doc_0/Res/font_1.ttf")
        );
        assert_eq!(
            resolve("Doc_0/Res", "../Attachs/a.toml").as_deref(),
            Some("Doc_0/Attachs/a.toml")
        );
        assert_eq!(resolve("Doc_0", "../../etc/passwd"), None);
        assert_eq!(resolve("", ""), None);
    }

    #[test]
    fn parents() {
        assert_eq!(parent("Doc_0/Document.xml"), "Doc_0");
        assert_eq!(parent("OFD.xml"), "");
    }
}
