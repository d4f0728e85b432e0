#!/usr/bin/env bash
# Regenerates the numbers of BENCHMARKS.md on this machine:
#   bash scripts/bench.sh            # everything (about 20 minutes on 2 cores, plus a cold release build: ~27)
#   QUICK=1 bash scripts/bench.sh    # fewer runs, no once-per-file run of the mixed corpus
# Installs hyperfine, GNU time and poppler-utils (Debian; pdfinfo counts the yardstick's
# pages) and the typst Python binding (PyPI, for the one-document yardstick and its
# separate-PDF counterpart) if missing,
# builds the release binary and the
# corpus generator, writes the two generated corpora under $CARGO_TARGET_DIR/bench (never
# committed), and writes the results to $CARGO_TARGET_DIR/bench/results.md. Every
# measurement records the load average (`uptime`) at its start: the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v hyperfine >/dev/null 2>&1 || [ ! -x /usr/bin/time ] || ! command -v pdfinfo >/dev/null 2>&1; then
  echo "installing hyperfine, time and poppler-utils…" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq hyperfine time poppler-utils >/dev/null
fi

if ! python3 -c 'import typst' >/dev/null 2>&1; then
  echo "installing the typst Python binding…" >&2
  python3 -m pip install -q "typst==0.15.2" 2>/dev/null \
    || python3 -m pip install -q --break-system-packages "typst==0.15.2"
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --bin jixiao --example corpus
cargo bench --bench render --no-run   # build it now, not in the middle of the measurements
BIN="$CARGO_TARGET_DIR/release/jixiao"
GEN="$CARGO_TARGET_DIR/release/examples/corpus"
WORK="$CARGO_TARGET_DIR/bench"
QUICK="${QUICK:-}"
RUNS=3; [ -n "$QUICK" ] && RUNS=1
rm -rf "$WORK"; mkdir -p "$WORK"
OUT="$WORK/results.md"

"$GEN" variants 200 "$WORK/variants"
"$GEN" mixed 1000 "$WORK/mixed"

load() { uptime | sed 's/.*load average: //'; }
# One hyperfine result (its --export-json file) as a line: median, mean ± sd, min, runs.
timing() {
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"median {r['median']*1000:.1f} ms, mean {r['mean']*1000:.1f} ± {r['stddev']*1000:.1f} ms, min {r['min']*1000:.1f} ms ({len(r['times'])} runs)")
PY
}
median() { python3 -c 'import sys,statistics; v=[float(x) for x in sys.argv[1:]]; print(f"{statistics.median(v):.3f}")' "$@"; }

{
  echo "# jixiao benchmark results ($(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo "unknown: not a git checkout"))"
  echo
  echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB, Linux $(uname -r), $(rustc -V)"
  echo
  echo "Release binary: $(stat -c %s "$BIN") bytes ($(( $(stat -c %s "$BIN") / 1048576 )) MiB)"
  echo
} > "$OUT"

# 1. Cold single render of the reference sample: the whole process.
echo "## Cold single render (whole process, reference sample)" >> "$OUT"
echo "load before: $(load)" >> "$OUT"
hyperfine -N --warmup 3 --runs 30 --export-json "$WORK/cold.json" \
  "$BIN render samples/guangzhou-kexie.toml -o $WORK/reference.pdf" >/dev/null
timing "$WORK/cold.json" >> "$OUT"
/usr/bin/time -f "%M" -o "$WORK/cold.rss" "$BIN" render samples/guangzhou-kexie.toml -o "$WORK/reference.pdf" 2>/dev/null
echo "peak RSS $(( $(cat "$WORK/cold.rss") / 1024 )) MiB; reference PDF $(stat -c %s "$WORK/reference.pdf") bytes" >> "$OUT"
# The first run on a machine: the font cache empty, so both faces are unpacked and written.
hyperfine -N --runs 5 --prepare "rm -rf $WORK/font-cache" --export-json "$WORK/first.json" \
  "env JIXIAO_CACHE_DIR=$WORK/font-cache $BIN render samples/guangzhou-kexie.toml -o $WORK/first.pdf" >/dev/null
echo "first run on a machine (empty font cache): $(timing "$WORK/first.json")" >> "$OUT"
echo >> "$OUT"

# 2. Warm in-process renders (benches/render.rs).
echo "## In-process (cargo bench --bench render)" >> "$OUT"
echo "load before: $(load)" >> "$OUT"
echo '```text' >> "$OUT"
cargo bench --bench render 2>/dev/null | grep -v '^$' >> "$OUT"
echo '```' >> "$OUT"
echo >> "$OUT"

# 3. Batch throughput, peak memory and PDF bytes.
# One batch run: prints "seconds rss_kib pages bytes ok all warned". The memory is the
# peak of the whole process tree (the batch and its worker processes) summed.
batch() { # corpus jobs [extra flags]
  local dir="$WORK/out-$1-j$2"
  rm -rf "$dir"
  python3 benches/tree_rss.py "$WORK/time.txt" -- \
    "$BIN" render "$WORK/$1" --out-dir "$dir" -j "$2" ${3:-} --manifest "$WORK/$1-j$2.csv" 2>"$WORK/$1-j$2.log" || true
  python3 - "$WORK/time.txt" "$WORK/$1-j$2.csv" <<'PY'
import csv, sys
secs, rss = open(sys.argv[1]).read().split()[-2:]
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
ok = [r for r in rows if r["status"] == "rendered"]
warned = sum(1 for r in ok if r["warnings"] not in ("", "0"))
print(secs, rss, sum(int(r["pages"]) for r in ok), sum(int(r["bytes"]) for r in ok), len(ok), len(rows), warned)
PY
}
# The same binary once per file: "seconds" for the whole corpus, on $2 parallel processes.
per_file() { # corpus parallel
  local dir="$WORK/pf-$1-p$2"
  rm -rf "$dir"; mkdir -p "$dir"
  local start end
  start=$(date +%s.%N)
  find "$WORK/$1" -name '*.toml' | sort | \
    xargs -P "$2" -I{} sh -c "$BIN render {} -o $dir/\$(basename {} .toml).pdf 2>/dev/null"
  end=$(date +%s.%N)
  python3 -c "print(f'{$end-$start:.3f}')"
}

