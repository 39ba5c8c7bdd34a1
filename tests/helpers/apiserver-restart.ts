/**
 * Restarts the test apiserver on the same etcd data (scripts/cluster.sh keeps a loop that starts it
 * again when the restart marker exists): SIGKILL by its PID, then wait until it serves again,
 * custom resources included (their storage answers 429 while it initializes).
 */
import { readFile, writeFile } from "node:fs/promises";
import type { KubeConfig } from "@kubernetes/client-node";
import { kubeRequest, waitFor } from "./cluster.ts";

export async function restartApiserver(kc: KubeConfig): Promise<number> {
  const pidFile = process.env.HEADWIND_APISERVER_PIDFILE;
  const marker = process.env.HEADWIND_APISERVER_RESTART;
  if (!pidFile || !marker) throw new Error("an apiserver restart needs scripts/cluster.sh");
  const pid = Number(await readFile(pidFile, "utf8"));
  const started = Date.now();
  await writeFile(marker, "");
  process.kill(pid, "SIGKILL");
  await waitFor(
    "the apiserver to serve again",
    async () =>
      Number(await readFile(pidFile, "utf8")) !== pid &&
      (await kubeRequest(kc, "GET", "/api/v1/namespaces/default")) !== undefined &&
      (await kubeRequest(kc, "GET", "/apis/headwind.sh/v1alpha1/updaterequests?limit=1")) !== undefined,
    { timeoutMs: 120_000, intervalMs: 250 },
  );
  return Date.now() - started;
}
