#!/usr/bin/env bash
# The Slither gate (docs/security.md §7): Slither over Hardhat's build of the deployable contracts and what they
# import (mocks, fuzz harnesses and dependencies filtered out), then scripts/check-slither.cjs, which fails on any
# finding not triaged in docs/security.md. Installs the pinned Slither from PyPI when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SLITHER_VERSION=0.11.6
if [ "$(slither --version 2>/dev/null)" != "$SLITHER_VERSION" ]; then
  python3 -m pip install --quiet --disable-pip-version-check "slither-analyzer==${SLITHER_VERSION}"
fi

# One compilation of every contract, in its own directories (hardhat.config.ts, PEERPAY_ANALYSIS).
export PEERPAY_ANALYSIS=1
npx hardhat compile --quiet
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# Slither exits non-zero whenever it reports a finding; the gate below decides, from the JSON report.
slither . --hardhat-ignore-compile --filter-paths 'node_modules|contracts/mocks|contracts/fuzz' \
  --json "$out/slither.json" >"$out/slither.log" 2>&1 || true
if [ ! -s "$out/slither.json" ]; then
  cat "$out/slither.log" >&2
  echo "slither gate: slither produced no report" >&2
  exit 1
fi
node scripts/check-slither.cjs "$out/slither.json"
