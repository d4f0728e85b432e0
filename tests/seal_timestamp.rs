//! Issue 36: timestamps on OFD seals. `jixiao seal --tsa URL` puts an RFC 3161 token over
//! the seal's signature value (SM3 imprint) into `SES_Signature.timeStamp`:
//!
//! - from an RSA TSA (`openssl ts -reply` behind the loopback server of tests/ltv_pki):
//!   OpenSSL verifies the token's signature and imprint (`openssl ts -verify -data`);
//! - from an SM2 TSA — a test TSA written here in Rust on 127.0.0.1, since OpenSSL 3.0
//!   cannot sign SM2 tokens: jixiao's verify checks the imprint and the SM2 signature;
//! - a flipped bit in the token is caught by `jixiao verify`.

mod common;
mod ltv_pki;
mod ofd_tools;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use common::*;
use der::asn1::{Any, GeneralizedTime, Int, ObjectIdentifier as Oid, OctetString, SetOfVec};
use der::{Decode, Encode, Sequence};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::Certificate;

const SM3: Oid = Oid::new_unwrap("1.2.156.10197.1.401");
const SM2_WITH_SM3: Oid = Oid::new_unwrap("1.2.156.10197.1.501");
const TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");

#[derive(Sequence)]
struct MessageImprint {
    algorithm: AlgorithmIdentifierOwned,
    hash: OctetString,
}

#[derive(Sequence)]
struct TimeStampReq {
    version: u8,
    imprint: MessageImprint,
    #[asn1(optional = "true")]
    policy: Option<Oid>,
    #[asn1(optional = "true")]
    nonce: Option<Int>,
    #[asn1(default = "Default::default")]
    cert_req: bool,
}

#[derive(Sequence)]
struct TstInfo {
    version: u8,
    policy: Oid,
    imprint: MessageImprint,
    serial: Int,
    gen_time: GeneralizedTime,
    #[asn1(optional = "true")]
    nonce: Option<Int>,
}

#[derive(Sequence)]
struct Status {
    status: u8,
}

#[derive(Sequence)]
struct TimeStampResp {
    status: Status,
    token: Any,
}

#[derive(Sequence)]
struct EssCertIdV2 {
    hash_algorithm: AlgorithmIdentifierOwned,
    cert_hash: OctetString,
}

#[derive(Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn sm3(data: &[u8]) -> Vec<u8> {
    use sm3::Digest;
    sm3::Sm3::digest(data).to_vec()
}

fn attribute(oid: &str, value: Any) -> Attribute {
    Attribute {
        oid: Oid::new_unwrap(oid),
        values: SetOfVec::try_from(vec![value]).expect("set"),
    }
}

/// The SM2 TSA's answer to a DER `TimeStampReq`: a token over the request's imprint,
/// signed with SM2/SM3 by `key` for `cert`, dated now.
fn sm2_token(request: &[u8], key: &sm2::dsa::SigningKey, cert: &Certificate) -> Vec<u8> {
    use signature::Signer;
    let req = TimeStampReq::from_der(request).expect("TimeStampReq");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time");
    let tst = TstInfo {
        version: 1,
        policy: Oid::new_unwrap("1.2.3.4.1"),
        imprint: req.imprint,
        serial: Int::new(&[0x01, 0x23]).expect("int"),
        gen_time: GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(
            now.as_secs(),
        ))
        .expect("time"),
        nonce: req.nonce,
    }
    .to_der()
    .expect("tst");
    let sm3_alg = AlgorithmIdentifierOwned {
        oid: SM3,
        parameters: None,
    };
    let signing_certificate = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: sm3_alg.clone(),
            cert_hash: OctetString::new(sm3(&cert.to_der().expect("der"))).expect("octets"),
        }],
    };
    let attrs = SetOfVec::try_from(vec![
        attribute(
            "1.2.840.113549.1.9.3",
            Any::encode_from(&TST_INFO).expect("oid"),
        ),
        attribute(
            "1.2.840.113549.1.9.4",
            Any::encode_from(&OctetString::new(sm3(&tst)).expect("octets")).expect("any"),
        ),
        attribute(
            "1.2.840.113549.1.9.16.2.47",
            Any::encode_from(&signing_certificate).expect("any"),
        ),
    ])
    .expect("attrs");
    let signature: sm2::dsa::Signature = key.sign(&attrs.to_der().expect("der"));
    let tbs = cert.tbs_certificate();
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial_number: tbs.serial_number().clone(),
        }),
        digest_alg: sm3_alg.clone(),
        signed_attrs: Some(attrs),
        signature_algorithm: AlgorithmIdentifierOwned {
            oid: SM2_WITH_SM3,
            parameters: None,
        },
        signature: OctetString::new(signature.to_der().to_vec()).expect("sig"),
        unsigned_attrs: None,
    };
    let signed = SignedData {
        version: CmsVersion::V3,
        digest_algorithms: SetOfVec::try_from(vec![sm3_alg]).expect("set"),
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: TST_INFO,
            econtent: Some(Any::encode_from(&OctetString::new(tst).expect("octets")).expect("any")),
        },
        certificates: Some(
            CertificateSet::try_from(vec![CertificateChoices::Certificate(cert.clone())])
                .expect("certs"),
        ),
        crls: None,
        signer_infos: SignerInfos::try_from(vec![signer_info]).expect("infos"),
    };
    let token = ContentInfo {
        content_type: SIGNED_DATA,
        content: Any::encode_from(&signed).expect("any"),
    };
    TimeStampResp {
        status: Status { status: 0 },
        token: Any::from_der(&token.to_der().expect("der")).expect("any"),
    }
    .to_der()
    .expect("resp")
}

