//! Electronic seals (电子印章, `SESeal`, the `.esl` file): reading an issued one, and making
//! a **test** seal from a picture.
//!
//! An issued seal comes from an authorised seal provider: its maker's certificate chains
//! to the provider's CA, and it lists the certificates allowed to use it. A test seal is
//! made here the same way, signed by a "seal maker" key you hold yourself — good for
//! trying the workflow and for internal records, not a legally effective seal.

use chrono::{DateTime, Utc};
use der::asn1::{Any, BitString, OctetString};
use der::{Decode, Encode};
use sm3::Digest;
use x509_cert::Certificate;

use super::asn1::{
    bits, certificates_list, der_of, generalized_time, ia5, read_text, read_time, utf8, CertList,
    Header, PictureInfo, PropertyInfo, Seal, SealInfo, SM2_WITH_SM3,
};
use super::error::SealError;
use super::signer::{certificate_from_der, SealSigner};

/// A seal read from DER, with what a signature needs from it.
#[derive(Debug, Clone)]
pub struct SealFile {
    /// The seal's DER, byte for byte.
    pub der: Vec<u8>,
    /// The seal.
    pub seal: Seal,
    /// Its `SES_SealInfo`.
    pub info: SealInfo,
}

impl SealFile {
    /// Reads a GB/T 38540 version 4 seal.
    pub fn parse(der: &[u8]) -> Result<SealFile, SealError> {
        let bad = |e: String| {
            SealError::Seal(format!(
                "不是 GB/T 38540 第 4 版电子印章（SESeal） / not a GB/T 38540 version 4 seal (SESeal): {e}"
            ))
        };
        let seal = Seal::from_der(der).map_err(|e| bad(e.to_string()))?;
        let info = SealInfo::from_der(&der_of(&seal.e_seal_info).map_err(|e| bad(e.to_string()))?)
            .map_err(|e| bad(e.to_string()))?;
        let header = Header::from_der(&der_of(&info.header).map_err(|e| bad(e.to_string()))?)
            .map_err(|e| bad(format!("SES_Header: {e}")))?;
        if header.version != 4 {
            return Err(bad(format!(
                "版本为 {}（只支持第 4 版） / version {} (only version 4 is supported)",
                header.version, header.version
            )));
        }
        Ok(SealFile {
            der: der.to_vec(),
            seal,
            info,
        })
    }

    /// The seal's name (e.g. 某某单位公章).
    pub fn name(&self) -> String {
        read_text(&self.info.property.name)
    }

    /// The seal's identifier.
    pub fn id(&self) -> String {
        read_text(&self.info.es_id)
    }

    /// The picture: its type (`PNG`, `OFD`, …), bytes and size in millimetres.
    pub fn picture(&self) -> (String, &[u8], u32, u32) {
        let p = &self.info.picture;
        (read_text(&p.kind), p.data.as_bytes(), p.width, p.height)
    }

    /// The seal maker's certificate.
    pub fn maker(&self) -> Result<Certificate, SealError> {
        certificate_from_der(self.seal.cert.as_bytes())
    }

    /// The period the seal may be used in.
    pub fn validity(&self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let p = &self.info.property;
        (read_time(&p.valid_start), read_time(&p.valid_end))
    }

    /// When the seal was made.
    pub fn created(&self) -> Option<DateTime<Utc>> {
        read_time(&self.info.property.create_date)
    }

    /// Whether the seal lists `cert` among the certificates allowed to use it (by the
    /// certificate itself, or by its SM3/SHA-1/SHA-256 digest).
    pub fn lists(&self, cert_der: &[u8]) -> bool {
        match self.info.property.cert_list() {
            Ok(CertList::Certificates(certs)) => certs.iter().any(|c| c == cert_der),
            Ok(CertList::Digests(digests)) => digests.iter().any(|(kind, value)| {
                let kind = kind.to_ascii_lowercase();
                let ours: Vec<u8> = if kind.contains("sha256") || kind.contains("sha-256") {
                    sha2::Sha256::digest(cert_der).to_vec()
                } else if kind.contains("sha1") || kind.contains("sha-1") {
                    // SHA-1 is not in the crate's dependencies; such a list cannot match.
                    Vec::new()
                } else {
                    sm3::Sm3::digest(cert_der).to_vec()
                };
                !ours.is_empty() && &ours == value
            }),
            Err(_) => false,
        }
    }

    /// Checks the seal maker's SM2 signature over `SES_SealInfo`.
    pub fn verify_maker_signature(&self) -> Result<(), String> {
        if self.seal.sign_alg_id != SM2_WITH_SM3 {
            return Err(format!(
                "制章签名算法 {} 不是 SM2/SM3 / the seal's signature algorithm {} is not SM2/SM3",
                self.seal.sign_alg_id, self.seal.sign_alg_id
            ));
        }
        let maker = self.maker().map_err(|e| e.to_string())?;
        let signed = der_of(&self.seal.e_seal_info).map_err(|e| e.to_string())?;
        let value = bits(&self.seal.signed_value)
            .ok_or_else(|| "制章签名位串不完整 / bad seal signature bit string".to_string())?;
        super::signer::verify_sm2(&maker, &signed, value)
    }
}

