// The layout is the architecture: a pure core, two deployables that never import each other,
// shared infrastructure that imports neither, no import circles, and a test for every source file.
// In the spirit of node-semver's test that maps every file to its test.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { cycles, folderGraph, importGraph, sourceFiles } from "./import-graph.ts";

const files = sourceFiles();
const graph = importGraph(files);

/** Which top-level areas each area may import (itself always). */
const allowed: Record<string, readonly string[]> = {
  core: [],
  kube: ["core"],
  observability: [],
  "hooks-server": ["core", "kube", "observability"],
  sidecar: ["core", "kube", "observability"],
  plugin: ["core", "kube"],
};
const areaOf = (file: string) => file.split(path.sep)[1] ?? "";

describe("layout", () => {
  it("has only the known top-level areas", () => {
    expect([...new Set(files.map(areaOf))].filter((area) => !(area in allowed))).toEqual([]);
  });

  it("imports only across allowed area boundaries", () => {
    const violations = [...graph].flatMap(([file, targets]) =>
      targets
        .filter(
          (target) => areaOf(target) !== areaOf(file) && !allowed[areaOf(file)]?.includes(areaOf(target)),
        )
        .map((target) => `${file} → ${target}`),
    );
    expect(violations).toEqual([]);
  });

  it("imports only files that exist", () => {
    const missing = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => !existsSync(t)).map((t) => `${file} → ${t}`),
    );
    expect(missing).toEqual([]);
  });

  it("has no import circles between files", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("has no import circles between folders", () => {
    expect(cycles(folderGraph(graph))).toEqual([]);
  });
});

/** Modules that export only types compile to nothing: there is nothing of theirs to run. */
function typesOnly(file: string): boolean {
  const output = ts.transpileModule(readFileSync(file, "utf8"), {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: false,
    },
  }).outputText;
  return !/\bexport\s+(?:const|let|function|class|async|default|\{\s*\w)/.test(output);
}

function testFiles(dir = "tests"): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

/**
 * Source files whose own test lives in another tier or under another name: [the test, why]. The
 * named test must reach the source through its imports (directly or through tests/helpers).
 */
