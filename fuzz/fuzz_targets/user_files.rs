//! The bodies of the fuzz targets `pdf`, `pdf_mutation` and `sign_input`: the files a
//! user hands to `jixiao verify`, `jixiao extract` and `jixiao sign`. Nothing may panic or
//! hang; what is refused is refused with a message; what is accepted is right.
//!
//! - [`pdf`]: arbitrary bytes through the library calls behind `jixiao verify` and
//!   `jixiao extract` (an OFD package for bytes starting with `PK\3\4`, as the commands
//!   dispatch; else [`PdfFile`] and [`verify`]). A verdict other than "reproduced" always
//!   says why.
//! - [`pdf_mutation`]: a real archival PDF of a sample, unsigned or signed (rendered and
//!   signed in-process, so always current), changed by a small mutation program (see
//!   [`mutate`]) that addresses bytes relative to PDF tokens — byte flips, overwrites,
//!   insertions, deletions, truncation, splices from the other file, numbers replaced,
//!   bytes appended — then through [`pdf`] and [`sign_and_check`].
//! - [`sign_input`]: first byte the mode, the rest one file `jixiao sign` reads: `0` the
//!   PDF to sign ([`sign_and_check`]); `1`/`2` the private key (with the P-256 / RSA test
//!   certificate); `3` the certificate (with the P-256 test key); `4` chain certificates
//!   (and the same file as `verify --trust` anchors); `5` a PKCS#12 file (passphrase
//!   `jixiao-fuzz`). The files are written to a temporary directory and read by the same
//!   functions the command calls. A signer that loads must make signatures that verify.
//!
//! Included with `#[path]` by `fuzz/fuzz_targets/{pdf,pdf_mutation,sign_input}.rs` and by
//! `tests/fuzz_corpus.rs`, which replays the committed corpora through these functions.
//! The test keys in `fuzz/keys/` are throwaway keys made by `scripts/fuzz-seeds.sh`.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use jixiao::archive::inspect::PdfFile;
use jixiao::archive::{verify, Verdict};
use jixiao::check::Lang;
use jixiao::sign::load::{self, BoxedSigner};
use jixiao::sign::{sign_pdf, verify_signatures_at, SignOptions};
use jixiao::{Declaration, Renderer};

/// The P-256 test key and its self-signed certificate; the RSA ones.
pub(crate) const P256_KEY: &[u8] = include_bytes!("../keys/p256.key");
/// The P-256 test certificate.
pub(crate) const P256_CERT: &[u8] = include_bytes!("../keys/p256.pem");
/// The RSA (2048-bit) test key.
pub(crate) const RSA_KEY: &[u8] = include_bytes!("../keys/rsa.key");
/// The RSA test certificate.
pub(crate) const RSA_CERT: &[u8] = include_bytes!("../keys/rsa.pem");
/// The passphrase of the PKCS#12 seeds.
pub(crate) const P12_PASSWORD: &str = "jixiao-fuzz";
/// The sample the mutated PDFs are rendered from (the smallest one).
pub(crate) const SAMPLE: &str =
    include_str!("../../samples/wuhan-qingshan-2020-project-target.toml");
/// 2025-01-20T00:00:00Z: the document date of the rendered bases and the signing time.
pub(crate) const TIME: i64 = 1_737_331_200;

/// The built-in renderer, made once per process.
pub(crate) fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(Renderer::builtin)
}

/// The fixed signing time.
pub(crate) fn signing_time() -> DateTime<Utc> {
    DateTime::from_timestamp(TIME, 0).expect("a valid time")
}

fn at() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(TIME as u64)
}

/// The P-256 test signer.
pub(crate) fn test_signer() -> &'static BoxedSigner {
    static SIGNER: OnceLock<BoxedSigner> = OnceLock::new();
    SIGNER.get_or_init(|| {
        let cert = load::certificates_from_bytes(P256_CERT).expect("the test certificate");
        load::signer_from_key_bytes(P256_KEY, cert[0].clone(), Vec::new()).expect("test key")
    })
}

