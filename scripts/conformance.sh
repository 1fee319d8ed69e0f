#!/usr/bin/env bash
# Conformance with data standard v1: every sample file of ../shared/samples through `ajx normalize` (the built CLI),
# compared with its expected output by ../shared/tools/conformance-check.mjs. Fails on any mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."

shared="${AJX_SHARED_DIR:-../shared}"
samples="$shared/samples"
checker="$shared/tools/conformance-check.mjs"
if [ ! -d "$samples" ] || [ ! -f "$checker" ]; then
  echo "conformance: SKIPPED — $samples or $checker not found (the shared standard is not checked out beside the repo)" >&2
  exit 0
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
files=0
failed=0
matched=0
total=0
for insurer in PICC PINGAN CPIC DADI; do
  for input in "$samples/$insurer"/*; do
    [ -f "$input" ] || continue
    name="$(basename "$input")"
    expected="$samples/expected/$insurer/$name.ndjson"
    if [ ! -f "$expected" ]; then
      echo "conformance: no expected output for $insurer/$name" >&2
      failed=$((failed + 1))
      continue
    fi
    files=$((files + 1))
    code=0
    node bin/ajx.js normalize --insurer "$insurer" --input "$input" --rejects "$out/$name.rejects" >"$out/$name.events" 2>"$out/$name.stderr" || code=$?
    if [ "$code" -ne 0 ] && [ "$code" -ne 3 ]; then
      echo "conformance: $insurer/$name: ajx normalize exited $code: $(head -c 300 "$out/$name.stderr")" >&2
      failed=$((failed + 1))
      continue
    fi
    if report="$(node "$checker" "$expected" "$out/$name.events" "$out/$name.rejects" "$insurer")"; then
      status=ok
    else
      status=MISMATCH
      failed=$((failed + 1))
    fi
    summary="$(printf '%s\n' "$report" | tail -n 1)"
    m="${summary%%/*}"
    t="${summary#*/}"
    t="${t%% *}"
    matched=$((matched + m))
    total=$((total + t))
    printf '%-8s %-28s %-9s %s\n' "$insurer" "$name" "$status" "$summary"
    if [ "$status" != ok ]; then printf '%s\n' "$report" | sed '$d' | sed 's/^/    /'; fi
  done
done
echo "conformance: $matched/$total records match in $files files"
if [ "$failed" -ne 0 ]; then
  echo "conformance: FAILED ($failed files)" >&2
  exit 1
fi
