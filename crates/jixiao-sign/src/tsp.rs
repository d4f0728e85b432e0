//! RFC 3161 timestamps: asking a time-stamping authority (TSA) for a token over HTTP
//! (§3.4: `application/timestamp-query` → `application/timestamp-reply`), and checking a
//! token — its `TSTInfo`, the imprint of the data it stamps, the TSA's CMS signature and
//! signing-certificate attribute, and that the TSA's certificate is for time stamping.
//!
//! Covered: version 1 requests with a SHA-256 (or SM3) imprint, a nonce and `certReq`;
//! responses with status granted or grantedWithMods; tokens signed with RSA, ECDSA P-256 or
//! SM2, with `signingCertificate` (SHA-1) or `signingCertificateV2`. Not covered: request
//! policies, extensions, the `ordering` and `accuracy` fields (read, not used).

use std::time::Duration;

use chrono::{DateTime, Utc};
use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::asn1::{Any, Int, OctetString};
use der::{Decode, Encode};
use jixiao_core::text;
use jixiao_core::words::Text;
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_cert::Certificate;

use super::asn1::{read_time, MessageImprint, TimeStampReq, TimeStampResp, TstInfo};
use super::cms::{EssCertIdV2, SigningCertificateV2};
use super::crypto::{self, DigestAlgorithm};
use super::oids;
use super::signer::subject_of;

/// How many times a TSA is asked before giving up (a busy TSA answers the next time).
pub const TSA_TRIES: u32 = 3;

/// A timestamp token that was read and checked.
#[derive(Debug, Clone)]
pub struct Timestamp {
    /// The time the TSA attests (`genTime`).
    pub gen_time: DateTime<Utc>,
    /// The TSA's certificate (the token's signer), if found in the token or the pool.
    pub tsa: Option<Certificate>,
    /// The certificates the token carries.
    pub certs: Vec<Certificate>,
    /// The digest algorithm of the imprint.
    pub imprint_algorithm: String,
    /// Problems: the token is not intact or does not stamp the data it should.
    pub problems: Vec<Text>,
}

impl Timestamp {
    /// Intact, signed by its TSA, for the data it should stamp.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }

    /// The TSA, by its certificate's subject.
    pub fn tsa_name(&self) -> String {
        self.tsa.as_ref().map_or_else(|| "?".into(), subject_of)
    }
}

/// Asks the TSA at `url` for a token over `data` (hashed with `digest`), trying
/// [`TSA_TRIES`] times; the token is checked (imprint, nonce, signature) before it is
/// returned as DER.
pub fn request_token(url: &str, data: &[u8], sm3: bool) -> Result<Vec<u8>, Text> {
    let digest = if sm3 {
        DigestAlgorithm::Sm3
    } else {
        DigestAlgorithm::Sha256
    };
    let hash = digest.hash(&[data]);
    let mut last = None;
    for attempt in 0..TSA_TRIES {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(500 << attempt));
        }
        match request_once(url, digest, &hash) {
            Ok(token) => return Ok(token),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_default().after(&text!(
        "时间戳服务 {url} 试了 {TSA_TRIES} 次都未给出时间戳",
        "the timestamp service {url} gave no timestamp in {TSA_TRIES} tries"
    )))
}

fn request_once(url: &str, digest: DigestAlgorithm, hash: &[u8]) -> Result<Vec<u8>, Text> {
    let nonce = nonce(hash);
    let request = TimeStampReq {
        version: 1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: digest.oid(),
                parameters: None,
            },
            hashed_message: OctetString::new(hash.to_vec()).map_err(der_text)?,
        },
        req_policy: None,
        nonce: Some(Int::new(&nonce).map_err(der_text)?),
        cert_req: true,
        extensions: None,
    };
    let body = crate::http::post(
        url,
        "application/timestamp-query",
        &request.to_der().map_err(der_text)?,
        "application/timestamp-reply",
    )?;
    let response = TimeStampResp::from_der(&body).map_err(|e| {
        text!(
            "时间戳服务的答复不是 RFC 3161 TimeStampResp：{e}",
            "the answer is not an RFC 3161 TimeStampResp: {e}"
        )
    })?;
    if response.status.status > 1 {
        let why = response
            .status
            .status_string
            .map(|s| s.join("; "))
            .unwrap_or_default();
        return Err(text!(
            "时间戳服务拒绝了请求（状态 {}）{why}",
            "the service refused the request (status {}) {why}",
            response.status.status
        ));
    }
    let token = response
        .time_stamp_token
        .ok_or_else(|| text!("答复中没有时间戳", "the answer holds no token"))?
        .to_der()
        .map_err(der_text)?;
    let info = token_info(&token)?;
    if info.message_imprint.hashed_message.as_bytes() != hash
        || info.message_imprint.hash_algorithm.oid != digest.oid()
    {
        return Err(text!(
            "时间戳盖的不是所请求的摘要",
            "the token stamps another digest than the one asked for"
        ));
    }
    if info.nonce.as_ref().map(Int::as_bytes) != Some(trimmed(&nonce)) {
        return Err(text!(
            "时间戳的 nonce 与请求不符（可能是重放的旧答复）",
            "the token's nonce is not the request's (a replayed answer?)"
        ));
    }
    let check = check_token(&token, &[], |_| Some(hash.to_vec()));
    if let Some(problem) = check.problems.first() {
        return Err(problem.clone());
    }
    Ok(token)
}