/// The bases [`pdf_mutation`] mutates: the sample as an archival PDF, and signed with
/// the test key.
pub(crate) fn bases() -> &'static [Vec<u8>; 2] {
    static BASES: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    BASES.get_or_init(|| {
        let decl = Declaration::from_toml(SAMPLE).expect("the sample reads");
        let date = jixiao::date::Date::parse("2025-01-20").expect("a date");
        let archived = renderer()
            .render(
                &decl,
                &jixiao::RenderOptions::archival(
                    jixiao::attachment::Attachment::toml(SAMPLE.as_bytes().to_vec()),
                    date,
                ),
            )
            .expect("the sample renders")
            .pdf;
        let options = SignOptions {
            signing_time: Some(signing_time()),
            ..SignOptions::default()
        };
        let signed = sign_pdf(&archived, test_signer().as_ref(), &options).expect("it signs");
        [archived, signed]
    })
}

/// What [`pdf`] found, for the replay test's own checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// The exit code `jixiao verify` gives.
    pub verify_exit: u8,
    /// The bytes `jixiao extract` writes, or `None` when it refuses.
    pub extracted: Option<Vec<u8>>,
}

/// `jixiao verify FILE` and `jixiao extract FILE` on `data`, as the commands call the
/// library (no trust anchors).
pub(crate) fn pdf(data: &[u8]) -> Outcome {
    let renderer = renderer();
    if jixiao::ofd::is_ofd(data) {
        let report = jixiao::archive::verify_ofd(data, renderer, &[], Lang::Zh);
        let exit = report.verdict.exit_code();
        if report.verdict != Verdict::Reproduced {
            assert!(
                !report.notes.is_empty() || !report.part_diffs.is_empty(),
                "an OFD that does not verify says nothing: {report:?}"
            );
        }
        for n in &report.notes {
            std::hint::black_box(n.render(false, jixiao::check::Lang::Zh));
        }
        use jixiao::ofd::read::{source_attachment, Package};
        let extracted = Package::parse(data)
            .ok()
            .and_then(|p| source_attachment(&p).ok().flatten())
            .map(|(_, bytes)| bytes);
        return Outcome {
            verify_exit: exit,
            extracted,
        };
    }
    let extracted = match PdfFile::parse(data) {
        Err(e) => {
            assert!(!e.to_string().is_empty());
            None
        }
        Ok(file) => {
            // Everything `verify` and `extract` read from a file.
            std::hint::black_box((file.page_count(), file.info("Creator")));
            std::hint::black_box((file.creation_date(), file.xmp(), file.pdfa_claim()));
            std::hint::black_box((file.pdfa_problems(), file.attachments()));
            file.source_attachment().map(|a| a.bytes)
        }
    };
    let report = verify(data, renderer, &[], Lang::Zh);
    match report.verdict {
        Verdict::Reproduced => {
            assert!(extracted.is_some(), "reproduced without a source");
            assert!(
                report
                    .notes
                    .iter()
                    .all(|n| n.severity != jixiao::Severity::Error),
                "reproduced with an error: {:?}",
                report.notes
            );
        }
        Verdict::Differs => assert!(
            !report.notes.is_empty() || !report.page_diffs.is_empty(),
            "differs without saying where"
        ),
        Verdict::CannotVerify => assert!(!report.notes.is_empty(), "cannot verify, no reason"),
    }
    for n in &report.notes {
        std::hint::black_box(n.render(false, jixiao::check::Lang::Zh));
    }
    for s in &report.signatures {
        std::hint::black_box(s.to_string());
    }
    Outcome {
        verify_exit: report.verdict.exit_code(),
        extracted,
    }
}

/// `jixiao sign` on `pdf` with the test signer: refused with a message, or signed so that
/// the input is a prefix of the output and a signature covering the whole output is
/// intact. Returns whether it signed.
pub(crate) fn sign_and_check(pdf: &[u8]) -> bool {
    sign_with(pdf, test_signer().as_ref())
}

