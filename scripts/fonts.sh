#!/usr/bin/env bash
# Makes the four bundled font files (two faces, each cut into its common and its rare
# characters) again, from their upstream, and checks them:
#   bash scripts/fonts.sh           # rebuild in a temporary directory, compare with fonts/
#   bash scripts/fonts.sh --write   # … and replace the files in fonts/
#
# Upstream: Debian's fonts-noto-cjk package (the Noto CJK collections of googlefonts/
# noto-cjk, Serif 2.001 / Sans 2.004), fetched with `apt-get download` (or given as
# DEB=/path/to/fonts-noto-cjk_….deb) and checked against the SHA-256 sums below.
# Tool: fontTools from PyPI, pinned, in a throw-away virtual environment.
# What is cut and why: scripts/subset_fonts.py and fonts/README.md. About 4 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGE=fonts-noto-cjk
DEB_VERSION=1:20220127+repack1-1
DEB_SHA256=4a2515eb6db3978b897fef9709ed0d2b1f4c6c4df4d83d6c4ef65f71f1b1f502
FONTTOOLS_VERSION=4.68.0
# The two collections the faces come from, as in the package.
TTC_SHA256="a04178ec485dffdff7cc0c0c20e1fce9202d7e2160d805e8e44a4c8841c58481  NotoSerifCJK-Regular.ttc
faa5f3656a78b2e2d450d27fe8382c778bc2b6bb5ea29c986664a6a435056ceb  NotoSansCJK-Bold.ttc"

WRITE=""
[ "${1:-}" = "--write" ] && WRITE=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

deb="${DEB:-}"
if [ -z "$deb" ]; then
  echo "fetching $DEB_PACKAGE=$DEB_VERSION (Debian)…" >&2
  (cd "$work" && apt-get download -q "$DEB_PACKAGE=$DEB_VERSION" >/dev/null 2>&1) || {
    if [ "$(id -u)" = 0 ]; then apt-get update -qq; else sudo apt-get update -qq; fi
    (cd "$work" && apt-get download -q "$DEB_PACKAGE=$DEB_VERSION" >/dev/null)
  }
  deb="$(ls "$work"/${DEB_PACKAGE}_*.deb)"
fi
echo "$DEB_SHA256  $deb" | sha256sum -c --quiet -
dpkg-deb -x "$deb" "$work/pkg"
src="$work/pkg/usr/share/fonts/opentype/noto"
(cd "$src" && echo "$TTC_SHA256" | sha256sum -c --quiet -)

echo "installing fontTools $FONTTOOLS_VERSION in a virtual environment…" >&2
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "fonttools==$FONTTOOLS_VERSION"

"$work/venv/bin/python" scripts/subset_fonts.py "$src" "$work/out"

status=0
for f in NotoSerifCJKsc-Regular.otf NotoSerifCJKsc-Regular-Rare.otf \
         NotoSansCJKsc-Bold.otf NotoSansCJKsc-Bold-Rare.otf; do
  new="$(sha256sum "$work/out/$f" | cut -d' ' -f1)"
  old="$(sha256sum "fonts/$f" 2>/dev/null | cut -d' ' -f1 || true)"
  if [ "$new" = "$old" ]; then
    echo "$f: identical to fonts/$f ($new)"
  else
    echo "$f: differs from fonts/$f (new $new, committed ${old:-none})"
    status=1
  fi
  [ -n "$WRITE" ] && cp "$work/out/$f" "fonts/$f"
done
if [ -n "$WRITE" ]; then
  echo "wrote fonts/; if they changed, update the SHA-256 sums in fonts/README.md and the record"
  echo "of the rare halves: JIXIAO_WRITE_RARE_HALVES=1 cargo test --lib rare_halves"
  exit 0
fi
exit "$status"
