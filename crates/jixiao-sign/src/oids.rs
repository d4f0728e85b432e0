//! The object identifiers signing and verification use, in one place.

use der::oid::ObjectIdentifier as Oid;

/// id-data (RFC 5652): the content type of a detached PDF signature.
pub(crate) const ID_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
/// id-signedData (RFC 5652).
pub(crate) const ID_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
/// id-contentType signed attribute.
pub(crate) const ID_CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
/// id-messageDigest signed attribute.
pub(crate) const ID_MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
/// id-signingTime (must not be used by PAdES B-B: the time goes in /M).
pub(crate) const ID_SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
/// id-aa-signingCertificateV2 (RFC 5035).
pub(crate) const ID_AA_SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// SHA-256.
pub(crate) const SHA_256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
/// SHA-384.
pub(crate) const SHA_384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
/// SHA-512.
pub(crate) const SHA_512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");

/// rsaEncryption (PKCS#1).
pub(crate) const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
/// sha256WithRSAEncryption.
pub(crate) const SHA_256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
/// sha384WithRSAEncryption.
pub(crate) const SHA_384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
/// sha512WithRSAEncryption.
pub(crate) const SHA_512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");

/// id-ecPublicKey.
pub(crate) const ID_EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
/// ecdsa-with-SHA256.
pub(crate) const ECDSA_WITH_SHA_256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
/// ecdsa-with-SHA384.
pub(crate) const ECDSA_WITH_SHA_384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
/// ecdsa-with-SHA512.
pub(crate) const ECDSA_WITH_SHA_512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
/// SM2 signature with SM3 (GM/T 0006), as Chinese CAs sign certificates.
pub(crate) const SM2_WITH_SM3: Oid = Oid::new_unwrap("1.2.156.10197.1.501");

/// SHA-1: ESS signingCertificate (v1) in RFC 3161 tokens, OCSP CertIDs.
pub(crate) const SHA_1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
/// SM3 (GM/T 0004), the digest of SM2 timestamp tokens.
pub(crate) const SM3: Oid = Oid::new_unwrap("1.2.156.10197.1.401");
/// SM2 signature (GM/T 0006 `sm2sign`), as some CMS writers name an SM2-with-SM3 signature.
pub(crate) const SM2_SIGN: Oid = Oid::new_unwrap("1.2.156.10197.1.301.1");

/// id-ct-TSTInfo (RFC 3161): the content type of a timestamp token.
pub(crate) const ID_CT_TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
/// id-aa-signatureTimeStampToken (RFC 3161 appendix A): the unsigned attribute of a
/// signature timestamp (PAdES B-T).
pub(crate) const ID_AA_SIGNATURE_TIME_STAMP_TOKEN: Oid =
    Oid::new_unwrap("1.2.840.113549.1.9.16.2.14");
/// id-aa-signingCertificate (RFC 2634 ESS, SHA-1 hashes), as OpenSSL's TSA writes.
pub(crate) const ID_AA_SIGNING_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
/// id-kp-timeStamping: the extended key usage a TSA certificate must have (critical).
pub(crate) const ID_KP_TIME_STAMPING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.8");
/// id-kp-OCSPSigning: a responder the CA delegated OCSP to.
pub(crate) const ID_KP_OCSP_SIGNING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.9");
/// id-pkix-ocsp-basic: the response type of a basic OCSP response.
pub(crate) const ID_PKIX_OCSP_BASIC: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.1");
/// id-pkix-ocsp-nocheck: a responder certificate whose revocation is not checked.
pub(crate) const ID_PKIX_OCSP_NOCHECK: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.5");
/// id-ad-ocsp: an OCSP responder in authorityInfoAccess.
pub(crate) const ID_AD_OCSP: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1");
/// id-ad-caIssuers: where the issuer's certificate is, in authorityInfoAccess.
pub(crate) const ID_AD_CA_ISSUERS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.2");