const testedElsewhere: Record<string, readonly [string, string]> = {
  "src/hooks-server/main.ts": [
    "tests/cluster/hooks-process.test.ts",
    "the composition root, run as a process",
  ],
  "src/sidecar/main.ts": ["tests/cluster/sidecar-process.test.ts", "the composition root, run as a process"],
  "src/core/metadata-keys.ts": [
    "tests/unit/core/annotations/parse-annotations.test.ts",
    "names only; read through the parser",
  ],
  "src/core/annotations/parse-duration.ts": [
    "tests/unit/core/annotations/parse-annotations.test.ts",
    "every duration annotation row",
  ],
  "src/core/config/config-error.ts": [
    "tests/unit/hooks-server/config/read-hooks-config.test.ts",
    "the error type of config readers",
  ],
  "src/core/policy/policy-spec.ts": ["tests/unit/core/policy/is-allowed-tag.test.ts", "the policy table"],
  "src/core/policy/tag-order.ts": [
    "tests/unit/core/policy/select-update.test.ts",
    "ordering rows of the selection table",
  ],
  "src/core/time/micro-time.ts": ["tests/unit/sidecar/runtime/create-lease-elector.test.ts", "Lease times"],
  "src/core/updaterequests/update-request.ts": [
    "tests/http/hooks/workloads-hook.test.ts",
    "the model, through the hooks",
  ],
  "src/core/workloads/container-images.ts": [
    "tests/unit/core/workloads/image-patch.test.ts",
    "containers of every kind",
  ],
  "src/core/workloads/is-managed.ts": [
    "tests/unit/sidecar/runtime/build-interest.test.ts",
    "managed and unmanaged rows",
  ],
  "src/core/workloads/workload-kinds.ts": [
    "tests/cluster/executor.test.ts",
    "every kind on a real apiserver",
  ],
  "src/hooks-server/approval-api/create-approval-gateway.ts": [
    "tests/cluster/approval-api.test.ts",
    "needs a real apiserver",
  ],
  "src/hooks-server/approval-api/create-approval-metrics.ts": [
    "tests/http/api/create-approval-app.test.ts",
    "scraped after requests",
  ],
  "src/hooks-server/approval-api/write-decision.ts": [
    "tests/http/api/create-approval-app.test.ts",
    "each decision's write",
  ],
  "src/hooks-server/http/create-hook-metrics.ts": [
    "tests/http/hooks/workloads-hook.test.ts",
    "scraped after hook calls",
  ],
  "src/hooks-server/http/create-hooks-app.ts": [
    "tests/http/hooks/workloads-hook.test.ts",
    "the app, in-process",
  ],
  "src/hooks-server/http/read-json.ts": [
    "tests/http/hooks/workloads-hook.test.ts",
    "malformed and oversized bodies",
  ],
  "src/hooks-server/http/run-update-request-sync.ts": [
    "tests/http/hooks/updaterequests-hook.test.ts",
    "through the app, on an in-memory apiserver",
  ],
  "src/hooks-server/http/run-workload-sync.ts": [
    "tests/http/hooks/workloads-hook.test.ts",
    "through the app",
  ],
  "src/hooks-server/metacontroller/hook-input-error.ts": [
    "tests/http/hooks/workloads-hook.test.ts",
    "bad-input rows",
  ],
  "src/hooks-server/metacontroller/parse-hook-request.ts": [
    "tests/http/hooks/workloads-hook.test.ts",
    "v2 fixtures and strict refusals",
  ],
  "src/hooks-server/config/hook-settings.ts": [
    "tests/unit/hooks-server/config/read-hooks-config.test.ts",
    "the defaults",
  ],
  "src/hooks-server/metacontroller/wire.ts": [
    "tests/http/hooks/workloads-hook.test.ts",
    "v2 maps of the fixtures",
  ],
  "src/hooks-server/notify/notification.ts": [
    "tests/unit/hooks-server/notify/create-notifier.test.ts",
    "every event",
  ],
  "src/hooks-server/notify/format-notification.ts": [
    "tests/unit/hooks-server/notify/create-notifier.test.ts",
    "every payload",
  ],
  "src/hooks-server/updaterequests/customize-update-request.ts": [
    "tests/http/hooks/workloads-hook.test.ts",
    "customize fixtures",
  ],
  "src/hooks-server/workloads/build-update-request.ts": [
    "tests/http/hooks/workloads-hook.test.ts",
    "proposal fixtures",
  ],
  "src/hooks-server/workloads/customize-workloads.ts": [
    "tests/http/hooks/workloads-hook.test.ts",
    "customize fixtures",
  ],
  "src/hooks-server/workloads/sync-workload.ts": [
    "tests/http/hooks/workloads-hook.test.ts",
    "the workloads hook fixtures",
  ],
  "src/hooks-server/approval-api/rollback-ports.ts": [
    "tests/cluster/rollback.test.ts",
    "rollbacks over HTTP on a real apiserver",
  ],
  "src/hooks-server/dashboard/dashboard-auth.ts": [
    "tests/http/dashboard/create-dashboard-app.test.ts",
    "cookies, CSRF and the trusted proxy",
  ],
  "src/hooks-server/dashboard/dashboard-styles.ts": [
    "tests/cluster/dashboard.test.ts",
    "rendered in Chromium",
  ],
  "src/hooks-server/dashboard/layout.tsx": ["tests/cluster/dashboard.test.ts", "every page in Chromium"],
  "src/hooks-server/dashboard/live-requests.ts": [
    "tests/cluster/dashboard.test.ts",
    "a watch on a real apiserver feeding the page",
  ],
  "src/hooks-server/dashboard/login-page.tsx": ["tests/cluster/dashboard.test.ts", "signed in in Chromium"],
  "src/hooks-server/dashboard/requests-page.tsx": ["tests/cluster/dashboard.test.ts", "the page in Chromium"],
  "src/hooks-server/dashboard/requests-view.tsx": [
    "tests/cluster/dashboard.test.ts",
    "rows and controls in Chromium",
  ],
  "src/hooks-server/dashboard/static-assets.ts": [
    "tests/http/dashboard/create-dashboard-app.test.ts",
    "htmx served from node_modules",
  ],
  "src/hooks-server/dashboard/workload-page.tsx": [
    "tests/cluster/dashboard.test.ts",
    "a workload's history in Chromium",
  ],
  "src/hooks-server/updaterequests/rollback-guard.ts": [
    "tests/unit/hooks-server/updaterequests/sync-update-request.test.ts",
    "rollback rows",
  ],
  "src/plugin/cluster-reads.ts": ["tests/cluster/kubectl-plugin.test.ts", "needs a real apiserver"],
  "src/plugin/command.ts": ["tests/cluster/kubectl-plugin.test.ts", "every command"],
  "src/plugin/decide-command.ts": [
    "tests/cluster/kubectl-plugin.test.ts",
    "approve and reject as two people",
  ],
  "src/plugin/history-command.ts": ["tests/cluster/kubectl-plugin.test.ts", "after an approval"],
  "src/plugin/plan-command.ts": ["tests/cluster/kubectl-plugin.test.ts", "from the live tag ConfigMaps"],
  "src/plugin/rollback-command.ts": ["tests/cluster/rollback.test.ts", "every kind"],
  "src/plugin/status-command.ts": ["tests/cluster/kubectl-plugin.test.ts", "real Metacontroller's Lease"],
  "src/plugin/plugin-client.ts": ["tests/cluster/kubectl-plugin.test.ts", "the user's kubeconfig"],
  "src/kube/create-kube-transport.ts": [
    "tests/cluster/least-privilege.test.ts",
    "every call under real tokens",
  ],
  "src/kube/create-kube-watch.ts": ["tests/cluster/kube-watch.test.ts", "needs a real apiserver"],
  "src/kube/get-or-undefined.ts": [
    "tests/cluster/least-privilege.test.ts",
    "404 answers of a real apiserver",
  ],
  "src/kube/kube-api-error.ts": ["tests/unit/kube/list-and-watch.test.ts", "410 and error statuses"],
  "src/kube/kube-connection.ts": ["tests/cluster/kube-watch.test.ts", "needs a real apiserver"],
  "src/observability/create-metrics-app.ts": [
    "tests/cluster/sidecar-process.test.ts",
    "scraped from the running process",
  ],
  "src/sidecar/registry/cloud/acr-token-source.ts": [
    "tests/registry/cloud/acr.test.ts",
    "against loopback Entra ID and ACR stand-ins",
  ],
  "src/sidecar/registry/cloud/create-cloud-metrics.ts": [
    "tests/unit/sidecar/registry/cloud/create-cloud-credentials.test.ts",
    "scraped after exchanges",
  ],
  "src/sidecar/registry/cloud/ecr-token-source.ts": [
    "tests/registry/cloud/ecr.test.ts",
    "against loopback STS, Pod Identity and ECR stand-ins",
  ],
  "src/sidecar/registry/cloud/gcp-token-source.ts": [
    "tests/registry/cloud/gcp.test.ts",
    "against a loopback metadata server",
  ],
  "src/sidecar/runtime/create-docker-config-loader.ts": [
    "tests/unit/sidecar/runtime/create-sidecar-runtime.test.ts",
    "pull secrets per poll",
  ],
  "src/sidecar/runtime/create-sidecar-metrics.ts": [
    "tests/http/sidecar/create-sidecar-app.test.ts",
    "scraped after requests",
  ],
  "src/sidecar/runtime/service-account-of.ts": [
    "tests/unit/sidecar/runtime/build-interest.test.ts",
    "ServiceAccount pull secrets",
  ],
  "src/sidecar/runtime/sidecar-kube.ts": [
    "tests/cluster/least-privilege.test.ts",
    "every call under the sidecar token",
  ],
};

