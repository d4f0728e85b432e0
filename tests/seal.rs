//! Electronic seals (GB/T 38540 v4, SM2/SM3) on OFDs, through the real binary, checked
//! by `jixiao verify` and by independent tools: OpenSSL 3 (both SM2 signatures and the
//! SM3 dataHash, from offsets `openssl asn1parse` finds), ofd-cli (structure and SM3
//! digests of every protected part) and sofd (`sofd verify`). Keys and certificates are
//! made by OpenSSL in the test; the seal picture is drawn in the test.

mod common;
mod ofd_tools;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;
use ofd_tools::*;

/// A rendered OFD of the signed-off fixture (with 单位（盖章）) and the test keys.
struct Setup {
    keys: Sm2Keys,
    dir: tempfile::TempDir,
    ofd: PathBuf,
    /// The signing time: a fixed time (so that a test can seal twice alike) a little
    /// after the certificates, which are made now, start to be valid.
    time: chrono::DateTime<chrono::Utc>,
}

fn setup() -> Setup {
    let keys = sm2_keys();
    let dir = tempfile::tempdir().expect("tempdir");
    let decl = dir.path().join("form.toml");
    std::fs::copy(root().join("tests/fixtures/signed-off.toml"), &decl).expect("copy");
    let out = jixiao_env(&["render", "form.toml", "--format", "ofd"], dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(keys.path("seal.png"), seal_png()).expect("png");
    let now = chrono::Utc::now().timestamp();
    Setup {
        keys,
        ofd: dir.path().join("form.ofd"),
        dir,
        time: chrono::DateTime::from_timestamp(now - now % 60 + 120, 0).expect("time"),
    }
}

impl Setup {
    fn path(&self, name: &str) -> String {
        self.dir
            .path()
            .join(name)
            .to_str()
            .expect("path")
            .to_owned()
    }

    /// `jixiao seal` with a test seal made from the PNG by the maker key.
    fn seal_with_image(&self, input: &str, output: &str, extra: &[&str]) -> Output {
        let k = &self.keys;
        let mut args = vec![
            "seal".to_owned(),
            input.to_owned(),
            "-o".into(),
            output.to_owned(),
            "--seal-image".into(),
            k.arg("seal.png"),
            "--seal-name".into(),
            "广州市科学技术协会（测试章）".into(),
            "--seal-key".into(),
            k.arg("maker.key"),
            "--seal-cert".into(),
            k.arg("maker.crt"),
            "--key".into(),
            k.arg("signer.key"),
            "--cert".into(),
            k.arg("signer.crt"),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        jixiao_env(&args, self.dir.path(), &[])
    }

    fn sealed(&self) -> Vec<u8> {
        let out = self.seal_with_image(
            &self.ofd.to_string_lossy(),
            &self.path("sealed.ofd"),
            &[
                "--time",
                &self.time.to_rfc3339(),
                "--save-seal",
                &self.keys.arg("test.esl"),
            ],
        );
        assert!(out.status.success(), "{}", all_output(&out));
        std::fs::read(self.path("sealed.ofd")).expect("sealed")
    }

    fn verify(&self, ofd: &[u8], trust: Option<&str>) -> Output {
        let file = self.path("check.ofd");
        std::fs::write(&file, ofd).expect("write");
        let mut args = vec!["verify".to_owned(), file];
        if let Some(ca) = trust {
            args.push("--trust".into());
            args.push(self.keys.arg(ca));
        }
        jixiao_env(&args, self.dir.path(), &[])
    }
}

/// ofd-cli `check` on `ofd`: (passed, output).
fn ofd_cli_check(ofd: &[u8]) -> (bool, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("x.ofd"), ofd).expect("write");
    let out = run("ofd-cli", &["check", "x.ofd"], dir.path());
    let text = all_output(&out);
    (out.status.success() && text.contains("[通过]"), text)
}

/// `sofd verify` on `ofd`: (every signature valid, output).
fn sofd_verify(ofd: &[u8]) -> (bool, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("x.ofd"), ofd).expect("write");
    let out = run("sofd", &["verify", "x.ofd"], dir.path());
    let text = all_output(&out);
    (
        out.status.success() && text.contains("Valid") && !text.contains("Invalid"),
        text,
    )
}

/// What OpenSSL finds in a SignedValue.dat, from `openssl asn1parse` offsets only:
/// (TBS_Sign, signer cert, signer signature, SES_SealInfo, maker cert, maker signature,
/// dataHash).
struct Layers {
    tbs: Vec<u8>,
    signer_cert: Vec<u8>,
    signature: Vec<u8>,
    seal_info: Vec<u8>,
    maker_cert: Vec<u8>,
    seal_signature: Vec<u8>,
    data_hash: Vec<u8>,
}

