// Faults lose nothing. Headwind as shipped — the hooks server and the registry sidecar as their
// production entry points, real Metacontroller, a real registry whose push notifications reach the
// sidecar — drives one update per namespace ("lane"). Each of the three processes is SIGKILLed at
// each step of an update (after the proposal, during the approval, right after the image patch,
// during the rollout, during a rollback) and started again; the apiserver is restarted on the same
// etcd data while lanes are in every step. Afterwards every update must reach its right end state,
// with the image patched once (and rolled back once), the person's approval kept, one UpdateRequest,
// and no notification sent twice, counted at a receiving test server.
import { randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installAdmission } from "../helpers/admission.ts";
import { restartApiserver } from "../helpers/apiserver-restart.ts";
import { auditCursor, auditWritesSince } from "../helpers/audit-log.ts";
import { adminConfig, applyObjects, createTestNamespace, randomName, waitFor } from "../helpers/cluster.ts";
import { type EntryPoint, startEntryPoint } from "../helpers/entry-point.ts";
import {
  hooksServiceAccount,
  installHeadwind,
  serviceAccountKubeconfig,
} from "../helpers/headwind-install.ts";
import {
  imageOf,
  kubectlPatchStatus,
  listUpdateRequests,
  patchDeploymentStatus,
  readWorkload,
  reportRolloutDone,
  type UpdateRequestObject,
} from "../helpers/headwind-objects.ts";
import { forwardTo, type HooksRouter, startHooksRouter } from "../helpers/hooks-router.ts";
import { type Metacontroller, startMetacontroller } from "../helpers/metacontroller.ts";
import { installControllers } from "../helpers/metacontroller-controllers.ts";
import { type LoopbackServer, listenOnLoopback } from "../helpers/registry-listen.ts";
import { pushImage } from "../helpers/registry-push.ts";
import { freePort, type RegistryServer, startRegistry } from "../helpers/registry-server.ts";
import { installSidecarRbac } from "../helpers/sidecar-cluster.ts";

const steps = ["proposed", "approving", "patched", "rolling-out", "rolling-back"] as const;
type Step = (typeof steps)[number];
type Fault = "hooks" | "sidecar" | "metacontroller" | "apiserver";

interface Lane {
  readonly fault: Fault;
  readonly step: Step;
  readonly ns: string;
  readonly auditFrom: number;
  image(tag: string): string;
}

