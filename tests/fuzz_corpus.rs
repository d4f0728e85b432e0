#![allow(unexpected_cfgs)] // the fuzz targets' `cfg(fuzzing)`
//! The fuzz targets' corpora, replayed in every test run, and damaged PDFs through the
//! real binary.
//!
//! - Every file under `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` goes
//!   through the very function the fuzz target calls (`fuzz/fuzz_targets/user_files.rs`,
//!   `declaration.rs`, `sheet.rs`, included here with `#[path]`): no panic, and the seeds
//!   reach what they are meant to reach (the archival seeds carry their source, the
//!   unmutated bases verify, every key seed but the encrypted one loads and signs).
//! - Truncated, random and byte-mutated PDFs, made deterministically from a real archival
//!   PDF and the same PDF signed, to `jixiao verify`, `jixiao extract` and `jixiao sign`:
//!   each run ends within its deadline, never with a panic (101) or a signal; a refusal
//!   exits 1 or 2 with a message and leaves no file behind; what is accepted is right (an
//!   extraction is the attachment as the library reads it, a signed file keeps the input
//!   as its prefix and carries an intact signature over the whole file). The unmutated
//!   files verify, extract and sign, so the harness is not vacuous.

#[allow(dead_code)]
#[path = "../fuzz/fuzz_targets/user_files.rs"]
mod user_files;

#[allow(dead_code)]
#[path = "../fuzz/fuzz_targets/declaration.rs"]
mod declaration_target;

#[allow(dead_code)]
#[path = "../fuzz/fuzz_targets/sheet.rs"]
mod sheet_target;

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::root;

// ---------------------------------------------------------------------------------------
// Replaying the corpora.

/// The committed inputs of `target`: its seed corpus and its regressions, sorted.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["fuzz/corpus", "fuzz/regressions"] {
        let dir = root().join(dir).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_file() {
                let bytes = std::fs::read(&path).expect("read a corpus file");
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out
}

/// Runs `body` on every committed input of `target`, naming each (the name is shown when
/// one panics); returns how many there were.
fn replay<T>(target: &str, mut body: impl FnMut(&Path, &[u8]) -> T) -> usize {
    let inputs = inputs(target);
    for (path, bytes) in &inputs {
        eprintln!("{target}: {}", path.display());
        body(path, bytes);
    }
    inputs.len()
}

fn name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

fn is_seed(path: &Path) -> bool {
    path.starts_with(root().join("fuzz/corpus"))
}

#[test]
fn pdf_corpus_replays() {
    let mut with_source = 0;
    let n = replay("pdf", |path, bytes| {
        let outcome = user_files::pdf(bytes);
        if is_seed(path) && name(path) != "plain.pdf" {
            assert!(outcome.extracted.is_some(), "{}: no source", path.display());
            with_source += 1;
        }
    });
    assert!(n >= 5, "the pdf corpus has {n} files");
    assert!(with_source >= 4, "{with_source} seeds carry their source");
}

#[test]
fn pdf_mutation_corpus_replays() {
    let n = replay("pdf_mutation", |_, bytes| user_files::pdf_mutation(bytes));
    assert!(n >= 5, "the pdf_mutation corpus has {n} files");
    // The bases verify as they are; one changed number in the last cross-reference
    // offset makes them unreadable.
    assert_eq!(user_files::pdf_mutation(&[0]).verify_exit, 0);
    assert_eq!(user_files::pdf_mutation(&[1]).verify_exit, 0);
    let broken = [0, 6, 8, 0x80, 0, 1, 0, 0, 0];
    let outcome = user_files::pdf_mutation(&broken);
    assert_eq!(outcome.verify_exit, 2, "{outcome:?}");
    assert_eq!(outcome.extracted, None);
}

#[test]
fn sign_input_corpus_replays() {
    let mut loaded = 0;
    let n = replay("sign_input", |path, bytes| {
        let ok = user_files::sign_input(bytes);
        if is_seed(path) {
            // Every seed is a file `jixiao sign` takes, except the encrypted key.
            let expected = name(path) != "key-encrypted.pem";
            assert_eq!(ok, expected, "{}", path.display());
            loaded += usize::from(ok);
        }
    });
    assert!(n >= 10, "the sign_input corpus has {n} files");
    assert!(loaded >= 10, "{loaded} seeds load");
    // A key of the other algorithm than the certificate's is refused.
    let mut wrong = vec![2];
    wrong.extend_from_slice(user_files::P256_KEY);
    assert!(!user_files::sign_input(&wrong));
}

