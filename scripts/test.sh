#!/usr/bin/env bash
# The whole suite: static checks, then every test tier. The cluster tier runs inside the harness,
# which builds (or reuses) kube-apiserver and etcd and stops them again whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
npx biome check .
npx tsc -p tsconfig.json --noEmit
command -v docker-registry >/dev/null || { echo "docker-registry is missing: apt-get install -y docker-registry" >&2; exit 1; }
npx vitest run "$@"
