//! A test PKI made with the openssl CLI: RSA and P-256 keys, self-signed CAs and the
//! certificates they issue, with the extensions a document-signing path needs. Shared by
//! the signing tests and the PDF/A tests (which sign what veraPDF checks).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Rsa(u32),
    P256,
}

pub(crate) const OPENSSL_CONFIG: &str = "\
[req]
distinguished_name = dn
prompt = no
utf8 = yes
string_mask = utf8only
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
";

pub(crate) fn run_tool(program: &str, args: &[&str], cwd: &Path, install: &str) -> Output {
    let out = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} not found ({e}): install {install} (bash scripts/test.sh does)")
        });
    out
}

pub(crate) fn openssl(dir: &Path, args: &[&str]) {
    let out = run_tool("openssl", args, dir, "openssl");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A key and certificate in a directory.
#[derive(Clone)]
pub(crate) struct Credential {
    /// The private key file (mode 0600).
    pub key: PathBuf,
    /// The certificate (PEM).
    pub cert: PathBuf,
}

pub(crate) fn key(dir: &Path, name: &str, kind: Kind) -> PathBuf {
    let file = format!("{name}.key");
    match kind {
        Kind::Rsa(bits) => openssl(
            dir,
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                &format!("rsa_keygen_bits:{bits}"),
                "-out",
                &file,
            ],
        ),
        Kind::P256 => openssl(
            dir,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                &file,
            ],
        ),
    }
    let path = dir.join(file);
    set_mode(&path, 0o600);
    path
}

pub(crate) fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

pub(crate) fn config(dir: &Path) -> String {
    let path = dir.join("openssl.cnf");
    if !path.exists() {
        std::fs::write(&path, OPENSSL_CONFIG).expect("write openssl.cnf");
    }
    "openssl.cnf".into()
}

/// A self-signed CA.
pub(crate) fn root_ca(dir: &Path, name: &str, kind: Kind) -> Credential {
    let key = key(dir, name, kind);
    let cnf = config(dir);
    let cert = format!("{name}.pem");
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-utf8",
            "-config",
            &cnf,
            "-extensions",
            "ca_ext",
            "-key",
            &format!("{name}.key"),
            "-subj",
            &format!("/CN={name}/O=jixiao 测试"),
            "-days",
            "30",
            "-sha256",
            "-out",
            &cert,
        ],
    );
    Credential {
        key,
        cert: dir.join(cert),
    }
}

/// A certificate issued by `issuer`: a CA (`ca`) or a signer.
pub(crate) fn issued(
    dir: &Path,
    name: &str,
    subject: &str,
    kind: Kind,
    issuer: &Credential,
    ca: bool,
) -> Credential {
    let key = key(dir, name, kind);
    let cnf = config(dir);
    let csr = request(dir, &cnf, name, subject);
    let cert = format!("{name}.pem");
    let serial = format!(
        "{}",
        1000 + name.len() * 17 + name.bytes().map(usize::from).sum::<usize>()
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            issuer.cert.to_str().expect("utf8"),
            "-CAkey",
            issuer.key.to_str().expect("utf8"),
            "-set_serial",
            &serial,
            "-days",
            "30",
            "-sha256",
            "-extfile",
            &cnf,
            "-extensions",
            if ca { "ca_ext" } else { "leaf_ext" },
            "-out",
            &cert,
        ],
    );
    Credential {
        key,
        cert: dir.join(cert),
    }
}

/// A path as a string argument.
pub(crate) fn s(p: &Path) -> String {
    p.to_str().expect("utf-8 path").to_string()
}

/// Writes `NAME.csr`, a certificate request for the key `NAME.key` with `subject`, using the
/// openssl configuration file `config` (in `dir`); returns the file name.
pub(crate) fn request(dir: &Path, config: &str, name: &str, subject: &str) -> String {
    let csr = format!("{name}.csr");
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-utf8",
            "-config",
            config,
            "-key",
            &format!("{name}.key"),
            "-subj",
            subject,
            "-out",
            &csr,
        ],
    );
    csr
}
