//! Checking the electronic seals of an OFD: for each signature in the document's list,
//! every protected part against its SM3 `CheckValue`, `dataHash` against the SM3 of
//! `Signature.xml`, the signer's SM2 signature over `TBS_Sign`, the seal maker's SM2
//! signature over `SES_SealInfo`, that the seal lists the signer's certificate, the
//! validity periods (seal, signer and maker certificates, at the signing time), and —
//! with trust anchors — that both certificates chain to one of them. Parts of the
//! package no seal protects (added after sealing) are reported too.

use std::collections::BTreeSet;
use std::time::SystemTime;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use der::{Decode, Encode};
use x509_cert::Certificate;

use super::apply::{read_list, sm3, ListedSignature};
use super::asn1::{bits, der_of, read_text, read_time, SesSignature, TbsSign, SM2_WITH_SM3, SM3};
use super::esl::SealFile;
use super::signer::{certificate_from_der, subject, verify_sm2};
use crate::read::{self, child, child_text, children, parent, parse_xml, Package};
use jixiao_sign::Trust;

/// What was found about one seal.
#[derive(Debug, Clone)]
pub struct SealReport {
    /// The signature's `ID` in the list.
    pub id: String,
    /// The path of its `Signature.xml`.
    pub path: String,
    /// The seal's name.
    pub seal_name: Option<String>,
    /// The signer (subject of the signing certificate).
    pub signer: Option<String>,
    /// The seal maker (subject of the maker's certificate).
    pub maker: Option<String>,
    /// The signing time (`TBS_Sign.timeInfo`).
    pub time: Option<DateTime<Utc>>,
    /// The page (from 1) the seal picture is placed on.
    pub page: Option<usize>,
    /// How many parts the seal protects.
    pub protected: usize,
    /// Protected parts whose content changed.
    pub changed: Vec<String>,
    /// Protected parts that are gone.
    pub missing: Vec<String>,
    /// Whether the SM3 of `Signature.xml` is the signed `dataHash`.
    pub data_hash_ok: bool,
    /// Whether the signer's SM2 signature over `TBS_Sign` verifies.
    pub signature_ok: bool,
    /// Whether the seal maker's SM2 signature over the seal verifies.
    pub seal_ok: bool,
    /// Whether the seal lists the signer's certificate.
    pub signer_listed: bool,
    /// Validity problems (seal period, certificates at the signing time).
    pub validity: Vec<String>,
    /// Trust of the signer's certificate (`None` without anchors).
    pub signer_trust: Option<Trust>,
    /// Trust of the seal maker's certificate (`None` without anchors).
    pub maker_trust: Option<Trust>,
    /// Anything else wrong, Chinese first.
    pub problems: Vec<String>,
    /// The timestamp over the signature value (`SES_Signature.timeStamp`), if any.
    pub timestamp: Option<SealTimestamp>,
}

/// The RFC 3161 token of a seal, as checked.
#[derive(Debug, Clone)]
pub struct SealTimestamp {
    /// `genTime`.
    pub time: DateTime<Utc>,
    /// The TSA (its certificate's subject).
    pub tsa: String,
    /// The token's digest algorithm (SM3, SHA-256 …).
    pub algorithm: String,
    /// Why the token is not good: not a token, damaged, or its imprint is not that of the
    /// signature value; empty when good.
    pub problems: Vec<String>,
    /// Trust of the TSA's certificate (`None` without anchors).
    pub trust: Option<Trust>,
}

impl SealReport {
    fn new(listed: &ListedSignature) -> SealReport {
        SealReport {
            id: listed.id.clone(),
            path: listed.path.clone(),
            seal_name: None,
            signer: None,
            maker: None,
            time: None,
            page: None,
            protected: 0,
            changed: Vec::new(),
            missing: Vec::new(),
            data_hash_ok: false,
            signature_ok: false,
            seal_ok: false,
            signer_listed: false,
            validity: Vec::new(),
            signer_trust: None,
            maker_trust: None,
            problems: Vec::new(),
            timestamp: None,
        }
    }