fn sign_with(pdf: &[u8], signer: &dyn jixiao::sign::Signer) -> bool {
    let options = SignOptions {
        signing_time: Some(signing_time()),
        ..SignOptions::default()
    };
    let signed = match sign_pdf(pdf, signer, &options) {
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return false;
        }
        Ok(signed) => signed,
    };
    assert!(signed.starts_with(pdf), "signing changed the input's bytes");
    let reports = verify_signatures_at(&signed, &[], at())
        .unwrap_or_else(|e| panic!("a PDF jixiao signed does not read: {e}"));
    assert!(
        reports.iter().any(|r| r.intact && r.covers_whole_document),
        "no intact signature covers the signed file: {reports:#?}"
    );
    true
}

/// The `sign_input` target (see the module documentation for the modes); whether the
/// PDF was signed, or the key material loaded (and signed).
pub(crate) fn sign_input(data: &[u8]) -> bool {
    let Some((mode, file)) = data.split_first() else {
        return false;
    };
    if mode % 6 == 0 {
        return sign_and_check(file);
    }
    let Ok(dir) = tempfile::tempdir() else {
        return false;
    };
    let write = |name: &str, bytes: &[u8]| -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write to a temporary directory");
        path
    };
    let input = write("input", file);
    let (p256_key, p256_cert) = (write("p256.key", P256_KEY), write("p256.pem", P256_CERT));
    let rsa_cert = write("rsa.pem", RSA_CERT);
    let loaded = match mode % 6 {
        1 => load::signer_from_files(&input, &p256_cert, &[]),
        2 => load::signer_from_files(&input, &rsa_cert, &[]),
        3 => load::signer_from_files(&p256_key, &input, &[]),
        4 => {
            if let Ok(anchors) = load::certificates_from_file(&input) {
                assert!(!anchors.is_empty());
            }
            load::signer_from_files(&p256_key, &p256_cert, std::slice::from_ref(&input))
        }
        _ => load::signer_from_pkcs12(&input, P12_PASSWORD),
    };
    match loaded {
        Err(e) => {
            let message = e.to_string();
            assert!(!message.is_empty());
            assert_no_key_in(&message);
            false
        }
        Ok(signer) => {
            // A signer that loads signs, and its signatures verify.
            let base = &bases()[0];
            assert!(
                sign_with(base, signer.as_ref()),
                "a loaded signer cannot sign"
            );
            true
        }
    }
}

/// No message quotes key material: not a line of the test keys' PEM bodies.
fn assert_no_key_in(message: &str) {
    for key in [P256_KEY, RSA_KEY] {
        let text = String::from_utf8_lossy(key);
        for line in text
            .lines()
            .filter(|l| !l.starts_with("-----") && l.len() > 16)
        {
            assert!(
                !message.contains(line),
                "a message quotes the key: {message}"
            );
        }
    }
}

/// The `pdf_mutation` target: the base picked by the first byte, mutated by the rest,
/// through [`pdf`] and [`sign_and_check`].
pub(crate) fn pdf_mutation(data: &[u8]) -> Outcome {
    let bases = bases();
    let (pick, program) = data.split_first().unwrap_or((&0, &[]));
    let base = usize::from(pick % 2);
    let mutated = mutate(&bases[base], &bases[1 - base], program);
    let outcome = pdf(&mutated);
    if mutated == bases[base] {
        assert_eq!(outcome.verify_exit, 0, "the unmutated base does not verify");
    }
    sign_and_check(&mutated);
    outcome
}

