//! The data structures of GB/T 38540-2020 (安全电子签章密码技术规范), version 4, in
//! DER:
//!
//! ```text
//! SESeal        ::= SEQUENCE { eSealInfo SES_SealInfo, cert OCTET STRING,   -- 制章者证书
//!                              signAlgID OBJECT IDENTIFIER, signedValue BIT STRING }
//! SES_SealInfo  ::= SEQUENCE { header SES_Header, esID IA5String,
//!                              property SES_ESPropertyInfo, picture SES_ESPictureInfo,
//!                              extDatas ExtensionDatas OPTIONAL }
//! SES_Header    ::= SEQUENCE { id IA5String ("ES"), version INTEGER (4), vid IA5String }
//! SES_ESPropertyInfo ::= SEQUENCE { type INTEGER, name UTF8String, certListType INTEGER,
//!                              certList SES_CertList, createDate GeneralizedTime,
//!                              validStart GeneralizedTime, validEnd GeneralizedTime }
//! SES_CertList  ::= CHOICE { certs SEQUENCE OF OCTET STRING,            -- certListType 1
//!                            certDigestList SEQUENCE OF CertDigestObj } -- certListType 2
//! SES_ESPictureInfo ::= SEQUENCE { type IA5String, data OCTET STRING,
//!                              width INTEGER, height INTEGER }           -- millimetres
//! TBS_Sign      ::= SEQUENCE { version INTEGER (4), eseal SESeal, timeInfo GeneralizedTime,
//!                              dataHash BIT STRING, propertyInfo IA5String,
//!                              extDatas [0] EXPLICIT ExtensionDatas OPTIONAL }
//! SES_Signature ::= SEQUENCE { toSign TBS_Sign, cert OCTET STRING,       -- 签章者证书
//!                              signatureAlgID OBJECT IDENTIFIER, signature BIT STRING,
//!                              timeStamp [0] EXPLICIT BIT STRING OPTIONAL }
//! ```
//!
//! The seal maker signs the DER of `SES_SealInfo`; the signer signs the DER of
//! `TBS_Sign`; both with SM2 over SM3 (`1.2.156.10197.1.501`) and the default signer ID
//! `1234567812345678`. The parts that are signed are kept as raw DER ([`Any`]) when
//! read, so verification checks exactly the bytes in the file. Times and names are read
//! leniently (issued seals in the wild carry fractional seconds, UTCTime, other string
//! types); what jixiao writes is strict DER.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use der::asn1::{Any, BitString, GeneralizedTime, Ia5String, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Sequence, Tag, Tagged};

/// SM2 signature with SM3 (GM/T 0006).
pub const SM2_WITH_SM3: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.501");
/// SM3 (GM/T 0006), the digest of `CheckMethod`.
pub const SM3: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.401");
/// The SM2 signer ID (GM/T 0009 default) used for every signature here.
pub const SIGNER_ID: &str = "1234567812345678";

/// `SES_Header`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct Header {
    /// `"ES"`.
    pub id: Ia5String,
    /// 4.
    pub version: u32,
    /// The vendor's identifier.
    pub vid: Ia5String,
}

/// `SES_ESPropertyInfo`, with the certificate list and the times as raw DER.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct PropertyInfo {
    /// 1: organisation seal, 2: personal seal (3 and up: issuer-defined).
    pub kind: u32,
    /// The seal's name.
    pub name: Any,
    /// 1: the list holds certificates, 2: certificate digests.
    pub cert_list_type: u32,
    /// `SES_CertList`.
    pub cert_list: Any,
    /// When the seal was made.
    pub create_date: Any,
    /// Valid from.
    pub valid_start: Any,
    /// Valid until.
    pub valid_end: Any,
}

/// `SES_ESPictureInfo`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct PictureInfo {
    /// `"PNG"`, `"GIF"`, `"JPG"`, `"OFD"`, …
    pub kind: Any,
    /// The picture file.
    pub data: OctetString,
    /// Width in millimetres.
    pub width: u32,
    /// Height in millimetres.
    pub height: u32,
}

/// `SES_SealInfo`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SealInfo {
    /// `SES_Header`.
    pub header: Any,
    /// The seal's identifier.
    pub es_id: Any,
    /// `SES_ESPropertyInfo`.
    pub property: PropertyInfo,
    /// `SES_ESPictureInfo`.
    pub picture: PictureInfo,
    /// `ExtensionDatas`.
    #[asn1(optional = "true")]
    pub ext_datas: Option<Any>,
}