fn layers(value: &[u8]) -> Layers {
    let all = asn1parse(value);
    let top = children(&all, 0);
    assert!(top.len() >= 4, "SES_Signature has 4 or 5 elements: {top:?}");
    let (tbs, cert, alg, sig) = (&top[0], &top[1], &top[2], &top[3]);
    assert_eq!(
        (
            tbs.kind.as_str(),
            cert.kind.as_str(),
            alg.kind.as_str(),
            sig.kind.as_str()
        ),
        ("SEQUENCE", "OCTET", "OBJECT", "BIT")
    );
    let tbs_children = children(&all, index_of(&all, tbs));
    assert_eq!(tbs_children[0].kind, "INTEGER");
    let eseal = &tbs_children[1];
    let data_hash = &tbs_children[3];
    assert_eq!(data_hash.kind, "BIT");
    let seal_children = children(&all, index_of(&all, eseal));
    let (info, maker, seal_sig) = (&seal_children[0], &seal_children[1], &seal_children[3]);
    // A BIT STRING's content starts with the count of unused bits (0 here).
    let bits = |e: &Asn1Element| {
        let c = e.content(value);
        assert_eq!(c[0], 0, "no unused bits");
        c[1..].to_vec()
    };
    Layers {
        tbs: tbs.whole(value).to_vec(),
        signer_cert: cert.content(value).to_vec(),
        signature: bits(sig),
        seal_info: info.whole(value).to_vec(),
        maker_cert: maker.content(value).to_vec(),
        seal_signature: bits(seal_sig),
        data_hash: bits(data_hash),
    }
}

/// `openssl pkeyutl -verify` of an SM2/SM3 signature with the key of a DER certificate.
fn openssl_verifies(message: &[u8], signature: &[u8], cert_der: &[u8]) -> bool {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("msg"), message).expect("write");
    std::fs::write(d.join("sig"), signature).expect("write");
    std::fs::write(d.join("cert.der"), cert_der).expect("write");
    let pubkey = run_ok(
        "openssl",
        &[
            "x509", "-inform", "DER", "-in", "cert.der", "-pubkey", "-noout",
        ],
        d,
    );
    std::fs::write(d.join("pub.pem"), pubkey).expect("write");
    let out = run(
        "openssl",
        &[
            "pkeyutl",
            "-verify",
            "-rawin",
            "-digest",
            "sm3",
            "-pkeyopt",
            "distid:1234567812345678",
            "-pubin",
            "-inkey",
            "pub.pem",
            "-in",
            "msg",
            "-sigfile",
            "sig",
        ],
        d,
    );
    let text = all_output(&out);
    out.status.success() && text.contains("Signature Verified Successfully")
}

/// `openssl dgst -sm3` of `data`.
fn openssl_sm3(data: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("x"), data).expect("write");
    let out = run("openssl", &["dgst", "-sm3", "-binary", "x"], dir.path());
    assert!(out.status.success(), "{}", all_output(&out));
    out.stdout
}

const VALUE: &str = "Doc_0/Signs/Sign_0/SignedValue.dat";
const SIGNATURE: &str = "Doc_0/Signs/Sign_0/Signature.xml";

