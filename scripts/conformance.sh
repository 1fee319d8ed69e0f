#!/usr/bin/env bash
# Conformance with the data standard: every sample file of ../shared/samples (v1: policies, services, hazards) and
# ../shared/samples-v2 (v2: accidents, claims), and files of the project's own generator (every kind of both, noise,
# defects; scripts/generate-samples.cjs), through `ajx normalize` (the built CLI), compared with their expected
# output by ../shared/tools/conformance-check.mjs; and supervision (SUPERVISION.md): every expected-<pack>-<asOf>.ndjson of
# ../shared/samples/supervision*/ through `ajx supervise`, findings compared by tools/supervise-check.mjs and figures by
# tools/supervise-figures-check.mjs. Fails on any mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."

shared="${AJX_SHARED_DIR:-../shared}"
checker="$shared/tools/conformance-check.mjs"
if [ ! -d "$shared/samples" ] || [ ! -f "$checker" ]; then
  # In CI (CI=true) a missing standard is a failure: a pipeline that cannot see the samples must not pass unchecked.
  if [ "${CI:-}" = "true" ]; then
    echo "conformance: FAILED — $shared/samples or $checker not found, and CI=true (check the shared standard out beside the repo, or set AJX_SHARED_DIR)" >&2
    exit 1
  fi
  echo "conformance: SKIPPED — $shared/samples or $checker not found (the shared standard is not checked out beside the repo; with CI=true this fails)" >&2
  exit 0
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
failed=0

# One set of samples (a directory with <INSURER>/ files and expected/<INSURER>/<file>.ndjson).
check_set() {
  local label="$1" samples="$2"
  local files=0 matched=0 total=0
  if [ ! -d "$samples" ]; then
    echo "conformance ($label): $samples not found" >&2
    failed=$((failed + 1))
    return
  fi
  for insurer in PICC PINGAN CPIC DADI; do
    for input in "$samples/$insurer"/*; do
      [ -f "$input" ] || continue
      local name expected code report status summary m t
      name="$(basename "$input")"
      expected="$samples/expected/$insurer/$name.ndjson"
      if [ ! -f "$expected" ]; then
        echo "conformance ($label): no expected output for $insurer/$name" >&2
        failed=$((failed + 1))
        continue
      fi
      files=$((files + 1))
      code=0
      node bin/ajx.js normalize --insurer "$insurer" --input "$input" --rejects "$out/$name.rejects" >"$out/$name.events" 2>"$out/$name.stderr" || code=$?
      if [ "$code" -ne 0 ] && [ "$code" -ne 3 ]; then
        echo "conformance ($label): $insurer/$name: ajx normalize exited $code: $(head -c 300 "$out/$name.stderr")" >&2
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
      printf '%-3s %-8s %-28s %-9s %s\n' "$label" "$insurer" "$name" "$status" "$summary"
      if [ "$status" != ok ]; then printf '%s\n' "$report" | sed '$d' | sed 's/^/    /'; fi
    done
  done
  echo "conformance ($label): $matched/$total records match in $files files"
}

check_set v1 "$shared/samples"
check_set v2 "$shared/samples-v2"
node scripts/generate-samples.cjs "$out/generated" "${AJX_CONFORMANCE_SEED:-conformance}"
check_set gen "$out/generated"

# Supervision: findings and figures of every pack and date of every supervision sample directory.
supervise_check="$shared/tools/supervise-check.mjs"
figures_check="$shared/tools/supervise-figures-check.mjs"
runs=0
for dir in "$shared"/samples/supervision*/; do
  [ -d "$dir" ] || continue
  set_name="$(basename "$dir")"
  if [ ! -f "$supervise_check" ] || [ ! -f "$figures_check" ]; then
    echo "conformance: $set_name: SKIPPED — the supervision checkers are not in $shared/tools" >&2
    break
  fi
  for expected in "$dir"expected-*.ndjson; do
    [ -f "$expected" ] || continue
    name="$(basename "$expected" .ndjson)" # expected-<pack>-<asOf>
    rest="${name#expected-}"
    pack="${rest%-????-??-??}"
    as_of="${rest#"$pack"-}"
    figures="$dir/figures-$pack-$as_of.json"
    runs=$((runs + 1))
    register=()
    if [ -f "$dir/register.ndjson" ]; then register=(--register "$dir/register.ndjson"); fi
    code=0
    node bin/ajx.js supervise --pack "$pack@1" --as-of "$as_of" --events "$dir/events.ndjson" "${register[@]}" \
      --findings "$out/$set_name-$rest.findings" --figures "$out/$set_name-$rest.figures" 2>"$out/$set_name-$rest.stderr" || code=$?
    if [ "$code" -ne 0 ]; then
      echo "conformance: $set_name/$rest: ajx supervise exited $code: $(head -c 300 "$out/$set_name-$rest.stderr")" >&2
      failed=$((failed + 1))
      continue
    fi
    status=ok
    if ! findings_report="$(node "$supervise_check" "$expected" "$out/$set_name-$rest.findings")"; then status=MISMATCH; fi
    if [ ! -f "$figures" ]; then
      figures_report="no expected figures $(basename "$figures")"
      status=MISMATCH
    elif ! figures_report="$(node "$figures_check" "$figures" "$out/$set_name-$rest.figures")"; then
      status=MISMATCH
    fi
    printf '%-16s %-28s %-9s %s; %s\n' "$set_name" "$rest" "$status" \
      "$(printf '%s\n' "$findings_report" | tail -n 1)" "$(printf '%s\n' "$figures_report" | tail -n 1)"
    if [ "$status" != ok ]; then
      failed=$((failed + 1))
      printf '%s\n%s\n' "$findings_report" "$figures_report" | sed '/ match (/d' | sed 's/^/    /'
    fi
  done
done
echo "conformance: $runs supervision runs"
if [ "$failed" -ne 0 ]; then
  echo "conformance: FAILED ($failed files)" >&2
  exit 1
fi
