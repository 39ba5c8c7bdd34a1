/**
 * The real Metacontroller (v4.17.2, built once into ~/.cache/headwind/mc by the harness, or
 * METACONTROLLER_BIN), run as a process against the test apiserver with the repository's own
 * hooks/*.yaml, only each webhook pointed at the loopback hooks server. It runs as the
 * ServiceAccount metacontroller/metacontroller, as the upstream install does, because admission
 * (manifests/admission-rollbacks.yaml) tells it apart from people by that name.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { applyObjects, kubeRequest, serviceAccountToken, statusCode, waitFor } from "./cluster.ts";
import { loadRepositoryControllers } from "./metacontroller-controllers.ts";
import { freePort } from "./registry-server.ts";

export const metacontrollerNamespace = "metacontroller";

export interface RunningMetacontroller {
  /** What it logged so far (for a failing test's message). */
  logs(): string;
  stop(): Promise<void>;
}

async function binary(): Promise<string> {
  const path = process.env.METACONTROLLER_BIN ?? join(homedir(), ".cache/headwind/mc/metacontroller");
  try {
    await access(path);
  } catch {
    throw new Error(
      `no Metacontroller binary at ${path}: build it from ../shared/vendor/metacontroller (go build ./pkg/cmd/metacontroller) or set METACONTROLLER_BIN`,
    );
  }
  return path;
}

async function ensure(kc: KubeConfig, path: string, body: unknown): Promise<void> {
  try {
    await kubeRequest(kc, "POST", path, body);
  } catch (error) {
    if (statusCode(error) !== 409) throw error;
  }
}

/** A kubeconfig file acting as the metacontroller ServiceAccount (cluster-admin, as upstream). */
async function serviceAccountKubeconfig(kc: KubeConfig, dir: string): Promise<string> {
  await ensure(kc, "/api/v1/namespaces", { metadata: { name: metacontrollerNamespace } });
  await ensure(kc, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
    metadata: { name: "metacontroller-test" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subjects: [{ kind: "ServiceAccount", name: "metacontroller", namespace: metacontrollerNamespace }],
  });
  const token = await serviceAccountToken(kc, metacontrollerNamespace, "metacontroller");
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("kubeconfig has no current cluster");
  const file = join(dir, "kubeconfig");
  const ca = cluster.caData
    ? { "certificate-authority-data": cluster.caData }
    : { "certificate-authority": cluster.caFile };
  await writeFile(
    file,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "test", cluster: { server: cluster.server, ...ca } }],
      users: [{ name: "metacontroller", user: { token } }],
      contexts: [{ name: "test", context: { cluster: "test", user: "metacontroller" } }],
      "current-context": "test",
    }),
    { mode: 0o600 },
  );
  return file;
}

/** hooks/*.yaml as they are, each webhook's Service replaced by `<hooksUrl><path>`. */
export async function applyControllersAt(kc: KubeConfig, hooksUrl: string): Promise<void> {
  const controllers = await loadRepositoryControllers();
  for (const controller of controllers) {
    for (const hook of Object.values(controller.spec.hooks)) {
      if (!hook?.webhook?.path) continue;
      const { service: _service, path, ...rest } = hook.webhook;
      hook.webhook = { ...rest, url: `${hooksUrl}${path}` };
    }
  }
  await applyObjects(kc, controllers as unknown as KubernetesObject[]);
}

export async function startMetacontroller(kc: KubeConfig, hooksUrl: string): Promise<RunningMetacontroller> {
  const bin = await binary();
  const dir = await mkdtemp(join(tmpdir(), "headwind-mc-"));
  const kubeconfig = await serviceAccountKubeconfig(kc, dir);
  await applyControllersAt(kc, hooksUrl);
  const leasePath = `/apis/coordination.k8s.io/v1/namespaces/${metacontrollerNamespace}/leases/metacontroller`;
  // A Lease left by an earlier run would make this one wait out its duration.
  await kubeRequest(kc, "DELETE", leasePath).catch(() => undefined);
  const [health, metrics] = [await freePort(), await freePort()];
  let output = "";
  const child: ChildProcess = spawn(
    bin,
    [
      `--kubeconfig=${kubeconfig}`,
      "--discovery-interval=2s",
      "--leader-election",
      `--leader-election-namespace=${metacontrollerNamespace}`,
      `--health-probe-bind-address=127.0.0.1:${health}`,
      `--metrics-address=127.0.0.1:${metrics}`,
      "--client-go-qps=100",
      "--client-go-burst=200",
      "--workers=8",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await waitFor(
    "Metacontroller to lead",
    async () => {
      if (child.exitCode !== null) throw new Error(`Metacontroller exited: ${output.slice(-2000)}`);
      const lease = (await kubeRequest(kc, "GET", leasePath)) as { spec?: { holderIdentity?: string } };
      return Boolean(lease.spec?.holderIdentity);
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  return {
    logs: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(killer);
      }
      await kubeRequest(kc, "DELETE", leasePath).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