/// `SESeal` with its signed part raw.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct Seal {
    /// `SES_SealInfo`, as signed.
    pub e_seal_info: Any,
    /// The seal maker's certificate (DER).
    pub cert: OctetString,
    /// The maker's signature algorithm.
    pub sign_alg_id: ObjectIdentifier,
    /// The maker's signature over `eSealInfo`.
    pub signed_value: BitString,
}

/// `TBS_Sign`, with the seal raw.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TbsSign {
    /// 4.
    pub version: u32,
    /// `SESeal`, byte for byte.
    pub eseal: Any,
    /// The signing time.
    pub time_info: Any,
    /// SM3 of `Signature.xml`.
    pub data_hash: BitString,
    /// The path of `Signature.xml`.
    pub property_info: Any,
    /// `ExtensionDatas`.
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub ext_datas: Option<Any>,
}

/// `SES_Signature`, with its signed part raw.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SesSignature {
    /// `TBS_Sign`, as signed.
    pub to_sign: Any,
    /// The signer's certificate (DER).
    pub cert: OctetString,
    /// The signature algorithm.
    pub signature_alg_id: ObjectIdentifier,
    /// The signature over `toSign`.
    pub signature: BitString,
    /// A timestamp over the signature.
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub time_stamp: Option<BitString>,
}

/// A DER element's bytes, header included.
pub fn der_of(any: &Any) -> Result<Vec<u8>, der::Error> {
    any.to_der()
}

/// A GeneralizedTime for `time` (whole seconds, UTC).
pub fn generalized_time(time: DateTime<Utc>) -> Result<Any, der::Error> {
    let seconds = u64::try_from(time.timestamp()).map_err(|_| der::ErrorKind::DateTime)?;
    let t = GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(seconds))?;
    Any::encode_from(&t)
}

/// A time read leniently: GeneralizedTime or UTCTime, with or without fractional
/// seconds, `Z`, an offset, or (taken as Beijing time) neither.
pub fn read_time(any: &Any) -> Option<DateTime<Utc>> {
    let text = std::str::from_utf8(any.value()).ok()?.trim();
    let (digits, zone) = match text.find(['Z', '+', '-']) {
        Some(at) => (&text[..at], &text[at..]),
        None => (text, ""),
    };
    let (whole, _fraction) = digits.split_once(['.', ',']).unwrap_or((digits, ""));
    let full = match any.tag() {
        Tag::UtcTime if whole.len() >= 10 => {
            let yy: i32 = whole.get(..2)?.parse().ok()?;
            let century = if yy >= 50 { "19" } else { "20" };
            format!("{century}{whole}")
        }
        _ => whole.to_owned(),
    };
    let padded = match full.len() {
        12 => format!("{full}00"),
        10 => format!("{full}0000"),
        8 => format!("{full}000000"),
        _ => full,
    };
    let naive = NaiveDateTime::parse_from_str(&padded, "%Y%m%d%H%M%S").ok()?;
    let offset_seconds = match zone {
        "" => 8 * 3600,
        "Z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let hm: String = z[1..].chars().filter(char::is_ascii_digit).collect();
            let h: i32 = hm.get(..2)?.parse().ok()?;
            let m: i32 = hm.get(2..4).map_or(Some(0), |m| m.parse().ok())?;
            sign * (h * 3600 + m * 60)
        }
    };
    let offset = chrono::FixedOffset::east_opt(offset_seconds)?;
    offset
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// A string element read leniently (UTF8String, IA5String, PrintableString, BMPString,
/// …), for names and identifiers.
pub fn read_text(any: &Any) -> String {
    match any.tag() {
        Tag::BmpString => {
            let units: Vec<u16> = any
                .value()
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => String::from_utf8_lossy(any.value()).into_owned(),
    }
}

/// The certificates (type 1) or certificate digests (type 2) a seal lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertList {
    /// The certificates' DER.
    Certificates(Vec<Vec<u8>>),
    /// (digest algorithm as written, digest).
    Digests(Vec<(String, Vec<u8>)>),
}

/// `CertDigestObj ::= SEQUENCE { type PrintableString, value OCTET STRING }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct CertDigest {
    kind: Any,
    value: OctetString,
}