#[test]
fn a_sealed_ofd_verifies_with_jixiao_openssl_ofd_cli_and_sofd() {
    let s = setup();
    let sealed = s.sealed();

    let out = s.verify(&sealed, Some("ca.crt"));
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("有效 / valid"), "{text}");
    assert!(text.contains("可信，链到 CN=jixiao test ca"), "{text}");
    assert!(text.contains("广州市科学技术协会（测试章）"), "{text}");

    // The layout of ofdrw: the list, the seal, the descriptor, the signed value.
    let names: Vec<String> = parts(&sealed).into_iter().map(|(n, _)| n).collect();
    for name in [
        "Doc_0/Signs/Signatures.xml",
        "Doc_0/Signs/Sign_0/Seal.esl",
        SIGNATURE,
        VALUE,
    ] {
        assert!(names.iter().any(|n| n == name), "{name}: {names:?}");
    }
    let ofd_xml = String::from_utf8(part(&sealed, "OFD.xml")).expect("utf-8");
    assert!(ofd_xml
        .contains("<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody>"));
    let signature = String::from_utf8(part(&sealed, SIGNATURE)).expect("utf-8");
    assert!(signature.contains("<ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod>"));
    assert!(signature.contains("CheckMethod=\"1.2.156.10197.1.401\""));
    assert!(signature.contains("FileRef=\"/Doc_0/Pages/Page_0/Content.xml\""));
    assert!(signature.contains("FileRef=\"/Doc_0/Attachs/declaration.toml\""));
    assert!(signature.contains("<ofd:StampAnnot ID=\"1\" PageRef=\""));

    // OpenSSL, on its own: both SM2 layers and the dataHash.
    let value = part(&sealed, VALUE);
    let l = layers(&value);
    assert!(
        openssl_verifies(&l.tbs, &l.signature, &l.signer_cert),
        "signer's signature"
    );
    assert!(
        openssl_verifies(&l.seal_info, &l.seal_signature, &l.maker_cert),
        "seal maker's signature"
    );
    assert_eq!(
        openssl_sm3(signature.as_bytes()),
        l.data_hash,
        "dataHash = SM3(Signature.xml)"
    );
    let subject = run_ok(
        "openssl",
        &[
            "x509",
            "-in",
            &s.keys.arg("signer.crt"),
            "-noout",
            "-subject",
            "-nameopt",
            "utf8",
        ],
        s.dir.path(),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("c.der"), &l.signer_cert).expect("write");
    let embedded = run_ok(
        "openssl",
        &[
            "x509", "-inform", "DER", "-in", "c.der", "-noout", "-subject", "-nameopt", "utf8",
        ],
        dir.path(),
    );
    assert_eq!(subject, embedded, "the signer's certificate is embedded");

    let (passed, text) = ofd_cli_check(&sealed);
    assert!(passed, "ofd-cli check: {text}");
    assert!(
        text.contains("完整性校验通过"),
        "ofd-cli checked the seal's digests: {text}"
    );
    let (valid, text) = sofd_verify(&sealed);
    assert!(valid, "sofd verify: {text}");
    validate_with_xmllint(&sealed);
}

#[test]
fn an_issued_seal_file_is_used_as_it_is() {
    let s = setup();
    s.sealed(); // writes test.esl, standing in for a seal from a provider
    let esl = std::fs::read(s.keys.path("test.esl")).expect("esl");
    let k = &s.keys;
    let out = jixiao_env(
        &[
            "seal",
            &s.ofd.to_string_lossy(),
            "-o",
            &s.path("issued.ofd"),
            "--seal",
            &k.arg("test.esl"),
            "--key",
            &k.arg("signer.key"),
            "--cert",
            &k.arg("signer.crt"),
            "--page",
            "1",
            "--at",
            "100,100",
        ],
        s.dir.path(),
        &[],
    );
    assert!(out.status.success(), "{}", all_output(&out));
    let sealed = std::fs::read(s.path("issued.ofd")).expect("sealed");
    assert_eq!(
        part(&sealed, "Doc_0/Signs/Sign_0/Seal.esl"),
        esl,
        "the seal byte for byte"
    );
    let signature = String::from_utf8(part(&sealed, SIGNATURE)).expect("utf-8");
    // Page 1's id, a 40 mm wide seal centred at (100, 100).
    assert!(
        signature.contains("PageRef=\"1\" Boundary=\"80 80 40 40\""),
        "{signature}"
    );
    let out = s.verify(&sealed, Some("ca.crt"));
    assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
    assert!(
        stdout(&out).contains("第 1 页 / page 1"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn sealing_is_reproducible_and_a_second_seal_keeps_the_first_valid() {
    let s = setup();
    let a = s.sealed();
    let b = s.sealed();
    assert_eq!(a, b, "the same input, key and time give the same bytes");
    std::fs::write(s.path("once.ofd"), &a).expect("write");
    let later = (s.time.timestamp() + 3600).to_string();
    let out = s.seal_with_image(
        &s.path("once.ofd"),
        &s.path("twice.ofd"),
        &["--time", &later],
    );
    assert!(out.status.success(), "{}", all_output(&out));
    let twice = std::fs::read(s.path("twice.ofd")).expect("twice");
    let list = String::from_utf8(part(&twice, "Doc_0/Signs/Signatures.xml")).expect("utf-8");
    assert!(list.contains("<ofd:MaxSignId>2</ofd:MaxSignId>"), "{list}");
    assert!(
        list.contains("BaseLoc=\"/Doc_0/Signs/Sign_1/Signature.xml\""),
        "{list}"
    );
    let out = s.verify(&twice, Some("ca.crt"));
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.matches("有效 / valid").count(), 2, "{text}");
    let (passed, text) = ofd_cli_check(&twice);
    assert!(passed, "{text}");
    let (valid, text) = sofd_verify(&twice);
    assert!(valid, "{text}");
}

#[test]
fn a_changed_page_is_caught_by_jixiao_and_ofd_cli() {
    let s = setup();
    let sealed = s.sealed();
    let tampered = with_part(&sealed, "Doc_0/Pages/Page_1/Content.xml", |d| {
        replace_once(d, "Value=\"0 0 0\"", "Value=\"0 0 1\"")
    });
    let out = s.verify(&tampered, Some("ca.crt"));
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("第 2 页 / page 2"), "{text}");
    assert!(
        text.contains("the protected part Doc_0/Pages/Page_1/Content.xml was changed"),
        "{text}"
    );
    let (passed, text) = ofd_cli_check(&tampered);
    assert!(!passed, "ofd-cli must refuse a changed page: {text}");
}

#[test]
fn a_changed_signature_xml_is_caught_by_jixiao_and_openssl() {
    let s = setup();
    let sealed = s.sealed();
    // Move the seal picture: the descriptor no longer hashes to dataHash.
    let tampered = with_part(&sealed, SIGNATURE, |d| {
        let text = String::from_utf8(d.to_vec()).expect("utf-8");
        let at = text.find("Boundary=\"").expect("boundary") + "Boundary=\"".len();
        format!("{}1{}", &text[..at], &text[at..]).into_bytes()
    });
    let out = s.verify(&tampered, Some("ca.crt"));
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("dataHash"), "{text}");
    let l = layers(&part(&tampered, VALUE));
    assert_ne!(
        openssl_sm3(&part(&tampered, SIGNATURE)),
        l.data_hash,
        "OpenSSL: SM3 ≠ dataHash"
    );
    assert_eq!(openssl_sm3(&part(&sealed, SIGNATURE)), l.data_hash);
}

