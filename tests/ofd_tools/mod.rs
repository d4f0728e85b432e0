//! Helpers for the OFD and seal tests: the independent tools (ofd-cli, ofdkit, sofd,
//! xmllint, openssl, pdftoppm), test keys, and reading packages back. Every tool is
//! installed by `scripts/test.sh`; a missing tool fails the test, it never skips it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The command for `name`: the environment variable `JIXIAO_{NAME}` (upper case, `-` as
/// `_`) when set, else `name` on the `PATH`.
pub(crate) fn tool_path(name: &str) -> PathBuf {
    let var = format!("JIXIAO_{}", name.to_uppercase().replace('-', "_"));
    std::env::var_os(&var).map_or_else(|| PathBuf::from(name), PathBuf::from)
}

/// Runs a tool and returns its output (whatever its exit code).
pub(crate) fn run(name: &str, args: &[&str], cwd: &Path) -> Output {
    Command::new(tool_path(name))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| {
            panic!("{name} not found ({e}): run `bash scripts/test.sh`, which installs it")
        })
}

/// Runs a tool that must succeed; returns its standard output.
pub(crate) fn run_ok(name: &str, args: &[&str], cwd: &Path) -> String {
    let out = run(name, args, cwd);
    assert!(
        out.status.success(),
        "{name} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard output and error of a process, together.
pub(crate) fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The parts of an OFD (zip) package, read with jixiao's reader.
pub(crate) fn parts(ofd: &[u8]) -> Vec<(String, Vec<u8>)> {
    jixiao::ofd::zip::read(ofd)
        .expect("a readable OFD")
        .into_iter()
        .map(|e| (e.name, e.data))
        .collect()
}

/// The part at `name`.
pub(crate) fn part(ofd: &[u8], name: &str) -> Vec<u8> {
    parts(ofd)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, d)| d)
        .unwrap_or_else(|| panic!("no part {name}"))
}

/// `ofd` with the part `name` replaced by `edit(old bytes)`.
pub(crate) fn with_part(ofd: &[u8], name: &str, edit: impl Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let mut found = false;
    let entries: Vec<jixiao::ofd::zip::Entry> = parts(ofd)
        .into_iter()
        .map(|(n, d)| {
            let data = if n == name {
                found = true;
                edit(&d)
            } else {
                d
            };
            jixiao::ofd::zip::Entry { name: n, data }
        })
        .collect();
    assert!(found, "no part {name}");
    jixiao::ofd::zip::write(&entries, jixiao::ofd::zip::DosTime::EPOCH)
}

/// Replaces the first `from` by `to` in `text`, which must contain it.
pub(crate) fn replace_once(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).expect("utf-8");
    assert!(text.contains(from), "{from:?} not found");
    text.replacen(from, to, 1).into_bytes()
}

/// A copy of the GB/T 33190 Annex A schemas (`../shared/tools/ofd-xsd/`) with the two
/// known defects patched (README there): numeric object IDs typed `xs:ID`, and
/// `CheckMethod` allowing only MD5/SHA1 (SM3 added, by name and by OID).
pub(crate) fn patched_schemas() -> tempfile::TempDir {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/ofd-xsd");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut copied = 0;
    for entry in std::fs::read_dir(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display())) {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "xsd") {
            let text = std::fs::read_to_string(&path).expect("read xsd");
            let mut text = text.replace("type=\"xs:ID\"", "type=\"xs:string\"");
            if path.file_name().is_some_and(|n| n == "Signature.xsd") {
                let sha1 = "<xs:enumeration value=\"SHA1\" />";
                assert!(text.contains(sha1), "Signature.xsd changed: patch it anew");
                text = text.replace(
                    sha1,
                    &format!("{sha1}<xs:enumeration value=\"SM3\" /><xs:enumeration value=\"1.2.156.10197.1.401\" />"),
                );
            }
            std::fs::write(dir.path().join(path.file_name().expect("name")), text).expect("write");
            copied += 1;
        }
    }
    assert!(
        copied >= 10,
        "the OFD schemas are missing from {}",
        src.display()
    );
    dir
}