/// A Rust-side SM2 TSA on 127.0.0.1 (stopped when dropped).
struct Sm2Tsa {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sm2Tsa {
    fn start(key: sm2::dsa::SigningKey, cert: Certificate) -> Sm2Tsa {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::SeqCst) {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    continue;
                };
                stream.set_nonblocking(false).expect("blocking");
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut length = 0;
                let mut line = String::new();
                reader.read_line(&mut line).expect("request line");
                loop {
                    let mut h = String::new();
                    reader.read_line(&mut h).expect("header");
                    if h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        if k.eq_ignore_ascii_case("content-length") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).expect("body");
                let answer = sm2_token(&body, &key, &cert);
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    answer.len()
                );
                let _ = stream.write_all(&answer);
            }
        });
        Sm2Tsa {
            port,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/tsa", self.port)
    }
}

impl Drop for Sm2Tsa {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// An SM2 TSA certificate (id-kp-timeStamping) from the test CA in `keys`.
fn sm2_tsa_credentials(keys: &ofd_tools::Sm2Keys) -> (sm2::dsa::SigningKey, Certificate) {
    let d = keys.dir.path();
    std::fs::write(
        d.join("tsa.cnf"),
        "[req]\ndistinguished_name=dn\n[dn]\n[v3_tsa]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n",
    )
    .expect("cnf");
    ltv_pki::run(
        d,
        None,
        "openssl",
        &["genpkey", "-algorithm", "SM2", "-out", "tsa.key"],
    );
    ltv_pki::run(
        d,
        None,
        "openssl",
        &[
            "req",
            "-new",
            "-key",
            "tsa.key",
            "-sm3",
            "-sigopt",
            "distid:1234567812345678",
            "-subj",
            "/CN=jixiao SM2 test TSA",
            "-config",
            "tsa.cnf",
            "-out",
            "tsa.csr",
        ],
    );
    ltv_pki::run(
        d,
        None,
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "tsa.csr",
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
            "tsa.cnf",
            "-extensions",
            "v3_tsa",
            "-out",
            "tsa.crt",
        ],
    );
    let secret =
        jixiao::seal::secret_key(&std::fs::read(d.join("tsa.key")).expect("key")).expect("sm2 key");
    let key = sm2::dsa::SigningKey::new("1234567812345678", &secret).expect("signing key");
    let cert = jixiao::seal::certificate_from_file(&d.join("tsa.crt")).expect("cert");
    (key, cert)
}