/** A process the test can SIGKILL and start again, on the same port. */
interface Restartable {
  start(): Promise<void>;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

function restartable(start: () => Promise<EntryPoint | Metacontroller>): Restartable {
  let running: EntryPoint | Metacontroller | undefined;
  return {
    start: async () => {
      running = await start();
    },
    kill: async () => running?.kill(),
    stop: async () => running?.stop(),
  };
}

interface Notified {
  event: string;
  updateRequestName: string;
  deployment: { namespace: string };
}

let admin: KubeConfig;
let registry: RegistryServer;
let router: HooksRouter;
let receiver: LoopbackServer;
let hooksOrigin: string;
const notifications: Notified[] = [];
const components = {} as Record<Exclude<Fault, "apiserver">, Restartable>;
const hooksAccount = "system:serviceaccount:headwind:headwind-hooks";
const approver = "headwind-admin";

beforeAll(async () => {
  admin = adminConfig();
  await installHeadwind(admin);
  await installSidecarRbac(admin);
  // As installed: admission policies on, and the hook credential Metacontroller sends.
  await installAdmission(admin, await hooksServiceAccount(admin));
  router = await startHooksRouter();
  const instance = randomName("faults");
  const { credential } = await installControllers(admin, router.url, instance);
  if (credential === undefined) throw new Error("hooks/*.yaml name no webhook.authorization Secret");
  const dir = await mkdtemp(join(tmpdir(), "headwind-faults-"));
  receiver = await listenOnLoopback(async (request) => {
    notifications.push((await request.json()) as Notified);
    return new Response("ok");
  });
  const [hooksPort, sidecarPort] = [await freePort(), await freePort()];
  hooksOrigin = `http://127.0.0.1:${hooksPort}`;
  const secretPath = randomBytes(24).toString("hex");
  registry = await startRegistry({
    notificationsUrl: `http://127.0.0.1:${sidecarPort}/webhooks/${secretPath}`,
  });
  const webhooks = join(dir, "webhooks.yaml");
  await writeFile(
    webhooks,
    "sources:\n  - { name: reg, vendor: distribution, pathEnv: FAULTS_PATH, auth: { type: none-secret-path } }\n",
  );
  const hooksEnv = {
    KUBECONFIG: await serviceAccountKubeconfig(admin, "headwind-hooks", dir),
    API_PORT: "0",
    WEBHOOK_URL: `${receiver.origin}/notify`,
    HEADWIND_HOOK_TOKEN: credential,
  };
  const sidecarEnv = {
    KUBECONFIG: await serviceAccountKubeconfig(admin, "headwind-sidecar", dir),
    HEADWIND_WEBHOOK_CONFIG: webhooks,
    FAULTS_PATH: secretPath,
    // The same identity after a restart: it takes its own Lease back at once.
    POD_NAME: "faults-sidecar",
  };
  components.hooks = restartable(() =>
    startEntryPoint("src/hooks-server/main.ts", hooksPort, hooksEnv, { loopbackOnly: true }),
  );
  components.sidecar = restartable(() =>
    startEntryPoint("src/sidecar/main.ts", sidecarPort, sidecarEnv, { loopbackOnly: true }),
  );
  components.metacontroller = restartable(() => startMetacontroller({ instance }));
  await Promise.all(Object.values(components).map((c) => c.start()));
});

afterAll(async () => {
  await Promise.all(Object.values(components).map((c) => c.stop()));
  await router?.close();
  await registry?.stop();
  await receiver?.close();
});

const annotations = {
  "headwind.sh/policy": "minor",
  "headwind.sh/require-approval": "true",
  "headwind.sh/auto-rollback": "true",
  "headwind.sh/health-check-retries": "1",
};

/** A namespace whose Deployment follows `<ns>/app` (1.0.0), routed to the hooks server. */
async function lane(fault: Fault, step: Step): Promise<Lane> {
  const ns = await createTestNamespace(admin, "hw-fault");
  const image = (tag: string) => `${registry.host}/${ns}/app:${tag}`;
  await pushImage(registry.origin, `${ns}/app`, ["1.0.0"], { seed: `${ns}-1.0.0` });
  router.route(ns, forwardTo(hooksOrigin));
  const auditFrom = await auditCursor();
  await applyObjects(
    admin,
    [
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "app", annotations },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "app" } },
          template: {
            metadata: { labels: { app: "app" } },
            spec: { containers: [{ name: "app", image: image("1.0.0") }] },
          },
        },
      } as KubernetesObject,
    ],
    { namespace: ns },
  );
  return { fault, step, ns, auditFrom, image };
}

const only = async (l: Lane) => (await listUpdateRequests(admin, l.ns))[0];