/// A positive INTEGER's content octets as DER writes them.
fn trimmed(bytes: &[u8]) -> &[u8] {
    let mut b = bytes;
    while b.len() > 1 && b[0] == 0 && b[1] & 0x80 == 0 {
        b = &b[1..];
    }
    b
}

/// Eight bytes that differ for every request: the hash, the time and the process.
fn nonce(hash: &[u8]) -> Vec<u8> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut n = DigestAlgorithm::Sha256.hash(&[
        hash,
        &now.to_be_bytes(),
        &std::process::id().to_be_bytes(),
    ]);
    n.truncate(8);
    n[0] = (n[0] & 0x7f) | 0x01;
    n
}

fn der_text(e: der::Error) -> Text {
    text!("DER 编码错误：{e}", "DER error: {e}")
}

/// The `SignedData` of a token.
pub(crate) fn token_signed_data(token: &[u8]) -> Result<SignedData, Text> {
    let info = ContentInfo::from_der(token).map_err(|e| {
        text!(
            "时间戳不是 CMS ContentInfo：{e}",
            "the timestamp token is not a CMS ContentInfo: {e}"
        )
    })?;
    if info.content_type != oids::ID_SIGNED_DATA {
        return Err(text!(
            "时间戳不是 SignedData",
            "the timestamp token is not SignedData"
        ));
    }
    info.content.decode_as::<SignedData>().map_err(|e| {
        text!(
            "时间戳的 SignedData 无法解析：{e}",
            "cannot parse the token's SignedData: {e}"
        )
    })
}

/// The DER of the token's `TSTInfo` (the signed content).
fn tst_der(signed: &SignedData) -> Result<Vec<u8>, Text> {
    if signed.encap_content_info.econtent_type != oids::ID_CT_TST_INFO {
        return Err(text!(
            "时间戳的内容类型不是 TSTInfo",
            "the token's content is not a TSTInfo"
        ));
    }
    let content = signed
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or_else(|| text!("时间戳没有内容", "the token has no content"))?;
    content
        .decode_as::<OctetString>()
        .map(|o| o.as_bytes().to_vec())
        .map_err(|e| text!("TSTInfo 无法读取：{e}", "cannot read the TSTInfo: {e}"))
}

/// The `TSTInfo` of a token.
pub(crate) fn token_info(token: &[u8]) -> Result<TstInfo, Text> {
    let signed = token_signed_data(token)?;
    TstInfo::from_der(&tst_der(&signed)?)
        .map_err(|e| text!("TSTInfo 无法解析：{e}", "cannot parse the TSTInfo: {e}"))
}

/// Checks `token`: that it is a TSTInfo signed by a TSA certificate (found in the token or
/// in `pool`) with the time-stamping purpose, whose signed attributes are sound and whose
/// imprint is `expected(digest)` — the hash, with the token's own digest algorithm, of
/// the data it should stamp (`None`: an algorithm the caller cannot compute).
pub fn check_token(
    token: &[u8],
    pool: &[Certificate],
    expected: impl Fn(DigestAlgorithmName) -> Option<Vec<u8>>,
) -> Timestamp {
    let mut out = Timestamp {
        gen_time: DateTime::<Utc>::UNIX_EPOCH,
        tsa: None,
        certs: Vec::new(),
        imprint_algorithm: String::new(),
        problems: Vec::new(),
    };
    if let Err(p) = check_into(token, pool, &expected, &mut out) {
        out.problems.push(p);
    }
    out
}

