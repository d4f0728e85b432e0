#!/usr/bin/env bash
# Fuzzes parse → check → render for a bounded time (default 300 s):
#   bash scripts/fuzz.sh [SECONDS]
# Needs cargo-fuzz (installed here if missing). cargo-fuzz uses nightly-only compiler
# flags; on a stable toolchain RUSTC_BOOTSTRAP=1 enables them. The first run builds Typst
# with coverage instrumentation (about 15 minutes on 2 cores). Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
corpus=fuzz/corpus/declaration
mkdir -p "$corpus"
cp samples/*.toml tests/check/*.toml tests/fixtures/injection.toml "$corpus"/
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$PWD/fuzz/target}"
cargo fuzz run declaration "$corpus" -- \
  -max_total_time="$seconds" -timeout=20 -max_len=8192 -rss_limit_mb=4096
