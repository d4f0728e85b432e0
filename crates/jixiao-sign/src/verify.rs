//! Reading the signatures and document timestamps of a PDF: for each, is it intact (the
//! digest of the signed bytes matches and the CMS signature or timestamp token verifies),
//! what does it cover (the whole file, or an earlier revision), who signed and when, its
//! signature timestamp; and the [`SignatureReport`] that `validation` and `poe` fill in
//! with trust — at the claimed signing time and now — and the long-term verdicts.

use std::fmt;
use std::time::SystemTime;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use cms::cert::CertificateChoices;
use cms::signed_data::SignedData;
use der::asn1::OctetString;
use der::Encode;
use lopdf::{Dictionary, Document, Object, ObjectId};
use sha2::Digest as _;
use x509_cert::Certificate;

use super::chain::{TimeFault, Trust};
use super::cms::{self as cms_sig, SigningCertificateV2};
use super::crypto::{self, DigestAlgorithm};
use super::error::VerifyError;
use super::level::Level;
use super::oids;
use super::revocation::Status as RevocationStatus;
use super::signer::subject_of;
use jixiao_core::text;
use jixiao_core::words::Text;

/// What verification found out about one signature of a PDF.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignatureReport {
    /// The signature field's name (`/T`), if the signature belongs to a field.
    pub field_name: Option<String>,
    /// The `/SubFilter` (`ETSI.CAdES.detached` for PAdES).
    pub sub_filter: Option<String>,
    /// The digest of the signed bytes matches the signed `messageDigest` and the CMS
    /// signature verifies with the signer's certificate. `problems` says why not.
    pub intact: bool,
    /// Why the signature is not intact (empty when it is).
    pub problems: Vec<String>,
    /// Remarks that do not make the signature invalid (e.g. departures from PAdES B-B).
    pub notes: Vec<String>,
    /// The `/ByteRange` as found. Its end (`[2] + [3]`) is the length of the document as
    /// signed: the signed revision is `&pdf[..end]`.
    pub byte_range: Vec<i64>,
    /// The signed bytes reach the end of the file: nothing was added after signing.
    pub covers_whole_document: bool,
    /// The revision (1-based, counted by `%%EOF` markers) the signature ends at.
    pub revision: usize,
    /// The number of revisions in the file.
    pub revisions: usize,
    /// The subject of the signer's certificate (RFC 4514), if it was found.
    pub signer_subject: Option<String>,
    /// The signing time the signature claims: `/M`, else the CMS signingTime attribute
    /// (PAdES B-B: not attested by a timestamp).
    pub signing_time: Option<DateTime<Utc>>,
    /// Whether the signer's certificate chains to a trust anchor at the time of
    /// verification ([`checked_at`](Self::checked_at)), and why not.
    pub trust: Trust,
    /// The same at the claimed [`signing_time`](Self::signing_time); `None` when the
    /// signature claims no time (or its certificate was not found).
    pub trust_at_signing_time: Option<Trust>,
    /// When [`trust`](Self::trust) was judged: now, or the time given to
    /// [`verify_signatures_at`](crate::verify_signatures_at).
    pub checked_at: DateTime<Utc>,
    /// Whether trust anchors were given (without them trust is not judged).
    pub(crate) anchors_given: bool,
    /// Set when the path is sound but out of its validity period at `checked_at`.
    pub(crate) fault_now: Option<TimeFault>,
    /// The same at the claimed signing time.
    pub(crate) fault_at_signing: Option<TimeFault>,
    /// A signature, or a document timestamp.
    pub kind: ItemKind,
    /// The PAdES baseline level the file gives this signature (`None` for a document
    /// timestamp).
    pub level: Option<Level>,
    /// The signature's timestamp (B-T and up), or a document timestamp's own token.
    pub timestamp: Option<TimestampInfo>,
    /// The time the signature (or timestamp) is proved to have existed at, which its
    /// certificates were judged at; `None` when not judged (no trust anchors).
    pub proved_at: Option<DateTime<Utc>>,
    /// The revocation verdict on each certificate of the path (without the anchor).
    pub revocation: Vec<CertificateRevocation>,
    /// How the time is proved, step by step.
    pub proof: Vec<Text>,
    /// What weakens the verdict without making it invalid: revocation data missing,
    /// unchecked offline, or a revocation after the proved time.
    pub warnings: Vec<Text>,
    /// Why the signature is not proved valid at the validation time (empty when it is,
    /// or when it was not judged).
    pub long_term_problems: Vec<Text>,
    /// What was changed after the signed revision other than adding a DSS, a document
    /// timestamp or a signature (empty: nothing, or only those).
    pub later_changes: Vec<Text>,
    /// Whether the validation from proofs of existence ran (trust anchors given).
    pub long_term_checked: bool,
    /// Whether revocation data was fetched (`--online`).
    pub online: bool,
    /// The signer's (or TSA's) certificate and the certificates carried with it.
    pub(crate) signer_cert: Option<Certificate>,
    pub(crate) certs: Vec<Certificate>,
    /// The end of the signed bytes.
    pub(crate) end: usize,
}

