//! A test PKI shaped like pyHanko's, with its services on 127.0.0.1 under a faked clock:
//!
//! - a root CA; below it an intermediate CA for signers and a TSA CA for timestamp
//!   authorities (each CA with its own OCSP responder, id-pkix-ocsp-nocheck, and CRL);
//! - short-lived signers (2020-01-01 – 2021-01-01), among them one revoked before and
//!   one revoked after the signing time; two TSAs (2019–2035 and 2033–2045);
//! - one loopback HTTP server, started and stopped by the test, that answers
//!   `POST /tsa/NAME` with `openssl ts -reply`, `POST /ocsp/CA` with `openssl ocsp`
//!   (file mode: `-reqin`/`-respout`, never `-port`) and `GET /crl/CA.crl` with
//!   `openssl ca -gencrl`, each run under `faketime` at the harness's clock.
//!
//! The clock is set by the test ([`Services::set_time`]) and runs on from there, so that
//! a timestamp and the OCSP response fetched right after it are in order.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

/// Runs `program` in `dir` under faketime at `at` (when given); panics with its output
/// on failure, or with what to install when it is missing.
pub(crate) fn run(dir: &Path, at: Option<DateTime<Utc>>, program: &str, args: &[&str]) -> Vec<u8> {
    let mut cmd = match at {
        Some(t) => {
            let mut c = Command::new("faketime");
            c.arg("-f")
                .arg(format!("@{}", t.format("%Y-%m-%d %H:%M:%S")))
                .arg(program);
            c
        }
        None => Command::new(program),
    };
    let out = cmd
        .args(args)
        .current_dir(dir)
        .env("TZ", "UTC")
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} / faketime not found ({e}): install openssl and faketime (bash scripts/test.sh does)")
        });
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The clock the services run on.
#[derive(Clone)]
struct Clock(Arc<Mutex<(DateTime<Utc>, Instant)>>);

impl Clock {
    fn now(&self) -> DateTime<Utc> {
        let (base, set) = *self.0.lock().expect("clock");
        base + chrono::Duration::from_std(set.elapsed()).unwrap_or_default()
    }
}

