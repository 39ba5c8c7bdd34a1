#!/usr/bin/env bash
# npm run demo: the local control plane (built on first use) and a registry, Headwind against them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-registry.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/cluster.sh run -- node --import tsx scripts/demo.ts