/// A signature or a document timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A CMS signature (`ETSI.CAdES.detached`, `adbe.pkcs7.detached`).
    Signature,
    /// A document timestamp (`ETSI.RFC3161`, PAdES B-LTA).
    DocumentTimestamp,
}

/// A timestamp token as verification read it.
#[derive(Debug, Clone)]
pub struct TimestampInfo {
    /// `genTime`.
    pub time: DateTime<Utc>,
    /// The TSA (its certificate's subject).
    pub tsa: String,
    /// Problems of the token itself (imprint, signature); empty when intact.
    pub problems: Vec<Text>,
    /// The TSA's certificate and the certificates the token carries.
    pub(crate) tsa_cert: Option<Certificate>,
    pub(crate) certs: Vec<Certificate>,
    /// The token's DER.
    pub(crate) der: Vec<u8>,
}

/// The revocation verdict on one certificate.
#[derive(Debug, Clone)]
pub struct CertificateRevocation {
    /// The certificate's subject.
    pub subject: String,
    /// good, revoked, unknown — and from what.
    pub status: RevocationStatus,
}

impl SignatureReport {
    /// Intact, covering the whole document (or followed only by a DSS, document
    /// timestamps or other signatures), and proved valid: trusted at the time its
    /// timestamps prove (at the validation time without one), not revoked then.
    pub fn is_valid(&self) -> bool {
        let covered = self.covers_whole_document || self.later_changes.is_empty();
        let trusted = if self.long_term_checked {
            self.long_term_problems.is_empty()
        } else {
            self.trust.is_trusted()
        };
        self.intact && covered && trusted
    }

    /// Whether this is a document timestamp.
    pub fn is_document_timestamp(&self) -> bool {
        self.kind == ItemKind::DocumentTimestamp
    }

    /// The newest timestamp token of this item: a document timestamp's own token, or a
    /// signature's signature timestamp.
    pub(crate) fn newest_token(&self) -> Option<Vec<u8>> {
        self.timestamp.as_ref().map(|t| t.der.clone())
    }

    /// The certificate chained to a trust anchor at the claimed signing time.
    pub fn valid_at_signing_time(&self) -> bool {
        self.trust_at_signing_time
            .as_ref()
            .is_some_and(Trust::is_trusted)
    }

    /// Trusted at the claimed signing time, and the path has expired since: the usual
    /// fate of a B-B signature on a long-kept archive.
    pub fn expired_since_signing(&self) -> bool {
        self.valid_at_signing_time() && self.fault_now == Some(TimeFault::Expired)
    }

    /// The path to a trust anchor is sound but, at the time of verification, a
    /// certificate of it is outside its validity period (expired, or not yet valid).
    pub fn out_of_validity_now(&self) -> bool {
        self.fault_now.is_some()
    }

    /// The certificate at the claimed signing time and now, in one line, Chinese first,
    /// e.g. `签名时有效（2026-11-25 12:15:00 UTC），现已过期 / valid at signing time
    /// (2026-11-25 12:15:00 UTC); expired now`.
    pub fn validity_summary(&self) -> String {
        if !self.anchors_given {
            return "未判断（没有给出信任锚） / not judged (no trust anchor given)".into();
        }
        let then = match (self.signing_time, &self.trust_at_signing_time) {
            (Some(t), Some(trust)) => {
                let t = show_time(t);
                match (trust.is_trusted(), self.fault_at_signing) {
                    (true, _) => format!("签名时有效（{t}） / valid at signing time ({t})"),
                    (false, Some(TimeFault::NotYetValid)) => format!(
                        "签名时证书尚未生效（{t}） / not yet valid at the claimed signing time ({t})"
                    ),
                    (false, Some(TimeFault::Expired)) => format!(
                        "签名时证书已过期（{t}） / already expired at the claimed signing time ({t})"
                    ),
                    (false, None) => {
                        return "不可信（与时间无关） / not trusted (whatever the time)".into()
                    }
                }
            }
            _ => "签名未声明时间 / the signature claims no signing time".to_string(),
        };
        let now = show_time(self.checked_at);
        let now = match (self.trust.is_trusted(), self.fault_now) {
            (true, _) => format!("现在仍有效（{now}） / valid now ({now})"),
            (false, Some(TimeFault::Expired)) => {
                format!("现已过期（{now}） / expired now ({now})")
            }
            (false, Some(TimeFault::NotYetValid)) => {
                format!("现在尚未生效（{now}） / not yet valid now ({now})")
            }
            (false, None) => format!("现在不可信（{now}） / not trusted now ({now})"),
        };
        let (then_zh, then_en) = then.split_once(" / ").unwrap_or((&then, ""));
        let (now_zh, now_en) = now.split_once(" / ").unwrap_or((&now, ""));
        format!("{then_zh}，{now_zh} / {then_en}; {now_en}")
    }