/** Every file a test reaches through relative imports, within the repository. */
function reached(test: string): Set<string> {
  const seen = new Set<string>();
  // A test that runs an entry point as a process names it by path.
  const run = sourceFiles().filter((file) => readFileSync(test, "utf8").includes(file));
  const pending = [test, ...run];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    pending.push(...(importGraph([file]).get(file) ?? []));
  }
  return seen;
}

describe("every source file has a test of its own", () => {
  const tests = testFiles();
  const byName = new Set(tests.map((t) => path.basename(t).replace(/\..*$/, "")));
  const untested = files.filter((file) => {
    if (typesOnly(file) || file in testedElsewhere) return false;
    const mirrored = path.join("tests/unit", path.relative("src", file)).replace(/\.tsx?$/, ".test.ts");
    return !existsSync(mirrored) && !byName.has(path.basename(file).replace(/\.tsx?$/, ""));
  });

  it("in tests/unit at the mirrored path, or named for it in another tier", () => {
    expect(untested).toEqual([]);
  });

  it.each(Object.entries(testedElsewhere).map(([source, [test, why]]) => [source, test, why]))(
    "%s is tested by %s (%s)",
    (source, test) => {
      expect(existsSync(source), `${source} still exists`).toBe(true);
      expect(existsSync(test), `${test} exists`).toBe(true);
      expect(reached(test).has(source), `${test} imports or runs ${source}`).toBe(true);
    },
  );
});