/// The PKI and its services.
pub(crate) struct Services {
    pub dir: tempfile::TempDir,
    pub port: u16,
    clock: Clock,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// A time as the tests write it.
pub(crate) fn t(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

fn ca_config(name: &str, port: u16) -> String {
    let base = format!("http://127.0.0.1:{port}");
    format!(
        "\
[ca]
default_ca = ca_default
[ca_default]
dir = .
database = ./{name}-index.txt
new_certs_dir = ./newcerts
serial = ./{name}-serial
crlnumber = ./{name}-crlnumber
default_md = sha256
policy = policy_any
default_crl_days = 7
unique_subject = no
copy_extensions = none
[policy_any]
commonName = supplied
organizationName = optional
[req]
distinguished_name = dn
prompt = no
utf8 = yes
string_mask = utf8only
[dn]
CN = unused
[root_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:{base}/crl/{name}.crl
authorityInfoAccess = OCSP;URI:{base}/ocsp/{name},caIssuers;URI:{base}/cert/{name}.crt
[signer_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:{base}/crl/{name}.crl
authorityInfoAccess = OCSP;URI:{base}/ocsp/{name},caIssuers;URI:{base}/cert/{name}.crt
[tsa_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:{base}/crl/{name}.crl
authorityInfoAccess = OCSP;URI:{base}/ocsp/{name},caIssuers;URI:{base}/cert/{name}.crt
[ocsp_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,OCSPSigning
noCheck = ignored
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"
    )
}

const TS_CONFIG: &str = "\
[tsa]
default_tsa = tsa1
[tsa1]
dir = .
serial = ./tsa1-serial
crypto_device = builtin
signer_cert = ./tsa1.pem
certs = ./tsa-chain.pem
signer_key = ./tsa1.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512, sm3
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
[tsa2]
dir = .
serial = ./tsa2-serial
crypto_device = builtin
signer_cert = ./tsa2.pem
certs = ./tsa-chain.pem
signer_key = ./tsa2.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512, sm3
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
";

/// The CA that issues each certificate, and its extensions.
const ISSUED: &[(&str, &str, &str, &str, &str)] = &[
    // name, issuer, extensions, from, to
    (
        "inter",
        "root",
        "ca_ext",
        "20000101000000Z",
        "20990101000000Z",
    ),
    (
        "tsaca",
        "root",
        "ca_ext",
        "20000101000000Z",
        "20990101000000Z",
    ),
    (
        "signer",
        "inter",
        "signer_ext",
        "20200101000000Z",
        "20210101000000Z",
    ),
    (
        "signer-revoked-before",
        "inter",
        "signer_ext",
        "20200101000000Z",
        "20210101000000Z",
    ),
    (
        "signer-revoked-after",
        "inter",
        "signer_ext",
        "20200101000000Z",
        "20210101000000Z",
    ),
    (
        "tsa1",
        "tsaca",
        "tsa_ext",
        "20190101000000Z",
        "20350101000000Z",
    ),
    (
        "tsa2",
        "tsaca",
        "tsa_ext",
        "20330101000000Z",
        "20450101000000Z",
    ),
    (
        "root-ocsp",
        "root",
        "ocsp_ext",
        "20000101000000Z",
        "20990101000000Z",
    ),
    (
        "inter-ocsp",
        "inter",
        "ocsp_ext",
        "20000101000000Z",
        "20990101000000Z",
    ),
    (
        "tsaca-ocsp",
        "tsaca",
        "ocsp_ext",
        "20000101000000Z",
        "20990101000000Z",
    ),
];

impl Services {
    /// Makes the PKI and starts the server on 127.0.0.1 (the clock at 2020-06-01).
    pub(crate) fn start() -> Services {
        let dir = tempfile::tempdir().expect("tempdir");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("addr").port();
        let d = dir.path();
        std::fs::create_dir(d.join("newcerts")).expect("newcerts");
        for ca in ["root", "inter", "tsaca"] {
            std::fs::write(d.join(format!("{ca}.cnf")), ca_config(ca, port)).expect("cnf");
            std::fs::write(d.join(format!("{ca}-index.txt")), "").expect("index");
            std::fs::write(
                d.join(format!("{ca}-serial")),
                format!("{}\n", serial_base(ca)),
            )
            .expect("serial");
            std::fs::write(d.join(format!("{ca}-crlnumber")), "1000\n").expect("crlnumber");
        }
        std::fs::write(d.join("ts.cnf"), TS_CONFIG).expect("ts.cnf");
        std::fs::write(d.join("tsa1-serial"), "01\n").expect("serial");
        std::fs::write(d.join("tsa2-serial"), "01\n").expect("serial");
        key(d, "root", true);
        run(
            d,
            None,
            "openssl",
            &[
                "req",
                "-new",
                "-config",
                "root.cnf",
                "-key",
                "root.key",
                "-subj",
                "/CN=jixiao LTV Test Root/O=jixiao 测试",
                "-out",
                "root.csr",
            ],
        );
        run(
            d,
            None,
            "openssl",
            &[
                "ca",
                "-batch",
                "-notext",
                "-config",
                "root.cnf",
                "-selfsign",
                "-keyfile",
                "root.key",
                "-in",
                "root.csr",
                "-out",
                "root.pem",
                "-extensions",
                "root_ext",
                "-startdate",
                "20000101000000Z",
                "-enddate",
                "20990101000000Z",
            ],
        );
        for (name, issuer, ext, from, to) in ISSUED {
            key(d, name, !name.starts_with("tsa"));
            let subject = format!("/CN=jixiao LTV {name}/O=jixiao 测试");
            run(
                d,
                None,
                "openssl",
                &[
                    "req",
                    "-new",
                    "-config",
                    "root.cnf",
                    "-key",
                    &format!("{name}.key"),
                    "-subj",
                    &subject,
                    "-out",
                    &format!("{name}.csr"),
                ],
            );
            run(
                d,
                None,
                "openssl",
                &[
                    "ca",
                    "-batch",
                    "-notext",
                    "-config",
                    &format!("{issuer}.cnf"),
                    "-cert",
                    &format!("{issuer}.pem"),
                    "-keyfile",
                    &format!("{issuer}.key"),
                    "-in",
                    &format!("{name}.csr"),
                    "-out",
                    &format!("{name}.pem"),
                    "-extensions",
                    ext,
                    "-startdate",
                    from,
                    "-enddate",
                    to,
                ],
            );
        }
        let chain = format!(
            "{}{}",
            std::fs::read_to_string(d.join("tsaca.pem")).expect("pem"),
            std::fs::read_to_string(d.join("root.pem")).expect("pem")
        );
        std::fs::write(d.join("tsa-chain.pem"), chain).expect("chain");
        let clock = Clock(Arc::new(Mutex::new((
            t("2020-06-01T12:00:00Z"),
            Instant::now(),
        ))));
        let stop = Arc::new(AtomicBool::new(false));
        listener.set_nonblocking(true).expect("nonblocking");
        let thread = {
            let (dir, clock, stop) = (d.to_path_buf(), clock.clone(), stop.clone());
            std::thread::spawn(move || serve(listener, &dir, &clock, &stop, &AtomicUsize::new(0)))
        };
        Services {
            dir,
            port,
            clock,
            stop,
            thread: Some(thread),
        }
    }

    /// The directory of the PKI's files.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A file of the PKI.
    pub(crate) fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The URL of a TSA.
    pub(crate) fn tsa(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/tsa/{name}", self.port)
    }

    /// The URL of a TSA whose first `n` requests (counted over the server's life) fail.
    pub(crate) fn flaky_tsa(&self, n: usize, name: &str) -> String {
        format!("http://127.0.0.1:{}/flaky-{n}/tsa/{name}", self.port)
    }

    /// Sets the services' clock; it runs on from `at`.
    pub(crate) fn set_time(&self, at: DateTime<Utc>) {
        *self.clock.0.lock().expect("clock") = (at, Instant::now());
    }

    /// The services' time now.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Marks `name` (issued by `ca`) revoked at `at` in the CA's database, which its OCSP
    /// responder and CRL read.
    pub(crate) fn revoke(&self, ca: &str, name: &str, at: DateTime<Utc>) {
        let index = self.file(&format!("{ca}-index.txt"));
        let subject_marker = format!("CN=jixiao LTV {name}/");
        let text = std::fs::read_to_string(&index).expect("index");
        let stamp = at.format("%y%m%d%H%M%SZ").to_string();
        let lines: Vec<String> = text
            .lines()
            .map(|line| {
                let mut cols: Vec<String> = line.split('\t').map(str::to_owned).collect();
                if cols.len() >= 6 && cols[5].contains(&subject_marker) {
                    cols[0] = "R".into();
                    cols[2] = format!("{stamp},keyCompromise");
                }
                cols.join("\t")
            })
            .collect();
        std::fs::write(&index, lines.join("\n") + "\n").expect("write index");
    }
}

fn serial_base(ca: &str) -> &'static str {
    match ca {
        "root" => "1000",
        "inter" => "2000",
        _ => "3000",
    }
}

fn key(dir: &Path, name: &str, ec: bool) {
    let file = format!("{name}.key");
    if ec {
        run(
            dir,
            None,
            "openssl",
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                &file,
            ],
        );
    } else {
        run(
            dir,
            None,
            "openssl",
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
                &file,
            ],
        );
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.join(file), std::fs::Permissions::from_mode(0o600))
        .expect("chmod");
}

impl Drop for Services {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(listener: TcpListener, dir: &Path, clock: &Clock, stop: &AtomicBool, flaky: &AtomicUsize) {
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let _ = handle(stream, dir, clock, flaky);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(_) => return,
        }
    }
}

fn handle(
    stream: TcpStream,
    dir: &Path,
    clock: &Clock,
    flaky: &AtomicUsize,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let mut parts = request_line.split_whitespace();
    let (method, mut path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    // `/flaky-N/…`: the first N requests to any flaky path fail with HTTP 503.
    let mut refuse = false;
    if let Some(rest) = path.strip_prefix("/flaky-") {
        if let Some((n, tail)) = rest.split_once('/') {
            let n: usize = n.parse().unwrap_or(0);
            refuse = flaky.fetch_add(1, Ordering::SeqCst) < n;
            path = &rest[rest.len() - tail.len() - 1..];
        }
    }
    if refuse {
        let mut stream = stream;
        stream.write_all(
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )?;
        return stream.flush();
    }
    let now = clock.now();
    let answer = std::panic::catch_unwind(|| answer(dir, now, method, path, &body));
    let mut stream = stream;
    match answer {
        Ok(Some((content_type, bytes))) => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                bytes.len()
            )?;
            stream.write_all(&bytes)?;
        }
        _ => {
            stream.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )?;
        }
    }
    stream.flush()
}

