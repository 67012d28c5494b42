#!/usr/bin/env bash
# Fuzzes the harnesses of contracts/fuzz/ with medusa (config: medusa.json; rules: docs/security.md §6).
#   scripts/fuzz.sh [seconds]     default 1800 (npm run fuzz); CI runs a bounded 150 s (.ci/run)
# medusa is a Go program, fetched from the Go module proxy by version and built into $(go env GOPATH)/bin, once.
# The corpus (fuzz/corpus/call_sequences) is committed: each run starts from the sequences earlier runs kept, and
# adds the new ones that reach new code (commit them after a long run). Exits non-zero when a property or an
# assertion fails; the failing sequence, shrunk, is printed and saved under fuzz/corpus/test_results.
set -euo pipefail
cd "$(dirname "$0")/.."

MEDUSA_VERSION=1.2.0
SECONDS_TO_RUN="${1:-1800}"
MEDUSA="$(go env GOPATH)/bin/medusa"

if ! "$MEDUSA" --version 2>/dev/null | grep -qx "medusa version ${MEDUSA_VERSION}"; then
  # `go install github.com/crytic/medusa@v…` is refused by the proxy for this module (its version list answers 403),
  # so the pinned version is required from a throwaway module and built from there.
  echo "fuzz: building medusa ${MEDUSA_VERSION} from the Go module proxy"
  build="$(mktemp -d)"
  trap 'rm -rf "$build"' EXIT
  (
    cd "$build"
    go mod init medusa-build >/dev/null 2>&1
    printf '//go:build tools\npackage tools\n\nimport _ "github.com/crytic/medusa"\n' >tools.go
    go get "github.com/crytic/medusa@v${MEDUSA_VERSION}"
    go build -o "$MEDUSA" github.com/crytic/medusa
  )
fi
"$MEDUSA" --version

# medusa reads Hardhat's build (crytic-compile with --hardhat-ignore-compile), so compile first.
# One compilation of every contract, in its own directories (hardhat.config.ts, PEERPAY_ANALYSIS).
export PEERPAY_ANALYSIS=1
npx hardhat compile --quiet
rm -rf fuzz/corpus/test_results
"$MEDUSA" fuzz --config medusa.json --timeout "$SECONDS_TO_RUN"
