#!/usr/bin/env bash
# The whole suite, as CI runs it: install, lint (ESLint, Prettier, layer rules), typecheck, build, unit tests,
# integration tests on a Kafka broker of the run's own plus PostgreSQL and Redis, the short chaos run. Capped in time.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${AJX_TEST_CAPPED:-}" ]; then
  export AJX_TEST_CAPPED=1
  exec timeout --kill-after=30s "${AJX_TEST_TIME_CAP:-60m}" "$0" "$@"
fi

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
export KAFKAJS_NO_PARTITIONER_WARNING=1

step "bootstrap"
scripts/bootstrap.sh
step "lint"
npm run --silent lint
step "typecheck"
npm run --silent typecheck
step "build"
npm run --silent build
step "conformance with the data standard (shared/samples, samples-v2, generated files)"
scripts/conformance.sh
step "Prometheus alert rules (promtool check rules, test rules)"
scripts/check-prometheus.sh
step "unit tests"
npx jest --selectProjects unit --ci
step "integration tests (real Kafka, PostgreSQL, Redis)"
npx jest --selectProjects integration --ci --runInBand
step "chaos, short (10,000 records, kill -9 of every service once, a broker restart; docs/reliability.md)"
AJX_CHAOS_PROFILE=short timeout --kill-after=30s "${AJX_CHAOS_SHORT_TIME_CAP:-6m}" \
  npx jest --config jest.chaos.config.js --runInBand --ci test/chaos/pipeline.chaos-spec.ts
step "all green"
