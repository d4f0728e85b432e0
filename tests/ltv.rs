//! Issue 36: signatures that outlive their certificates. A test PKI shaped like pyHanko's
//! (tests/ltv_pki: root, signer CA, TSA CA, OCSP responders and CRLs behind a loopback
//! HTTP server under a faked clock) signs jixiao's archival PDF at B-B, B-T, B-LT and
//! B-LTA in 2020; `jixiao verify` and pyHanko (`pyhanko sign adesverify`) must agree at
//! three validation times — during the signer's validity (2020-07), after its expiry
//! (2026: B-B fails, the others pass) and after the first TSA's expiry (2036: every
//! level fails, unless the B-LTA file was renewed in 2034 with the second TSA).
//!
//! `faketime` (Debian), `openssl` and `pyhanko` are installed by `scripts/test.sh`; a
//! test that needs a missing tool fails saying so.

mod common;
mod ltv_pki;

use std::path::Path;
use std::process::Output;
use std::sync::OnceLock;

use common::*;
use ltv_pki::{run, t, Services};

/// The reference sample as an archival PDF/A-3b, dated 2025-01-20.
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

fn output_text(out: &Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
}

/// `jixiao sign` of the sample by `signer` (issued by `inter`) at `level`, with the
/// services' clock at 2020-06-01 12:00 UTC.
fn sign(s: &Services, signer: &str, level: &str, name: &str) -> Vec<u8> {
    s.set_time(t("2020-06-01T12:00:00Z"));
    let input = s.file("form.pdf");
    std::fs::write(&input, rendered()).expect("write");
    let mut args = vec![
        "sign".to_string(),
        input.display().to_string(),
        "-o".into(),
        s.file(name).display().to_string(),
        "--key".into(),
        s.file(&format!("{signer}.key")).display().to_string(),
        "--cert".into(),
        s.file(&format!("{signer}.pem")).display().to_string(),
        "--chain".into(),
        s.file("inter.pem").display().to_string(),
        "--time".into(),
        "2020-06-01T12:00:00Z".into(),
        "--level".into(),
        level.into(),
    ];
    if level != "B-B" {
        args.extend(["--tsa".into(), s.tsa("tsa1")]);
    }
    let out = jixiao_env(&args, s.path(), &[]);
    assert!(
        out.status.success(),
        "jixiao sign {level}:\n{}",
        output_text(&out)
    );
    std::fs::read(s.file(name)).expect("signed")
}

