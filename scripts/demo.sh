#!/usr/bin/env bash
# npm run demo: the local control plane and Metacontroller (built on first use), a registry, and
# Headwind against them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-debian-packages.sh docker-registry
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/cluster.sh run -- node --import tsx scripts/demo.ts
