#!/bin/sh
# npm run test:chaos              the single-node chaos suite (test/chaos/pipeline.chaos-spec.ts)
# npm run test:chaos -- --cluster the cluster run: three brokers, two instances of every service
#                                 (test/chaos/cluster.chaos-spec.ts)
# Builds first; capped at AJX_CHAOS_TIME_CAP (15m) including the build.
cluster=0
for a in "$@"; do
  case "$a" in
    --cluster) cluster=1 ;;
    *) echo "test:chaos: unknown option $a (only --cluster)" >&2; exit 2 ;;
  esac
done
export AJX_CHAOS_CLUSTER=$cluster
exec timeout --kill-after=30s "${AJX_CHAOS_TIME_CAP:-15m}" sh -c 'npm run --silent build && jest --config jest.chaos.config.js --runInBand --ci'