/// What a test seal says about itself.
#[derive(Debug, Clone)]
pub struct TestSealSpec<'a> {
    /// The picture, a PNG file.
    pub png: &'a [u8],
    /// The seal's name, e.g. 广州市科学技术协会（测试章）.
    pub name: &'a str,
    /// Width and height on the page, in millimetres.
    pub size_mm: (u32, u32),
    /// The certificates allowed to seal with it (the signer's).
    pub users: Vec<Certificate>,
    /// When it was made.
    pub created: DateTime<Utc>,
    /// Valid from and until.
    pub valid: (DateTime<Utc>, DateTime<Utc>),
}

/// The pixel width and height of a PNG file, or why it is not one.
pub fn png_size(png: &[u8]) -> Result<(u32, u32), SealError> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !png.starts_with(SIGNATURE) || png.len() < 24 || &png[12..16] != b"IHDR" {
        return Err(SealError::Seal(
            "印章图片不是 PNG 文件 / the seal picture is not a PNG file".into(),
        ));
    }
    let w = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    let h = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    if w == 0 || h == 0 {
        return Err(SealError::Seal(
            "印章图片的尺寸为零 / the seal picture has no size".into(),
        ));
    }
    Ok((w, h))
}

/// The size in millimetres of a seal made from a `w`×`h` pixel picture: `width_mm` wide
/// (40 mm, a common official seal, when not given) and as tall as the picture's aspect
/// ratio makes it.
pub fn size_for(picture: (u32, u32), width_mm: Option<u32>) -> (u32, u32) {
    let width = width_mm.unwrap_or(40).max(1);
    let height = (f64::from(width) * f64::from(picture.1) / f64::from(picture.0)).round() as u32;
    (width, height.max(1))
}

/// Makes a test seal (DER `SESeal`, version 4) signed by `maker`.
pub fn make_test_seal(
    spec: &TestSealSpec<'_>,
    maker: &dyn SealSigner,
) -> Result<Vec<u8>, SealError> {
    png_size(spec.png)?;
    if spec.users.is_empty() {
        return Err(SealError::Seal(
            "印章须列出至少一张签章人证书 / a seal must list at least one signer certificate"
                .into(),
        ));
    }
    let users: Vec<Vec<u8>> = spec
        .users
        .iter()
        .map(|c| c.to_der())
        .collect::<Result<_, _>>()?;
    let mut id = sm3::Sm3::new();
    id.update(spec.name.as_bytes());
    id.update(spec.png);
    for u in &users {
        id.update(u);
    }
    id.update(spec.created.timestamp().to_be_bytes());
    let es_id: String = id.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let header = Header {
        id: der::asn1::Ia5String::new("ES")?,
        version: 4,
        vid: der::asn1::Ia5String::new("jixiao")?,
    };
    let info = SealInfo {
        header: Any::from_der(&header.to_der()?)?,
        es_id: ia5(&es_id)?,
        property: PropertyInfo {
            kind: 1,
            name: utf8(spec.name)?,
            cert_list_type: 1,
            cert_list: certificates_list(&users)?,
            create_date: generalized_time(spec.created)?,
            valid_start: generalized_time(spec.valid.0)?,
            valid_end: generalized_time(spec.valid.1)?,
        },
        picture: PictureInfo {
            kind: ia5("PNG")?,
            data: OctetString::new(spec.png.to_vec())?,
            width: spec.size_mm.0,
            height: spec.size_mm.1,
        },
        ext_datas: None,
    };
    let info_der = info.to_der()?;
    let signature = maker.sign(&info_der)?;
    let seal = Seal {
        e_seal_info: Any::from_der(&info_der)?,
        cert: OctetString::new(maker.certificate().to_der()?)?,
        sign_alg_id: SM2_WITH_SM3,
        signed_value: BitString::from_bytes(&signature)?,
    };
    Ok(seal.to_der()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_sizes_are_read_and_garbage_refused() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&200u32.to_be_bytes());
        png.extend_from_slice(&100u32.to_be_bytes());
        assert_eq!(png_size(&png).ok(), Some((200, 100)));
        assert!(png_size(b"GIF89a").is_err());
        assert_eq!(size_for((200, 100), None), (40, 20));
        assert_eq!(size_for((100, 100), Some(42)), (42, 42));
    }

    #[test]
    fn garbage_is_not_a_seal() {
        let err = SealFile::parse(b"\x30\x03\x02\x01\x04")
            .unwrap_err()
            .to_string();
        assert!(err.contains("version 4 seal"), "{err}");
    }
}