    /// Whether nothing the seal protects changed and both signatures verify.
    pub fn intact(&self) -> bool {
        self.changed.is_empty()
            && self.missing.is_empty()
            && self.data_hash_ok
            && self.signature_ok
            && self.seal_ok
            && self.problems.is_empty()
    }

    /// Whether the seal is intact, lists its signer, is within its validity and (when
    /// anchors were given) both certificates are trusted.
    pub fn valid(&self) -> bool {
        self.intact()
            && self.timestamp.as_ref().is_none_or(|t| {
                t.problems.is_empty() && t.trust.as_ref().is_none_or(Trust::is_trusted)
            })
            && self.signer_listed
            && self.validity.is_empty()
            && self.signer_trust.as_ref().is_none_or(Trust::is_trusted)
            && self.maker_trust.as_ref().is_none_or(Trust::is_trusted)
    }

    /// Every reason the seal is not valid, Chinese first.
    pub fn reasons(&self) -> Vec<String> {
        let mut out = Vec::new();
        for p in &self.changed {
            out.push(format!(
                "受保护的部件 {p} 已被改动 / the protected part {p} was changed"
            ));
        }
        for p in &self.missing {
            out.push(format!(
                "受保护的部件 {p} 已不存在 / the protected part {p} is gone"
            ));
        }
        if !self.data_hash_ok {
            out.push(format!(
                "{} 与签名时不同（dataHash 不符） / {} is not what was signed (dataHash differs)",
                self.path, self.path
            ));
        }
        if !self.signature_ok {
            out.push(
                "签章人的 SM2 签名值不正确 / the signer's SM2 signature does not verify".into(),
            );
        }
        if !self.seal_ok {
            out.push(
                "电子印章的制章签名不正确 / the seal maker's signature does not verify".into(),
            );
        }
        if !self.signer_listed {
            out.push(
                "印章未列出签章人证书 / the seal does not list the signer's certificate".into(),
            );
        }
        out.extend(self.validity.iter().cloned());
        out.extend(self.problems.iter().cloned());
        if let Some(t) = &self.timestamp {
            for p in &t.problems {
                out.push(format!("时间戳 / timestamp: {p}"));
            }
            if let Some(Trust::Untrusted { reason }) = &t.trust {
                out.push(format!("时间戳服务 / timestamp authority: {reason}"));
            }
        }
        for (who, trust) in [
            ("签章人 / signer", &self.signer_trust),
            ("制章者 / seal maker", &self.maker_trust),
        ] {
            if let Some(Trust::Untrusted { reason }) = trust {
                out.push(format!("{who}: {reason}"));
            }
        }
        out
    }
}

/// The seals of a package and the parts none of them protects.
#[derive(Debug, Clone, Default)]
pub struct Seals {
    /// One report per signature in the list.
    pub reports: Vec<SealReport>,
    /// Parts no seal protects that are not seal parts themselves (added after sealing).
    pub unprotected: Vec<String>,
    /// The seal parts (the list and each seal's files), which a reproduction lacks.
    pub seal_parts: BTreeSet<String>,
}

/// Checks every seal of `package`; trust is judged when `anchors` are given, at `now`.
pub fn verify_seals(package: &Package, anchors: &[Certificate], now: SystemTime) -> Seals {
    let mut out = Seals::default();
    let Ok(main) = read::main_entry(package) else {
        return out;
    };
    let Some(list_path) = main.signatures else {
        return out;
    };
    out.seal_parts.insert(list_path.clone());
    let listed = match read_list(package, &list_path) {
        Ok(l) => l,
        Err(e) => {
            let mut r = SealReport::new(&ListedSignature {
                id: String::new(),
                kind: String::new(),
                base_loc: String::new(),
                path: list_path.clone(),
            });
            r.problems.push(e.to_string());
            out.reports.push(r);
            return out;
        }
    };
    let pages = read::document(package, &main.doc_root)
        .map(|d| d.pages)
        .unwrap_or_default();
    let mut protected: BTreeSet<String> = BTreeSet::new();
    for entry in &listed {
        let mut report = SealReport::new(entry);
        let refs = check_signature(
            package,
            entry,
            &pages,
            anchors,
            now,
            &mut report,
            &mut out.seal_parts,
        );
        protected.extend(refs);
        out.reports.push(report);
    }
    for e in package.entries() {
        if !protected.contains(&e.name) && !out.seal_parts.contains(&e.name) {
            out.unprotected.push(e.name.clone());
        }
    }
    out
}