/// Renders the signed-off fixture as OFD and seals it with `--tsa url`.
fn sealed_with_tsa(keys: &ofd_tools::Sm2Keys, dir: &Path, url: &str) -> Vec<u8> {
    std::fs::copy(
        root().join("tests/fixtures/signed-off.toml"),
        dir.join("form.toml"),
    )
    .expect("copy");
    let out = jixiao_env(&["render", "form.toml", "--format", "ofd"], dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(keys.path("seal.png"), ofd_tools::seal_png()).expect("png");
    let args = [
        "seal",
        "form.ofd",
        "-o",
        "sealed.ofd",
        "--seal-image",
        &keys.arg("seal.png"),
        "--key",
        &keys.arg("signer.key"),
        "--cert",
        &keys.arg("signer.crt"),
        "--tsa",
        url,
    ];
    let out = jixiao_env(&args, dir, &[]);
    assert!(
        out.status.success(),
        "jixiao seal --tsa:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
    std::fs::read(dir.join("sealed.ofd")).expect("sealed")
}

/// The seal's `SignedValue.dat`.
fn signed_value(ofd: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(ofd)).expect("zip");
    let mut file = zip
        .by_name("Doc_0/Signs/Sign_0/SignedValue.dat")
        .expect("SignedValue.dat");
    let mut out = Vec::new();
    file.read_to_end(&mut out).expect("read");
    out
}

/// `ofd` with `SignedValue.dat` replaced.
fn with_signed_value(ofd: &[u8], value: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(ofd)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let name = f.name().expect("name").to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("read");
        if name.ends_with("SignedValue.dat") {
            data = value.to_vec();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&data).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

fn verify(dir: &Path, ofd: &[u8], trust: &[String]) -> std::process::Output {
    std::fs::write(dir.join("check.ofd"), ofd).expect("write");
    let mut args = vec![
        "verify".to_string(),
        "check.ofd".into(),
        "--lang".into(),
        "en".into(),
        "--format".into(),
        "json".into(),
    ];
    for t in trust {
        args.extend(["--trust".to_string(), t.clone()]);
    }
    jixiao_env(&args, dir, &[])
}

#[test]
fn an_sm2_token_from_a_rust_tsa_is_checked_and_a_flipped_bit_in_it_is_caught() {
    let keys = ofd_tools::sm2_keys();
    let (key, cert) = sm2_tsa_credentials(&keys);
    let tsa = Sm2Tsa::start(key, cert);
    let dir = tempfile::tempdir().expect("tempdir");
    let sealed = sealed_with_tsa(&keys, dir.path(), &tsa.url());
    let trust = vec![keys.arg("ca.crt")];
    let out = verify(dir.path(), &sealed, &trust);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let seal = &json["seals"][0];
    assert!(out.status.success(), "{json:#}\n{}", stderr(&out));
    assert_eq!(seal["timestamp"]["intact"], true, "{seal:#}");
    assert_eq!(seal["timestamp"]["algorithm"], "SM3", "{seal:#}");
    assert_eq!(seal["timestamp"]["tsa_trusted"], true, "{seal:#}");
    assert!(seal["timestamp"]["tsa"]
        .as_str()
        .unwrap_or("")
        .contains("jixiao SM2 test TSA"));

    // A flipped bit in the token (its last byte: the TSA's signature) is caught.
    let value = signed_value(&sealed);
    let mut parsed = jixiao::seal::asn1::SesSignature::from_der(&value).expect("SES_Signature");
    let mut token = parsed
        .time_stamp
        .as_ref()
        .and_then(|b| b.as_bytes())
        .expect("token")
        .to_vec();
    let last = token.len() - 3;
    token[last] ^= 0x01;
    parsed.time_stamp = Some(der::asn1::BitString::from_bytes(&token).expect("bits"));
    let tampered = with_signed_value(&sealed, &parsed.to_der().expect("der"));
    let out = verify(dir.path(), &tampered, &trust);
    assert!(
        !out.status.success(),
        "a flipped bit in the token went unnoticed:\n{}",
        stdout(&out)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let seal = &json["seals"][0];
    assert_eq!(seal["timestamp"]["intact"], false, "{seal:#}");
    assert!(
        seal["problems"].to_string().contains("timestamp"),
        "{seal:#}"
    );
}

#[test]
fn an_rsa_token_from_openssl_ts_verifies_with_openssl() {
    let keys = ofd_tools::sm2_keys();
    let services = ltv_pki::Services::start();
    services.set_time(chrono::Utc::now());
    let dir = tempfile::tempdir().expect("tempdir");
    let sealed = sealed_with_tsa(&keys, dir.path(), &services.tsa("tsa1"));
    // jixiao: the seal and its token, both chains trusted.
    let trust = vec![
        keys.arg("ca.crt"),
        services.file("root.pem").display().to_string(),
    ];
    let out = verify(dir.path(), &sealed, &trust);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["seals"][0]["timestamp"]["intact"], true, "{json:#}");
    // OpenSSL: the token's signature, and its SM3 imprint over the signature value.
    let parsed =
        jixiao::seal::asn1::SesSignature::from_der(&signed_value(&sealed)).expect("SES_Signature");
    let token = parsed
        .time_stamp
        .as_ref()
        .and_then(|b| b.as_bytes())
        .expect("token");
    let signature = parsed.signature.as_bytes().expect("signature");
    std::fs::write(dir.path().join("token.der"), token).expect("write");
    std::fs::write(dir.path().join("value.bin"), signature).expect("write");
    let chain = services.file("tsa-chain.pem").display().to_string();
    let root_pem = services.file("root.pem").display().to_string();
    let out = ltv_pki::run(
        dir.path(),
        None,
        "openssl",
        &[
            "ts",
            "-verify",
            "-data",
            "value.bin",
            "-in",
            "token.der",
            "-token_in",
            "-CAfile",
            &root_pem,
            "-untrusted",
            &chain,
        ],
    );
    assert!(String::from_utf8_lossy(&out).contains("Verification: OK"));
    // OpenSSL refuses the token for other data.
    std::fs::write(dir.path().join("other.bin"), b"other").expect("write");
    let refused = std::process::Command::new("openssl")
        .args([
            "ts",
            "-verify",
            "-data",
            "other.bin",
            "-in",
            "token.der",
            "-token_in",
            "-CAfile",
            &root_pem,
            "-untrusted",
            &chain,
        ])
        .current_dir(dir.path())
        .output()
        .expect("openssl");
    assert!(!refused.status.success());
}