impl PropertyInfo {
    /// The certificate list, by its type.
    pub fn cert_list(&self) -> Result<CertList, der::Error> {
        let items = Vec::<Any>::from_der(&self.cert_list.to_der()?)?;
        if self.cert_list_type == 2 {
            let mut out = Vec::new();
            for item in items {
                let d = CertDigest::from_der(&item.to_der()?)?;
                out.push((read_text(&d.kind), d.value.as_bytes().to_vec()));
            }
            Ok(CertList::Digests(out))
        } else {
            Ok(CertList::Certificates(
                items.iter().map(|i| i.value().to_vec()).collect(),
            ))
        }
    }
}

/// The signature bits of a BIT STRING (which must have no unused bits).
pub fn bits(b: &BitString) -> Option<&[u8]> {
    b.as_bytes()
}

/// A date at midnight UTC, for validity periods given as days.
pub fn day_start(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// A `SEQUENCE OF OCTET STRING` holding `certs`.
pub fn certificates_list(certs: &[Vec<u8>]) -> Result<Any, der::Error> {
    let items: Vec<OctetString> = certs
        .iter()
        .map(|c| OctetString::new(c.clone()))
        .collect::<Result<_, _>>()?;
    Any::encode_from(&items)
}

/// An IA5String as an element.
pub fn ia5(text: &str) -> Result<Any, der::Error> {
    Any::encode_from(&Ia5String::new(text)?)
}

/// A UTF8String as an element.
pub fn utf8(text: &str) -> Result<Any, der::Error> {
    Any::encode_from(&text.to_owned())
}

/// The tag of an element, for messages.
pub fn tag_of(any: &Any) -> Tag {
    any.tag()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time_any(tag: Tag, text: &str) -> Any {
        Any::new(tag, text.as_bytes().to_vec()).expect("any")
    }

    #[test]
    fn times_are_read_leniently() {
        let z = read_time(&time_any(Tag::GeneralizedTime, "20250120083000Z")).expect("time");
        assert_eq!(z.to_rfc3339(), "2025-01-20T08:30:00+00:00");
        let frac = read_time(&time_any(Tag::GeneralizedTime, "20250120083000.123Z")).expect("time");
        assert_eq!(frac, z);
        let local = read_time(&time_any(Tag::GeneralizedTime, "20250120163000")).expect("time");
        assert_eq!(local, z, "no zone: Beijing time");
        let offset =
            read_time(&time_any(Tag::GeneralizedTime, "20250120163000+0800")).expect("time");
        assert_eq!(offset, z);
        let utc = read_time(&time_any(Tag::UtcTime, "250120083000Z")).expect("time");
        assert_eq!(utc, z);
        assert!(read_time(&time_any(Tag::GeneralizedTime, "yesterday")).is_none());
    }

    #[test]
    fn generalized_times_round_trip() {
        let t = Utc
            .with_ymd_and_hms(2025, 1, 20, 8, 30, 0)
            .single()
            .expect("time");
        let any = generalized_time(t).expect("encode");
        assert_eq!(any.value(), b"20250120083000Z");
        assert_eq!(read_time(&any), Some(t));
    }

    #[test]
    fn a_signature_with_a_timestamp_and_extensions_decodes() {
        let tbs = TbsSign {
            version: 4,
            eseal: Any::encode_from(&Ia5String::new("x").expect("ia5")).expect("any"),
            time_info: generalized_time(Utc::now()).expect("time"),
            data_hash: BitString::from_bytes(&[1; 32]).expect("bits"),
            property_info: ia5("/Doc_0/Signs/Sign_0/Signature.xml").expect("ia5"),
            ext_datas: Some(Any::encode_from(&Vec::<Any>::new()).expect("seq")),
        };
        let sig = SesSignature {
            to_sign: Any::from_der(&tbs.to_der().expect("der")).expect("any"),
            cert: OctetString::new(vec![1, 2, 3]).expect("octets"),
            signature_alg_id: SM2_WITH_SM3,
            signature: BitString::from_bytes(&[9; 70]).expect("bits"),
            time_stamp: Some(BitString::from_bytes(&[7; 3]).expect("bits")),
        };
        let der = sig.to_der().expect("der");
        let back = SesSignature::from_der(&der).expect("decode");
        assert_eq!(back, sig);
        assert_eq!(
            TbsSign::from_der(&back.to_sign.to_der().expect("der")).expect("tbs"),
            tbs
        );
    }
}
