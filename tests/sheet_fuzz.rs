#![allow(unexpected_cfgs)] // the fuzz target's `cfg(fuzzing)`
//! Runs the fuzz target's check (`fuzz/fuzz_targets/sheet.rs`) in every test run: on the
//! three real forms, on each replaceable part of the real xlsx as it is, and on a few
//! hundred deterministic mutations of them (bytes flipped, cut, duplicated).

#[allow(dead_code)]
#[path = "../fuzz/fuzz_targets/sheet.rs"]
mod sheet_target;

mod sheet_support;

use std::io::Read;

use sheet_target::{check, PARTS, SEED};

fn part(name: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(SEED)).expect("zip");
    let mut bytes = Vec::new();
    zip.by_name(name)
        .expect("part")
        .read_to_end(&mut bytes)
        .expect("read");
    bytes
}

fn with_mode(mode: u8, bytes: &[u8]) -> Vec<u8> {
    let mut v = vec![mode];
    v.extend_from_slice(bytes);
    v
}

#[test]
fn seeds_pass_the_fuzz_check() {
    for name in [
        "zhanjiang-2023-department-target.xlsx",
        "wuhan-donghu-2020-project.xlsx",
        "chongqing-yuzhong-2021-project-self-evaluation.xlsx",
    ] {
        check(&with_mode(
            0,
            &std::fs::read(sheet_support::form(name)).expect("read"),
        ));
    }
    for (i, name) in PARTS.iter().enumerate() {
        check(&with_mode(i as u8 + 1, &part(name)));
    }
    check(&[]);
    check(&[0]);
    check(&[1]);
    // Every sample's export, as a whole file.
    for entry in
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/samples")).expect("samples")
    {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let decl = jixiao::Declaration::from_toml(&std::fs::read_to_string(&path).expect("read"))
            .expect("sample");
        let bytes = jixiao::export::to_xlsx(&decl, "sample.xlsx")
            .expect("export")
            .bytes;
        check(&with_mode(0, &bytes));
    }
}

/// A small xorshift, so the mutations are the same in every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn mutations_never_panic() {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let seeds: Vec<(u8, Vec<u8>)> = vec![
        (0, SEED.to_vec()),
        (1, part(PARTS[0])),
        (2, part(PARTS[1])),
        (3, part(PARTS[2])),
    ];
    let specials: [&[u8]; 8] = [
        b"<",
        b">",
        b"\"",
        b"r=\"XFD1048576\"",
        b"<v>1e308</v>",
        b"t=\"e\"",
        b"<mergeCell ref=\"A1:XFD1048576\"/>",
        b"&#0;",
    ];
    // More rounds on demand: JIXIAO_SHEET_FUZZ_ROUNDS=20000 cargo test --test sheet_fuzz
    let rounds = std::env::var("JIXIAO_SHEET_FUZZ_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(240);
    for round in 0..rounds {
        let (mode, seed) = &seeds[round % seeds.len()];
        let mut bytes = seed.clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len());
            match rng.below(4) {
                0 => bytes[at] = rng.next() as u8,
                1 => bytes.truncate(at),
                2 => {
                    let len = rng.below(64).min(bytes.len() - at);
                    let chunk = bytes[at..at + len].to_vec();
                    bytes.splice(at..at, chunk);
                }
                _ => {
                    let s = specials[rng.below(specials.len())];
                    bytes.splice(at..at, s.iter().copied());
                }
            }
            if bytes.is_empty() {
                break;
            }
        }
        check(&with_mode(*mode, &bytes));
    }
}
