//! The ASN.1 types of RFC 3161 (time-stamp protocol) and RFC 6960 (OCSP) that signing
//! and validation need, defined on `der` 0.8 beside the `cms` and `x509-cert` types (the
//! published `x509-tsp` and `x509-ocsp` are built on der 0.7 and do not fit).
//!
//! Parts that are signed (`TSTInfo` inside its OCTET STRING, `ResponseData`) are read
//! raw ([`Any`]) where a signature covers them, so that the exact bytes are checked; times
//! are read leniently ([`read_time`]): TSAs write fractional seconds, which the strict
//! `GeneralizedTime` of `der` refuses.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
#[cfg(test)]
use der::asn1::GeneralizedTime;
use der::asn1::{Any, BitString, Int, ObjectIdentifier, OctetString};
use der::{Sequence, Tag, Tagged};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::Extensions;
use x509_cert::serial_number::SerialNumber;
use x509_cert::Certificate;

/// `MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct MessageImprint {
    pub hash_algorithm: AlgorithmIdentifierOwned,
    pub hashed_message: OctetString,
}

/// `TimeStampReq` (RFC 3161 §2.4.1).
///
/// ```text
/// TimeStampReq ::= SEQUENCE { version INTEGER { v1(1) }, messageImprint MessageImprint,
///     reqPolicy TSAPolicyId OPTIONAL, nonce INTEGER OPTIONAL,
///     certReq BOOLEAN DEFAULT FALSE, extensions [0] IMPLICIT Extensions OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct TimeStampReq {
    pub version: u8,
    pub message_imprint: MessageImprint,
    #[asn1(optional = "true")]
    pub req_policy: Option<ObjectIdentifier>,
    #[asn1(optional = "true")]
    pub nonce: Option<Int>,
    #[asn1(default = "Default::default")]
    pub cert_req: bool,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// `PKIStatusInfo ::= SEQUENCE { status PKIStatus, statusString PKIFreeText OPTIONAL,
/// failInfo PKIFailureInfo OPTIONAL }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct PkiStatusInfo {
    pub status: u8,
    #[asn1(optional = "true")]
    pub status_string: Option<Vec<String>>,
    #[asn1(optional = "true")]
    pub fail_info: Option<BitString>,
}

/// `TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken TimeStampToken OPTIONAL }`,
/// the token kept as its DER (`ContentInfo`).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct TimeStampResp {
    pub status: PkiStatusInfo,
    #[asn1(optional = "true")]
    pub time_stamp_token: Option<Any>,
}

/// `Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER OPTIONAL,
/// micros [1] INTEGER OPTIONAL }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct Accuracy {
    #[asn1(optional = "true")]
    pub seconds: Option<u32>,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub millis: Option<u32>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub micros: Option<u32>,
}

/// `TSTInfo` (RFC 3161 §2.4.2), `genTime` raw (fractional seconds are common).
///
/// ```text
/// TSTInfo ::= SEQUENCE { version INTEGER { v1(1) }, policy TSAPolicyId,
///     messageImprint MessageImprint, serialNumber INTEGER, genTime GeneralizedTime,
///     accuracy Accuracy OPTIONAL, ordering BOOLEAN DEFAULT FALSE, nonce INTEGER OPTIONAL,
///     tsa [0] GeneralName OPTIONAL, extensions [1] IMPLICIT Extensions OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct TstInfo {
    pub version: u8,
    pub policy: ObjectIdentifier,
    pub message_imprint: MessageImprint,
    pub serial_number: Int,
    pub gen_time: Any,
    #[asn1(optional = "true")]
    pub accuracy: Option<Accuracy>,
    #[asn1(default = "Default::default")]
    pub ordering: bool,
    #[asn1(optional = "true")]
    pub nonce: Option<Int>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub tsa: Option<Any>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// `CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
/// issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }` (RFC 6960 §4.1.1).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct CertId {
    pub hash_algorithm: AlgorithmIdentifierOwned,
    pub issuer_name_hash: OctetString,
    pub issuer_key_hash: OctetString,
    pub serial_number: SerialNumber,
}

/// `Request ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct OcspSingleRequest {
    pub req_cert: CertId,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub single_request_extensions: Option<Extensions>,
}

/// `TBSRequest ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, requestorName [1]
/// EXPLICIT GeneralName OPTIONAL, requestList SEQUENCE OF Request, requestExtensions [2]
/// EXPLICIT Extensions OPTIONAL }` (version and requestor name never written).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct OcspTbsRequest {
    pub request_list: Vec<OcspSingleRequest>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    pub request_extensions: Option<Extensions>,
}

/// `OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT Signature OPTIONAL }`
/// (unsigned requests only).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct OcspRequest {
    pub tbs_request: OcspTbsRequest,
}

/// `ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct ResponseBytes {
    pub response_type: ObjectIdentifier,
    pub response: OctetString,
}

/// `OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }`,
/// the status read as its raw ENUMERATED.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct OcspResponse {
    pub response_status: Any,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub response_bytes: Option<ResponseBytes>,
}

/// `BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm
/// AlgorithmIdentifier, signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }`,
/// the signed `ResponseData` raw.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct BasicOcspResponse {
    pub tbs_response_data: Any,
    pub signature_algorithm: AlgorithmIdentifierOwned,
    pub signature: BitString,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub certs: Option<Vec<Certificate>>,
}

/// `ResponseData ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, responderID
/// ResponderID, producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse,
/// responseExtensions [1] EXPLICIT Extensions OPTIONAL }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct ResponseData {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub version: Option<u8>,
    /// `ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash }`, raw.
    pub responder_id: Any,
    pub produced_at: Any,
    pub responses: Vec<SingleResponse>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    pub response_extensions: Option<Extensions>,
}

/// `SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate
/// GeneralizedTime, nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, singleExtensions [1]
/// EXPLICIT Extensions OPTIONAL }`, the status raw (see [`cert_status`]).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct SingleResponse {
    pub cert_id: CertId,
    pub cert_status: Any,
    pub this_update: Any,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub next_update: Option<Any>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    pub single_extensions: Option<Extensions>,
}

/// What `CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo,
/// unknown [2] IMPLICIT NULL }` says; `RevokedInfo ::= SEQUENCE { revocationTime
/// GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CertStatus {
    Good,
    Revoked(Option<DateTime<Utc>>),
    Unknown,
}

/// Reads a raw `CertStatus`.
pub(crate) fn cert_status(any: &Any) -> CertStatus {
    match any.tag() {
        Tag::ContextSpecific { number, .. } if number.value() == 0 => CertStatus::Good,
        Tag::ContextSpecific { number, .. } if number.value() == 1 => {
            // The value is RevokedInfo's content: the revocation time first, then
            // perhaps the reason.
            use der::Reader as _;
            let time = der::SliceReader::new(any.value())
                .ok()
                .and_then(|mut r| r.decode::<Any>().ok())
                .and_then(|t| read_time(&t));
            CertStatus::Revoked(time)
        }
        _ => CertStatus::Unknown,
    }
}