    /// The report as JSON, as `jixiao verify --format json` prints it.
    pub fn to_json(&self) -> serde_json::Value {
        let trust_text = |t: &Trust| match t {
            Trust::Trusted { anchor } => anchor.clone(),
            Trust::Untrusted { reason } => reason.clone(),
        };
        serde_json::json!({
            "field": self.field_name,
            "sub_filter": self.sub_filter,
            "intact": self.intact,
            "problems": self.problems,
            "notes": self.notes,
            "covers_whole_document": self.covers_whole_document,
            "revision": self.revision,
            "revisions": self.revisions,
            "signer": self.signer_subject,
            "signing_time": self.signing_time.map(|t| t.to_rfc3339()),
            "checked_at": self.checked_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            "trusted": self.trust.is_trusted(),
            "trust": trust_text(&self.trust),
            "trusted_at_signing_time": self.trust_at_signing_time.as_ref().map(Trust::is_trusted),
            "trust_at_signing_time": self.trust_at_signing_time.as_ref().map(trust_text),
            "expired_since_signing": self.expired_since_signing(),
            "validity": self.validity_summary(),
            "revocation_checked": self.long_term_checked,
            "kind": match self.kind {
                ItemKind::Signature => "signature",
                ItemKind::DocumentTimestamp => "document-timestamp",
            },
            "level": self.level.map(|l| l.to_string()),
            "valid": self.is_valid(),
            "timestamp": self.timestamp.as_ref().map(|t| serde_json::json!({
                "time": t.time.to_rfc3339(),
                "tsa": t.tsa,
                "intact": t.problems.is_empty(),
                "problems": t.problems.iter().map(Text::both).collect::<Vec<_>>(),
            })),
            "proved_at": self.proved_at.map(|t| t.to_rfc3339()),
            "revocation": self.revocation.iter().map(|r| serde_json::json!({
                "certificate": r.subject,
                "status": r.status.word(),
                "detail": revocation_text(&r.status).both(),
            })).collect::<Vec<_>>(),
            "proof": self.proof.iter().map(Text::both).collect::<Vec<_>>(),
            "warnings": self.warnings.iter().map(Text::both).collect::<Vec<_>>(),
            "long_term_problems": self.long_term_problems.iter().map(Text::both).collect::<Vec<_>>(),
            "later_changes": self.later_changes.iter().map(Text::both).collect::<Vec<_>>(),
            "online": self.online,
        })
    }
}

fn show_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// Every signature and document timestamp of `pdf`, checked for intactness (not for
/// trust), in the order of the bytes they sign.
/// (Trust is judged by [`crate::validation`].)
pub(crate) fn signed_items(pdf: &[u8]) -> Result<Vec<SignatureReport>, VerifyError> {
    let at = SystemTime::now();
    let trust: &[Certificate] = &[];
    crate::pdf_nesting::check(pdf).map_err(|e| VerifyError::Pdf(e.to_string()))?;
    let doc = Document::load_mem(pdf).map_err(|e| VerifyError::Pdf(e.to_string()))?;
    let mut found = signature_fields(&doc);
    // Signature dictionaries outside the form (or in a damaged one) are verified too.
    for (id, object) in &doc.objects {
        if let Object::Dictionary(d) = object {
            if is_signature_dictionary(d) && !found.iter().any(|f| f.1 == Some(*id)) {
                found.push((None, Some(*id), d.clone()));
            }
        }
    }
    let revisions = revisions(pdf).max(1);
    let mut reports: Vec<SignatureReport> = found
        .into_iter()
        .map(|(name, _, dict)| report(pdf, name, &dict, revisions, trust, at))
        .collect();
    reports.sort_by_key(|r| r.byte_range.iter().copied().max().unwrap_or(0));
    Ok(reports)
}

type Found = (Option<String>, Option<ObjectId>, Dictionary);

