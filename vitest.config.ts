import { defineConfig } from "vitest/config";

// Tiers from docs/design/architecture.md: unit (pure), http (apps in-process), registry (real docker-registry),
// cluster (real kube-apiserver). scripts/test.sh starts the real servers the last two need.
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      // Property tests run hundreds of app requests each: a loaded CI machine needs more than 5 s.
      { test: { name: "http", include: ["tests/http/**/*.test.ts"], testTimeout: 30_000 } },
      { test: { name: "registry", include: ["tests/registry/**/*.test.ts"], testTimeout: 60_000 } },
      // The files an operator deploys (alert rules, dashboards), checked with the real tools.
      { test: { name: "deploy", include: ["tests/deploy/**/*.test.ts"], testTimeout: 60_000 } },
      { test: { name: "docs", include: ["tests/docs/**/*.test.ts"] } },
      {
        test: {
          name: "cluster",
          include: ["tests/cluster/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
    benchmark: { include: ["bench/**/*.bench.ts"] },
  },
});
