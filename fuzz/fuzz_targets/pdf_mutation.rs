//! Fuzz target: a real archival PDF, unsigned or signed, mutated by the input (a mutation
//! program addressing bytes by PDF tokens), to `verify`, `extract` and `sign` (body in
//! `user_files.rs`, replayed by `tests/fuzz_corpus.rs`). Seeds: `fuzz/corpus/pdf_mutation/`.
#![no_main]

#[allow(dead_code)]
#[path = "user_files.rs"]
mod user_files;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = user_files::pdf_mutation(data);
});