/// The signature fields of the form (recursively through `/Kids`) with a value.
fn signature_fields(doc: &Document) -> Vec<Found> {
    let mut found = Vec::new();
    let Ok(catalog) = doc.catalog() else {
        return found;
    };
    let form = match catalog.get(b"AcroForm") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).ok(),
        Ok(Object::Dictionary(d)) => Some(d),
        _ => None,
    };
    let Some(form) = form else { return found };
    let fields = match form.get(b"Fields").and_then(|f| doc.dereference(f)) {
        Ok((_, Object::Array(a))) => a.clone(),
        _ => Vec::new(),
    };
    let mut stack: Vec<(Object, Option<String>, usize)> =
        fields.into_iter().map(|f| (f, None, 0)).collect();
    while let Some((field, parent_name, depth)) = stack.pop() {
        if depth > 32 {
            continue;
        }
        let Ok((_, Object::Dictionary(dict))) = doc.dereference(&field) else {
            continue;
        };
        let own = dict
            .get(b"T")
            .ok()
            .and_then(|t| lopdf::decode_text_string(t).ok());
        let name = match (&parent_name, own) {
            (Some(p), Some(o)) => Some(format!("{p}.{o}")),
            (p, o) => o.or(p.clone()),
        };
        if let Ok(value) = dict.get(b"V") {
            if let Ok((id, Object::Dictionary(sig))) = doc.dereference(value) {
                if is_signature_dictionary(sig) {
                    found.push((name.clone(), id, sig.clone()));
                }
            }
        }
        if let Ok((_, Object::Array(kids))) = dict.get(b"Kids").and_then(|k| doc.dereference(k)) {
            for kid in kids {
                stack.push((kid.clone(), name.clone(), depth + 1));
            }
        }
    }
    found.reverse();
    found
}

fn is_signature_dictionary(d: &Dictionary) -> bool {
    d.has(b"ByteRange") && d.has(b"Contents")
}

/// The revisions of a PDF, counted by their `%%EOF` markers (the original and each
/// incremental update).
pub fn revisions(bytes: &[u8]) -> usize {
    bytes.windows(5).filter(|w| w == b"%%EOF").count()
}

fn name_of(d: &Dictionary, key: &[u8]) -> Option<String> {
    d.get(key)
        .and_then(Object::as_name)
        .ok()
        .map(|n| String::from_utf8_lossy(n).into_owned())
}

fn report(
    pdf: &[u8],
    field_name: Option<String>,
    sig: &Dictionary,
    revisions: usize,
    anchors: &[Certificate],
    at: SystemTime,
) -> SignatureReport {
    let mut r = SignatureReport {
        field_name,
        sub_filter: name_of(sig, b"SubFilter"),
        intact: false,
        problems: Vec::new(),
        notes: Vec::new(),
        byte_range: Vec::new(),
        covers_whole_document: false,
        revision: 0,
        revisions,
        signer_subject: None,
        signing_time: sig
            .get(b"M")
            .ok()
            .and_then(|m| lopdf::decode_text_string(m).ok())
            .and_then(|m| parse_pdf_date(&m)),
        trust: Trust::Untrusted {
            reason: "签名无法检查 / the signature could not be checked".into(),
        },
        trust_at_signing_time: None,
        checked_at: DateTime::<Utc>::from(at),
        anchors_given: !anchors.is_empty(),
        fault_now: None,
        fault_at_signing: None,
        kind: if is_doc_timestamp(sig) {
            ItemKind::DocumentTimestamp
        } else {
            ItemKind::Signature
        },
        level: None,
        timestamp: None,
        proved_at: None,
        revocation: Vec::new(),
        proof: Vec::new(),
        warnings: Vec::new(),
        long_term_problems: Vec::new(),
        later_changes: Vec::new(),
        long_term_checked: false,
        online: false,
        signer_cert: None,
        certs: Vec::new(),
        end: 0,
    };
    if let Err(problem) = check(pdf, sig, anchors, at, &mut r) {
        r.problems.push(problem);
    }
    r.intact = r.problems.is_empty();
    r
}

