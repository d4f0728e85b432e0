#!/usr/bin/env bash
# Regenerates the committed seed corpus of the fuzz targets (fuzz/corpus/<target>/) from
# real outputs of jixiao, and, with --keys (or when they are missing), the throwaway test
# keys in fuzz/keys/:
#   bash scripts/fuzz-seeds.sh [--keys]
# Needs openssl and unzip; builds the jixiao binary (debug) into CARGO_TARGET_DIR.
# The corpora it writes:
#   pdf/          archival, signed and plain PDFs of a sample, an archival PDF attaching a
#                 spreadsheet, an OFD — what `jixiao verify` and `jixiao extract` get;
#   sign_input/   first byte the mode (see fuzz/fuzz_targets/user_files.rs), then a PDF to
#                 sign, a key, a certificate, a chain or a PKCS#12 file in every format
#                 `jixiao sign` reads;
#   pdf_mutation/ a few mutation programs (the PDFs they mutate are made in the target);
#   declaration/  the smallest samples and a declaration with every field kind;
#   sheet/        the three real spreadsheets and the parts modes 1–3 replace.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
keys=fuzz/keys
corpus=fuzz/corpus
sample=samples/wuhan-qingshan-2020-project-target.toml
forms=../shared/forms

if [[ ${1:-} == --keys || ! -f $keys/p256.pem ]]; then
  mkdir -p "$keys"
  (
    cd "$keys"
    rm -f ./*.key ./*.pem
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.key
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key
    for k in p256 rsa; do
      openssl req -x509 -new -utf8 -key "$k.key" -days 36500 -sha256 \
        -subj "/CN=jixiao fuzz test signer ($k)/O=jixiao 测试" -out "$k.pem"
    done
  )
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cargo build --bin jixiao
jixiao="$CARGO_TARGET_DIR/debug/jixiao"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1737331200 # 2025-01-20
cp "$sample" "$tmp/form.toml"
"$jixiao" render --archive "$tmp/form.toml" -o "$tmp/archived.pdf"
"$jixiao" render "$tmp/form.toml" -o "$tmp/plain.pdf"
"$jixiao" render "$tmp/form.toml" -o "$tmp/form.ofd"
"$jixiao" sign "$tmp/archived.pdf" -o "$tmp/signed.pdf" \
  --key "$keys/p256.key" --cert "$keys/p256.pem" --time 2025-01-20T08:00:00+08:00
"$jixiao" sign "$tmp/signed.pdf" -o "$tmp/signed-twice.pdf" \
  --key "$keys/rsa.key" --cert "$keys/rsa.pem" --time 2025-01-21T08:00:00+08:00
cp "$forms/zhanjiang-2023-department-target.xlsx" "$tmp/sheet.xlsx"
"$jixiao" render --archive "$tmp/sheet.xlsx" -o "$tmp/sheet.pdf"

rm -rf "$corpus"/{pdf,sign_input,pdf_mutation,declaration,sheet}
mkdir -p "$corpus"/{pdf,sign_input,pdf_mutation,declaration,sheet}
cp "$tmp"/{archived,signed-twice,plain,sheet}.pdf "$tmp/form.ofd" "$corpus/pdf/"

# sign_input: mode byte, then the file.
seed() { (printf "\\x$1"; cat) > "$corpus/sign_input/$2"; }
seed 00 pdf-archived <"$tmp/archived.pdf"
seed 00 pdf-signed <"$tmp/signed.pdf"
openssl pkey -in "$keys/p256.key" -out "$tmp/p256-pkcs8.pem"
seed 01 key-p256-pkcs8.pem <"$tmp/p256-pkcs8.pem"
openssl pkcs8 -topk8 -nocrypt -in "$keys/p256.key" -outform DER | seed 01 key-p256-pkcs8.der
openssl ec -in "$keys/p256.key" -out "$tmp/sec1.pem" 2>/dev/null
seed 01 key-p256-sec1.pem <"$tmp/sec1.pem"
openssl ec -in "$keys/p256.key" -outform DER 2>/dev/null | seed 01 key-p256-sec1.der
openssl pkey -in "$keys/p256.key" -aes256 -passout pass:jixiao-fuzz | seed 01 key-encrypted.pem
openssl pkey -in "$keys/rsa.key" -traditional | seed 02 key-rsa-pkcs1.pem
openssl pkcs8 -topk8 -nocrypt -in "$keys/rsa.key" -outform DER | seed 02 key-rsa-pkcs8.der
seed 03 cert-p256.pem <"$keys/p256.pem"
openssl x509 -in "$keys/p256.pem" -outform DER | seed 03 cert-p256.der
cat "$keys/p256.pem" "$keys/rsa.pem" | seed 04 chain.pem
openssl x509 -in "$keys/rsa.pem" -outform DER | seed 04 chain.der
openssl pkcs12 -export -inkey "$keys/p256.key" -in "$keys/p256.pem" \
  -passout pass:jixiao-fuzz | seed 05 p12-aes.p12
openssl pkcs12 -export -legacy -inkey "$keys/rsa.key" -in "$keys/rsa.pem" \
  -certfile "$keys/p256.pem" -passout pass:jixiao-fuzz | seed 05 p12-legacy.p12

# pdf_mutation: base byte (0 archived, 1 signed), then operations; a position is a token
# of user_files.rs's TOKENS (8 startxref, 10 %%EOF, 11 /Length, 5 stream, 19 /EmbeddedFiles,
# 29 /ByteRange), an occurrence (0x80: the last) and an offset.
prog() { printf "$2" > "$corpus/pdf_mutation/$1"; }
prog none-archived '\x00'
prog none-signed '\x01'
prog flip-startxref '\x00\x00\x08\x00\x0a\x01'
prog number-xref-offset '\x00\x06\x08\x80\x00\xff\xff\xff\x7f'
prog number-length '\x00\x06\x0b\x00\x00\x05\x00\x00\x00'
prog truncate-eof '\x01\x04\x0a\x80\x00'
prog splice-streams '\x00\x05\x01\x05\x80\x00\x00\x04\x05\x00\x00'
prog delete-embedded '\x00\x03\x13\x00\x00\x10\x00'
prog byterange-zero '\x01\x06\x1d\x00\x00\x00\x00\x00\x00'
prog append-eof '\x01\x07\x07\x00\n%%%%EOF\n'

cp samples/wuhan-qingshan-2020-project-target.toml samples/ezhou-2019-project-self-evaluation.toml \
  tests/fixtures/injection.toml "$corpus/declaration/"

for f in zhanjiang-2023-department-target wuhan-donghu-2020-project chongqing-yuzhong-2021-project-self-evaluation; do
  (printf '\x00'; cat "$forms/$f.xlsx") > "$corpus/sheet/$f"
done
i=1
for p in xl/worksheets/sheet1.xml xl/sharedStrings.xml xl/styles.xml; do
  (printf "\\x0$i"; unzip -p "$forms/zhanjiang-2023-department-target.xlsx" "$p") \
    > "$corpus/sheet/part$i-$(basename "$p" .xml)"
  i=$((i + 1))
done
du -sh "$corpus"/*
