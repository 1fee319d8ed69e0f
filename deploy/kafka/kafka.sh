#!/bin/sh
# `npm run kafka -- <command> [options]`: the local broker or cluster (deploy/kafka/local-kafka.cjs), e.g.
#   npm run kafka -- start --cluster 3 --data-dir var/kafka-cluster
#   npm run kafka -- stop --data-dir var/kafka-cluster
exec node "$(dirname "$0")/local-kafka.cjs" "$@"