/// Checks one signature; returns the parts it protects.
fn check_signature(
    package: &Package,
    entry: &ListedSignature,
    pages: &[(String, String)],
    anchors: &[Certificate],
    now: SystemTime,
    report: &mut SealReport,
    seal_parts: &mut BTreeSet<String>,
) -> Vec<String> {
    let mut protected = Vec::new();
    seal_parts.insert(entry.path.clone());
    let Some(signature_xml) = package.get(&entry.path) else {
        report.problems.push(format!(
            "签名描述文件 {} 不存在 / the signature file {} is missing",
            entry.path, entry.path
        ));
        return protected;
    };
    let doc = match parse_xml(&entry.path, signature_xml) {
        Ok(d) => d,
        Err(e) => {
            report.problems.push(e.to_string());
            return protected;
        }
    };
    let dir = parent(&entry.path);
    let root = doc.root_element();
    let Some(info) = child(root, "SignedInfo") else {
        report
            .problems
            .push("Signature.xml 中没有 SignedInfo / Signature.xml has no SignedInfo".into());
        return protected;
    };
    if let Some(method) = child_text(info, "SignatureMethod") {
        if method != SM2_WITH_SM3.to_string() && !method.eq_ignore_ascii_case("SM2") {
            report.problems.push(format!(
                "签名算法 {method} 不是 SM2/SM3 / the signature method {method} is not SM2/SM3"
            ));
        }
    }
    // References.
    let b64 = base64::engine::general_purpose::STANDARD;
    if let Some(refs) = child(info, "References") {
        let method = refs.attribute("CheckMethod").unwrap_or("MD5");
        let sm3_method = method == SM3.to_string() || method.eq_ignore_ascii_case("SM3");
        if !sm3_method {
            report.problems.push(format!(
                "摘要算法 {method} 不是 SM3 / the digest method {method} is not SM3"
            ));
        }
        for r in children(refs, "Reference") {
            let loc = r.attribute("FileRef").unwrap_or_default();
            let Some(path) = read::resolve(dir, loc)
                .filter(|p| loc.starts_with('/') || package.get(p).is_some())
                .or_else(|| read::resolve("", loc))
            else {
                report
                    .problems
                    .push(format!("无效的 FileRef {loc} / invalid FileRef {loc}"));
                continue;
            };
            report.protected += 1;
            protected.push(path.clone());
            let expected = child_text(r, "CheckValue")
                .and_then(|v| b64.decode(v.split_whitespace().collect::<String>()).ok());
            match package.get(&path) {
                None => report.missing.push(path),
                Some(data) => {
                    if !sm3_method || expected.as_deref() != Some(sm3(data).as_slice()) {
                        report.changed.push(path);
                    }
                }
            }
        }
    } else {
        report
            .problems
            .push("Signature.xml 中没有 References / Signature.xml has no References".into());
    }
    if let Some(stamp) = child(info, "StampAnnot") {
        let page_ref = stamp.attribute("PageRef").unwrap_or_default();
        report.page = pages
            .iter()
            .position(|(id, _)| id == page_ref)
            .map(|i| i + 1);
        if report.page.is_none() {
            report.problems.push(format!(
                "印章外观所在页 {page_ref} 不存在 / the seal's page {page_ref} does not exist"
            ));
        }
    }
    let seal_loc = child(info, "Seal")
        .and_then(|s| child_text(s, "BaseLoc"))
        .and_then(|loc| {
            read::resolve("", &loc)
                .filter(|p| package.get(p).is_some())
                .or_else(|| read::resolve(dir, &loc))
        });
    if let Some(p) = &seal_loc {
        seal_parts.insert(p.clone());
    }
    let Some(value_path) = child_text(root, "SignedValue").and_then(|loc| {
        read::resolve("", &loc)
            .filter(|p| package.get(p).is_some())
            .or_else(|| read::resolve(dir, &loc))
    }) else {
        report
            .problems
            .push("Signature.xml 中没有 SignedValue / Signature.xml has no SignedValue".into());
        return protected;
    };
    seal_parts.insert(value_path.clone());
    let Some(value) = package.get(&value_path) else {
        report.problems.push(format!(
            "签名值文件 {value_path} 不存在 / the signed value {value_path} is missing"
        ));
        return protected;
    };
    check_signed_value(
        value,
        signature_xml,
        seal_loc.as_deref().and_then(|p| package.get(p)),
        anchors,
        now,
        report,
    );
    protected
}