/// Fills `r`; an `Err` is a problem that stops the checks of this signature.
fn check(
    pdf: &[u8],
    sig: &Dictionary,
    anchors: &[Certificate],
    at: SystemTime,
    r: &mut SignatureReport,
) -> Result<(), String> {
    match r.sub_filter.as_deref() {
        Some("ETSI.CAdES.detached") | Some("adbe.pkcs7.detached") | Some("ETSI.RFC3161") => {}
        other => {
            return Err(format!(
                "不支持的签名格式 /SubFilter {} / unsupported /SubFilter",
                other.unwrap_or("(无 / none)")
            ))
        }
    }
    // The byte range: two ranges around the /Contents hex string.
    let range: Vec<i64> = sig
        .get(b"ByteRange")
        .and_then(Object::as_array)
        .map_err(|_| "/ByteRange 不是数组 / /ByteRange is not an array".to_string())?
        .iter()
        .map(|o| o.as_i64().unwrap_or(-1))
        .collect();
    r.byte_range = range.clone();
    let bad_range = || format!("/ByteRange {range:?} 无效 / invalid /ByteRange");
    let [start, len1, start2, len2] = range[..] else {
        return Err(bad_range());
    };
    let as_usize = |v: i64| usize::try_from(v).map_err(|_| bad_range());
    let (start, len1, start2, len2) = (
        as_usize(start)?,
        as_usize(len1)?,
        as_usize(start2)?,
        as_usize(len2)?,
    );
    let end = start2.checked_add(len2).ok_or_else(bad_range)?;
    if start != 0 || len1 > start2 || end > pdf.len() {
        return Err(bad_range());
    }
    r.covers_whole_document = end == pdf.len();
    r.end = end;
    r.revision = revisions(&pdf[..end]).max(1);
    let contents = decode_hex_string(&pdf[len1..start2]).ok_or_else(|| {
        "/ByteRange 之间的内容不是 /Contents 十六进制串 / the gap in /ByteRange is not the /Contents hex string"
            .to_string()
    })?;
    let signed: [&[u8]; 2] = [&pdf[..len1], &pdf[start2..end]];

    if r.kind == ItemKind::DocumentTimestamp {
        let der = cms_sig::trimmed(&contents).to_vec();
        let token = crate::tsp::check_token(&der, &[], |alg| crate::tsp::hash_named(alg, &signed));
        r.signer_subject = token.tsa.as_ref().map(subject_of);
        r.signing_time = Some(token.gen_time);
        r.signer_cert = token.tsa.clone();
        r.certs = token.certs.clone();
        for p in &token.problems {
            r.problems.push(p.both());
        }
        r.timestamp = Some(timestamp_info(token, der));
        return Ok(());
    }
    let signed_data = cms_sig::parse(&contents)
        .map_err(|e| format!("签名数据无法解析 / cannot parse the CMS signature: {e}"))?;
    let certs: Vec<Certificate> = signed_data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    verify_signer(&signed_data, &certs, signed, anchors, at, r)
}

