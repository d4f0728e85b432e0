//! `jixiao sign` and `jixiao::sign`: PAdES B-B signatures on real jixiao output, checked by
//! independent validators (poppler's pdfsig with an NSS database, pyHanko) and by our own
//! `verify_signatures`; tampering, incremental updates, and the refusals (wrong key, small
//! RSA key, unreadable key).
//!
//! Keys and certificates are made in each test with the `openssl` CLI; none is committed.
//! `pdfsig` (poppler-utils), `certutil` (libnss3-tools) and `pyhanko` are installed by
//! `scripts/test.sh`; a test that needs a missing tool fails saying so.

mod common;
mod pki;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use common::*;
use jixiao::sign::{self, load, SignOptions, Trust};
use pki::*;

// ---------------------------------------------------------------------------------------
// Test PKI (tests/pki: keys and certificates made with the openssl CLI).

/// A test PKI: a root CA, a signer (for ECDSA through an intermediate CA).
struct Pki {
    dir: tempfile::TempDir,
    root: Credential,
    intermediate: Option<Credential>,
    signer: Credential,
}

impl Pki {
    fn new(kind: Kind) -> Pki {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        let root = root_ca(d, "jixiao-test-root", kind);
        let (intermediate, issuer) = if kind == Kind::P256 {
            let i = issued(
                d,
                "intermediate",
                "/CN=jixiao Test Intermediate CA",
                kind,
                &root,
                true,
            );
            (Some(i.clone()), i)
        } else {
            (None, root.clone())
        };
        let signer = issued(
            d,
            "signer",
            "/CN=广州市科学技术协会/O=jixiao 测试/C=CN",
            kind,
            &issuer,
            false,
        );
        Pki {
            dir,
            root,
            intermediate,
            signer,
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `jixiao sign` arguments for this PKI's signer.
    fn sign_args(&self) -> Vec<String> {
        let mut args = vec![
            "--key".to_string(),
            s(&self.signer.key),
            "--cert".into(),
            s(&self.signer.cert),
        ];
        if let Some(i) = &self.intermediate {
            args.extend(["--chain".into(), s(&i.cert)]);
        }
        args
    }

    fn anchors(&self) -> Vec<sign::Certificate> {
        load::certificates_from_file(&self.root.cert).expect("root certificate")
    }
}

// ---------------------------------------------------------------------------------------
// Running things.

/// The reference sample rendered once by jixiao as an archival PDF/A-3b (PDF 1.7 from
/// Typst, the declaration attached), dated 2025-01-20.
fn rendered() -> &'static [u8] {
    static PDF: OnceLock<Vec<u8>> = OnceLock::new();
    PDF.get_or_init(|| {
        let path = root().join("samples/guangzhou-kexie.toml");
        let bytes = std::fs::read(&path).expect("sample");
        let decl = sample("guangzhou-kexie.toml").1;
        let date = jixiao::date::Date::parse("2025-01-20").expect("date");
        jixiao::Renderer::builtin()
            .render(
                &decl,
                &jixiao::RenderOptions::archival(jixiao::attachment::Attachment::toml(bytes), date),
            )
            .expect("archival render")
            .pdf
    })
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Signs `input` (a file in the PKI directory) into `output` with the CLI.
fn cli_sign(pki: &Pki, input: &str, output: &str, extra: &[&str]) -> Output {
    let mut args = vec!["sign".to_string(), input.into(), "-o".into(), output.into()];
    args.extend(pki.sign_args());
    args.extend(extra.iter().map(|a| a.to_string()));
    jixiao_env(&args, pki.path(), &[])
}

/// Writes `pdf` into the PKI directory and signs it; returns the signed bytes.
fn sign_bytes(pki: &Pki, pdf: &[u8], name: &str) -> Vec<u8> {
    std::fs::write(pki.path().join(format!("{name}.pdf")), pdf).expect("write input");
    let out = cli_sign(
        pki,
        &format!("{name}.pdf"),
        &format!("{name}-signed.pdf"),
        &[],
    );
    assert!(out.status.success(), "jixiao sign failed:\n{}", text(&out));
    std::fs::read(pki.path().join(format!("{name}-signed.pdf"))).expect("signed PDF")
}

/// What poppler's pdfsig says, with an NSS database that trusts the test root.
fn pdfsig(pki: &Pki, pdf: &[u8]) -> String {
    let dir = pki.path();
    let nss = dir.join("nssdb");
    if !nss.exists() {
        std::fs::create_dir(&nss).expect("nssdb dir");
        let db = format!("sql:{}", s(&nss));
        let out = run_tool(
            "certutil",
            &["-N", "-d", &db, "--empty-password"],
            dir,
            "libnss3-tools",
        );
        assert!(out.status.success(), "certutil -N: {}", text(&out));
        let out = run_tool(
            "certutil",
            &[
                "-A",
                "-d",
                &db,
                "-n",
                "jixiao test root",
                "-t",
                "CT,C,C",
                "-a",
                "-i",
                &s(&pki.root.cert),
            ],
            dir,
            "libnss3-tools",
        );
        assert!(out.status.success(), "certutil -A: {}", text(&out));
    }
    let file = dir.join("pdfsig-input.pdf");
    std::fs::write(&file, pdf).expect("write");
    let out = run_tool(
        "pdfsig",
        &["-nssdir", &format!("sql:{}", s(&nss)), &s(&file)],
        dir,
        "poppler-utils",
    );
    text(&out)
}

/// pdfsig's verdict on every signature: valid, trusted, and the whole document signed
/// by the last one. (pdfsig exits 0 even on a digest mismatch: its output is what counts.)
fn assert_pdfsig_accepts(pki: &Pki, pdf: &[u8], signatures: usize) {
    let report = pdfsig(pki, pdf);
    assert_eq!(
        report
            .matches("Signature Validation: Signature is Valid.")
            .count(),
        signatures,
        "pdfsig:\n{report}"
    );
    assert_eq!(
        report
            .matches("Certificate Validation: Certificate is Trusted.")
            .count(),
        signatures,
        "pdfsig:\n{report}"
    );
    assert!(
        report.contains("Total document signed"),
        "pdfsig:\n{report}"
    );
    assert!(report.contains("ETSI.CAdES.detached"), "pdfsig:\n{report}");
}

fn pyhanko(pki: &Pki, pdf: &[u8]) -> Output {
    let file = pki.path().join("pyhanko-input.pdf");
    std::fs::write(&file, pdf).expect("write");
    run_tool(
        "pyhanko",
        &[
            "sign",
            "validate",
            "--trust",
            &s(&pki.root.cert),
            "--trust-replace",
            "--no-revocation-check",
            &s(&file),
        ],
        pki.path(),
        "pyhanko (pip install pyhanko pyhanko-cli)",
    )
}

fn assert_pyhanko_accepts(pki: &Pki, pdf: &[u8]) {
    let out = pyhanko(pki, pdf);
    assert!(
        out.status.success(),
        "pyhanko rejected the signature:\n{}",
        text(&out)
    );
}

fn assert_all_valid(pki: &Pki, pdf: &[u8], expected: usize) -> Vec<sign::SignatureReport> {
    let reports = sign::verify_signatures(pdf, &pki.anchors()).expect("readable PDF");
    assert_eq!(reports.len(), expected, "{reports:#?}");
    let last = reports.last().expect("a signature");
    assert!(last.is_valid(), "{last}");
    for r in &reports {
        assert!(r.intact, "{r}");
        assert!(r.trust.is_trusted(), "{r}");
        assert!(r.notes.is_empty(), "{r}");
    }
    reports
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

// ---------------------------------------------------------------------------------------
// The signature is accepted by independent validators.

fn accepted_by_everyone(kind: Kind) {
    let pki = Pki::new(kind);
    let original = rendered();
    let signed = sign_bytes(&pki, original, "form");

    // An incremental update: the original bytes are untouched.
    assert!(signed.len() > original.len());
    assert_eq!(&signed[..original.len()], original, "original is a prefix");

    assert_pdfsig_accepts(&pki, &signed, 1);
    assert_pyhanko_accepts(&pki, &signed);

    let reports = assert_all_valid(&pki, &signed, 1);
    let r = &reports[0];
    assert!(r.covers_whole_document);
    assert_eq!((r.revision, r.revisions), (2, 2));
    assert_eq!(r.field_name.as_deref(), Some("Signature1"));
    assert_eq!(r.sub_filter.as_deref(), Some("ETSI.CAdES.detached"));
    let subject = r.signer_subject.as_deref().expect("signer");
    assert!(subject.contains("广州市科学技术协会"), "{subject}");
    assert!(matches!(&r.trust, Trust::Trusted { anchor } if anchor.contains("jixiao-test-root")));

    // jixiao verify agrees, and the signed PDF/A-3b still passes jixiao's PDF/A checks
    // and the reproducibility check on its unsigned revision.
    let out = jixiao_env(
        &[
            "verify".into(),
            "form-signed.pdf".into(),
            "--trust".into(),
            s(&pki.root.cert),
        ],
        pki.path(),
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    for needle in [
        "有效 / valid",
        "PDF/A-3b",
        "jixiao's PDF/A checks pass",
        "reproduced exactly",
    ] {
        assert!(text(&out).contains(needle), "{needle}:\n{}", text(&out));
    }
}

#[test]
fn rsa_signature_is_accepted_by_pdfsig_pyhanko_and_verify() {
    accepted_by_everyone(Kind::Rsa(2048));
}

#[test]
fn ecdsa_p256_signature_through_an_intermediate_is_accepted_by_pdfsig_pyhanko_and_verify() {
    accepted_by_everyone(Kind::P256);
}

// ---------------------------------------------------------------------------------------
// Tampering.

#[test]
fn one_changed_byte_in_the_signed_range_fails_everywhere() {
    let pki = Pki::new(Kind::Rsa(2048));
    let signed = sign_bytes(&pki, rendered(), "form");
    // A byte of the binary comment on line 2: the file still parses, the digest differs.
    let at = signed.iter().position(|&b| b == b'\n').expect("line 1") + 2;
    let mut tampered = signed.clone();
    tampered[at] ^= 0x01;

    let report = pdfsig(&pki, &tampered);
    assert!(!report.contains("Signature is Valid."), "pdfsig:\n{report}");
    assert!(
        report.contains("Digest Mismatch") || report.contains("Signature is Invalid"),
        "pdfsig:\n{report}"
    );

    let out = pyhanko(&pki, &tampered);
    assert!(
        !out.status.success(),
        "pyhanko accepted a tampered file:\n{}",
        text(&out)
    );

    let reports = sign::verify_signatures(&tampered, &pki.anchors()).expect("readable");
    assert_eq!(reports.len(), 1);
    assert!(!reports[0].intact, "{}", reports[0]);
    assert!(!reports[0].is_valid());
    assert!(
        reports[0]
            .problems
            .iter()
            .any(|p| p.contains("digest mismatch")),
        "{}",
        reports[0]
    );

    std::fs::write(pki.path().join("tampered.pdf"), &tampered).expect("write");
    let out = jixiao_env(
        &[
            "verify".into(),
            "tampered.pdf".into(),
            "--trust".into(),
            s(&pki.root.cert),
        ],
        pki.path(),
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn bytes_appended_after_signing_are_reported_as_not_covered() {
    let pki = Pki::new(Kind::P256);
    let mut signed = sign_bytes(&pki, rendered(), "form");
    signed.extend_from_slice(b"\n% appended later\n");
    let reports = sign::verify_signatures(&signed, &pki.anchors()).expect("readable");
    assert!(reports[0].intact, "{}", reports[0]);
    assert!(!reports[0].covers_whole_document);
    assert!(!reports[0].is_valid());
}

#[test]
fn an_untrusted_root_is_reported_with_the_reason() {
    let pki = Pki::new(Kind::Rsa(2048));
    let other = Pki::new(Kind::P256);
    let signed = sign_bytes(&pki, rendered(), "form");
    let reports = sign::verify_signatures(&signed, &other.anchors()).expect("readable");
    assert!(reports[0].intact);
    match &reports[0].trust {
        Trust::Untrusted { reason } => {
            assert!(
                reason.contains("not a trust anchor") || reason.contains("no trusted issuer"),
                "{reason}"
            )
        }
        t => panic!("trusted by the wrong root: {t:?}"),
    }
    let none = sign::verify_signatures(&signed, &[]).expect("readable");
    assert!(!none[0].trust.is_trusted());
}

// ---------------------------------------------------------------------------------------
// The incremental update on both kinds of cross-reference.

fn uses_xref_stream(pdf: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&pdf[pdf.len().saturating_sub(64)..]).into_owned();
    let offset: usize = text
        .rsplit("startxref")
        .next()
        .and_then(|t| t.split_whitespace().next())
        .and_then(|t| t.parse().ok())
        .expect("startxref");
    !pdf[offset..].starts_with(b"xref")
}

#[test]
fn the_update_uses_the_same_kind_of_xref_as_the_original_and_points_back() {
    let pki = Pki::new(Kind::Rsa(2048));
    // Typst's own output (a cross-reference table), and the same document rewritten by
    // qpdf with object streams and a cross-reference stream.
    let typst = rendered().to_vec();
    std::fs::write(pki.path().join("typst.pdf"), &typst).expect("write");
    let out = run_tool(
        "qpdf",
        &["--object-streams=generate", "typst.pdf", "streams.pdf"],
        pki.path(),
        "qpdf",
    );
    assert!(out.status.success(), "qpdf: {}", text(&out));
    let streams = std::fs::read(pki.path().join("streams.pdf")).expect("qpdf output");
    assert!(!uses_xref_stream(&typst));
    assert!(uses_xref_stream(&streams));

    for (name, original) in [("typst", typst), ("streams", streams)] {
        let signed = sign_bytes(&pki, &original, name);
        assert_eq!(&signed[..original.len()], &original[..], "{name}: prefix");
        assert_eq!(
            uses_xref_stream(&original),
            uses_xref_stream(&signed),
            "{name}"
        );
        let update = String::from_utf8_lossy(&signed[original.len()..]).into_owned();
        let prev = incremental_prev(&original);
        assert!(
            update.contains(&format!("/Prev {prev}")),
            "{name}: {update}"
        );
        assert!(update.contains("/SigFlags 3"), "{name}");
        assert!(
            update.contains("/Rect [0 0 0 0]") && update.contains("/F 4"),
            "{name}"
        );
        // qpdf finds the file structurally sound.
        let out = run_tool(
            "qpdf",
            &["--check", &format!("{name}-signed.pdf")],
            pki.path(),
            "qpdf",
        );
        assert!(out.status.success(), "qpdf --check {name}: {}", text(&out));
        // lopdf reads the whole chain of revisions: the page keeps its content and now
        // has the widget.
        let doc = lopdf::Document::load_mem(&signed).expect("signed file loads");
        assert_eq!(doc.get_pages().len(), page_count(&original), "{name}");
        assert_pdfsig_accepts(&pki, &signed, 1);
        assert_pyhanko_accepts(&pki, &signed);
        assert_all_valid(&pki, &signed, 1);
    }
}

fn incremental_prev(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(&pdf[pdf.len().saturating_sub(64)..]).into_owned();
    text.rsplit("startxref")
        .next()
        .and_then(|t| t.split_whitespace().next())
        .and_then(|t| t.parse().ok())
        .expect("startxref")
}

#[test]
fn a_second_signature_leaves_the_first_covering_its_revision() {
    let pki = Pki::new(Kind::P256);
    let once = sign_bytes(&pki, rendered(), "once");
    let twice = sign_bytes(&pki, &once, "twice");
    assert_eq!(&twice[..once.len()], &once[..]);
    let reports = assert_all_valid(&pki, &twice, 2);
    assert_eq!(reports[0].field_name.as_deref(), Some("Signature1"));
    assert_eq!(reports[1].field_name.as_deref(), Some("Signature2"));
    assert!(!reports[0].covers_whole_document);
    assert_eq!((reports[0].revision, reports[0].revisions), (2, 3));
    assert!(reports[1].covers_whole_document);
    assert_pdfsig_accepts(&pki, &twice, 2);
    assert_pyhanko_accepts(&pki, &twice);
}

// ---------------------------------------------------------------------------------------
// PKCS#12, signing time.

#[test]
fn pkcs12_with_the_passphrase_from_the_environment() {
    let pki = Pki::new(Kind::Rsa(3072));
    openssl(
        pki.path(),
        &[
            "pkcs12",
            "-export",
            "-inkey",
            &s(&pki.signer.key),
            "-in",
            &s(&pki.signer.cert),
            "-certfile",
            &s(&pki.root.cert),
            "-passout",
            "pass:秘密 secret",
            "-out",
            "signer.p12",
        ],
    );
    set_mode(&pki.path().join("signer.p12"), 0o600);
    std::fs::write(pki.path().join("form.pdf"), rendered()).expect("write");
    let args: Vec<String> = ["sign", "form.pdf", "-o", "out.pdf", "--p12", "signer.p12"]
        .iter()
        .map(|a| a.to_string())
        .collect();

    let wrong = jixiao_env(&args, pki.path(), &[("JIXIAO_P12_PASSWORD", "wrong")]);
    assert_eq!(wrong.status.code(), Some(1), "{}", text(&wrong));
    assert!(text(&wrong).contains("PKCS#12"), "{}", text(&wrong));
    assert!(!pki.path().join("out.pdf").exists());

    let out = jixiao_env(&args, pki.path(), &[("JIXIAO_P12_PASSWORD", "秘密 secret")]);
    assert!(out.status.success(), "{}", text(&out));
    let signed = std::fs::read(pki.path().join("out.pdf")).expect("signed");
    assert_all_valid(&pki, &signed, 1);
    assert_pdfsig_accepts(&pki, &signed, 1);
}

#[test]
fn signing_time_comes_from_time_or_source_date_epoch() {
    let pki = Pki::new(Kind::P256);
    std::fs::write(pki.path().join("form.pdf"), rendered()).expect("write");
    let out = cli_sign(
        &pki,
        "form.pdf",
        "a.pdf",
        &["--time", "2026-11-25T20:15:00+08:00"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let a = std::fs::read(pki.path().join("a.pdf")).expect("a");
    let r = sign::verify_signatures(&a, &pki.anchors()).expect("readable");
    assert_eq!(
        r[0].signing_time.map(|t| t.to_rfc3339()),
        Some("2026-11-25T12:15:00+00:00".to_string())
    );
    assert!(String::from_utf8_lossy(&a).contains("/M (D:20261125121500+00'00')"));
    // With the time fixed the signed file is reproducible (ECDSA nonces are RFC 6979).
    let again = cli_sign(
        &pki,
        "form.pdf",
        "a2.pdf",
        &["--time", "2026-11-25T12:15:00Z"],
    );
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        std::fs::read(pki.path().join("a2.pdf")).expect("a2") == a,
        "not reproducible"
    );

    let mut args = vec![
        "sign".to_string(),
        "form.pdf".into(),
        "-o".into(),
        "b.pdf".into(),
    ];
    args.extend(pki.sign_args());
    let out = jixiao_env(&args, pki.path(), &[("SOURCE_DATE_EPOCH", "1764072900")]);
    assert!(out.status.success(), "{}", text(&out));
    let b = std::fs::read(pki.path().join("b.pdf")).expect("b");
    let r = sign::verify_signatures(&b, &pki.anchors()).expect("readable");
    assert_eq!(
        r[0].signing_time.map(|t| t.timestamp()),
        Some(1_764_072_900)
    );

    let bad = cli_sign(&pki, "form.pdf", "c.pdf", &["--time", "yesterday"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(!pki.path().join("c.pdf").exists());
}

// ---------------------------------------------------------------------------------------
// Refusals: clear errors, exit 1, no output file.

/// Runs `jixiao sign form.pdf -o out.pdf ARGS` in `dir` and expects a clean failure whose
/// message contains `expect`.
fn assert_refused(dir: &Path, args: &[String], expect: &str) {
    if !dir.join("form.pdf").exists() {
        std::fs::write(dir.join("form.pdf"), rendered()).expect("write");
    }
    let before = files_in(dir);
    let mut all = vec![
        "sign".to_string(),
        "form.pdf".into(),
        "-o".into(),
        "out.pdf".into(),
    ];
    all.extend(args.iter().cloned());
    let out = jixiao_env(&all, dir, &[]);
    let message = text(&out);
    assert_eq!(out.status.code(), Some(1), "{message}");
    assert!(
        message.contains(expect),
        "expected {expect:?} in:\n{message}"
    );
    assert!(!message.contains("panicked"), "{message}");
    assert!(!message.contains("PRIVATE KEY"), "{message}");
    assert_eq!(
        files_in(dir),
        before,
        "no output or temporary file may be left"
    );
}

#[test]
fn a_key_that_does_not_match_the_certificate_is_refused() {
    let pki = Pki::new(Kind::Rsa(2048));
    let other = key(pki.path(), "other", Kind::Rsa(2048));
    let ec = key(pki.path(), "ec", Kind::P256);
    for k in [other, ec] {
        assert_refused(
            pki.path(),
            &["--key".into(), s(&k), "--cert".into(), s(&pki.signer.cert)],
            "does not match the certificate",
        );
    }
}

#[test]
fn rsa_keys_under_2048_bits_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = root_ca(dir.path(), "small-root", Kind::Rsa(2048));
    let small = issued(
        dir.path(),
        "small",
        "/CN=small",
        Kind::Rsa(1024),
        &ca,
        false,
    );
    assert_refused(
        dir.path(),
        &[
            "--key".into(),
            s(&small.key),
            "--cert".into(),
            s(&small.cert),
        ],
        "1024 bits, at least 2048",
    );
}

#[test]
fn unreadable_and_garbage_keys_are_refused() {
    let pki = Pki::new(Kind::P256);
    let cert = s(&pki.signer.cert);
    assert_refused(
        pki.path(),
        &[
            "--key".into(),
            "no-such.key".into(),
            "--cert".into(),
            cert.clone(),
        ],
        "cannot read the private key",
    );
    std::fs::write(pki.path().join("garbage.key"), b"not a key at all\n").expect("write");
    set_mode(&pki.path().join("garbage.key"), 0o600);
    assert_refused(
        pki.path(),
        &[
            "--key".into(),
            "garbage.key".into(),
            "--cert".into(),
            cert.clone(),
        ],
        "not a PEM or DER private key",
    );
    // A certificate given as the key.
    assert_refused(
        pki.path(),
        &["--key".into(), cert.clone(), "--cert".into(), cert.clone()],
        "no PEM private key",
    );
    // A key given as the certificate.
    assert_refused(
        pki.path(),
        &[
            "--key".into(),
            s(&pki.signer.key),
            "--cert".into(),
            s(&pki.signer.key),
        ],
        "no certificate in the file",
    );
    // Not a PDF.
    std::fs::write(pki.path().join("form.pdf"), b"%PDF-1.7\nnot really\n").expect("write");
    assert_refused(
        pki.path(),
        &["--key".into(), s(&pki.signer.key), "--cert".into(), cert],
        "cannot read the PDF",
    );
}

#[test]
fn a_key_readable_by_others_gets_a_warning_and_no_key_is_ever_printed() {
    let pki = Pki::new(Kind::P256);
    std::fs::write(pki.path().join("form.pdf"), rendered()).expect("write");
    let key_text = std::fs::read_to_string(&pki.signer.key).expect("key");
    let key_line = key_text.lines().nth(1).expect("a base64 line").to_string();

    let private = cli_sign(&pki, "form.pdf", "a.pdf", &[]);
    assert!(private.status.success(), "{}", text(&private));
    assert!(!text(&private).contains("chmod"), "{}", text(&private));

    set_mode(&pki.signer.key, 0o644);
    let open = cli_sign(&pki, "form.pdf", "b.pdf", &[]);
    assert!(open.status.success(), "{}", text(&open));
    let message = text(&open);
    assert!(message.contains("warning"), "{message}");
    assert!(message.contains("chmod 600"), "{message}");
    for out in [&private, &open] {
        assert!(!text(out).contains(&key_line), "key material printed");
    }

    // Nor by Debug.
    let signer = load::signer_from_files(&pki.signer.key, &pki.signer.cert, &[]).expect("signer");
    let _ = signer; // `dyn Signer` has no Debug; the concrete types print the subject only:
    let pem = std::fs::read(&pki.signer.key).expect("key");
    let cert = load::certificates_from_file(&pki.signer.cert)
        .expect("cert")
        .remove(0);
    let der_key = {
        use p256::pkcs8::DecodePrivateKey;
        p256::SecretKey::from_pkcs8_pem(std::str::from_utf8(&pem).expect("pem")).expect("key")
    };
    let concrete = sign::EcdsaP256Signer::new(der_key, cert, vec![]).expect("signer");
    let debug = format!("{concrete:?}");
    assert!(debug.contains("广州市科学技术协会"), "{debug}");
    assert!(
        !debug.contains("SecretKey") && !debug.contains("key:"),
        "{debug}"
    );
}

#[test]
fn keys_are_read_as_pem_or_der_in_pkcs8_pkcs1_and_sec1() {
    for kind in [Kind::Rsa(2048), Kind::P256] {
        let pki = Pki::new(kind);
        let d = pki.path();
        let k = s(&pki.signer.key);
        openssl(d, &["pkey", "-in", &k, "-traditional", "-out", "trad.pem"]);
        openssl(
            d,
            &["pkey", "-in", &k, "-outform", "DER", "-out", "pkcs8.der"],
        );
        openssl(
            d,
            &[
                "pkey",
                "-in",
                &k,
                "-traditional",
                "-outform",
                "DER",
                "-out",
                "trad.der",
            ],
        );
        let trad = std::fs::read_to_string(d.join("trad.pem")).expect("trad");
        let label = if kind == Kind::P256 {
            "EC PRIVATE KEY"
        } else {
            "RSA PRIVATE KEY"
        };
        assert!(trad.contains(label), "{trad}");
        let mut files = vec!["trad.pem", "pkcs8.der", "trad.der"];
        if kind == Kind::P256 {
            // As `openssl ecparam -genkey` writes it: parameters first, then the key.
            openssl(d, &["ecparam", "-name", "prime256v1", "-out", "params.pem"]);
            let params = std::fs::read_to_string(d.join("params.pem")).expect("params");
            std::fs::write(d.join("with-params.pem"), format!("{params}{trad}")).expect("write");
            files.push("with-params.pem");
        }
        let chain: Vec<PathBuf> = pki.intermediate.iter().map(|i| i.cert.clone()).collect();
        for file in files {
            let signer = load::signer_from_files(&d.join(file), &pki.signer.cert, &chain)
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            let signed =
                sign::sign_pdf(rendered(), signer.as_ref(), &SignOptions::default()).expect("sign");
            assert_all_valid(&pki, &signed, 1);
        }
    }
    // Other curves are refused by name.
    let pki = Pki::new(Kind::P256);
    openssl(
        pki.path(),
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-384",
            "-out",
            "p384.key",
        ],
    );
    let err = load::signer_from_files(&pki.path().join("p384.key"), &pki.signer.cert, &[])
        .err()
        .expect("P-384 refused");
    assert!(err.to_string().contains("P-256"), "{err}");
}

// ---------------------------------------------------------------------------------------
// The library API.

/// A signer from outside the crate (as a hardware token would be): the trait is enough.
struct Counting<'a> {
    inner: &'a dyn sign::Signer,
    calls: std::cell::Cell<usize>,
    corrupt: bool,
}

impl sign::Signer for Counting<'_> {
    fn certificate(&self) -> &sign::Certificate {
        self.inner.certificate()
    }
    fn chain(&self) -> &[sign::Certificate] {
        self.inner.chain()
    }
    fn algorithm(&self) -> sign::SignatureAlgorithm {
        self.inner.algorithm()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, sign::SignError> {
        self.calls.set(self.calls.get() + 1);
        let mut signature = self.inner.sign(message)?;
        if self.corrupt {
            let last = signature.len() - 1;
            signature[last] ^= 1;
        }
        Ok(signature)
    }
}

#[test]
fn a_signer_implemented_outside_the_crate_signs_once_and_a_bad_signature_is_caught() {
    let pki = Pki::new(Kind::Rsa(2048));
    let file_signer =
        load::signer_from_files(&pki.signer.key, &pki.signer.cert, &[]).expect("signer");
    let options = SignOptions {
        reason: Some("归档 / archived".into()),
        location: Some("广州".into()),
        field_name: Some("归档签名".into()),
        ..SignOptions::default()
    };

    let good = Counting {
        inner: file_signer.as_ref(),
        calls: 0.into(),
        corrupt: false,
    };
    let signed = sign::sign_pdf(rendered(), &good, &options).expect("sign");
    assert_eq!(good.calls.get(), 1);
    let reports = assert_all_valid(&pki, &signed, 1);
    assert_eq!(reports[0].field_name.as_deref(), Some("归档签名"));
    assert_pdfsig_accepts(&pki, &signed, 1);

    let bad = Counting {
        inner: file_signer.as_ref(),
        calls: 0.into(),
        corrupt: true,
    };
    let signed = sign::sign_pdf(rendered(), &bad, &options).expect("sign");
    let reports = sign::verify_signatures(&signed, &pki.anchors()).expect("readable");
    assert!(!reports[0].intact);
    assert!(
        reports[0]
            .problems
            .iter()
            .any(|p| p.contains("does not verify")),
        "{}",
        reports[0]
    );
}

#[test]
fn a_pdf_without_signatures_has_no_reports() {
    let reports = sign::verify_signatures(rendered(), &[]).expect("readable");
    assert!(reports.is_empty());
    assert!(sign::verify_signatures(b"not a pdf", &[]).is_err());
}

// ---------------------------------------------------------------------------------------
// Render, sign and file in one step.

#[test]
fn render_archive_sign_files_the_signed_pdf_and_verify_accepts_it() {
    let pki = Pki::new(Kind::P256);
    let decl = pki.path().join("decl.toml");
    std::fs::copy(root().join("tests/fixtures/signed-off.toml"), &decl).expect("copy");
    let mut args: Vec<String> = [
        "render",
        "decl.toml",
        "--archive",
        "--archive-dir",
        "store",
        "--sign",
        "--time",
        "2025-01-22T10:00:00+08:00",
    ]
    .map(String::from)
    .to_vec();
    args.extend(pki.sign_args());
    let out = jixiao_env(&args, pki.path(), &[]);
    assert!(out.status.success(), "{}", text(&out));
    let pdf = std::fs::read(pki.path().join("decl.pdf")).expect("pdf");

    // The store keeps the signed file, byte for byte.
    let folder = pki.path().join("store/2025/广州市科学技术协会");
    let stored: Vec<_> = std::fs::read_dir(&folder)
        .expect("store folder")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert!(std::fs::read(&stored[0]).expect("stored") == pdf);

    // Independent validators and jixiao verify accept it; the unsigned revision is
    // exactly what the attached declaration renders to.
    assert_pdfsig_accepts(&pki, &pdf, 1);
    assert_pyhanko_accepts(&pki, &pdf);
    let out = jixiao_env(
        &[
            "verify".into(),
            "decl.pdf".into(),
            "--trust".into(),
            s(&pki.root.cert),
        ],
        pki.path(),
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("reproduced exactly"), "{}", text(&out));

    // A key without --sign, or --sign without a key, is refused before any work.
    let mut no_flag: Vec<String> = ["render", "decl.toml", "-o", "x.pdf"]
        .map(String::from)
        .to_vec();
    no_flag.extend(pki.sign_args());
    let out = jixiao_env(&no_flag, pki.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let out = jixiao_env(
        &["render", "decl.toml", "--sign", "-o", "x.pdf"].map(String::from),
        pki.path(),
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!pki.path().join("x.pdf").exists());
}

#[test]
fn verify_with_anchors_fails_an_untrusted_signature() {
    let pki = Pki::new(Kind::Rsa(2048));
    let other = Pki::new(Kind::Rsa(2048));
    let signed = sign_bytes(&pki, rendered(), "form");
    std::fs::write(other.path().join("form-signed.pdf"), &signed).expect("write");
    let out = jixiao_env(
        &[
            "verify".into(),
            "form-signed.pdf".into(),
            "--trust".into(),
            s(&other.root.cert),
        ],
        other.path(),
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("trusted CA"), "{}", text(&out));
    // The content is reproduced: the verdict says the signature is what fails.
    assert!(
        text(&out).contains("签名或生成后追加的内容未通过核验"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("不一致"), "{}", text(&out));
    // Without anchors the signature is reported (untrusted) but the verdict is about
    // reproduction only.
    let out = jixiao_env(&["verify", "form-signed.pdf"], other.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

// ---------------------------------------------------------------------------------------
// Certificate paths: CA constraints, critical extensions, validity at the claimed signing
// time and now. The certificates are made with `openssl ca`, which sets validity periods
// in the past and the future; pyHanko judges each path too, so the test PKI is seen to be
// what the test says it is.

/// `openssl ca` with the extension sections the path tests need.
const CA_CONFIG: &str = "\
[req]
distinguished_name = dn
prompt = no
utf8 = yes
string_mask = utf8only
[dn]
CN = unused
[ca]
default_ca = test_ca
[test_ca]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[policy_any]
commonName = supplied
organizationName = optional
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ca_pathlen0_ext]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ca_no_cert_sign_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf_unknown_critical_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
1.3.6.1.4.1.99999.1 = critical,ASN1:UTF8String:jixiao test
[leaf_encipher_only_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
";

/// Validity periods for `openssl ca` (`YYYYMMDDHHMMSSZ`).
const LONG: (&str, &str) = ("20000101000000Z", "20991231235959Z");
const PAST: (&str, &str) = ("20200101000000Z", "20210101000000Z");
const FUTURE: (&str, &str) = ("20980101000000Z", "20990101000000Z");

/// Issues `name` (a P-256 key and certificate) with `openssl ca`: self-signed when
/// `issuer` is `None`, with the extensions of section `ext`, valid `from`–`to`.
fn ca_issue(
    dir: &Path,
    name: &str,
    issuer: Option<&Credential>,
    ext: &str,
    (from, to): (&str, &str),
) -> Credential {
    if !dir.join("ca.cnf").exists() {
        std::fs::write(dir.join("ca.cnf"), CA_CONFIG).expect("ca.cnf");
        std::fs::write(dir.join("index.txt"), "").expect("index");
        std::fs::write(dir.join("serial"), "1000\n").expect("serial");
    }
    let key = key(dir, name, Kind::P256);
    let csr = request(dir, "ca.cnf", name, &format!("/CN={name}/O=jixiao 测试"));
    let cert = format!("{name}.pem");
    let own_key = s(&key);
    let issuer_args: Vec<String> = match issuer {
        None => vec!["-selfsign".into(), "-keyfile".into(), own_key],
        Some(i) => vec!["-cert".into(), s(&i.cert), "-keyfile".into(), s(&i.key)],
    };
    let mut args = vec![
        "ca",
        "-batch",
        "-utf8",
        "-notext",
        "-config",
        "ca.cnf",
        "-in",
        &csr,
        "-out",
        &cert,
        "-startdate",
        from,
        "-enddate",
        to,
        "-extensions",
        ext,
    ];
    args.extend(issuer_args.iter().map(String::as_str));
    openssl(dir, &args);
    Credential {
        key,
        cert: dir.join(cert),
    }
}

/// A PKI made by `openssl ca`: a root (extensions `root_ext`, valid 2000–2099), a chain
/// of intermediate CAs below it with the extensions in `intermediates` (top first; their
/// certificates go into the signature as one PEM bundle), and a signer with
/// `signer_ext`, valid `validity`.
fn ca_pki(root_ext: &str, intermediates: &[&str], signer_ext: &str, validity: (&str, &str)) -> Pki {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let root = ca_issue(d, "path-root", None, root_ext, LONG);
    let mut issuer = root.clone();
    let mut bundle = String::new();
    for (i, ext) in intermediates.iter().enumerate() {
        let name = format!("path-intermediate-{}", i + 1);
        issuer = ca_issue(d, &name, Some(&issuer), ext, LONG);
        bundle.insert_str(0, &std::fs::read_to_string(&issuer.cert).expect("pem"));
    }
    let signer = ca_issue(d, "path-signer", Some(&issuer), signer_ext, validity);
    let intermediate = (!intermediates.is_empty()).then(|| {
        let cert = d.join("intermediates.pem");
        std::fs::write(&cert, bundle).expect("bundle");
        Credential {
            key: issuer.key.clone(),
            cert,
        }
    });
    Pki {
        dir,
        root,
        intermediate,
        signer,
    }
}

/// Signs the sample with `pki`'s signer, claiming `time` (RFC 3339) as the signing time.
fn sign_at(pki: &Pki, time: &str) -> Vec<u8> {
    std::fs::write(pki.path().join("form.pdf"), rendered()).expect("write");
    let out = cli_sign(pki, "form.pdf", "signed.pdf", &["--time", time]);
    assert!(out.status.success(), "jixiao sign failed:\n{}", text(&out));
    std::fs::read(pki.path().join("signed.pdf")).expect("signed")
}

fn only_report(pki: &Pki, pdf: &[u8], at: std::time::SystemTime) -> sign::SignatureReport {
    let mut reports = sign::verify_signatures_at(pdf, &pki.anchors(), at).expect("readable");
    assert_eq!(reports.len(), 1);
    let r = reports.remove(0);
    assert!(r.intact, "{r}");
    r
}

fn untrusted_reason(trust: &Trust) -> &str {
    match trust {
        Trust::Untrusted { reason } => reason,
        t => panic!("expected untrusted, got {t:?}"),
    }
}

fn assert_pyhanko_rejects(pki: &Pki, pdf: &[u8], what: &str) {
    let out = pyhanko(pki, pdf);
    assert!(
        !out.status.success(),
        "pyHanko accepted {what}, so the test certificate is not what the test says:\n{}",
        text(&out)
    );
}

#[test]
fn a_good_openssl_ca_chain_with_path_length_zero_is_trusted_by_everyone() {
    let pki = ca_pki("ca_ext", &["ca_pathlen0_ext"], "leaf_ext", LONG);
    let pdf = sign_at(&pki, "2026-11-25T20:15:00+08:00");
    let r = only_report(&pki, &pdf, std::time::SystemTime::now());
    assert!(r.is_valid(), "{r}");
    assert!(r.valid_at_signing_time(), "{r}");
    assert!(!r.expired_since_signing());
    let summary = r.validity_summary();
    assert!(
        summary.contains("签名时有效") && summary.contains("valid now"),
        "{summary}"
    );
    assert_pdfsig_accepts(&pki, &pdf, 1);
    assert_pyhanko_accepts(&pki, &pdf);
}

#[test]
fn a_ca_without_key_cert_sign_is_not_an_issuer() {
    let pki = ca_pki("ca_ext", &["ca_no_cert_sign_ext"], "leaf_ext", LONG);
    let pdf = sign_at(&pki, "2026-11-25T12:00:00Z");
    let r = only_report(&pki, &pdf, std::time::SystemTime::now());
    let reason = untrusted_reason(&r.trust);
    assert!(
        reason.contains("keyCertSign") && reason.contains("path-intermediate-1"),
        "{reason}"
    );
    assert!(!r.valid_at_signing_time(), "{r}");
    assert!(
        r.validity_summary().contains("whatever the time"),
        "{}",
        r.validity_summary()
    );
    assert_pyhanko_rejects(&pki, &pdf, "a CA without keyCertSign");
}

#[test]
fn a_path_length_constraint_is_enforced() {
    // The first intermediate allows no CA below it; the path has a second one.
    let pki = ca_pki(
        "ca_ext",
        &["ca_pathlen0_ext", "ca_pathlen0_ext"],
        "leaf_ext",
        LONG,
    );
    let pdf = sign_at(&pki, "2026-11-25T12:00:00Z");
    let r = only_report(&pki, &pdf, std::time::SystemTime::now());
    let reason = untrusted_reason(&r.trust);
    assert!(
        reason.contains("pathLenConstraint") && reason.contains("path-intermediate-1"),
        "{reason}"
    );
    assert_pyhanko_rejects(&pki, &pdf, "a path longer than pathLenConstraint allows");

    // The anchor's own constraint is honoured too (RFC 5280 leaves that to the
    // verifier; pyHanko does not apply it, NSS does): a root that allows no
    // intermediate CA does not anchor a path through one.
    let pki = ca_pki("ca_pathlen0_ext", &["ca_ext"], "leaf_ext", LONG);
    let pdf = sign_at(&pki, "2026-11-25T12:00:00Z");
    let r = only_report(&pki, &pdf, std::time::SystemTime::now());
    let reason = untrusted_reason(&r.trust);
    assert!(
        reason.contains("pathLenConstraint") && reason.contains("path-root"),
        "{reason}"
    );
}

#[test]
fn an_unknown_critical_extension_is_rejected() {
    let pki = ca_pki("ca_ext", &[], "leaf_unknown_critical_ext", LONG);
    let pdf = sign_at(&pki, "2026-11-25T12:00:00Z");
    let r = only_report(&pki, &pdf, std::time::SystemTime::now());
    let reason = untrusted_reason(&r.trust);
    assert!(
        reason.contains("critical extension") && reason.contains("1.3.6.1.4.1.99999.1"),
        "{reason}"
    );
    assert_pyhanko_rejects(&pki, &pdf, "an unknown critical extension");
}

#[test]
fn an_intermediate_that_is_not_a_ca_and_a_signer_that_may_not_sign_are_rejected() {
    let pki = ca_pki("ca_ext", &["leaf_ext"], "leaf_ext", LONG);
    let pdf = sign_at(&pki, "2026-11-25T12:00:00Z");
    let r = only_report(&pki, &pdf, std::time::SystemTime::now());
    let reason = untrusted_reason(&r.trust);
    assert!(reason.contains("not a CA certificate"), "{reason}");
    assert_pyhanko_rejects(&pki, &pdf, "an intermediate that is not a CA");

    let pki = ca_pki("ca_ext", &[], "leaf_encipher_only_ext", LONG);
    let pdf = sign_at(&pki, "2026-11-25T12:00:00Z");
    let r = only_report(&pki, &pdf, std::time::SystemTime::now());
    let reason = untrusted_reason(&r.trust);
    assert!(reason.contains("does not allow signing"), "{reason}");
}

#[test]
fn a_certificate_expired_now_but_valid_at_the_claimed_signing_time_is_reported_as_such() {
    // Valid through 2020; the signature claims 2020-06-01.
    let pki = ca_pki("ca_ext", &[], "leaf_ext", PAST);
    let pdf = sign_at(&pki, "2020-06-01T08:00:00+08:00");
    let r = only_report(&pki, &pdf, std::time::SystemTime::now());
    assert!(!r.is_valid(), "{r}");
    assert!(untrusted_reason(&r.trust).contains("has expired"), "{r}");
    assert!(r.valid_at_signing_time(), "{r}");
    assert!(r.expired_since_signing(), "{r}");
    let summary = r.validity_summary();
    assert!(
        summary.starts_with("签名时有效（2020-06-01 00:00:00 UTC），现已过期")
            && summary.contains("valid at signing time (2020-06-01 00:00:00 UTC); expired now"),
        "{summary}"
    );
    // verify_signatures_at: judged in 2020, it was valid.
    let in_2020 = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_593_561_600); // 2020-07-01
    let then = only_report(&pki, &pdf, in_2020);
    assert!(then.is_valid(), "{then}");

    // jixiao verify says both, and that revocation is not checked; JSON too.
    std::fs::write(pki.path().join("expired.pdf"), &pdf).expect("write");
    let root_cert = s(&pki.root.cert);
    let out = jixiao_env(
        &["verify", "expired.pdf", "--trust", &root_cert],
        pki.path(),
        &[],
    );
    let report = text(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    for needle in [
        "签名时有效（2020-06-01 00:00:00 UTC），现已过期",
        "expired now",
        "签名时的信任 / trust at signing time: 可信",
        "现在的信任 / trust now",
        "outside its validity period now",
    ] {
        assert!(report.contains(needle), "{needle}:\n{report}");
    }
    let out = jixiao_env(
        &[
            "verify",
            "expired.pdf",
            "--trust",
            &root_cert,
            "--format",
            "json",
        ],
        pki.path(),
        &[],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let sig = &json["signatures"][0];
    assert_eq!(sig["trusted"], false, "{sig}");
    assert_eq!(sig["trusted_at_signing_time"], true, "{sig}");
    assert_eq!(sig["expired_since_signing"], true, "{sig}");
    assert_eq!(sig["revocation_checked"], true, "{sig}");
    assert_eq!(sig["signing_time"], "2020-06-01T00:00:00+00:00", "{sig}");

    assert_pyhanko_rejects(&pki, &pdf, "an expired certificate");
}

#[test]
fn a_certificate_not_yet_valid_is_rejected_at_both_times_or_at_the_one_it_misses() {
    // Valid in 2098 only; signed claiming today: not valid then nor now.
    let pki = ca_pki("ca_ext", &[], "leaf_ext", FUTURE);
    let pdf = sign_at(&pki, "2026-11-25T12:00:00Z");
    let r = only_report(&pki, &pdf, std::time::SystemTime::now());
    assert!(!r.is_valid(), "{r}");
    assert!(untrusted_reason(&r.trust).contains("not yet valid"), "{r}");
    assert!(!r.valid_at_signing_time(), "{r}");
    let summary = r.validity_summary();
    assert!(
        summary.contains("签名时证书尚未生效") && summary.contains("not yet valid now"),
        "{summary}"
    );
    assert_pyhanko_rejects(&pki, &pdf, "a certificate not yet valid");

    // A signing time claimed before a valid certificate's notBefore: valid now, not at
    // the claimed time — the report says so, the verdict (now) stands.
    let pki = ca_pki("ca_ext", &[], "leaf_ext", LONG);
    let pdf = sign_at(&pki, "1999-06-01T00:00:00Z");
    let r = only_report(&pki, &pdf, std::time::SystemTime::now());
    assert!(r.is_valid(), "{r}");
    assert!(!r.valid_at_signing_time(), "{r}");
    let summary = r.validity_summary();
    assert!(
        summary.contains("not yet valid at the claimed signing time (1999-06-01 00:00:00 UTC)")
            && summary.contains("valid now"),
        "{summary}"
    );
}