/// Checks `SignedValue.dat`: the SES_Signature, its seal, the certificates and times.
fn check_signed_value(
    value: &[u8],
    signature_xml: &[u8],
    seal_file: Option<&[u8]>,
    anchors: &[Certificate],
    now: SystemTime,
    report: &mut SealReport,
) {
    let not_v4 = |e: String| {
        format!("SignedValue 不是 GB/T 38540 第 4 版签章数据（SES_Signature） / the signed value is not a GB/T 38540 version 4 SES_Signature: {e}")
    };
    let signed = match SesSignature::from_der(value) {
        Ok(s) => s,
        Err(e) => {
            report.problems.push(not_v4(e.to_string()));
            return;
        }
    };
    let tbs_der = match der_of(&signed.to_sign) {
        Ok(d) => d,
        Err(e) => {
            report.problems.push(not_v4(e.to_string()));
            return;
        }
    };
    let tbs = match TbsSign::from_der(&tbs_der) {
        Ok(t) => t,
        Err(e) => {
            report.problems.push(not_v4(format!("TBS_Sign: {e}")));
            return;
        }
    };
    if tbs.version != 4 {
        report
            .problems
            .push(not_v4(format!("version {}", tbs.version)));
    }
    report.time = read_time(&tbs.time_info);
    report.data_hash_ok = bits(&tbs.data_hash) == Some(sm3(signature_xml).as_slice());
    let property = read_text(&tbs.property_info);
    if !property
        .trim_start_matches('/')
        .ends_with(report.path.as_str())
    {
        report.problems.push(format!(
            "签章数据指向 {property}，而不是 {} / the signed value names {property}, not {}",
            report.path, report.path
        ));
    }
    // The signer's signature.
    let signer = match certificate_from_der(signed.cert.as_bytes()) {
        Ok(c) => Some(c),
        Err(e) => {
            report
                .problems
                .push(format!("签章人证书 / signer certificate: {e}"));
            None
        }
    };
    if let Some(cert) = &signer {
        report.signer = Some(subject(cert));
        if signed.signature_alg_id != SM2_WITH_SM3 {
            report.problems.push(format!(
                "签章算法 {} 不是 SM2/SM3 / the signature algorithm {} is not SM2/SM3",
                signed.signature_alg_id, signed.signature_alg_id
            ));
        }
        report.signature_ok =
            bits(&signed.signature).is_some_and(|sig| verify_sm2(cert, &tbs_der, sig).is_ok());
    }
    // The timestamp over the signature value.
    if let Some(token) = &signed.time_stamp {
        report.timestamp = Some(check_timestamp(token, &signed.signature, anchors, now));
    }
    // The seal.
    let seal_der = match der_of(&tbs.eseal) {
        Ok(d) => d,
        Err(e) => {
            report.problems.push(format!("电子印章 / seal: {e}"));
            return;
        }
    };
    if let Some(file) = seal_file {
        if file != seal_der.as_slice() {
            report.problems.push(
                "Seal.esl 与签章数据中的印章不同 / Seal.esl differs from the seal in the signed value".into(),
            );
        }
    }
    let seal = match SealFile::parse(&seal_der) {
        Ok(s) => s,
        Err(e) => {
            report.problems.push(e.to_string());
            return;
        }
    };
    report.seal_name = Some(seal.name());
    report.seal_ok = seal.verify_maker_signature().is_ok();
    let maker = seal.maker().ok();
    report.maker = maker.as_ref().map(subject);
    report.signer_listed = seal.lists(signed.cert.as_bytes());
    // Validity at the signing time.
    let time = report.time;
    match time {
        None => report
            .validity
            .push("签章时间无法读取 / the signing time cannot be read".into()),
        Some(t) => {
            let (from, until) = seal.validity();
            if from.is_some_and(|f| t < f) || until.is_some_and(|u| t > u) {
                report.validity.push(format!(
                    "签章时间不在印章有效期内（{} 至 {}） / signed outside the seal's validity ({} to {})",
                    show(from), show(until), show(from), show(until)
                ));
            }
            if let Some(cert) = &signer {
                if let Some(p) = outside_validity(cert, t) {
                    report
                        .validity
                        .push(format!("签章人证书 / signer certificate: {p}"));
                }
            }
            if let (Some(cert), Some(created)) = (&maker, seal.created()) {
                if let Some(p) = outside_validity(cert, created) {
                    report.validity.push(format!("制章者证书（制章时） / seal maker certificate (when the seal was made): {p}"));
                }
            }
        }
    }
    if !anchors.is_empty() {
        report.signer_trust = signer
            .as_ref()
            .map(|c| jixiao_sign::chain_check(c, &[], anchors, now));
        report.maker_trust = maker
            .as_ref()
            .map(|c| jixiao_sign::chain_check(c, &[], anchors, now));
    }
}