fn verify_signer(
    signed_data: &SignedData,
    certs: &[Certificate],
    signed: [&[u8]; 2],
    anchors: &[Certificate],
    at: SystemTime,
    r: &mut SignatureReport,
) -> Result<(), String> {
    let signer_infos = &signed_data.signer_infos.0;
    if signer_infos.len() != 1 {
        r.notes.push(format!(
            "签名含 {} 个签名者，只检查第一个 / {} signer infos, only the first is checked",
            signer_infos.len(),
            signer_infos.len()
        ));
    }
    let info = signer_infos
        .iter()
        .next()
        .ok_or_else(|| "签名中没有签名者 / no signer in the signature".to_string())?;
    let signer = certs
        .iter()
        .find(|c| cms_sig::matches_sid(c, &info.sid))
        .ok_or_else(|| {
            "签名中找不到签名者证书 / the signer's certificate is not in the signature".to_string()
        })?;
    r.signer_subject = Some(subject_of(signer));
    if r.signing_time.is_none() {
        r.signing_time = info
            .signed_attrs
            .as_ref()
            .and_then(|attrs| attrs.iter().find(|a| a.oid == oids::ID_SIGNING_TIME))
            .and_then(|a| a.values.iter().next())
            .and_then(|v| v.to_der().ok())
            .and_then(|der| <x509_cert::time::Time as der::Decode>::from_der(&der).ok())
            .map(|t| DateTime::<Utc>::from(t.to_system_time()));
    }
    let _ = (anchors, at);
    r.signer_cert = Some(signer.clone());
    r.certs = certs.to_vec();
    r.level = Some(Level::BB);
    // The signature timestamp (B-T): a token over the signature value.
    let token = info
        .unsigned_attrs
        .iter()
        .flat_map(|attrs| attrs.iter())
        .find(|a| a.oid == oids::ID_AA_SIGNATURE_TIME_STAMP_TOKEN)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.to_der().ok());
    if let Some(der) = token {
        let value = info.signature.as_bytes();
        let checked =
            crate::tsp::check_token(&der, certs, |alg| crate::tsp::hash_named(alg, &[value]));
        r.timestamp = Some(timestamp_info(checked, der));
        r.level = Some(Level::BT);
    }

    let digest_algorithm = DigestAlgorithm::from_oid(info.digest_alg.oid).ok_or_else(|| {
        format!(
            "不支持的摘要算法 {} / unsupported digest algorithm",
            info.digest_alg.oid
        )
    })?;
    let digest = digest_algorithm.hash(&signed);
    let spki = signer.tbs_certificate().subject_public_key_info();
    let signature = info.signature.as_bytes();

    let Some(attrs) = &info.signed_attrs else {
        if r.sub_filter.as_deref() == Some("ETSI.CAdES.detached") {
            r.notes
                .push("没有签名属性，不符合 PAdES / no signed attributes: not PAdES".into());
        }
        let message: Vec<u8> = signed.concat();
        return crypto::verify(
            spki,
            &info.signature_algorithm,
            Some(digest_algorithm),
            &message,
            signature,
        );
    };

    let attribute = |oid| attrs.iter().find(|a| a.oid == oid);
    let content_type_ok = attribute(oids::ID_CONTENT_TYPE)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<der::oid::ObjectIdentifier>().ok())
        == Some(oids::ID_DATA);
    if !content_type_ok {
        r.problems.push(
            "签名属性 contentType 不是 id-data / the contentType attribute is not id-data".into(),
        );
    }
    let message_digest = attribute(oids::ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<OctetString>().ok());
    match message_digest {
        Some(d) if d.as_bytes() == digest.as_slice() => {}
        Some(_) => r.problems.push(
            "摘要不符：签名后文件内容被改动过 / digest mismatch: the signed bytes were changed after signing"
                .into(),
        ),
        None => r.problems.push("缺少 messageDigest 签名属性 / no messageDigest attribute".into()),
    }
    match attribute(oids::ID_AA_SIGNING_CERTIFICATE_V2)
        .and_then(|a| a.values.iter().next())
        .map(|v| v.decode_as::<SigningCertificateV2>())
    {
        Some(Ok(sc)) => {
            let cert_hash = sha2::Sha256::digest(signer.to_der().map_err(|e| e.to_string())?);
            let matches = sc.certs.first().is_some_and(|id| {
                let hash_ok = match &id.hash_algorithm {
                    None => true,
                    Some(a) => a.oid == oids::SHA_256,
                };
                hash_ok && id.cert_hash.as_bytes() == cert_hash.as_slice()
            });
            if !matches {
                r.problems.push(
                    "signingCertificateV2 与签名者证书不符 / signingCertificateV2 does not match the signer's certificate"
                        .into(),
                );
            }
        }
        Some(Err(_)) => r.problems.push("signingCertificateV2 无法解析 / cannot parse signingCertificateV2".into()),
        None => r.notes.push("没有 signingCertificateV2 属性，不符合 PAdES B-B / no signingCertificateV2: not PAdES B-B".into()),
    }
    if attribute(oids::ID_SIGNING_TIME).is_some()
        && r.sub_filter.as_deref() == Some("ETSI.CAdES.detached")
    {
        r.notes.push("含 signingTime 属性（PAdES B-B 要求用 /M） / has a signingTime attribute (PAdES B-B uses /M)".into());
    }
    let message = attrs.to_der().map_err(|e| e.to_string())?;
    crypto::verify(
        spki,
        &info.signature_algorithm,
        Some(digest_algorithm),
        &message,
        signature,
    )
    .map_err(|e| format!("签名无效 / the signature does not verify: {e}"))
}

/// Whether `object` is a document timestamp dictionary.
fn is_doc_timestamp(dict: &Dictionary) -> bool {
    matches!(dict.get(b"SubFilter"), Ok(Object::Name(n)) if n == b"ETSI.RFC3161")
        || matches!(dict.get(b"Type"), Ok(Object::Name(n)) if n == b"DocTimeStamp")
}

pub(crate) fn timestamp_info(token: crate::tsp::Timestamp, der: Vec<u8>) -> TimestampInfo {
    TimestampInfo {
        time: token.gen_time,
        tsa: token.tsa_name(),
        problems: token.problems,
        tsa_cert: token.tsa,
        certs: token.certs,
        der,
    }
}

/// What a revocation verdict says, in a line.
pub(crate) fn revocation_text(status: &RevocationStatus) -> Text {
    let show = |t: &DateTime<Utc>| show_time(*t);
    match status {
        RevocationStatus::Good { source, issued } => {
            let issued = show(issued);
            Text::new(
                format!("未吊销（{}，{issued}）", source.zh),
                format!("good ({}, {issued})", source.en),
            )
        }
        RevocationStatus::Revoked { at, source } => {
            let at = at.as_ref().map(show).unwrap_or_else(|| "?".into());
            Text::new(
                format!("已吊销（{at}，{}）", source.zh),
                format!("revoked ({at}, {})", source.en),
            )
        }
        RevocationStatus::RevokedLater { at, source } => {
            let at = show(at);
            Text::new(
                format!(
                    "在所证明的时间之后才被吊销（{at}，{}），签名仍有效",
                    source.zh
                ),
                format!(
                    "revoked only after the proved time ({at}, {}): the signature stays valid",
                    source.en
                ),
            )
        }
        RevocationStatus::Unknown { why } => why.after(&text!("未知", "unknown")),
    }
}

