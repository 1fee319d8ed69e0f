#!/usr/bin/env bash
# Runs the hub with its demo in the foreground: installs what is missing, builds, starts local Kafka,
# migrates, seeds and starts every service. Ctrl-C stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
npm run --silent build
exec node scripts/demo.cjs