#[test]
fn declaration_corpus_replays() {
    let n = replay("declaration", |_, bytes| declaration_target::check(bytes));
    assert!(n >= 3, "the declaration corpus has {n} files");
}

#[test]
fn sheet_corpus_replays() {
    let n = replay("sheet", |_, bytes| sheet_target::check(bytes));
    assert!(n >= 6, "the sheet corpus has {n} files");
}

// ---------------------------------------------------------------------------------------
// Damaged PDFs through the binary.

/// The longest one run may take (a debug binary re-rendering the attached declaration
/// takes a few seconds).
const DEADLINE: Duration = Duration::from_secs(180);

/// Runs the binary in `dir` with `args`; panics when it outlives [`DEADLINE`] (after
/// killing it).
fn run(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("JIXIAO_P12_PASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run jixiao");
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = reader(Box::new(child.stdout.take().expect("stdout")));
    let stderr = reader(Box::new(child.stderr.take().expect("stderr")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("jixiao {args:?} did not finish in {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout"),
        stderr: stderr.join().expect("stderr"),
    }
}

/// A damaged (or intact) input and whether every command must refuse it.
struct Case {
    name: String,
    bytes: Vec<u8>,
    must_fail: bool,
}

/// xorshift64*: a fixed sequence, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The `/Contents` hex string of the signature of `signed` (changing its zero padding
/// changes nothing that is signed, so in-place mutations stay out of it).
fn hole(signed: &[u8]) -> std::ops::Range<usize> {
    let reports = jixiao::sign::verify_signatures(signed, &[]).expect("the signed base reads");
    let r = &reports[0].byte_range;
    r[1] as usize..r[2] as usize
}

/// The damaged inputs made from `base` (`label` names them).
fn damaged(label: &str, base: &[u8], rng: &mut Rng) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut case = |name: String, bytes: Vec<u8>, must_fail: bool| {
        cases.push(Case {
            name: format!("{label}-{name}"),
            bytes,
            must_fail,
        })
    };
    // Truncated before the first cross-reference pointer: nothing can read them.
    let first_xref = find(base, b"startxref").expect("a startxref");
    for cut in [0, 1, 8, first_xref / 3, first_xref * 2 / 3, first_xref - 1] {
        case(format!("cut{cut}"), base[..cut].to_vec(), true);
    }
    // Cut near the end: the last revision loses its end.
    let len = base.len();
    for cut in [len - 1, len - 12] {
        case(format!("cut{cut}"), base[..cut].to_vec(), false);
    }
    // In-place changes, away from a signature's zero padding.
    let avoid = if label == "signed" { hole(base) } else { 0..0 };
    let position = |rng: &mut Rng, width: usize| loop {
        let at = rng.below(len - width);
        if at + width <= avoid.start || at >= avoid.end {
            break at;
        }
    };
    let mut one = base.to_vec();
    let at = position(rng, 1);
    one[at] ^= 1 << rng.below(8);
    case(format!("flip{at}"), one, false);
    let mut many = base.to_vec();
    for _ in 0..16 {
        let at = position(rng, 1);
        many[at] ^= (rng.next() as u8).max(1);
    }
    case("flip16".into(), many, false);
    let mut overwritten = base.to_vec();
    let at = position(rng, 64);
    let noise = rng.bytes(64);
    overwritten[at..at + 64].copy_from_slice(&noise);
    case(format!("overwrite{at}"), overwritten, false);
    let mut deleted = base.to_vec();
    let at = rng.below(len - 256);
    deleted.drain(at..at + 256);
    case(format!("delete{at}"), deleted, false);
    let mut duplicated = base.to_vec();
    let (from, at) = (rng.below(len - 1024), rng.below(len));
    let chunk = base[from..from + 1024].to_vec();
    duplicated.splice(at..at, chunk);
    case(format!("dup{from}at{at}"), duplicated, false);
    // The last cross-reference offset points elsewhere: nothing can read it.
    let mut pointer = base.to_vec();
    let at = rfind(base, b"startxref").expect("a startxref") + b"startxref\n".len();
    let digits = pointer[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    pointer.splice(at..at + digits, b"17".iter().copied());
    case("startxref".into(), pointer, true);
    // Found with the fuzz targets (fuzz/regressions/pdf_mutation/): a byte that is not
    // ASCII in the document's /CreationDate and a signing time whose UTC offset overflows
    // (panics), a page of 60,000 points square (14 GB of pixels drawn to compare it).
    let mut date = base.to_vec();
    let at = find(base, b"/CreationDate(D:").expect("a creation date") + 19;
    date[at] = 0xE9;
    case("creation-date".into(), date, false);
    // Found by the pdf_mutation target: bytes before the header (lopdf reads the file, the
    // signature's update had offsets lopdf did not).
    let mut prefixed = rng.bytes(1280);
    prefixed.extend_from_slice(base);
    case("before-header".into(), prefixed, false);
    let mut page = base.to_vec();
    let at = find(base, b"/MediaBox[0 0 595.2756 841.8898]").expect("an A4 page");
    page[at..at + 32].copy_from_slice(b"/MediaBox[0 0 60000.27 60000.88]");
    case("page-size".into(), page, false);
    if let Some(at) = find(base, b"/M (D:") {
        let mut time = base.to_vec();
        time[at + 21..at + 27].copy_from_slice(b"999999");
        case("signing-time".into(), time, false);
    }
    cases
}

/// Random files: nothing can read them.
fn random(rng: &mut Rng) -> Vec<Case> {
    let mut cases = Vec::new();
    for n in [0, 1, 100, 65_536] {
        cases.push(Case {
            name: format!("random{n}"),
            bytes: rng.bytes(n),
            must_fail: true,
        });
    }
    for (name, head) in [
        ("pdf-header", &b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"[..]),
        ("zip-header", &b"PK\x03\x04"[..]),
    ] {
        let mut bytes = head.to_vec();
        bytes.extend(rng.bytes(4096));
        cases.push(Case {
            name: name.into(),
            bytes,
            must_fail: true,
        });
    }
    cases
}

/// A well-formed PDF whose catalog holds an array nested `n` levels deep (lopdf's parser
/// recursed once per level: about 1,000 overflowed the stack and aborted the process).
fn deeply_nested(n: usize) -> Vec<u8> {
    let mut deep = "[".repeat(n);
    deep.push_str(&"]".repeat(n));
    let objects = [
        format!("<</Type/Catalog/Pages 2 0 R/Deep {deep}>>"),
        "<</Type/Pages/Kids[]/Count 0>>".to_string(),
    ];
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 3\n0000000000 65535 f \n");
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<</Size 3/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    pdf
}

/// Every damaged case, from the archival PDF and the signed one, and random files.
fn cases() -> Vec<Case> {
    let [archived, signed] = user_files::bases();
    let mut rng = Rng(0x6a69_7869_616f_2012);
    let mut cases = damaged("archived", archived, &mut rng);
    cases.extend(damaged("signed", signed, &mut rng));
    cases.extend(random(&mut rng));
    cases.push(Case {
        name: "nested-10000".into(),
        bytes: deeply_nested(10_000),
        must_fail: true,
    });
    cases
}

/// A fresh directory holding `bytes` as `in.pdf`.
fn dir_with(bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("in.pdf"), bytes).expect("write in.pdf");
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Not a panic, not a signal: an exit code of 0, 1 or 2.
fn exit_code(what: &str, out: &Output) -> i32 {
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("{what}: killed by a signal\n{}", common::stderr(out)));
    eprintln!("{what}: exit {code}");
    assert!(
        (0..=2).contains(&code),
        "{what}: exit {code}\n{}",
        common::stderr(out)
    );
    code
}

#[test]
fn damaged_pdfs_to_verify_are_reported_as_such() {
    for (label, base) in ["archived", "signed"].into_iter().zip(user_files::bases()) {
        let dir = dir_with(base);
        let out = run(dir.path(), &["verify", "in.pdf"]);
        assert_eq!(
            exit_code(label, &out),
            0,
            "{label}:\n{}",
            common::stderr(&out)
        );
    }
    for case in cases() {
        let dir = dir_with(&case.bytes);
        let out = run(dir.path(), &["verify", "in.pdf"]);
        let what = format!("verify {}", case.name);
        let code = exit_code(&what, &out);
        assert!(code == 1 || code == 2, "{what}: exit {code}");
        let (stdout, stderr) = (common::stdout(&out), common::stderr(&out));
        // Cannot verify: the reason on stderr; differs: the verdict (and where) on stdout.
        if code == 2 {
            assert!(!stderr.trim().is_empty(), "{what}: no message");
        } else {
            // 不一致: the content differs; 未通过: reproduced, but a signature fails.
            assert!(
                stdout.contains("不一致") || stdout.contains("未通过"),
                "{what}: no verdict:\n{stdout}"
            );
            assert!(
                !stderr.trim().is_empty() || stdout.contains("第 "),
                "{what}: does not say what differs:\n{stdout}"
            );
        }
        assert_eq!(files_in(dir.path()), ["in.pdf"], "{what}");
    }
}

#[test]
fn damaged_pdfs_to_extract_fail_cleanly_or_give_the_attachment() {
    for (label, base) in ["archived", "signed"].into_iter().zip(user_files::bases()) {
        let dir = dir_with(base);
        let out = run(dir.path(), &["extract", "in.pdf"]);
        assert_eq!(
            exit_code(label, &out),
            0,
            "{label}:\n{}",
            common::stderr(&out)
        );
        let extracted = std::fs::read(dir.path().join("in.toml")).expect("in.toml");
        assert!(extracted == user_files::SAMPLE.as_bytes(), "{label}");
    }
    let mut refused = 0;
    for case in cases() {
        let dir = dir_with(&case.bytes);
        let out = run(dir.path(), &["extract", "in.pdf"]);
        let what = format!("extract {}", case.name);
        match exit_code(&what, &out) {
            0 if !case.must_fail => {
                // What the library reads as the source, byte for byte.
                let expected = jixiao::archive::inspect::PdfFile::parse(&case.bytes)
                    .ok()
                    .and_then(|f| f.source_attachment())
                    .map(|a| a.bytes);
                let written = std::fs::read(dir.path().join("in.toml")).ok();
                assert!(written.is_some() && written == expected, "{what}");
                assert_eq!(files_in(dir.path()), ["in.pdf", "in.toml"], "{what}");
            }
            1 => {
                refused += 1;
                assert_refused_cleanly(&what, &out, dir.path());
            }
            code => panic!("{what}: exit {code}\n{}", common::stderr(&out)),
        }
    }
    assert!(refused >= 20, "only {refused} refused");
}

#[test]
fn damaged_pdfs_to_sign_fail_cleanly_or_are_signed_properly() {
    let key_dir = tempfile::tempdir().expect("tempdir");
    let key = key_dir.path().join("p256.key");
    let cert = key_dir.path().join("p256.pem");
    std::fs::write(&key, user_files::P256_KEY).expect("write key");
    std::fs::write(&cert, user_files::P256_CERT).expect("write cert");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let (key, cert) = (key.to_str().expect("utf-8"), cert.to_str().expect("utf-8"));
    let sign = |dir: &Path| {
        run(
            dir,
            &[
                "sign",
                "in.pdf",
                "-o",
                "out.pdf",
                "--key",
                key,
                "--cert",
                cert,
                "--time",
                "2025-01-20T08:00:00+08:00",
            ],
        )
    };
    let signed_properly = |what: &str, input: &[u8], dir: &Path| {
        let signed = std::fs::read(dir.join("out.pdf")).expect("out.pdf");
        assert!(
            signed.starts_with(input),
            "{what}: the input is not a prefix"
        );
        let reports = jixiao::sign::verify_signatures(&signed, &[]).expect("readable");
        assert!(
            reports.iter().any(|r| r.intact && r.covers_whole_document),
            "{what}: {reports:#?}"
        );
        assert_eq!(files_in(dir), ["in.pdf", "out.pdf"], "{what}");
    };
    for (label, base) in ["archived", "signed"].into_iter().zip(user_files::bases()) {
        let dir = dir_with(base);
        let out = sign(dir.path());
        assert_eq!(
            exit_code(label, &out),
            0,
            "{label}:\n{}",
            common::stderr(&out)
        );
        signed_properly(label, base, dir.path());
    }
    let mut refused = 0;
    for case in cases() {
        let dir = dir_with(&case.bytes);
        let out = sign(dir.path());
        let what = format!("sign {}", case.name);
        match exit_code(&what, &out) {
            0 if !case.must_fail => signed_properly(&what, &case.bytes, dir.path()),
            1 => {
                refused += 1;
                assert_refused_cleanly(&what, &out, dir.path());
            }
            code => panic!("{what}: exit {code}\n{}", common::stderr(&out)),
        }
    }
    assert!(refused >= 20, "only {refused} refused");
}

/// A refusal: a message on stderr and no file written beside the input.
fn assert_refused_cleanly(what: &str, out: &Output, dir: &Path) {
    assert!(!common::stderr(out).trim().is_empty(), "{what}: no message");
    assert_eq!(files_in(dir), ["in.pdf"], "{what}");
}