/// The schema file for an XML part, from its root element (as `check.sh` there does).
fn schema_for(root: &str) -> Option<&'static str> {
    Some(match root {
        "OFD" => "OFD.xsd",
        "Document" => "Document.xsd",
        "Page" => "Page.xsd",
        "Res" => "Res.xsd",
        "Signatures" => "Signatures.xsd",
        "Signature" => "Signature.xsd",
        "Attachments" => "Attachments.xsd",
        "Annotations" => "Annotations.xsd",
        "PageAnnot" => "Annotation.xsd",
        "CustomTags" => "CustomTags.xsd",
        "Extensions" => "Extensions.xsd",
        "DocVersion" => "Version.xsd",
        _ => return None,
    })
}

/// Validates every XML part of `ofd` against the patched schemas with `xmllint`;
/// returns how many parts were validated.
pub(crate) fn validate_with_xmllint(ofd: &[u8]) -> usize {
    let schemas = patched_schemas();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut validated = 0;
    for (name, data) in parts(ofd) {
        if !name.ends_with(".xml") {
            continue;
        }
        let text = String::from_utf8(data.clone()).expect("utf-8 xml");
        let doc = roxmltree::Document::parse(&text).expect("well-formed xml");
        let root = doc.root_element().tag_name().name().to_owned();
        let schema = schema_for(&root).unwrap_or_else(|| panic!("no schema for {name} ({root})"));
        let file = dir.path().join(name.replace('/', "_"));
        std::fs::write(&file, &data).expect("write part");
        let schema_path = schemas.path().join(schema);
        let out = run(
            "xmllint",
            &[
                "--noout",
                "--schema",
                schema_path.to_str().expect("path"),
                file.to_str().expect("path"),
            ],
            dir.path(),
        );
        assert!(
            out.status.success(),
            "{name} does not validate against {schema}:\n{}",
            all_output(&out)
        );
        validated += 1;
    }
    validated
}

/// One element of `openssl asn1parse` output: offset, depth, header length, length, and
/// the type as printed.
#[derive(Debug, Clone)]
pub(crate) struct Asn1Element {
    pub offset: usize,
    pub depth: usize,
    pub header: usize,
    pub length: usize,
    pub kind: String,
}

impl Asn1Element {
    /// The element's bytes, header included.
    pub(crate) fn whole<'a>(&self, der: &'a [u8]) -> &'a [u8] {
        &der[self.offset..self.offset + self.header + self.length]
    }
    /// The element's content.
    pub(crate) fn content<'a>(&self, der: &'a [u8]) -> &'a [u8] {
        &der[self.offset + self.header..self.offset + self.header + self.length]
    }
}

/// The elements of a DER file as `openssl asn1parse` sees them.
pub(crate) fn asn1parse(der: &[u8]) -> Vec<Asn1Element> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.der");
    std::fs::write(&path, der).expect("write");
    let text = run_ok(
        "openssl",
        &[
            "asn1parse",
            "-inform",
            "DER",
            "-in",
            path.to_str().expect("path"),
        ],
        dir.path(),
    );
    text.lines()
        .filter_map(|line| {
            // "   12:d=2  hl=2 l=   1 prim: INTEGER           :04"
            let (offset, rest) = line.trim().split_once(":d=")?;
            let (depth, rest) = rest.split_once("hl=")?;
            let (header, rest) = rest.split_once("l=")?;
            let (length, rest) = rest.trim().split_once(' ')?;
            let kind = rest.split_once(':').map_or(rest, |(_, k)| k).trim();
            Some(Asn1Element {
                offset: offset.trim().parse().ok()?,
                depth: depth.trim().parse().ok()?,
                header: header.trim().parse().ok()?,
                length: length.trim().parse().ok()?,
                kind: kind.split_whitespace().next().unwrap_or("").to_owned(),
            })
        })
        .collect()
}

/// The direct children of the element at index `parent` of `elements`.
pub(crate) fn children(elements: &[Asn1Element], parent: usize) -> Vec<Asn1Element> {
    let p = &elements[parent];
    let end = p.offset + p.header + p.length;
    elements
        .iter()
        .filter(|e| e.depth == p.depth + 1 && e.offset >= p.offset + p.header && e.offset < end)
        .cloned()
        .collect()
}