async function phase(l: Lane, wanted: string, timeoutMs = 90_000): Promise<UpdateRequestObject> {
  return waitFor(
    `${l.fault}/${l.step}: the update in ${l.ns} to be ${wanted}`,
    async () => {
      const ur = await only(l);
      return ur?.status?.phase === wanted ? ur : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

const image = (l: Lane, wanted: string) =>
  waitFor(`${l.ns}: the image ${wanted}`, async () => (await imageOf(admin, l.ns, "app")) === wanted, {
    timeoutMs: 90_000,
    intervalMs: 20,
  });

/** A push the registry announces to the sidecar, which records it; Metacontroller and the hooks propose. */
async function propose(l: Lane): Promise<void> {
  await pushImage(registry.origin, `${l.ns}/app`, ["1.1.0"], { seed: `${l.ns}-1.1.0` });
  await phase(l, "Pending");
}

const approve = async (l: Lane) => {
  const ur = await only(l);
  // In the approver's own name: admission refuses any other (manifests/admission/approvals.yaml).
  await kubectlPatchStatus(l.ns, ur?.metadata.name ?? "", { phase: "Approved", approvedBy: approver });
};

async function deadlineExceeded(l: Lane): Promise<void> {
  const { metadata } = await readWorkload(admin, l.ns, "app");
  await patchDeploymentStatus(admin, l.ns, "app", {
    observedGeneration: metadata.generation,
    replicas: 2,
    updatedReplicas: 1,
    unavailableReplicas: 1,
    conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }],
  });
}

/** Drives the lane to the moment of its fault. */
async function reach(l: Lane): Promise<void> {
  if (l.step === "proposed") return;
  await approve(l);
  if (l.step === "approving") return;
  if (l.step === "patched") {
    await image(l, l.image("1.1.0"));
    return;
  }
  await phase(l, "Progressing");
  if (l.step === "rolling-out") return;
  await deadlineExceeded(l);
  await image(l, l.image("1.0.0"));
}

/** After the fault: on to the end state the step leads to. */
async function finish(l: Lane): Promise<"Completed" | "RolledBack"> {
  if (l.step === "rolling-back") {
    await phase(l, "RolledBack");
    return "RolledBack";
  }
  if (l.step === "proposed") await approve(l);
  if (l.step !== "rolling-out") await phase(l, "Progressing");
  await reportRolloutDone(admin, l.ns, "app", 2);
  await phase(l, "Completed");
  return "Completed";
}

async function check(l: Lane, end: "Completed" | "RolledBack") {
  const urs = await listUpdateRequests(admin, l.ns);
  const patches = (await auditWritesSince(l.auditFrom)).filter(
    (w) =>
      w.namespace === l.ns &&
      w.user === hooksAccount &&
      w.resource === "deployments" &&
      w.verb === "patch" &&
      w.code === 200,
  );
  const sent = notifications.filter((n) => n.deployment.namespace === l.ns).map((n) => n.event);
  return {
    lane: `${l.fault}/${l.step}`,
    requests: urs.map((u) => u.status?.phase),
    approvedBy: urs[0]?.status?.approvedBy,
    image: await imageOf(admin, l.ns, "app"),
    imagePatches: patches.length,
    sentTwice: sent.filter((event, i) => sent.indexOf(event) !== i),
    sent,
    end,
    expected: {
      image: l.image(end === "Completed" ? "1.1.0" : "1.0.0"),
      imagePatches: end === "Completed" ? 1 : 2,
    },
  };
}

function verdict(result: Awaited<ReturnType<typeof check>>) {
  return {
    lane: result.lane,
    requests: result.requests,
    approvedBy: result.approvedBy,
    image: result.image,
    imagePatches: result.imagePatches,
    sentTwice: result.sentTwice,
  };
}

/**
 * Notifications are sent at most once: a claim is written with the phase before anything is sent,
 * so a kill between the two loses that one. Reported, not failed.
 */
function report(results: Awaited<ReturnType<typeof check>>[]) {
  const all = (end: string) =>
    end === "Completed"
      ? ["update_request_created", "update_approved", "update_completed"]
      : ["update_request_created", "update_approved", "rollback_triggered", "rollback_completed"];
  const missing = results.flatMap((r) =>
    all(r.end)
      .filter((event) => !r.sent.includes(event))
      .map((event) => `${r.lane} ${event}`),
  );
  const sent = results.reduce((n, r) => n + r.sent.length, 0);
  console.info(`faults: ${sent} notifications sent, none twice; not sent: ${JSON.stringify(missing)}`);
}

const expectedVerdict = (result: Awaited<ReturnType<typeof check>>) => ({
  lane: result.lane,
  requests: [result.end],
  approvedBy: approver,
  image: result.expected.image,
  imagePatches: result.expected.imagePatches,
  sentTwice: [],
});

describe("faults lose nothing", () => {
  it("SIGKILL of the hooks server, the sidecar and Metacontroller at each step of an update", async () => {
    const faults = ["hooks", "sidecar", "metacontroller"] as const;
    const lanes = await Promise.all(faults.flatMap((fault) => steps.map((step) => lane(fault, step))));
    await Promise.all(lanes.map(propose));
    for (const l of lanes) {
      await reach(l);
      const started = Date.now();
      const component = components[l.fault as Exclude<Fault, "apiserver">];
      await component.kill();
      await component.start();
      console.info(`faults: ${l.fault} killed at ${l.step}, serving again after ${Date.now() - started} ms`);
    }
    const ends = await Promise.all(lanes.map(finish));
    const results = await Promise.all(lanes.map((l, i) => check(l, ends[i] ?? "Completed")));
    report(results);
    expect(results.map(verdict)).toEqual(results.map(expectedVerdict));
  }, 900_000);

  it("an apiserver restart (etcd data kept) while updates are at every step", async () => {
    const lanes = await Promise.all(steps.map((step) => lane("apiserver", step)));
    await Promise.all(lanes.map(propose));
    await Promise.all(lanes.map(reach));
    console.info(`faults: apiserver back after ${await restartApiserver(admin)} ms`);
    const ends = await Promise.all(lanes.map(finish));
    const results = await Promise.all(lanes.map((l, i) => check(l, ends[i] ?? "Completed")));
    report(results);
    expect(results.map(verdict)).toEqual(results.map(expectedVerdict));
  }, 600_000);
});
