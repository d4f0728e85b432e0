//! Fuzz target: what `jixiao sign` reads — the PDF to sign, private keys (PEM/DER; PKCS#8,
//! PKCS#1, SEC1), certificates, chains and PKCS#12 files; the first byte picks which
//! (body in `user_files.rs`, replayed by `tests/fuzz_corpus.rs`). Seeds:
//! `fuzz/corpus/sign_input/`.
#![no_main]

#[allow(dead_code)]
#[path = "user_files.rs"]
mod user_files;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = user_files::sign_input(data);
});