/// The index of `element` in `elements`.
pub(crate) fn index_of(elements: &[Asn1Element], element: &Asn1Element) -> usize {
    elements
        .iter()
        .position(|e| e.offset == element.offset && e.depth == element.depth)
        .expect("element")
}

/// Test SM2 keys and certificates made with OpenSSL: a CA, a signer and a seal maker
/// issued by it, and a second CA that issued nothing here.
pub(crate) struct Sm2Keys {
    pub dir: tempfile::TempDir,
}

impl Sm2Keys {
    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    pub(crate) fn arg(&self, name: &str) -> String {
        self.path(name).to_str().expect("utf-8 path").to_owned()
    }
}

const EXTENSIONS: &str =
    "[v3_ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n\
[v3_leaf]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n";

/// Makes the test keys (OpenSSL 3, SM2 with SM3, signer ID 1234567812345678).
pub(crate) fn sm2_keys() -> Sm2Keys {
    let keys = Sm2Keys {
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let d = keys.dir.path();
    // `req` wants a distinguished_name section; the subjects come from -subj.
    std::fs::write(
        d.join("ext.cnf"),
        format!("[req]\ndistinguished_name=dn\n[dn]\n{EXTENSIONS}"),
    )
    .expect("write");
    for ca in ["ca", "other-ca"] {
        run_ok(
            "openssl",
            &["genpkey", "-algorithm", "SM2", "-out", &format!("{ca}.key")],
            d,
        );
        run_ok(
            "openssl",
            &[
                "req",
                "-new",
                "-x509",
                "-key",
                &format!("{ca}.key"),
                "-sm3",
                "-sigopt",
                "distid:1234567812345678",
                "-subj",
                &format!("/CN=jixiao test {ca}"),
                "-days",
                "30",
                "-config",
                "ext.cnf",
                "-extensions",
                "v3_ca",
                "-out",
                &format!("{ca}.crt"),
            ],
            d,
        );
    }
    for (who, cn) in [
        ("signer", "广州市科学技术协会 签章人"),
        ("maker", "jixiao 测试制章者"),
    ] {
        run_ok(
            "openssl",
            &[
                "genpkey",
                "-algorithm",
                "SM2",
                "-out",
                &format!("{who}.key"),
            ],
            d,
        );
        run_ok(
            "openssl",
            &[
                "req",
                "-new",
                "-key",
                &format!("{who}.key"),
                "-sm3",
                "-sigopt",
                "distid:1234567812345678",
                "-utf8",
                "-subj",
                &format!("/CN={cn}/O=jixiao"),
                "-config",
                "ext.cnf",
                "-out",
                &format!("{who}.csr"),
            ],
            d,
        );
        run_ok(
            "openssl",
            &[
                "x509",
                "-req",
                "-in",
                &format!("{who}.csr"),
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-sm3",
                "-sigopt",
                "distid:1234567812345678",
                "-vfyopt",
                "distid:1234567812345678",
                "-days",
                "30",
                "-extfile",
                "ext.cnf",
                "-extensions",
                "v3_leaf",
                "-out",
                &format!("{who}.crt"),
            ],
            d,
        );
    }
    #[cfg(unix)]
    for key in ["ca.key", "other-ca.key", "signer.key", "maker.key"] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.join(key), std::fs::Permissions::from_mode(0o600))
            .expect("chmod");
    }
    keys
}

/// A seal picture: a red ring with a star, as a PNG made here (nothing committed).
pub(crate) fn seal_png() -> Vec<u8> {
    let size = 240u32;
    let mut img = image::RgbaImage::from_pixel(size, size, image::Rgba([0, 0, 0, 0]));
    let c = f64::from(size) / 2.0;
    for y in 0..size {
        for x in 0..size {
            let (dx, dy) = (f64::from(x) - c, f64::from(y) - c);
            let r = (dx * dx + dy * dy).sqrt();
            let angle = dy.atan2(dx);
            // A five-pointed star: radius between 20 and 50 by angle.
            let star = 20.0 + 30.0 * ((angle * 5.0 / 2.0).cos().abs()).powi(3);
            if (100.0..112.0).contains(&r) || r < star {
                img.put_pixel(x, y, image::Rgba([210, 20, 20, 255]));
            }
        }
    }
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encode png");
    out
}