#[test]
fn a_flipped_bit_in_the_signature_value_is_caught_by_jixiao_openssl_and_sofd() {
    let s = setup();
    let sealed = s.sealed();
    let value = part(&sealed, VALUE);
    let all = asn1parse(&value);
    let signature = children(&all, 0)[3].clone();
    let at = signature.offset + signature.header + 10; // inside r
    let tampered = with_part(&sealed, VALUE, |d| {
        let mut d = d.to_vec();
        d[at] ^= 0x01;
        d
    });
    let out = s.verify(&tampered, Some("ca.crt"));
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("signer's SM2 signature does not verify"),
        "{text}"
    );
    let l = layers(&part(&tampered, VALUE));
    assert!(
        !openssl_verifies(&l.tbs, &l.signature, &l.signer_cert),
        "OpenSSL must refuse it"
    );
    let (valid, text) = sofd_verify(&tampered);
    assert!(!valid, "sofd must refuse it: {text}");
}

#[test]
fn a_changed_attachment_is_caught_by_jixiao_and_ofd_cli() {
    let s = setup();
    let sealed = s.sealed();
    let tampered = with_part(&sealed, "Doc_0/Attachs/declaration.toml", |d| {
        replace_once(d, "basic = \"6,686.98\"", "basic = \"6,686.89\"")
    });
    let out = s.verify(&tampered, Some("ca.crt"));
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("Doc_0/Attachs/declaration.toml was changed"),
        "{text}"
    );
    assert!(text.contains("changed after rendering"), "{text}");
    let (passed, text) = ofd_cli_check(&tampered);
    assert!(!passed, "ofd-cli must refuse a changed attachment: {text}");
}

#[test]
fn trust_is_judged_against_the_anchors_given() {
    let s = setup();
    let sealed = s.sealed();
    let out = s.verify(&sealed, Some("other-ca.crt"));
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("不可信 / untrusted"), "{text}");
    // Without anchors, trust is reported as not judged and does not fail the verdict.
    let out = s.verify(&sealed, None);
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("not judged"), "{text}");
}