/// Decodes `<hex…>` (whitespace allowed, odd length padded with 0).
fn decode_hex_string(bytes: &[u8]) -> Option<Vec<u8>> {
    let inner = bytes.strip_prefix(b"<")?.strip_suffix(b">")?;
    let digits: Vec<u8> = inner
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| (b as char).to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    Some(
        digits
            .chunks(2)
            .map(|pair| (pair[0] << 4) | pair.get(1).copied().unwrap_or(0))
            .collect(),
    )
}

/// Parses a PDF date `D:YYYYMMDDHHmmSS+HH'mm'` (later parts optional; `Z` for UTC).
pub(crate) fn parse_pdf_date(text: &str) -> Option<DateTime<Utc>> {
    let s = text.strip_prefix("D:").unwrap_or(text);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let part = |from: usize, len: usize, default: u32| -> Option<u32> {
        match digits.get(from..from + len) {
            Some(p) => p.parse().ok(),
            None if digits.len() <= from => Some(default),
            None => None,
        }
    };
    let year = i32::try_from(part(0, 4, 0)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, part(4, 2, 1)?, part(6, 2, 1)?)?;
    let time = date.and_hms_opt(part(8, 2, 0)?, part(10, 2, 0)?, part(12, 2, 0)?)?;
    let rest = &s[digits.len()..];
    let offset_seconds = match rest.chars().next() {
        None | Some('Z') => 0,
        Some(sign @ ('+' | '-')) => {
            let nums: Vec<i32> = rest[1..]
                .split(|c: char| !c.is_ascii_digit())
                .filter(|p| !p.is_empty())
                .filter_map(|p| p.parse().ok())
                .collect();
            let hours = nums.first().copied().unwrap_or(0);
            let minutes = nums.get(1).copied().unwrap_or(0);
            let secs = hours
                .checked_mul(3600)?
                .checked_add(minutes.checked_mul(60)?)?;
            if sign == '-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let offset = FixedOffset::east_opt(offset_seconds)?;
    Some(
        offset
            .from_local_datetime(&time)
            .single()?
            .with_timezone(&Utc),
    )
}

/// The PDF date string of `time`, in UTC: `D:YYYYMMDDHHmmSS+00'00'`.
pub(crate) fn pdf_date(time: DateTime<Utc>) -> String {
    time.format("D:%Y%m%d%H%M%S+00'00'").to_string()
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "是 / yes"
    } else {
        "否 / no"
    }
}

impl fmt::Display for SignatureReport {
    /// A few lines, Chinese first: intact, coverage, signer, time, trust, problems.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.is_valid() {
            "有效 / valid"
        } else {
            "无效 / NOT valid"
        };
        let what = match self.kind {
            ItemKind::Signature => "签名 / signature",
            ItemKind::DocumentTimestamp => "文档时间戳 / document timestamp",
        };
        writeln!(
            f,
            "{what} {}: {verdict}",
            self.field_name.as_deref().unwrap_or("(无名 / unnamed)")
        )?;
        writeln!(
            f,
            "  完好 / intact: {}{}",
            yes_no(self.intact),
            if self.intact {
                "（摘要一致，签名有效 / digest matches, signature verifies）"
            } else {
                ""
            }
        )?;
        let coverage = if self.covers_whole_document {
            "整个文件 / the whole document".to_string()
        } else if self.later_changes.is_empty() {
            "签名时的版本；其后只追加了 DSS、时间戳或签名 / the revision signed; only a DSS, timestamps or signatures were added after it".to_string()
        } else {
            "文件的一部分：签名后又有修改 / part of the document: it was changed after signing"
                .to_string()
        };
        writeln!(
            f,
            "  覆盖 / covers: {coverage}（第 {} 版，共 {} 版 / revision {} of {}）",
            self.revision, self.revisions, self.revision, self.revisions
        )?;
        writeln!(
            f,
            "  签名者 / signer: {}",
            self.signer_subject.as_deref().unwrap_or("?")
        )?;
        if let (Some(t), ItemKind::Signature) = (self.signing_time, self.kind) {
            let note = if self.timestamp.is_some() {
                "签名者所称；时间戳见下 / claimed by the signer; the timestamp is below"
            } else {
                "签名者所称，未经时间戳证明 / claimed by the signer, no timestamp"
            };
            writeln!(f, "  签名时间 / signing time: {}（{note}）", show_time(t))?;
        }
        let trust_text = |t: &Trust| match t {
            Trust::Trusted { anchor } => format!("可信，链到 / trusted, chains to {anchor}"),
            Trust::Untrusted { reason } => format!("不可信 / not trusted: {reason}"),
        };
        if self.anchors_given && self.kind == ItemKind::Signature {
            writeln!(f, "  证书 / certificate: {}", self.validity_summary())?;
        }
        let now = trust_text(&self.trust);
        match &self.trust_at_signing_time {
            // The same verdict at both times (a sound path valid then and now, or one that
            // fails whatever the time): one line.
            Some(then) if self.anchors_given && then == &self.trust => writeln!(
                f,
                "  信任（签名时与现在） / trust (at signing time and now): {now}"
            )?,
            Some(then) if self.anchors_given => {
                writeln!(
                    f,
                    "  签名时的信任 / trust at signing time: {}",
                    trust_text(then)
                )?;
                writeln!(
                    f,
                    "  现在的信任 / trust now ({}): {now}",
                    show_time(self.checked_at)
                )?;
            }
            _ => writeln!(
                f,
                "  现在的信任 / trust now ({}): {now}",
                show_time(self.checked_at)
            )?,
        }
        self.fmt_tail(f)
    }
}

