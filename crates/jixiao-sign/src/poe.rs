//! Validation from proofs of existence (in the manner of ETSI EN 319 102-1's past
//! signature validation): each signature and timestamp is judged at the time a *later*
//! timestamp proves it existed, not now.
//!
//! - The newest timestamp (a document timestamp, else a signature timestamp) is judged
//!   at the validation time: its TSA's path must be valid then. Its revocation can only
//!   be checked online; offline, when the file holds no data for it, that is a warning.
//! - Each older document timestamp is judged at the time of the next one, which proves
//!   it existed then (when that one is itself proved valid; else at the validation time).
//! - A signature timestamp is judged at the time of the first document timestamp after
//!   the signature (else at the validation time); when it holds, the signature is proved
//!   to have existed at its `genTime`, and the signer's path is judged then.
//! - A signature without a (valid) timestamp is judged at the validation time.
//!
//! Every certificate of a path but the anchor gets a revocation verdict (good, revoked,
//! unknown) from the DSS, the OCSP responses and CRLs fetched with `--online`: revoked
//! before the proved time fails; revoked after it is valid and said; unknown is a
//! warning that names the certificate (as pyHanko's soft-fail does).

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use jixiao_core::text;
use jixiao_core::words::Text;
use lopdf::Document;
use x509_cert::Certificate;

use super::chain::{self, Trust};
use super::dss::Dss;
use super::level::Level;
use super::revocation::{self, RevocationData, Status};
use super::signer::subject_of;
use super::verify::{CertificateRevocation, ItemKind, SignatureReport};

