#!/usr/bin/env bash
# Runs jixiao's whole test suite. Installs what the tests need first:
# poppler-utils (pdftotext reads the rendered PDFs back).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pdftotext >/dev/null 2>&1; then
  echo "installing poppler-utils (pdftotext) for the PDF read-back tests…" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq poppler-utils >/dev/null
fi

cargo test "$@"