impl SignatureReport {
    /// The last lines of the text report: revocation, problems, notes.
    fn fmt_tail(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(level) = self.level {
            writeln!(f, "  级别 / level: PAdES {level}")?;
        }
        if let Some(t) = &self.timestamp {
            let state = if t.problems.is_empty() {
                "完好 / intact".to_string()
            } else {
                t.problems
                    .iter()
                    .map(Text::both)
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            writeln!(
                f,
                "  时间戳 / timestamp: {}，{}（{state}）",
                show_time(t.time),
                t.tsa
            )?;
        }
        if self.long_term_checked {
            if let Some(t) = self.proved_at {
                writeln!(f, "  证明的时间 / proved at: {}", show_time(t))?;
            }
            for step in &self.proof {
                writeln!(f, "  证明 / proof: {}", step.both())?;
            }
            if self.revocation.is_empty() {
                writeln!(
                    f,
                    "  吊销 / revocation: 无需检查的证书 / no certificate to check"
                )?;
            }
            for c in &self.revocation {
                writeln!(
                    f,
                    "  吊销 / revocation: {} — {}: {}",
                    c.subject,
                    c.status.word(),
                    revocation_text(&c.status).both()
                )?;
            }
            for w in &self.warnings {
                writeln!(f, "  警告 / warning: {}", w.both())?;
            }
            for p in &self.long_term_problems {
                writeln!(f, "  未证明 / not proved: {}", p.both())?;
            }
        } else {
            writeln!(
                f,
                "  吊销 / revocation: 未检查（没有给出信任锚） / not checked (no trust anchor given)"
            )?;
        }
        for c in &self.later_changes {
            writeln!(f, "  签名后的改动 / changed after signing: {}", c.both())?;
        }
        for p in &self.problems {
            writeln!(f, "  问题 / problem: {p}")?;
        }
        for n in &self.notes {
            writeln!(f, "  注意 / note: {n}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_pdf_dates_are_rejected_not_panicked_on() {
        assert_eq!(parse_pdf_date("D:20260101120000+99999999'00'"), None);
        assert_eq!(parse_pdf_date("D:2026é"), None);
    }

    #[test]
    fn pdf_dates_round_trip_and_offsets_apply() {
        let t = Utc
            .with_ymd_and_hms(2026, 11, 25, 12, 15, 0)
            .single()
            .expect("date");
        assert_eq!(pdf_date(t), "D:20261125121500+00'00'");
        assert_eq!(parse_pdf_date(&pdf_date(t)), Some(t));
        assert_eq!(parse_pdf_date("D:20261125201500+08'00'"), Some(t));
        assert_eq!(parse_pdf_date("D:20261125121500Z"), Some(t));
        assert_eq!(
            parse_pdf_date("D:2026"),
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single()
        );
        assert_eq!(parse_pdf_date("yesterday"), None);
        assert_eq!(parse_pdf_date("D:20261125121500+999999'00'"), None);
        assert_eq!(parse_pdf_date("D:20261125121500+00'99999999'"), None);
    }

    #[test]
    fn hex_strings_decode() {
        assert_eq!(decode_hex_string(b"<30 8a\n00>"), Some(vec![0x30, 0x8a, 0]));
        assert_eq!(decode_hex_string(b"<3>"), Some(vec![0x30]));
        assert_eq!(decode_hex_string(b"(30)"), None);
        assert_eq!(decode_hex_string(b"<zz>"), None);
    }
}
