#!/usr/bin/env bash
# The Prometheus side of monitoring: the alert rules are valid PromQL (promtool check rules) and fire exactly as their
# unit tests say (promtool test rules); the scrape configuration is valid. promtool comes from scripts/bootstrap.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
promtool=$(command -v promtool || echo "${AJX_CACHE_DIR:-$HOME/.cache/ajx-hub}/promtool/promtool")
[ -x "$promtool" ] || { echo "check-prometheus: promtool not found; run scripts/bootstrap.sh" >&2; exit 1; }
cd deploy/prometheus
"$promtool" check rules ajx-alerts.rules.yml
"$promtool" test rules ajx-alerts.test.yml
"$promtool" check config --syntax-only prometheus.yml