/// Tokens a mutation's position is relative to, by index: `0` the start of the file, `1`
/// its end, then each of these byte strings (occurrences counted from the start, or from
/// the end when the occurrence byte's top bit is set). The order is part of the corpus
/// format: append, never reorder.
pub(crate) const TOKENS: &[&[u8]] = &[
    b"",                // 0: start
    b"",                // 1: end
    b"%PDF-",           // 2
    b" obj",            // 3
    b"endobj",          // 4
    b"stream",          // 5
    b"endstream",       // 6
    b"xref",            // 7
    b"startxref",       // 8
    b"trailer",         // 9
    b"%%EOF",           // 10
    b"/Length",         // 11
    b"/Filter",         // 12
    b"/Type",           // 13
    b"/Root",           // 14
    b"/Info",           // 15
    b"/Size",           // 16
    b"/Prev",           // 17
    b"/Names",          // 18
    b"/EmbeddedFiles",  // 19
    b"/EF",             // 20
    b"/AF",             // 21
    b"/AFRelationship", // 22
    b"/Metadata",       // 23
    b"/Pages",          // 24
    b"/Kids",           // 25
    b"/Count",          // 26
    b"/MediaBox",       // 27
    b"/Contents",       // 28
    b"/ByteRange",      // 29
    b"/AcroForm",       // 30
    b"/Fields",         // 31
    b"/Annots",         // 32
    b"/SubFilter",      // 33
    b"/FontFile",       // 34
    b"/Font",           // 35
    b"/ID",             // 36
    b"/CreationDate",   // 37
    b"/M ",             // 38
    b"/Subtype",        // 39
    b"<<",              // 40
    b">>",              // 41
    b"[",               // 42
    b"(",               // 43
    b"<",               // 44
    b"/UF",             // 45
    b"/Params",         // 46
    b"pdfaid:part",     // 47
    b"/OutputIntents",  // 48
    b"/Encrypt",        // 49
];

/// The positions of every token in `pdf`, by token index.
fn token_positions(pdf: &[u8]) -> Vec<Vec<usize>> {
    TOKENS
        .iter()
        .enumerate()
        .map(|(i, t)| match i {
            0 => vec![0],
            1 => vec![pdf.len()],
            _ => pdf
                .windows(t.len())
                .enumerate()
                .filter(|(_, w)| w == t)
                .map(|(at, _)| at)
                .collect(),
        })
        .collect()
}

/// The cached token positions of the two bases.
fn cached_tokens(index: usize) -> &'static [Vec<usize>] {
    static TOKENS_OF: OnceLock<[Vec<Vec<usize>>; 2]> = OnceLock::new();
    &TOKENS_OF.get_or_init(|| {
        let b = bases();
        [token_positions(&b[0]), token_positions(&b[1])]
    })[index]
}

/// Reads a mutation program.
struct Program<'a> {
    bytes: &'a [u8],
}

impl Program<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (first, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(*first)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.byte()?, self.byte()?]))
    }

    fn i32(&mut self) -> Option<i32> {
        Some(i32::from_le_bytes([
            self.byte()?,
            self.byte()?,
            self.byte()?,
            self.byte()?,
        ]))
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.bytes.len());
        let (taken, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        taken
    }

    /// A position: token index, occurrence, signed offset; in `tokens` (of a file of
    /// `len` bytes), clamped to the file.
    fn position(&mut self, tokens: &[Vec<usize>], len: usize) -> Option<usize> {
        let token = usize::from(self.byte()?) % TOKENS.len();
        let occurrence = self.byte()?;
        let delta = i64::from(self.byte()? as i8);
        let found = &tokens[token];
        let base = if found.is_empty() {
            0
        } else {
            let n = usize::from(occurrence & 0x7f) % found.len();
            if occurrence & 0x80 != 0 {
                found[found.len() - 1 - n]
            } else {
                found[n]
            }
        };
        let at = (base as i64 + delta).clamp(0, len as i64);
        Some(at as usize)
    }
}

