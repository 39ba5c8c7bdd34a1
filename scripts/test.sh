#!/usr/bin/env bash
# The whole suite: static checks, then every test tier in one vitest run, inside the real-cluster
# harness (scripts/cluster.sh), which builds (or reuses) kube-apiserver and etcd, exports KUBECONFIG
# for the cluster tier and stops them again whatever happens. One run keeps one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
npx biome check .
npx tsc -p tsconfig.json --noEmit
bash scripts/ensure-debian-packages.sh
# The chart and alert-rule tests use the real helm and promtool (built once, then cached).
HELM=$(bash scripts/go-tools.sh helm)
PROMTOOL=$(bash scripts/go-tools.sh promtool)
export HELM PROMTOOL
mkdir -p .tmp
status=0
bash scripts/cluster.sh run -- npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json "$@" || status=$?
# The plain closing line CI reads, from vitest's own counts.
node -e 'const r = JSON.parse(require("fs").readFileSync(".tmp/vitest.json", "utf8"));
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);' || true
exit "$status"