/// A digest algorithm, as [`check_token`] names it to the caller.
pub type DigestAlgorithmName = &'static str;

fn name_of(d: DigestAlgorithm) -> DigestAlgorithmName {
    match d {
        DigestAlgorithm::Sha1 => "SHA-1",
        DigestAlgorithm::Sha256 => "SHA-256",
        DigestAlgorithm::Sha384 => "SHA-384",
        DigestAlgorithm::Sha512 => "SHA-512",
        DigestAlgorithm::Sm3 => "SM3",
    }
}

/// The hash of `parts` with the algorithm [`check_token`] named.
pub fn hash_named(name: DigestAlgorithmName, parts: &[&[u8]]) -> Option<Vec<u8>> {
    let d = match name {
        "SHA-1" => DigestAlgorithm::Sha1,
        "SHA-256" => DigestAlgorithm::Sha256,
        "SHA-384" => DigestAlgorithm::Sha384,
        "SHA-512" => DigestAlgorithm::Sha512,
        "SM3" => DigestAlgorithm::Sm3,
        _ => return None,
    };
    Some(d.hash(parts))
}

fn check_into(
    token: &[u8],
    pool: &[Certificate],
    expected: &impl Fn(DigestAlgorithmName) -> Option<Vec<u8>>,
    out: &mut Timestamp,
) -> Result<(), Text> {
    let signed = token_signed_data(token)?;
    let tst = tst_der(&signed)?;
    let info = TstInfo::from_der(&tst)
        .map_err(|e| text!("TSTInfo 无法解析：{e}", "cannot parse the TSTInfo: {e}"))?;
    out.gen_time = read_time(&info.gen_time).ok_or_else(|| {
        text!(
            "时间戳的 genTime 无法读取",
            "the token's genTime cannot be read"
        )
    })?;
    out.certs = signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    // The imprint.
    let imprint_digest = DigestAlgorithm::from_oid(info.message_imprint.hash_algorithm.oid)
        .ok_or_else(|| {
            text!(
                "时间戳的摘要算法 {} 不受支持",
                "the token's digest algorithm {} is not supported",
                info.message_imprint.hash_algorithm.oid
            )
        })?;
    out.imprint_algorithm = name_of(imprint_digest).to_owned();
    match expected(name_of(imprint_digest)) {
        Some(hash) if hash.as_slice() == info.message_imprint.hashed_message.as_bytes() => {}
        Some(_) => out.problems.push(text!(
            "时间戳所盖的摘要与数据不符：时间戳之后数据被改动，或时间戳属于别的数据",
            "the token's imprint does not match the data: changed after it was stamped, or stamped for other data"
        )),
        None => out.problems.push(text!(
            "无法计算时间戳所用的摘要",
            "cannot compute the token's digest"
        )),
    }
    // The signer.
    let info_s = signed
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| text!("时间戳没有签名者", "the token has no signer"))?;
    let candidates: Vec<&Certificate> = out.certs.iter().chain(pool.iter()).collect();
    let tsa = candidates
        .into_iter()
        .find(|c| crate::cms::matches_sid(c, &info_s.sid))
        .cloned()
        .ok_or_else(|| {
            text!(
                "找不到时间戳服务（TSA）的证书",
                "the timestamp authority's (TSA's) certificate is not found"
            )
        })?;
    out.tsa = Some(tsa.clone());
    let digest = DigestAlgorithm::from_oid(info_s.digest_alg.oid).ok_or_else(|| {
        text!(
            "时间戳签名的摘要算法 {} 不受支持",
            "the token signature's digest {} is not supported",
            info_s.digest_alg.oid
        )
    })?;
    let attrs = info_s
        .signed_attrs
        .as_ref()
        .ok_or_else(|| text!("时间戳没有签名属性", "the token has no signed attributes"))?;
    let attribute = |oid| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    if attribute(oids::ID_CONTENT_TYPE)
        .and_then(|v| v.decode_as::<der::oid::ObjectIdentifier>().ok())
        != Some(oids::ID_CT_TST_INFO)
    {
        out.problems.push(text!(
            "时间戳的 contentType 属性不是 TSTInfo",
            "the token's contentType attribute is not TSTInfo"
        ));
    }
    match attribute(oids::ID_MESSAGE_DIGEST).and_then(|v| v.decode_as::<OctetString>().ok()) {
        Some(d) if d.as_bytes() == digest.hash(&[&tst]).as_slice() => {}
        _ => out.problems.push(text!(
            "时间戳已损坏：TSTInfo 与其签名的摘要不符",
            "the token is damaged: its TSTInfo does not match the signed digest"
        )),
    }
    if !signing_certificate_matches(
        attribute(oids::ID_AA_SIGNING_CERTIFICATE_V2),
        attribute(oids::ID_AA_SIGNING_CERTIFICATE),
        &tsa,
    ) {
        out.problems.push(text!(
            "时间戳的 signingCertificate 属性与 TSA 证书不符",
            "the token's signingCertificate attribute does not name the TSA's certificate"
        ));
    }
    let message = attrs
        .to_der()
        .map_err(|e| text!("签名属性无法编码：{e}", "cannot encode the attributes: {e}"))?;
    if let Err(e) = crypto::verify(
        tsa.tbs_certificate().subject_public_key_info(),
        &info_s.signature_algorithm,
        Some(digest),
        &message,
        info_s.signature.as_bytes(),
    ) {
        out.problems.push(text!(
            "时间戳的签名无效：{e}",
            "the token's signature does not verify: {e}"
        ));
    }
    if !has_time_stamping_purpose(&tsa) {
        out.problems.push(text!(
            "证书 {} 不是时间戳服务证书（扩展密钥用途没有 timeStamping）",
            "{} is not a timestamping certificate (no timeStamping extended key usage)",
            subject_of(&tsa)
        ));
    }
    Ok(())
}