/// A GeneralizedTime or UTCTime read leniently (fractional seconds, `Z` or an offset;
/// none is taken as UTC).
pub(crate) fn read_time(any: &Any) -> Option<DateTime<Utc>> {
    let text = std::str::from_utf8(any.value()).ok()?.trim();
    let (digits, zone) = match text.find(['Z', '+', '-']) {
        Some(at) => (&text[..at], &text[at..]),
        None => (text, ""),
    };
    let (whole, fraction) = digits.split_once(['.', ',']).unwrap_or((digits, ""));
    let full = match any.tag() {
        Tag::UtcTime => {
            let yy: i32 = whole.get(..2)?.parse().ok()?;
            let century = if yy >= 50 { "19" } else { "20" };
            format!("{century}{whole}")
        }
        _ => whole.to_owned(),
    };
    let naive = NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%S").ok()?;
    let nanos: u32 = if fraction.is_empty() {
        0
    } else {
        let digits: String = fraction.chars().take(9).collect();
        let scale = 10u32.pow(9 - digits.len() as u32);
        digits.parse::<u32>().ok()?.checked_mul(scale)?
    };
    let naive = naive.checked_add_signed(chrono::Duration::nanoseconds(i64::from(nanos)))?;
    let offset_seconds = match zone {
        "" | "Z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let hm: String = z[1..].chars().filter(char::is_ascii_digit).collect();
            let h: i32 = hm.get(..2)?.parse().ok()?;
            let m: i32 = hm.get(2..4).map_or(Some(0), |m| m.parse().ok())?;
            sign * (h * 3600 + m * 60)
        }
    };
    chrono::FixedOffset::east_opt(offset_seconds)?
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// A strict DER GeneralizedTime (whole seconds, UTC) as an element.
#[cfg(test)]
pub(crate) fn generalized_time(time: DateTime<Utc>) -> Result<Any, der::Error> {
    let seconds = u64::try_from(time.timestamp()).map_err(|_| der::ErrorKind::DateTime)?;
    let t = GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(seconds))?;
    Any::encode_from(&t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::{Decode, Encode};

    #[test]
    fn times_with_fractions_and_offsets_are_read() {
        let t = |tag, s: &str| read_time(&Any::new(tag, s.as_bytes().to_vec()).expect("any"));
        let z = t(Tag::GeneralizedTime, "20200601120000Z").expect("time");
        assert_eq!(z.to_rfc3339(), "2020-06-01T12:00:00+00:00");
        let frac = t(Tag::GeneralizedTime, "20200601120000.25Z").expect("time");
        assert_eq!((frac - z).num_milliseconds(), 250);
        assert_eq!(t(Tag::UtcTime, "200601120000Z"), Some(z));
        assert_eq!(t(Tag::GeneralizedTime, "20200601200000+0800"), Some(z));
        assert_eq!(t(Tag::GeneralizedTime, "later"), None);
    }

    #[test]
    fn a_request_round_trips_with_its_defaults_left_out() {
        let req = TimeStampReq {
            version: 1,
            message_imprint: MessageImprint {
                hash_algorithm: AlgorithmIdentifierOwned {
                    oid: crate::oids::SHA_256,
                    parameters: None,
                },
                hashed_message: OctetString::new(vec![7; 32]).expect("octets"),
            },
            req_policy: None,
            nonce: Some(Int::new(&[0x01, 0x02]).expect("int")),
            cert_req: true,
            extensions: None,
        };
        let der = req.to_der().expect("der");
        assert_eq!(TimeStampReq::from_der(&der).expect("decode"), req);
        let plain = TimeStampReq {
            cert_req: false,
            nonce: None,
            ..req
        };
        // certReq FALSE is the default: DER leaves it out.
        assert!(plain.to_der().expect("der").len() < der.len() - 4);
    }

    #[test]
    fn cert_status_choices_are_told_apart() {
        let good = Any::new(
            Tag::ContextSpecific {
                constructed: false,
                number: der::TagNumber(0),
            },
            Vec::new(),
        )
        .expect("any");
        assert_eq!(cert_status(&good), CertStatus::Good);
        let time = generalized_time(
            Utc.with_ymd_and_hms(2020, 6, 1, 0, 0, 0)
                .single()
                .expect("t"),
        )
        .expect("time")
        .to_der()
        .expect("der");
        let revoked = Any::new(
            Tag::ContextSpecific {
                constructed: true,
                number: der::TagNumber(1),
            },
            time,
        )
        .expect("any");
        assert!(matches!(
            cert_status(&revoked),
            CertStatus::Revoked(Some(_))
        ));
    }
}
