//! Fuzz target: arbitrary bytes to `jixiao verify` and `jixiao extract` (the library
//! calls behind them; body in `user_files.rs`, replayed by `tests/fuzz_corpus.rs`).
//! Seeds: `fuzz/corpus/pdf/` (real archival, signed and plain PDFs, an OFD).
#![no_main]

#[allow(dead_code)]
#[path = "user_files.rs"]
mod user_files;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = user_files::pdf(data);
});