fn show(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// The revocation data at hand, and what was fetched (`online`).
struct Sources {
    data: Vec<RevocationData>,
    pool: Vec<Certificate>,
    online: bool,
    fetched: Vec<Certificate>,
    validation_time: DateTime<Utc>,
}

impl Sources {
    /// Fetches the data of `cert` once, when online; a failure is returned as a warning.
    fn fetch(&mut self, cert: &Certificate, issuer: &Certificate) -> Option<Text> {
        if !self.online || self.fetched.contains(cert) {
            return None;
        }
        self.fetched.push(cert.clone());
        match revocation::fetch(cert, issuer) {
            Ok(data) => {
                for d in data {
                    if !self.data.contains(&d) {
                        self.data.push(d);
                    }
                }
                None
            }
            Err(e) => Some(e),
        }
    }
}

/// What judging one signed object found.
struct Judged {
    valid: bool,
    /// The anchor the path ends at (empty when there is no path).
    anchor: String,
    problems: Vec<Text>,
    warnings: Vec<Text>,
    revocation: Vec<CertificateRevocation>,
}

/// Judges `cert`'s path (through `certs` and the pool) at `proved`, with the revocation
/// data issued since `since`. `newest`: the newest timestamp's TSA, whose own revocation
/// offline is only a warning.
#[allow(clippy::too_many_arguments)]
fn judge(
    cert: &Certificate,
    certs: &[Certificate],
    anchors: &[Certificate],
    sources: &mut Sources,
    since: DateTime<Utc>,
    proved: DateTime<Utc>,
    newest: bool,
    what: &Text,
) -> Judged {
    let mut out = Judged {
        valid: true,
        anchor: String::new(),
        problems: Vec::new(),
        warnings: Vec::new(),
        revocation: Vec::new(),
    };
    let mut pool = certs.to_vec();
    pool.extend(sources.pool.iter().cloned());
    let check = chain::check_path(cert, &pool, anchors, SystemTime::from(proved));
    if let Trust::Untrusted { reason } = &check.trust {
        out.valid = false;
        let at = show(proved);
        let now = proved == sources.validation_time;
        // The path check's reasons are written `中文 / English`.
        let (reason_zh, reason_en) = reason.split_once(" / ").unwrap_or((reason, reason));
        out.problems.push(match (check.time_fault.is_some(), now) {
            (true, true) => Text::new(
                format!("{}现在（{at}）不在有效期内：{reason_zh}", what.zh),
                format!(
                    "{} is outside its validity period now ({at}): {reason_en}",
                    what.en
                ),
            ),
            (true, false) => Text::new(
                format!("{}在所证明的时间 {at} 不在有效期内：{reason_zh}", what.zh),
                format!(
                    "{} is outside its validity period at the proved time {at}: {reason_en}",
                    what.en
                ),
            ),
            (false, _) => Text::new(
                format!("{}不能链到所信任的 CA（{at}）：{reason_zh}", what.zh),
                format!(
                    "{} does not chain to a trusted CA ({at}): {reason_en}",
                    what.en
                ),
            ),
        });
        return out;
    }
    let path = check.path;
    out.anchor = path.last().map(subject_of).unwrap_or_default();
    for pair in path.windows(2) {
        let (c, issuer) = (&pair[0], &pair[1]);
        if anchors.contains(c) {
            break;
        }
        if revocation::is_ocsp_nocheck(c) {
            continue;
        }
        if let Some(w) = sources.fetch(c, issuer) {
            out.warnings.push(w);
        }
        let status = revocation::status(c, issuer, &sources.data, &pool, since.min(proved), proved);
        let subject = subject_of(c);
        match &status {
            Status::Revoked { at, .. } => {
                out.valid = false;
                let at = at.map(show).unwrap_or_else(|| "?".into());
                out.problems.push(text!(
                    "证书 {subject} 已于 {at} 被吊销，早于所证明的时间",
                    "the certificate {subject} was revoked at {at}, before the proved time"
                ));
            }
            Status::RevokedLater { at, .. } => {
                let at = show(*at);
                out.warnings.push(text!(
                    "证书 {subject} 于 {at} 被吊销，晚于所证明的时间，签名仍然有效",
                    "the certificate {subject} was revoked at {at}, after the proved time: still valid"
                ));
            }
            Status::Unknown { why } => {
                if newest && c == cert && !sources.online {
                    out.warnings.push(text!(
                        "最新时间戳的服务证书 {subject} 的吊销状态只能在线检查（--online）；离线时只按其有效期判断",
                        "the revocation of the newest timestamp's TSA certificate {subject} can only be checked online (--online); offline it is judged by its validity period alone"
                    ));
                } else {
                    out.warnings.push(why.clone());
                }
            }
            Status::Good { issued, .. } => {
                // The file's data says nothing about the time since it was issued: for the
                // newest timestamp, that is up to the validation time.
                if newest
                    && c == cert
                    && !sources.online
                    && *issued + chrono::Duration::days(1) < proved
                {
                    let issued = show(*issued);
                    out.warnings.push(text!(
                        "最新时间戳的服务证书 {subject} 的吊销信息来自 {issued}；此后是否被吊销只能在线检查（--online）",
                        "the revocation data of the newest timestamp's TSA certificate {subject} is from {issued}; whether it was revoked since can only be checked online (--online)"
                    ));
                }
            }
        }
        out.revocation
            .push(CertificateRevocation { subject, status });
    }
    out
}

/// Runs the validation over every report (see the module docs). `at` is the validation
/// time.
pub(crate) fn validate(
    pdf: &[u8],
    reports: &mut [SignatureReport],
    anchors: &[Certificate],
    at: DateTime<Utc>,
    online: bool,
) {
    let dss = Document::load_mem(pdf)
        .map(|doc| Dss::read(&doc))
        .unwrap_or_default();
    let mut pool: Vec<Certificate> = dss.certs.iter().map(|(c, _)| c.clone()).collect();
    for r in reports.iter() {
        pool.extend(r.certs.iter().cloned());
        if let Some(t) = &r.timestamp {
            pool.extend(t.certs.iter().cloned());
        }
    }
    let mut sources = Sources {
        data: dss.revocation.iter().map(|(d, _)| d.clone()).collect(),
        pool,
        online,
        fetched: Vec::new(),
        validation_time: at,
    };
    // The document timestamps, newest first: when each is proved to have existed.
    let dts: Vec<usize> = (0..reports.len())
        .filter(|&i| reports[i].kind == ItemKind::DocumentTimestamp)
        .collect();
    // proved[i] for document timestamps: (time, by whom) once judged valid.
    let mut proved_by: Vec<Option<(DateTime<Utc>, String)>> = vec![None; reports.len()];
    let mut last_valid_dts: Option<usize> = None;
    for &i in dts.iter().rev() {
        let (proved, by_next) = match last_valid_dts {
            Some(j) if reports[j].end > reports[i].end => {
                let t = reports[j].timestamp.as_ref().map_or(at, |t| t.time);
                (t, Some(j))
            }
            _ => (at, None),
        };
        let r = &mut reports[i];
        r.long_term_checked = true;
        r.online = online;
        r.proved_at = Some(proved);
        if !r.intact {
            r.long_term_problems.push(text!(
                "文档时间戳已损坏",
                "the document timestamp is broken"
            ));
            continue;
        }
        let (Some(tsa), Some(token)) = (r.signer_cert.clone(), r.timestamp.clone()) else {
            r.long_term_problems.push(text!(
                "找不到时间戳服务证书",
                "the TSA's certificate is not found"
            ));
            continue;
        };
        let what = text!(
            "文档时间戳的服务证书 {}",
            "the document timestamp's TSA certificate {}",
            token.tsa
        );
        let judged = judge(
            &tsa,
            &token.certs,
            anchors,
            &mut sources,
            token.time,
            proved,
            by_next.is_none(),
            &what,
        );
        r.trust = if judged.valid {
            Trust::Trusted {
                anchor: String::new(),
            }
        } else {
            Trust::Untrusted {
                reason: judged.problems.first().map(Text::both).unwrap_or_default(),
            }
        };
        r.long_term_problems.extend(judged.problems);
        r.warnings.extend(judged.warnings);
        r.revocation = judged.revocation;
        let tsa_name = token.tsa.clone();
        r.proof.push(text!(
            "文档时间戳：{tsa_name} 证明文件（含其前的签名、时间戳与 DSS）于 {} 已存在",
            "document timestamp: {tsa_name} proves the file (with the signatures, timestamps and DSS before it) existed at {}",
            show(token.time)
        ));
        r.proof.push(match by_next {
            Some(_) => text!(
                "{tsa_name} 的证书在 {} 核验：其后的文档时间戳证明此时间戳当时已存在",
                "{tsa_name}'s certificate checked at {}: the next document timestamp proves this timestamp existed then",
                show(proved)
            ),
            None => text!(
                "{tsa_name} 的证书在核验时间 {} 核验（这是最新的时间戳）",
                "{tsa_name}'s certificate checked at the validation time {} (the newest timestamp)",
                show(proved)
            ),
        });
        // A timestamp that does not hold proves nothing; the older items are proved by
        // the nearest later one that holds (each covers the whole file before it).
        if judged.valid {
            proved_by[i] = Some((token.time, tsa_name));
            last_valid_dts = Some(i);
        }
    }
    // The signatures.
    let has_dss = !dss.is_empty();
    for i in 0..reports.len() {
        if reports[i].kind != ItemKind::Signature {
            continue;
        }
        let end = reports[i].end;
        // The first valid document timestamp after the signature.
        let covering = dts
            .iter()
            .copied()
            .find(|&j| reports[j].end > end && proved_by[j].is_some());
        let any_dts_after = dts.iter().any(|&j| reports[j].end > end);
        let r = &mut reports[i];
        r.long_term_checked = true;
        r.online = online;
        if r.level == Some(Level::BT) && has_dss {
            r.level = Some(Level::BLT);
        }
        if r.level >= Some(Level::BT) && any_dts_after {
            r.level = Some(Level::BLTA);
        }
        if !r.intact {
            r.long_term_problems
                .push(text!("签名已损坏", "the signature is broken"));
            continue;
        }
        let Some(signer) = r.signer_cert.clone() else {
            continue;
        };
        // The signature timestamp, judged at the covering document timestamp's time.
        let mut existed = None;
        if let Some(token) = r.timestamp.clone() {
            let (proved, by) = match covering.and_then(|j| proved_by[j].clone()) {
                Some((t, by)) => (t, Some(by)),
                None => (at, None),
            };
            if !token.problems.is_empty() {
                r.long_term_problems.push(
                    Text::new(
                        token
                            .problems
                            .iter()
                            .map(|p| p.zh.clone())
                            .collect::<Vec<_>>()
                            .join("；"),
                        token
                            .problems
                            .iter()
                            .map(|p| p.en.clone())
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                    .after(&text!(
                        "签名时间戳无效",
                        "the signature timestamp is not valid"
                    )),
                );
            } else if let Some(tsa) = token.tsa_cert.clone() {
                let what = text!(
                    "签名时间戳的服务证书 {}",
                    "the signature timestamp's TSA certificate {}",
                    token.tsa
                );
                let judged = judge(
                    &tsa,
                    &token.certs,
                    anchors,
                    &mut sources,
                    token.time,
                    proved,
                    by.is_none(),
                    &what,
                );
                let tsa_name = token.tsa.clone();
                r.proof.push(text!(
                    "签名于 {} 已存在，由 {tsa_name} 的签名时间戳证明",
                    "the signature existed at {}, proved by the signature timestamp of {tsa_name}",
                    show(token.time)
                ));
                r.proof.push(match &by {
                    Some(y) => text!(
                        "{tsa_name} 的证书在 {} 核验：{y} 的文档时间戳证明此签名时间戳当时已存在",
                        "{tsa_name}'s certificate checked at {}: the document timestamp of {y} proves the signature timestamp existed then",
                        show(proved)
                    ),
                    None => text!(
                        "{tsa_name} 的证书在核验时间 {} 核验（没有更晚的文档时间戳）",
                        "{tsa_name}'s certificate checked at the validation time {} (no later document timestamp)",
                        show(proved)
                    ),
                });
                r.warnings.extend(judged.warnings);
                r.revocation.extend(judged.revocation);
                if judged.valid {
                    existed = Some(token.time);
                } else {
                    r.long_term_problems.extend(judged.problems);
                }
            }
        }
        if let Some(covering) = covering {
            let proof = reports[covering].proof.clone();
            reports[i].proof.extend(proof);
        }
        let r = &mut reports[i];
        let proved = existed.unwrap_or(at);
        if existed.is_none() {
            r.proof.push(text!(
                "签名没有有效的时间戳证明其存在时间：签名者证书在核验时间 {} 核验",
                "no valid timestamp proves when the signature existed: the signer's certificate is checked at the validation time {}",
                show(at)
            ));
        }
        let since = r.signing_time.unwrap_or(proved).min(proved);
        let since = existed.unwrap_or(since);
        let what = text!(
            "签名者证书 {} ",
            "the signer's certificate {}",
            subject_of(&signer)
        );
        let certs = r.certs.clone();
        let judged = judge(
            &signer,
            &certs,
            anchors,
            &mut sources,
            since,
            proved,
            false,
            &what,
        );
        r.proved_at = Some(proved);
        r.long_term_problems.extend(judged.problems);
        r.warnings.extend(judged.warnings);
        let mut revocation = judged.revocation;
        revocation.append(&mut r.revocation);
        r.revocation = revocation;
        if !r.long_term_problems.is_empty() {
            continue;
        }
        if existed.is_some() {
            r.trust = Trust::Trusted {
                anchor: r.trust_anchor_name(),
            };
        }
    }
}

impl SignatureReport {
    /// The anchor the signer's path ends at, as the report names it (empty if unknown).
    fn trust_anchor_name(&self) -> String {
        match &self.trust_at_signing_time {
            Some(Trust::Trusted { anchor }) => anchor.clone(),
            _ => match &self.trust {
                Trust::Trusted { anchor } => anchor.clone(),
                _ => String::new(),
            },
        }
    }
}