#[test]
fn bad_keys_seals_and_inputs_are_clear_errors_that_leave_no_file() {
    let s = setup();
    let k = &s.keys;
    let ofd = s.ofd.to_string_lossy().into_owned();
    let out_path = s.path("never.ofd");
    let cases: Vec<(Vec<String>, &str)> = vec![
        // The maker's key with the signer's certificate.
        (
            vec![
                "--seal-image".into(),
                k.arg("seal.png"),
                "--key".into(),
                k.arg("maker.key"),
                "--cert".into(),
                k.arg("signer.crt"),
            ],
            "does not belong to the certificate",
        ),
        // Not a PNG.
        (
            vec![
                "--seal-image".into(),
                k.arg("ca.crt"),
                "--key".into(),
                k.arg("signer.key"),
                "--cert".into(),
                k.arg("signer.crt"),
            ],
            "not a PNG",
        ),
        // Not a seal.
        (
            vec![
                "--seal".into(),
                k.arg("ca.crt"),
                "--key".into(),
                k.arg("signer.key"),
                "--cert".into(),
                k.arg("signer.crt"),
            ],
            "version 4 seal",
        ),
        // Not an SM2 key.
        (
            vec![
                "--seal-image".into(),
                k.arg("seal.png"),
                "--key".into(),
                k.arg("signer.crt"),
                "--cert".into(),
                k.arg("signer.crt"),
            ],
            "bad private key",
        ),
        // A page the document does not have.
        (
            vec![
                "--seal-image".into(),
                k.arg("seal.png"),
                "--key".into(),
                k.arg("signer.key"),
                "--cert".into(),
                k.arg("signer.crt"),
                "--page".into(),
                "9".into(),
            ],
            "there is no page 9",
        ),
    ];
    for (extra, expected) in cases {
        let mut args = vec![
            "seal".to_owned(),
            ofd.clone(),
            "-o".into(),
            out_path.clone(),
        ];
        args.extend(extra);
        let out = jixiao_env(&args, s.dir.path(), &[]);
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {text}");
        assert!(
            text.contains(expected),
            "{args:?}: expected {expected:?} in {text}"
        );
        assert!(!Path::new(&out_path).exists(), "no output on error");
        assert!(!text.contains("PRIVATE KEY"), "no key material printed");
    }
    // A seal that does not list the signer: the test seal made for the signer, used with
    // the maker's own key and certificate.
    s.sealed();
    let args = vec![
        "seal".to_owned(),
        ofd.clone(),
        "-o".into(),
        out_path.clone(),
        "--seal".into(),
        k.arg("test.esl"),
        "--key".into(),
        k.arg("maker.key"),
        "--cert".into(),
        k.arg("maker.crt"),
    ];
    let out = jixiao_env(&args, s.dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("does not list the signer's certificate"),
        "{}",
        stderr(&out)
    );
    assert!(!Path::new(&out_path).exists());
    // Not an OFD.
    let args = vec![
        "seal".to_owned(),
        k.arg("ca.crt"),
        "-o".into(),
        out_path.clone(),
        "--seal".into(),
        k.arg("test.esl"),
        "--key".into(),
        k.arg("signer.key"),
        "--cert".into(),
        k.arg("signer.crt"),
    ];
    let out = jixiao_env(&args, s.dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not an OFD"), "{}", stderr(&out));
    // Neither --seal nor --seal-image: a usage error.
    let out = jixiao_env(
        &[
            "seal",
            &ofd,
            "-o",
            &out_path,
            "--key",
            &k.arg("signer.key"),
            "--cert",
            &k.arg("signer.crt"),
        ],
        s.dir.path(),
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
}

/// A signer outside the crate: the trait is all a device or a signing service needs.
struct Device {
    inner: jixiao::seal::Sm2FileSigner,
    corrupt: bool,
}

impl jixiao::seal::SealSigner for Device {
    fn certificate(&self) -> &jixiao::sign::Certificate {
        self.inner.certificate()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, jixiao::seal::SealError> {
        let mut signature = self.inner.sign(message)?;
        if self.corrupt {
            let last = signature.len() - 1;
            signature[last] ^= 1;
        }
        Ok(signature)
    }
}

#[test]
fn a_signer_outside_the_crate_seals_and_a_bad_one_is_caught() {
    use jixiao::seal::apply::{seal_ofd, SealOptions};
    use jixiao::seal::esl::SealFile;
    let s = setup();
    s.sealed();
    let seal =
        SealFile::parse(&std::fs::read(s.keys.path("test.esl")).expect("esl")).expect("seal");
    let ofd = std::fs::read(&s.ofd).expect("ofd");
    let options = SealOptions {
        time: s.time,
        page: None,
        center: None,
        tsa: None,
    };
    for corrupt in [false, true] {
        let device = Device {
            inner: jixiao::seal::Sm2FileSigner::from_files(
                &s.keys.path("signer.key"),
                &s.keys.path("signer.crt"),
            )
            .expect("signer"),
            corrupt,
        };
        let sealed = seal_ofd(&ofd, &seal, &device, &options).expect("sealed");
        let out = s.verify(&sealed, Some("ca.crt"));
        assert_eq!(
            out.status.code(),
            Some(if corrupt { 1 } else { 0 }),
            "{}",
            all_output(&out)
        );
    }
}