# The same binary as N separate processes, one --shard each (-j1): "seconds" and the
# largest peak RSS of the N.
shards() { # corpus n
  local start end
  start=$(date +%s.%N)
  for i in $(seq "$2"); do
    /usr/bin/time -f "%M" -o "$WORK/shard-$i.rss" "$BIN" render "$WORK/$1" --out-dir "$WORK/sh-$1" \
      -j 1 --shard "$i/$2" --manifest "$WORK/$1-shard-$i.csv" 2>/dev/null &
  done
  wait
  end=$(date +%s.%N)
  python3 -c "print(f'{$end-$start:.3f}', max(int(open('$WORK/shard-%d.rss' % i).read().split()[-1]) for i in range(1, $2 + 1)))"
}

for corpus in variants mixed; do
  docs=$(find "$WORK/$corpus" -name '*.toml' | wc -l)
  echo "## Batch: $corpus ($docs documents)" >> "$OUT"
  echo >> "$OUT"
  echo "| run | load before | median s (runs) | documents/s | pages/s | peak RSS MiB (all processes) | PDF bytes (total) |" >> "$OUT"
  echo "|---|---|---|---|---|---|---|" >> "$OUT"
  for run in "1" "2" "2 --threads"; do
    j=${run%% *}; extra=""; [ "$run" != "$j" ] && extra=${run#* }
    l=$(load); times=(); rss=0; pages=0; bytes=0
    runs=$RUNS; [ "$corpus" = mixed ] && runs=1   # a mixed run takes minutes
    for _ in $(seq "$runs"); do
      read -r s r p b ok all warned < <(batch "$corpus" "$j" "$extra")
      times+=("$s"); [ "$r" -gt "$rss" ] && rss=$r; pages=$p; bytes=$b
      [ "$ok" = "$all" ] || echo "WARNING: only $ok of $all rendered" >> "$OUT"
      # The corpora check clean, so a warning here comes from rendering (e.g. Typst's
      # "did not converge"): such a PDF may be wrong, and the run says so.
      [ "$warned" = 0 ] || echo "WARNING: $warned of $ok PDFs rendered with warnings (see $WORK/$corpus-j$j.log)" >> "$OUT"
    done
    m=$(median "${times[@]}")
    echo "| jixiao render DIR -j$j${extra:+ $extra} | $l | $m (${#times[@]}) | $(python3 -c "print(f'{$docs/$m:.1f}')") | $(python3 -c "print(f'{$pages/$m:.1f}')") | $((rss / 1024)) | $bytes |" >> "$OUT"
  done
  l=$(load); times=(); rss=0
  runs=$RUNS; [ "$corpus" = mixed ] && runs=1
  for _ in $(seq "$runs"); do
    rm -rf "$WORK/sh-$corpus"
    read -r s r < <(shards "$corpus" 2)
    times+=("$s"); [ "$r" -gt "$rss" ] && rss=$r
  done
  m=$(median "${times[@]}")
  echo "| 2 processes, --shard 1/2 and 2/2, -j1 each | $l | $m (${#times[@]}) | $(python3 -c "print(f'{$docs/$m:.1f}')") | | $((rss / 1024)) each | |" >> "$OUT"
  if [ "$corpus" = variants ]; then
    l=$(load)
    lines=$(python3 benches/typst_one_document.py "$WORK/variants" fonts "$RUNS" 2)
    line=$(echo "$lines" | grep '^typst-one-document')
    echo "| typst (Python binding), all $docs forms as ONE document, plain template | $l | $(echo "$line" | sed 's/.*median_s=\([^ ]*\).*/\1/') ($RUNS) | $(echo "$line" | sed 's/.*docs_per_s=\([^ ]*\).*/\1/') | | | |" >> "$OUT"
    # The same template and Typst, each form as a PDF of its own in 2 processes: what a
    # batch of separate PDFs costs in Typst itself, beside jixiao's -j2 above.
    line=$(echo "$lines" | grep '^typst-separate')
    echo "| typst (Python binding), each form as a PDF of its own, 2 processes, plain template | | $(echo "$line" | sed 's/.*median_s=\([^ ]*\).*/\1/') ($RUNS) | $(echo "$line" | sed 's/.*docs_per_s=\([^ ]*\).*/\1/') | | | |" >> "$OUT"
  fi
  if [ "$corpus" = variants ] || [ -z "$QUICK" ]; then
    for p in 1 2; do
      l=$(load)
      s=$(per_file "$corpus" "$p")
      echo "| once per file, $p process(es) at a time | $l | $s (1) | $(python3 -c "print(f'{$docs/$s:.1f}')") | | | |" >> "$OUT"
    done
  fi
  echo >> "$OUT"
done

echo "load after: $(load)" >> "$OUT"
cat "$OUT"