/// Applies the mutation program `program` to `base` (`other` is the file splices copy
/// from). Each operation is an opcode byte (`% 8`) and its operands; positions are three
/// bytes (token, occurrence, offset; see [`TOKENS`]) and are found in the unmutated base,
/// then clamped to the current length. At most 32 operations; a truncated operation ends
/// the program.
///
/// | op | operands | effect |
/// |----|----------|--------|
/// | 0 | pos, mask | XOR the byte at pos with mask (0 counts as 1) |
/// | 1 | pos, n, n bytes | overwrite n (≤ 31) bytes at pos |
/// | 2 | pos, n, n bytes | insert n (≤ 31) bytes at pos |
/// | 3 | pos, len (u16) | delete len bytes from pos |
/// | 4 | pos | truncate at pos |
/// | 5 | from, pos, len (u16), pos | copy len bytes of base (`from` even) or other (odd) at the first pos, insert them at the second |
/// | 6 | pos, value (i32) | replace the first number (digits, optionally signed) within 64 bytes from pos by value |
/// | 7 | n (u16), n bytes | append n bytes |
pub(crate) fn mutate(base: &[u8], other: &[u8], program: &[u8]) -> Vec<u8> {
    let bases = bases();
    let tokens_for = |file: &[u8]| -> Option<&'static [Vec<usize>]> {
        (0..2).find(|&i| bases[i] == file).map(cached_tokens)
    };
    let own_base;
    let own_other;
    let base_tokens = match tokens_for(base) {
        Some(t) => t,
        None => {
            own_base = token_positions(base);
            &own_base[..]
        }
    };
    let other_tokens = match tokens_for(other) {
        Some(t) => t,
        None => {
            own_other = token_positions(other);
            &own_other[..]
        }
    };
    let mut out = base.to_vec();
    let mut p = Program { bytes: program };
    for _ in 0..32 {
        if apply(&mut out, other, base_tokens, other_tokens, &mut p).is_none() {
            break;
        }
    }
    out
}

fn apply(
    out: &mut Vec<u8>,
    other: &[u8],
    tokens: &[Vec<usize>],
    other_tokens: &[Vec<usize>],
    p: &mut Program<'_>,
) -> Option<()> {
    let op = p.byte()? % 8;
    match op {
        0 => {
            let at = p.position(tokens, out.len())?;
            let mask = p.byte()?.max(1);
            if let Some(b) = out.get_mut(at) {
                *b ^= mask;
            }
        }
        1 | 2 => {
            let at = p.position(tokens, out.len())?;
            let n = usize::from(p.byte()? % 32);
            let bytes = p.take(n).to_vec();
            if op == 1 {
                let end = (at + bytes.len()).min(out.len());
                out.splice(at..end, bytes);
            } else {
                out.splice(at..at, bytes);
            }
        }
        3 => {
            let at = p.position(tokens, out.len())?;
            let len = usize::from(p.u16()?);
            let end = at.saturating_add(len).min(out.len());
            out.drain(at..end);
        }
        4 => {
            let at = p.position(tokens, out.len())?;
            out.truncate(at);
        }
        5 => {
            let from_other = p.byte()? % 2 == 1;
            let (source, source_tokens): (&[u8], _) = if from_other {
                (other, other_tokens)
            } else {
                (&out[..], tokens)
            };
            let start = p.position(source_tokens, source.len())?;
            let len = usize::from(p.u16()?);
            let chunk = source[start..start.saturating_add(len).min(source.len())].to_vec();
            let at = p.position(tokens, out.len())?;
            out.splice(at..at, chunk);
        }
        6 => {
            let at = p.position(tokens, out.len())?;
            let value = p.i32()?;
            let window = &out[at..(at + 64).min(out.len())];
            if let Some(start) = window.iter().position(u8::is_ascii_digit) {
                let mut start = at + start;
                let end = start
                    + out[start..]
                        .iter()
                        .take_while(|b| b.is_ascii_digit())
                        .count();
                if start > 0 && matches!(out[start - 1], b'-' | b'+') {
                    start -= 1;
                }
                out.splice(start..end, value.to_string().into_bytes());
            }
        }
        _ => {
            let n = usize::from(p.u16()?);
            let bytes = p.take(n).to_vec();
            out.extend_from_slice(&bytes);
        }
    }
    Some(())
}
