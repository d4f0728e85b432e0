#!/usr/bin/env bash
# Fuzzes each target for a bounded time (default 60 s each):
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
# Targets (all when none is named): declaration, sheet, pdf, pdf_mutation, sign_input.
# Seeds are the committed fuzz/corpus/<target>/ and fuzz/regressions/<target>/ (for
# declaration also the samples and the check corpus); what the fuzzer adds goes to
# fuzz/work/<target>/, crashes and timeouts to fuzz/artifacts/<target>/ (both ignored by
# git). Each run's last lines (executions, speed) go to fuzz/work/<target>.log.
#
# Needs cargo-fuzz (installed here if missing). cargo-fuzz uses nightly-only compiler
# flags; on a stable toolchain RUSTC_BOOTSTRAP=1 enables them. The first run builds Typst
# with coverage instrumentation, optimised, with debug assertions (integer overflow
# panics): about 20 minutes on 2 cores, into FUZZ_TARGET_DIR (default fuzz/target).
# Not part of CI; tests/fuzz_corpus.rs replays the committed corpora in every test run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(declaration sheet pdf pdf_mutation sign_input)
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$PWD/fuzz/target}"
cd fuzz
# One build of every target.
cargo fuzz build --debug-assertions
for target in "${targets[@]}"; do
  mkdir -p "work/$target" "artifacts/$target" "corpus/$target"
  seeds=("corpus/$target")
  [[ -d "regressions/$target" ]] && seeds+=("regressions/$target")
  options=(-timeout=60 -rss_limit_mb=4096 -print_final_stats=1)
  case "$target" in
    declaration) seeds+=(../samples ../tests/check) options+=(-max_len=8192) ;;
    pdf_mutation) options+=(-max_len=512) ;;
  esac
  echo "== $target: ${seconds} s"
  cargo fuzz run --debug-assertions "$target" "work/$target" "${seeds[@]}" -- \
    -max_total_time="$seconds" -artifact_prefix="artifacts/$target/" "${options[@]}" \
    2>&1 | tee "work/$target.full.log" | grep -E '^(#[0-9]+ .*(DONE|pulse)|stat::|==|SUMMARY|Done)' || true
  tail -n 20 "work/$target.full.log" > "work/$target.log"
  if ls "artifacts/$target"/* >/dev/null 2>&1; then
    echo "!! $target: findings in fuzz/artifacts/$target/"
  fi
done