/// Whether the ESS signing-certificate attribute (v2, else v1) names `cert` (a token
/// with neither is accepted: old TSAs write none).
fn signing_certificate_matches(v2: Option<&Any>, v1: Option<&Any>, cert: &Certificate) -> bool {
    let Ok(der) = cert.to_der() else {
        return false;
    };
    if let Some(v2) = v2 {
        let Ok(sc) = v2.decode_as::<SigningCertificateV2>() else {
            return false;
        };
        return sc.certs.first().is_some_and(|id: &EssCertIdV2| {
            let d = match &id.hash_algorithm {
                None => Some(DigestAlgorithm::Sha256),
                Some(a) => DigestAlgorithm::from_oid(a.oid),
            };
            d.is_some_and(|d| d.hash(&[&der]).as_slice() == id.cert_hash.as_bytes())
        });
    }
    if let Some(v1) = v1 {
        // SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID, … },
        // ESSCertID ::= SEQUENCE { certHash OCTET STRING (SHA-1), issuerSerial … OPTIONAL }.
        #[derive(der::Sequence)]
        struct EssCertId {
            cert_hash: OctetString,
            #[asn1(optional = "true")]
            _issuer_serial: Option<Any>,
        }
        #[derive(der::Sequence)]
        struct SigningCertificate {
            certs: Vec<EssCertId>,
            #[asn1(optional = "true")]
            _policies: Option<Any>,
        }
        let Ok(sc) = v1.decode_as::<SigningCertificate>() else {
            return false;
        };
        return sc.certs.first().is_some_and(|id| {
            DigestAlgorithm::Sha1.hash(&[&der]).as_slice() == id.cert_hash.as_bytes()
        });
    }
    true
}

/// Whether `cert` has the extended key usage id-kp-timeStamping.
pub(crate) fn has_time_stamping_purpose(cert: &Certificate) -> bool {
    matches!(
        cert.tbs_certificate().get_extension::<ExtendedKeyUsage>(),
        Ok(Some((_, eku))) if eku.0.contains(&oids::ID_KP_TIME_STAMPING)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_positive_and_differ() {
        let a = nonce(b"x");
        std::thread::sleep(Duration::from_millis(1));
        let b = nonce(b"x");
        assert_eq!(a.len(), 8);
        assert!(a[0] & 0x80 == 0 && a[0] != 0);
        assert_ne!(a, b);
        assert_eq!(trimmed(&[0, 0, 5]), &[5]);
        assert_eq!(trimmed(&[0, 0x80]), &[0, 0x80]);
    }

    #[test]
    fn a_token_that_is_not_der_is_reported_not_panicked_on() {
        let t = check_token(b"\x30\x03abc", &[], |_| None);
        assert!(!t.intact());
    }
}