/// Checks a seal's timestamp token: a DER TimeStampToken whose imprint is the hash of the
/// signature value, signed by a TSA (chained to `anchors` at `now`, when given).
fn check_timestamp(
    token: &der::asn1::BitString,
    signature: &der::asn1::BitString,
    anchors: &[Certificate],
    now: SystemTime,
) -> SealTimestamp {
    let value = bits(signature).unwrap_or_default();
    let Some(der) = bits(token) else {
        return SealTimestamp {
            time: DateTime::<Utc>::UNIX_EPOCH,
            tsa: "?".into(),
            algorithm: String::new(),
            problems: vec!["timeStamp 位串不完整 / the timeStamp bit string is incomplete".into()],
            trust: None,
        };
    };
    let checked =
        jixiao_sign::tsp::check_token(der, &[], |alg| jixiao_sign::tsp::hash_named(alg, &[value]));
    let trust = match (&checked.tsa, anchors.is_empty()) {
        (Some(tsa), false) => Some(jixiao_sign::chain_check(tsa, &checked.certs, anchors, now)),
        _ => None,
    };
    SealTimestamp {
        time: checked.gen_time,
        tsa: checked.tsa_name(),
        algorithm: checked.imprint_algorithm.clone(),
        problems: checked.problems.iter().map(|p| p.both()).collect(),
        trust,
    }
}

fn show(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(
        || "?".into(),
        |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}

/// Why `cert` was not valid at `t`, if it was not.
fn outside_validity(cert: &Certificate, t: DateTime<Utc>) -> Option<String> {
    let v = cert.tbs_certificate().validity();
    let at: SystemTime = t.into();
    let (from, until) = (v.not_before.to_system_time(), v.not_after.to_system_time());
    if at < from || at > until {
        Some(format!(
            "{} 的有效期为 {} 至 {} / {} is valid from {} to {}",
            subject(cert),
            v.not_before,
            v.not_after,
            subject(cert),
            v.not_before,
            v.not_after
        ))
    } else {
        None
    }
}

/// The DER of a certificate (for comparisons).
pub fn der_of_certificate(cert: &Certificate) -> Vec<u8> {
    cert.to_der().unwrap_or_default()
}