/// The answer to one request: (content type, body).
fn answer(
    dir: &Path,
    now: DateTime<Utc>,
    method: &str,
    path: &str,
    body: &[u8],
) -> Option<(&'static str, Vec<u8>)> {
    let id = format!("{}", now.timestamp_nanos_opt().unwrap_or(0));
    if let (Some(name), "POST") = (path.strip_prefix("/tsa/"), method) {
        let query = format!("q-{id}.tsq");
        std::fs::write(dir.join(&query), body).ok()?;
        let reply = format!("r-{id}.tsr");
        run(
            dir,
            Some(now),
            "openssl",
            &[
                "ts",
                "-reply",
                "-config",
                "ts.cnf",
                "-section",
                name,
                "-queryfile",
                &query,
                "-out",
                &reply,
            ],
        );
        return Some((
            "application/timestamp-reply",
            std::fs::read(dir.join(reply)).ok()?,
        ));
    }
    if let (Some(ca), "POST") = (path.strip_prefix("/ocsp/"), method) {
        let req = format!("o-{id}.req");
        std::fs::write(dir.join(&req), body).ok()?;
        let resp = format!("o-{id}.resp");
        run(
            dir,
            Some(now),
            "openssl",
            &[
                "ocsp",
                "-index",
                &format!("{ca}-index.txt"),
                "-CA",
                &format!("{ca}.pem"),
                "-rsigner",
                &format!("{ca}-ocsp.pem"),
                "-rkey",
                &format!("{ca}-ocsp.key"),
                "-reqin",
                &req,
                "-respout",
                &resp,
                "-ndays",
                "7",
            ],
        );
        return Some((
            "application/ocsp-response",
            std::fs::read(dir.join(resp)).ok()?,
        ));
    }
    if let (Some(file), "GET") = (path.strip_prefix("/cert/"), method) {
        let name = file.strip_suffix(".crt")?;
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return None;
        }
        let der = format!("cert-{id}.der");
        run(
            dir,
            None,
            "openssl",
            &[
                "x509",
                "-in",
                &format!("{name}.pem"),
                "-outform",
                "DER",
                "-out",
                &der,
            ],
        );
        return Some(("application/pkix-cert", std::fs::read(dir.join(der)).ok()?));
    }
    if let (Some(file), "GET") = (path.strip_prefix("/crl/"), method) {
        let ca = file.strip_suffix(".crl")?;
        let pem = format!("c-{id}.pem");
        run(
            dir,
            Some(now),
            "openssl",
            &[
                "ca",
                "-gencrl",
                "-config",
                &format!("{ca}.cnf"),
                "-cert",
                &format!("{ca}.pem"),
                "-keyfile",
                &format!("{ca}.key"),
                "-out",
                &pem,
            ],
        );
        let der = format!("c-{id}.der");
        run(
            dir,
            None,
            "openssl",
            &["crl", "-in", &pem, "-outform", "DER", "-out", &der],
        );
        return Some(("application/pkix-crl", std::fs::read(dir.join(der)).ok()?));
    }
    None
}
