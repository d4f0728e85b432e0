//! The CMS `SignedData` of a PAdES baseline B-B signature (ETSI EN 319 142-1): detached,
//! SHA-256, with exactly the signed attributes contentType, messageDigest and
//! signingCertificateV2. The signing time is *not* a CMS attribute: PAdES puts it in the
//! signature dictionary's `/M`.

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{Any, OctetString, SetOfVec};
use der::{Decode, Encode, Sequence};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::serial_number::SerialNumber;
use x509_cert::Certificate;

use super::error::SignError;
use super::oids;
use super::signer::Signer;

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }`
/// (RFC 5035).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct SigningCertificateV2 {
    pub certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    pub policies: Option<Vec<Any>>,
}

/// `ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash, issuerSerial OPTIONAL }`.
/// The default SHA-256 is left out, as DER requires.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct EssCertIdV2 {
    #[asn1(optional = "true")]
    pub hash_algorithm: Option<AlgorithmIdentifierOwned>,
    pub cert_hash: OctetString,
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct IssuerSerial {
    pub issuer: Vec<GeneralName>,
    pub serial_number: SerialNumber,
}

fn attribute(oid: der::oid::ObjectIdentifier, value: Any) -> Result<Attribute, SignError> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value])?,
    })
}

/// The signed attributes for a document whose signed byte ranges hash (SHA-256) to
/// `digest`, signed with `certificate`.
pub(crate) fn signed_attributes(
    digest: &[u8],
    certificate: &Certificate,
) -> Result<SetOfVec<Attribute>, SignError> {
    let tbs = certificate.tbs_certificate();
    let cert_hash = Sha256::digest(certificate.to_der()?);
    let signing_certificate = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(cert_hash.to_vec())?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(tbs.issuer().clone())],
                serial_number: tbs.serial_number().clone(),
            }),
        }],
        policies: None,
    };
    let attributes = vec![
        attribute(oids::ID_CONTENT_TYPE, Any::encode_from(&oids::ID_DATA)?)?,
        attribute(
            oids::ID_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(digest.to_vec())?)?,
        )?,
        attribute(
            oids::ID_AA_SIGNING_CERTIFICATE_V2,
            Any::encode_from(&signing_certificate)?,
        )?,
    ];
    Ok(SetOfVec::try_from(attributes)?)
}

/// Asks a TSA for a timestamp token over a signature value (PAdES B-T); returns the token.
pub(crate) type Timestamper<'a> = &'a dyn Fn(&[u8]) -> Result<Vec<u8>, SignError>;

/// Builds the DER `ContentInfo` (SignedData, detached) for a document whose signed byte
/// ranges hash (SHA-256) to `digest`, signing with `signer`; with a `timestamper`, the
/// signature value is timestamped and the token added as the unsigned attribute
/// id-aa-signatureTimeStampToken (PAdES B-T).
pub(crate) fn build(
    signer: &dyn Signer,
    digest: &[u8],
    timestamper: Option<Timestamper<'_>>,
) -> Result<Vec<u8>, SignError> {
    let certificate = signer.certificate();
    let tbs = certificate.tbs_certificate();
    let algorithm = signer.algorithm();
    let signed_attrs = signed_attributes(digest, certificate)?;
    let signature = signer.sign(&signed_attrs.to_der()?)?;
    let unsigned_attrs = match timestamper {
        Some(stamp) => {
            let token = stamp(&signature)?;
            Some(SetOfVec::try_from(vec![attribute(
                oids::ID_AA_SIGNATURE_TIME_STAMP_TOKEN,
                Any::from_der(&token)?,
            )?])?)
        }
        None => None,
    };

    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial_number: tbs.serial_number().clone(),
        }),
        digest_alg: algorithm.digest_algorithm(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: algorithm.signature_algorithm(),
        signature: OctetString::new(signature)?,
        unsigned_attrs,
    };

    let mut certs: Vec<CertificateChoices> = Vec::new();
    for c in std::iter::once(certificate).chain(signer.chain()) {
        let choice = CertificateChoices::Certificate(c.clone());
        if !certs.contains(&choice) {
            certs.push(choice);
        }
    }
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![algorithm.digest_algorithm()])?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: oids::ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet::try_from(certs)?),
        crls: None,
        signer_infos: SignerInfos::try_from(vec![signer_info])?,
    };
    let content_info = ContentInfo {
        content_type: oids::ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data)?,
    };
    Ok(content_info.to_der()?)
}

/// Parses the `/Contents` of a signature: a DER `ContentInfo` holding `SignedData`,
/// possibly followed by the zero padding of the reserved space.
pub(crate) fn parse(contents: &[u8]) -> Result<SignedData, String> {
    let len = der_length(contents)
        .ok_or_else(|| "签名内容不是 DER 编码 / the signature is not DER".to_string())?;
    let content_info = ContentInfo::from_der(&contents[..len]).map_err(|e| e.to_string())?;
    if content_info.content_type != oids::ID_SIGNED_DATA {
        return Err(format!(
            "签名内容不是 SignedData（{}） / the signature is not SignedData ({})",
            content_info.content_type, content_info.content_type
        ));
    }
    content_info
        .content
        .decode_as::<SignedData>()
        .map_err(|e| e.to_string())
}

/// The DER element at the start of `bytes` without the zero padding after it (all of
/// `bytes` when its length cannot be read).
pub(crate) fn trimmed(bytes: &[u8]) -> &[u8] {
    match der_length(bytes) {
        Some(len) => &bytes[..len],
        None => bytes,
    }
}

/// The length of the DER element at the start of `bytes` (header and value), if it fits.
fn der_length(bytes: &[u8]) -> Option<usize> {
    let first = *bytes.get(1)?;
    let (header, len) = if first < 0x80 {
        (2, first as usize)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *bytes.get(2 + i)? as usize;
        }
        (2 + n, len)
    };
    let total = header.checked_add(len)?;
    (total <= bytes.len()).then_some(total)
}

/// Whether `cert` is the one `sid` names.
pub(crate) fn matches_sid(cert: &Certificate, sid: &SignerIdentifier) -> bool {
    let tbs = cert.tbs_certificate();
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(isn) => {
            tbs.issuer() == &isn.issuer && tbs.serial_number() == &isn.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => matches!(
            tbs.get_extension::<SubjectKeyIdentifier>(),
            Ok(Some((_, own))) if &own == ski
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_length_reads_short_and_long_forms() {
        assert_eq!(der_length(&[0x30, 0x02, 1, 2, 0, 0]), Some(4));
        let mut long = vec![0x30, 0x82, 0x01, 0x00];
        long.extend(std::iter::repeat_n(0u8, 0x100 + 10));
        assert_eq!(der_length(&long), Some(0x104));
        assert_eq!(der_length(&[0x30, 0x05, 1]), None);
        assert_eq!(der_length(&[]), None);
    }
}