/// `jixiao verify --trust root.pem --at AT [extra]` of `pdf`.
fn verify(s: &Services, pdf: &[u8], at: &str, extra: &[&str]) -> Output {
    let file = s.file("verify-input.pdf");
    std::fs::write(&file, pdf).expect("write");
    let mut args = vec![
        "verify".to_string(),
        file.display().to_string(),
        "--trust".into(),
        s.file("root.pem").display().to_string(),
        "--at".into(),
        at.into(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    jixiao_env(&args, s.path(), &[])
}

/// pyHanko's verdict on `pdf` at `at`: `pyhanko sign adesverify` (with `command`
/// `adesverify`) or `pyhanko sign validate`, run under faketime at `at` — its clock is the
/// validation time (its time-slide algorithm starts from the clock, and a historical
/// `--validation-time` would forbid fetching), and it fetches what the file lacks from the
/// services, whose clock is set just before `at`. True when every signature is valid.
fn pyhanko_accepts(s: &Services, pdf: &[u8], at: &str, command: &str) -> (bool, String) {
    // A response dated after the validation time would be from the future.
    s.set_time(t(at) - chrono::Duration::hours(1));
    let file = s.file("pyhanko-input.pdf");
    std::fs::write(&file, pdf).expect("write");
    let root = s.file("root.pem").display().to_string();
    let out = std::process::Command::new("faketime")
        .args(["-f", &format!("@{}", t(at).format("%Y-%m-%d %H:%M:%S"))])
        .args([
            "pyhanko",
            "sign",
            command,
            "--trust",
            &root,
            "--trust-replace",
        ])
        .arg(&file)
        .current_dir(s.path())
        .env("TZ", "UTC")
        .output()
        .expect("faketime not found: bash scripts/test.sh installs it");
    (out.status.success(), output_text(&out))
}

fn assert_agree(s: &Services, pdf: &[u8], at: &str, online: bool, expect: bool, what: &str) {
    s.set_time(t(at) - chrono::Duration::hours(1));
    let extra: &[&str] = if online { &["--online"] } else { &[] };
    let ours = verify(s, pdf, at, extra);
    let ours_ok = ours.status.success();
    assert_eq!(
        ours_ok,
        expect,
        "{what} at {at}: jixiao verify says {}:\n{}",
        if ours_ok { "valid" } else { "not valid" },
        output_text(&ours)
    );
    let (theirs_ok, theirs) = pyhanko_accepts(s, pdf, at, "adesverify");
    assert_eq!(
        theirs_ok,
        expect,
        "{what} at {at}: pyHanko adesverify says {}:\n{theirs}",
        if theirs_ok { "valid" } else { "not valid" }
    );
    if at == DURING {
        // Plain (non-AdES) validation, at a time every certificate is valid.
        let (ok, text) = pyhanko_accepts(s, pdf, at, "validate");
        assert!(
            ok,
            "{what} at {at}: pyHanko validate says not valid:\n{text}"
        );
    }
}

const DURING: &str = "2020-07-01T00:00:00Z";
const AFTER_SIGNER: &str = "2026-01-01T00:00:00Z";
const AFTER_TSA: &str = "2036-01-01T00:00:00Z";

#[test]
fn each_level_at_the_three_validation_times_agrees_with_pyhanko() {
    let s = Services::start();
    let bb = sign(&s, "signer", "B-B", "bb.pdf");
    let bt = sign(&s, "signer", "B-T", "bt.pdf");
    let blt = sign(&s, "signer", "B-LT", "blt.pdf");
    let blta = sign(&s, "signer", "B-LTA", "blta.pdf");
    for (pdf, level) in [(&bb, "B-B"), (&bt, "B-T"), (&blt, "B-LT"), (&blta, "B-LTA")] {
        // B-B and B-T carry no revocation data: jixiao checks them online, as pyHanko
        // fetches it; B-LT and B-LTA offline, from their DSS.
        let online = level == "B-B" || level == "B-T";
        assert_agree(&s, pdf, DURING, online, true, level);
        assert_agree(&s, pdf, AFTER_SIGNER, online, level != "B-B", level);
        assert_agree(&s, pdf, AFTER_TSA, online, false, level);
    }
    // Renewed in 2034, before the first TSA's certificate expires, by the second TSA.
    s.set_time(t("2034-06-01T12:00:00Z"));
    let file = s.file("renew.pdf");
    std::fs::write(&file, &blta).expect("write");
    let out = jixiao_env(
        &[
            "renew".to_string(),
            file.display().to_string(),
            "--tsa".into(),
            s.tsa("tsa2"),
        ],
        s.path(),
        &[],
    );
    assert!(out.status.success(), "jixiao renew:\n{}", output_text(&out));
    let renewed = std::fs::read(&file).expect("renewed");
    assert!(renewed.starts_with(&blta), "renewal only appends");
    assert_agree(&s, &renewed, AFTER_TSA, false, true, "B-LTA renewed");
}

#[test]
fn the_report_names_the_proof_chain_and_the_revocation_verdicts() {
    let s = Services::start();
    let blta = sign(&s, "signer", "B-LTA", "blta.pdf");
    let out = verify(&s, &blta, AFTER_SIGNER, &["--format", "json"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let sigs = json["signatures"].as_array().expect("signatures");
    assert_eq!(sigs.len(), 2, "{json:#}");
    let sig = &sigs[0];
    assert_eq!(sig["level"], "B-LTA", "{sig:#}");
    assert_eq!(sig["valid"], true, "{sig:#}");
    assert_eq!(sig["kind"], "signature");
    assert_eq!(sigs[1]["kind"], "document-timestamp");
    let proof = sig["proof"].to_string();
    assert!(
        proof.contains("proved by the signature timestamp of O=jixiao 测试,CN=jixiao LTV tsa1"),
        "{proof}"
    );
    assert!(proof.contains("document timestamp"), "{proof}");
    let revocation = sig["revocation"].as_array().expect("revocation");
    assert!(
        revocation.iter().any(|r| r["certificate"]
            .as_str()
            .is_some_and(|c| c.contains("LTV signer"))
            && r["status"] == "good"),
        "{sig:#}"
    );
    assert_eq!(sigs[1]["valid"], true, "{}", sigs[1]);
    // The newest timestamp's TSA has data in the DSS, from 2020: whether it was revoked
    // since can only be checked online, and the report says so.
    let dts_warnings = sigs[1]["warnings"].to_string();
    assert!(
        dts_warnings.contains("whether it was revoked since can only be checked online"),
        "{}",
        sigs[1]
    );
    s.set_time(t(AFTER_SIGNER) - chrono::Duration::hours(1));
    let out = verify(&s, &blta, AFTER_SIGNER, &["--format", "json", "--online"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let dts = &json["signatures"][1];
    assert_eq!(dts["online"], true, "{dts:#}");
    assert!(
        !dts["warnings"]
            .to_string()
            .contains("can only be checked online"),
        "{dts:#}"
    );
    assert!(
        dts["revocation"].to_string().contains("2025-12-31 23:"),
        "fetched now: {dts:#}"
    );

    // B-T offline: no revocation data in the file. Valid (soft-fail, as pyHanko's), and
    // the warnings name each certificate without data, and say that the newest
    // timestamp's TSA can only be checked online.
    let bt = sign(&s, "signer", "B-T", "bt.pdf");
    let out = verify(&s, &bt, AFTER_SIGNER, &["--format", "json"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let sig = &json["signatures"][0];
    assert_eq!(sig["level"], "B-T", "{sig:#}");
    let warnings = sig["warnings"].to_string();
    assert!(
        warnings.contains("can only be checked online"),
        "{warnings}"
    );
    assert!(
        warnings.contains("no revocation data (OCSP or CRL) for the certificate O=jixiao 测试,CN=jixiao LTV signer"),
        "{warnings}"
    );
    assert!(
        sig["revocation"].to_string().contains("\"unknown\""),
        "{sig:#}"
    );
}

#[test]
fn a_signer_revoked_before_the_timestamp_is_revoked_and_one_revoked_after_stays_valid() {
    let s = Services::start();
    s.revoke("inter", "signer-revoked-before", t("2020-05-01T00:00:00Z"));
    let before = sign(&s, "signer-revoked-before", "B-LT", "before.pdf");
    let out = verify(&s, &before, DURING, &[]);
    assert!(!out.status.success(), "{}", output_text(&out));
    assert!(
        output_text(&out).contains("revoked"),
        "{}",
        output_text(&out)
    );

    let after = sign(&s, "signer-revoked-after", "B-T", "after.pdf");
    s.revoke("inter", "signer-revoked-after", t("2020-09-01T00:00:00Z"));
    s.set_time(t("2020-10-01T00:00:00Z"));
    let out = verify(
        &s,
        &after,
        "2020-10-01T00:00:00Z",
        &["--online", "--lang", "en"],
    );
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("revoked at 2020-09-01 00:00:00 UTC, after the proved time"),
        "{text}"
    );
}

#[test]
fn the_blta_pdf_is_still_pdfa_3b_and_pdfsig_reads_it() {
    let s = Services::start();
    let blta = sign(&s, "signer", "B-LTA", "blta.pdf");
    let file = s.file("blta.pdf");
    let tool = root().join("../shared/tools/verapdf.sh");
    let out = std::process::Command::new("bash")
        .arg(&tool)
        .args(["--flavour", "3b"])
        .arg(&file)
        .output()
        .expect("verapdf.sh");
    let report = output_text(&out);
    assert!(
        out.status.success() && report.lines().any(|l| l.starts_with("PASS ")),
        "veraPDF does not pass the B-LTA PDF as PDF/A-3b:\n{report}"
    );
    // pdfsig (poppler 22) reads both; it validates the CAdES signature and lists the
    // document timestamp (a type it does not validate) as the whole document's.
    let out = run(
        s.path(),
        None,
        "pdfsig",
        &["-nocert", &file.display().to_string()],
    );
    let text = String::from_utf8_lossy(&out);
    let (first, second) = text.split_once("Signature #2:").expect("two signatures");
    assert!(
        first.contains("ETSI.CAdES.detached") && first.contains("Signature is Valid."),
        "{text}"
    );
    assert!(
        second.contains("jixiao LTV tsa1") && second.contains("Total document signed"),
        "{text}"
    );
    let _ = blta;
}

#[test]
fn a_tsa_that_does_not_answer_fails_the_signing_and_leaves_no_file() {
    let s = Services::start();
    std::fs::write(s.file("form.pdf"), rendered()).expect("write");
    let out = jixiao_env(
        &[
            "sign",
            &s.file("form.pdf").display().to_string(),
            "-o",
            "out.pdf",
            "--key",
            &s.file("signer.key").display().to_string(),
            "--cert",
            &s.file("signer.pem").display().to_string(),
            "--level",
            "B-T",
            "--tsa",
            &format!("http://127.0.0.1:{}/tsa/nobody", s.port),
            "--lang",
            "en",
        ],
        s.path(),
        &[],
    );
    assert!(!out.status.success());
    let text = output_text(&out);
    assert!(text.contains("gave no timestamp in 3 tries"), "{text}");
    assert!(!s.file("out.pdf").exists());
    // B-T without --tsa is refused before anything is done.
    let out = jixiao_env(
        &[
            "sign",
            "form.pdf",
            "-o",
            "out.pdf",
            "--key",
            "signer.key",
            "--cert",
            "signer.pem",
            "--level",
            "B-T",
            "--lang",
            "en",
        ],
        s.path(),
        &[],
    );
    assert!(!out.status.success());
    assert!(
        output_text(&out).contains("needs a timestamp service"),
        "{}",
        output_text(&out)
    );
    let _ = Path::new("");
}

#[test]
fn a_batch_asks_the_tsa_once_per_document_retries_and_a_failure_fails_that_document_alone() {
    let s = Services::start();
    s.set_time(t("2020-06-01T12:00:00Z"));
    for name in ["a", "b"] {
        std::fs::copy(
            root().join("samples/guangzhou-kexie.toml"),
            s.file(&format!("{name}.toml")),
        )
        .expect("copy");
    }
    let render = |tsa: &str, out_dir: &str| {
        let args: Vec<String> = [
            "render",
            "a.toml",
            "b.toml",
            "--archive",
            "--sign",
            "--threads",
            "-j",
            "1",
            "--out-dir",
            out_dir,
            "--manifest",
            &format!("{out_dir}/manifest.csv"),
            "--key",
            "signer.key",
            "--cert",
            "signer.pem",
            "--chain",
            "inter.pem",
            "--time",
            "2020-06-01T12:00:00Z",
            "--level",
            "B-T",
            "--tsa",
            tsa,
            "--lang",
            "en",
        ]
        .iter()
        .map(|a| a.to_string())
        .collect();
        std::fs::create_dir_all(s.file(out_dir)).expect("out dir");
        // The document date of the archival PDFs (2025-01-20).
        jixiao_env(&args, s.path(), &[("SOURCE_DATE_EPOCH", "1737331200")])
    };
    // The first document's three tries all fail: it fails alone, the other is signed.
    let out = render(&s.flaky_tsa(3, "tsa1"), "one");
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    let manifest = std::fs::read_to_string(s.file("one/manifest.csv"))
        .unwrap_or_else(|e| panic!("manifest: {e}\n{}", output_text(&out)));
    assert!(
        manifest
            .lines()
            .any(|l| l.starts_with("a.toml") && l.contains("failed") && l.contains("sign")),
        "{manifest}"
    );
    assert!(
        manifest
            .lines()
            .any(|l| l.starts_with("b.toml") && l.contains("rendered")),
        "{manifest}"
    );
    assert!(!s.file("one/a.pdf").exists());
    let b = std::fs::read(s.file("one/b.pdf")).expect("b.pdf");
    assert!(
        output_text(&out).contains("gave no timestamp in 3 tries"),
        "{}",
        output_text(&out)
    );
    let v = verify(&s, &b, AFTER_SIGNER, &["--format", "json"]);
    assert!(v.status.success(), "{}", output_text(&v));
    let json: serde_json::Value = serde_json::from_slice(&v.stdout).expect("json");
    assert_eq!(json["signatures"][0]["level"], "B-T", "{json:#}");

    // Two failures then an answer (the counter is at 4: requests 5 and 6 fail): the
    // retry saves the document; both are signed.
    let out = render(&s.flaky_tsa(6, "tsa1"), "two");
    assert!(out.status.success(), "{}", output_text(&out));
    for name in ["a", "b"] {
        let pdf = std::fs::read(s.file(&format!("two/{name}.pdf"))).expect("pdf");
        let v = verify(&s, &pdf, AFTER_SIGNER, &[]);
        assert!(v.status.success(), "{name}: {}", output_text(&v));
        assert!(output_text(&v).contains("PAdES B-T"), "{}", output_text(&v));
    }

    // The batch's output renewed in place, as a directory, in 2034 by the second TSA:
    // each file keeps its bytes and gains a DSS and a document timestamp; in 2036, after
    // the first TSA's expiry, both still verify.
    let before: Vec<Vec<u8>> = ["a", "b"]
        .iter()
        .map(|n| std::fs::read(s.file(&format!("two/{n}.pdf"))).expect("pdf"))
        .collect();
    s.set_time(t("2034-06-01T12:00:00Z"));
    let out = jixiao_env(&["renew", "two", "--tsa", &s.tsa("tsa2")], s.path(), &[]);
    assert!(out.status.success(), "{}", output_text(&out));
    for (name, old) in ["a", "b"].iter().zip(&before) {
        let pdf = std::fs::read(s.file(&format!("two/{name}.pdf"))).expect("pdf");
        assert!(
            pdf.len() > old.len() && pdf.starts_with(old),
            "{name}: renewal only appends"
        );
        let v = verify(&s, &pdf, AFTER_TSA, &[]);
        assert!(v.status.success(), "{name}: {}", output_text(&v));
    }
}

#[test]
fn a_blta_file_signed_by_pyhanko_in_2020_verifies_in_2026_and_after_renewal_in_2036() {
    // The case: pyHanko signs jixiao's archival PDF at B-LTA in 2020; in 2026,
    // after the signer's expiry, `jixiao verify` accepts it (its DSS and document
    // timestamp are increments jixiao knows); renewed by jixiao in 2034, in 2036 too.
    let s = Services::start();
    s.set_time(t("2020-06-01T12:00:00Z"));
    std::fs::write(s.file("form.pdf"), rendered()).expect("write");
    let root_pem = s.file("root.pem").display().to_string();
    run(
        s.path(),
        Some(s.now()),
        "pyhanko",
        &[
            "sign",
            "addsig",
            "--field",
            "Signature1",
            "--timestamp-url",
            &s.tsa("tsa1"),
            "--with-validation-info",
            "--use-pades",
            "--use-pades-lta",
            "--trust",
            &root_pem,
            "--trust-replace",
            "pemder",
            "--key",
            "signer.key",
            "--cert",
            "signer.pem",
            "--chain",
            "inter.pem",
            "--no-pass",
            "form.pdf",
            "pyhanko-blta.pdf",
        ],
    );
    let signed = std::fs::read(s.file("pyhanko-blta.pdf")).expect("signed");
    assert!(signed.starts_with(rendered()));
    let out = verify(&s, &signed, AFTER_SIGNER, &["--lang", "en"]);
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("PAdES B-LTA"), "{text}");
    assert!(!text.contains("changed after signing:"), "{text}");
    assert!(
        text.contains("only a DSS, timestamps or signatures were added after it"),
        "{text}"
    );

    s.set_time(t("2034-06-01T12:00:00Z"));
    let file = s.file("pyhanko-blta.pdf");
    let out = jixiao_env(
        &[
            "renew",
            &file.display().to_string(),
            "--tsa",
            &s.tsa("tsa2"),
        ],
        s.path(),
        &[],
    );
    assert!(out.status.success(), "{}", output_text(&out));
    let renewed = std::fs::read(&file).expect("renewed");
    let out = verify(&s, &renewed, AFTER_TSA, &[]);
    assert!(out.status.success(), "{}", output_text(&out));
    let (ok, theirs) = pyhanko_accepts(&s, &renewed, AFTER_TSA, "adesverify");
    assert!(ok, "pyHanko on the renewed file:\n{theirs}");
}

#[test]
fn revocation_data_given_as_files_is_used_instead_of_fetching() {
    // An offline site: the CAs' CRLs handed over as files (PEM, as `openssl ca -gencrl`
    // writes them); only the TSA is reached over the network.
    let s = Services::start();
    s.set_time(t("2020-06-01T12:00:00Z"));
    for ca in ["root", "inter", "tsaca"] {
        run(
            s.path(),
            Some(t("2020-06-01T12:00:30Z")),
            "openssl",
            &[
                "ca",
                "-gencrl",
                "-config",
                &format!("{ca}.cnf"),
                "-cert",
                &format!("{ca}.pem"),
                "-keyfile",
                &format!("{ca}.key"),
                "-out",
                &format!("given-{ca}.crl"),
            ],
        );
    }
    std::fs::write(s.file("form.pdf"), rendered()).expect("write");
    let mut args: Vec<String> = [
        "sign",
        "form.pdf",
        "-o",
        "offline.pdf",
        "--key",
        "signer.key",
        "--cert",
        "signer.pem",
        "--chain",
        "inter.pem",
        "--extra-cert",
        "root.pem",
        "--time",
        "2020-06-01T12:00:00Z",
        "--level",
        "B-LT",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    args.extend(["--tsa".into(), s.tsa("tsa1")]);
    for ca in ["root", "inter", "tsaca"] {
        args.extend(["--revocation-data".into(), format!("given-{ca}.crl")]);
    }
    let out = jixiao_env(&args, s.path(), &[]);
    assert!(out.status.success(), "{}", output_text(&out));
    let pdf = std::fs::read(s.file("offline.pdf")).expect("signed");
    let doc = lopdf::Document::load_mem(&pdf).expect("pdf");
    let dss = jixiao::sign::dss::Dss::read(&doc);
    let (crls, ocsps): (Vec<_>, Vec<_>) = dss
        .revocation
        .iter()
        .partition(|(d, _)| matches!(d, jixiao::sign::RevocationData::Crl(_)));
    assert_eq!(crls.len(), 3, "the three CRLs given");
    assert!(ocsps.is_empty(), "nothing was fetched");
    let out = verify(&s, &pdf, AFTER_SIGNER, &["--format", "json"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let revocation = json["signatures"][0]["revocation"].to_string();
    assert!(revocation.contains("CRL"), "{revocation}");
    assert!(!revocation.contains("unknown"), "{revocation}");

    // A file that is neither is refused, naming it.
    std::fs::write(s.file("junk.crl"), b"not a CRL").expect("write");
    let mut bad = args.clone();
    bad.extend([
        "--revocation-data".into(),
        "junk.crl".into(),
        "--lang".into(),
        "en".into(),
    ]);
    let out = jixiao_env(&bad, s.path(), &[]);
    assert!(!out.status.success());
    assert!(
        output_text(&out).contains("junk.crl: neither an OCSP response nor a CRL"),
        "{}",
        output_text(&out)
    );
}
