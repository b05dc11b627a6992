#!/usr/bin/env bash
# Installs the independent reader the export tests use to read Parquet, CSV and JSON Lines back: pyarrow,
# a wheel from PyPI, into .tools/python (used as PYTHONPATH; nothing is installed system-wide).
# Idempotent and quiet when the pinned version is already there for this Python. Exits 1 when it cannot
# install (no python3/pip, no registry); the export read-back tests then fail and print why.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=.tools/python
PIN="pyarrow==26.0.1"

PY=$(command -v python3 || command -v python || true)
if [ -z "$PY" ]; then
  echo "install-test-tools: python3 is required to install $PIN (the export tests' reader)" >&2
  exit 1
fi
STAMP="$PIN $("$PY" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')"
if [ -f "$TARGET/.installed" ] && [ "$(cat "$TARGET/.installed")" = "$STAMP" ]; then
  exit 0
fi
if ! "$PY" -m pip --version >/dev/null 2>&1; then
  echo "install-test-tools: pip is required to install $PIN (the export tests' reader)" >&2
  exit 1
fi
echo "install-test-tools: installing $PIN into $TARGET" >&2
rm -rf "$TARGET"
mkdir -p "$TARGET"
"$PY" -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --target "$TARGET" "$PIN" >&2
PYTHONPATH="$TARGET" "$PY" -c 'import pyarrow.parquet, pyarrow.csv, pyarrow.json' >&2
echo "$STAMP" >"$TARGET/.installed"
