// The approval API on a real apiserver: the app served on loopback, its gateway acting as the
// headwind-hooks ServiceAccount (manifests/rbac-hooks.yaml), callers with real ServiceAccount tokens
// judged by real TokenReviews and SubjectAccessReviews against real Roles.
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApprovalGateway } from "../../src/hooks-server/approval-api/approval-gateway.ts";
import { createApprovalApp } from "../../src/hooks-server/approval-api/create-approval-app.ts";
import { createApprovalGateway } from "../../src/hooks-server/approval-api/create-approval-gateway.ts";
import { createApprovalMetrics } from "../../src/hooks-server/approval-api/create-approval-metrics.ts";
import { configForToken } from "../../src/kube/config-for-token.ts";
import { createKubeTransport } from "../../src/kube/create-kube-transport.ts";
import {
  adminConfig,
  applyObjects,
  createTestNamespace,
  kubeRequest,
  randomName,
  serviceAccountToken,
  waitFor,
} from "../helpers/cluster.ts";
import { hooksServiceAccount, installHeadwind } from "../helpers/headwind-install.ts";
import { logSink } from "../helpers/hooks-app.ts";
import { subjectAccessReview } from "../helpers/rbac-review.ts";
import { type LoopbackServer, listenOnLoopback } from "../helpers/registry-listen.ts";

let kc: KubeConfig;
/** Headwind's own identity: the status fields other than a person's verdict are its to write. */
let asHooks: KubeConfig;
let ns: string;
let other: string;
let server: LoopbackServer;
let gateway: ApprovalGateway;
let lines: Record<string, unknown>[];
const tokens: Record<"approver" | "viewer" | "stranger", string> = { approver: "", viewer: "", stranger: "" };
/** Runs before each status patch: lets a test write in between the API's read and its patch. */
let beforePatch: (() => Promise<void>) | undefined;

const urPath = (namespace: string, name: string) =>
  `/apis/headwind.sh/v1alpha1/namespaces/${namespace}/updaterequests/${name}`;

function updateRequest(namespace: string, name: string): KubernetesObject {
  return {
    apiVersion: "headwind.sh/v1alpha1",
    kind: "UpdateRequest",
    metadata: { name, namespace },
    spec: {
      targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace },
      containerName: "app",
      currentImage: "registry.test:5000/shop/app:1.0.0",
      newImage: "registry.test:5000/shop/app:1.1.0",
      policy: "minor",
      approval: "Required",
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    },
  } as KubernetesObject;
}

async function createUpdateRequest(namespace: string, status?: Record<string, unknown>): Promise<string> {
  const name = randomName("web-app");
  await applyObjects(kc, [updateRequest(namespace, name)]);
  // As Headwind: once the install's admission policies are in place, people may not set these.
  if (status)
    await kubeRequest(
      asHooks,
      "PATCH",
      `${urPath(namespace, name)}/status`,
      { status },
      "application/merge-patch+json",
    );
  return name;
}

const read = async (namespace: string, name: string) =>
  (await kubeRequest(kc, "GET", urPath(namespace, name))) as {
    metadata: { resourceVersion: string };
    status?: Record<string, unknown>;
  };

async function api(
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.origin}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

const user = (name: string) => `system:serviceaccount:${ns}:${name}`;

beforeAll(async () => {
  kc = adminConfig();
  await installHeadwind(kc);
  asHooks = await hooksServiceAccount(kc);
  ns = await createTestNamespace(kc, "hw-api");
  other = await createTestNamespace(kc, "hw-api-other");
  // A person who may approve in `ns` (the Role the README suggests), one who may only look, one with nothing.
  await applyObjects(kc, [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "updaterequest-approver", namespace: ns },
      rules: [
        { apiGroups: ["headwind.sh"], resources: ["updaterequests"], verbs: ["get", "list"] },
        { apiGroups: ["headwind.sh"], resources: ["updaterequests/status"], verbs: ["patch"] },
        { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "approver", namespace: ns },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "updaterequest-approver" },
      subjects: [{ kind: "ServiceAccount", name: "approver", namespace: ns }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "updaterequest-viewer", namespace: ns },
      rules: [{ apiGroups: ["headwind.sh"], resources: ["updaterequests"], verbs: ["get", "list"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "viewer", namespace: ns },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "updaterequest-viewer" },
      subjects: [{ kind: "ServiceAccount", name: "viewer", namespace: ns }],
    },
  ] as unknown as KubernetesObject[]);
  for (const who of ["approver", "viewer", "stranger"] as const)
    tokens[who] = await serviceAccountToken(kc, ns, who);
  await waitFor("the approver's RoleBinding and the hooks' review rights to take effect", async () => {
    const [person, hooks] = await Promise.all([
      subjectAccessReview(
        kc,
        { namespace: ns, name: "approver" },
        {
          verb: "patch",
          group: "headwind.sh",
          resource: "updaterequests",
          subresource: "status",
          namespace: ns,
        },
      ),
      subjectAccessReview(
        kc,
        { namespace: "headwind", name: "headwind-hooks" },
        {
          verb: "create",
          group: "authorization.k8s.io",
          resource: "subjectaccessreviews",
        },
      ),
    ]);
    return person.allowed && hooks.allowed;
  });

  const real = createApprovalGateway(createKubeTransport(asHooks));
  gateway = {
    ...real,
    async patchUpdateRequestStatus(...args) {
      await beforePatch?.();
      return real.patchUpdateRequestStatus(...args);
    },
  };
  const sink = logSink();
  lines = sink.lines;
  const app = createApprovalApp({
    gateway,
    clock: Date.now,
    logger: sink.logger,
    metrics: createApprovalMetrics(new Registry()),
    asPerson: (token) => createKubeTransport(configForToken(asHooks, token)),
    approvalTtlSeconds: 3600,
  });
  server = await listenOnLoopback(app.fetch);
});

afterAll(async () => {
  await server?.close();
});

describe("approval API on a real apiserver", () => {
  it("a person allowed to patch updaterequests/status approves: Approved, approvedBy = their ServiceAccount", async () => {
    const name = await createUpdateRequest(ns, { phase: "Pending", message: "waiting" });
    const res = await api("POST", `/api/v1/updates/${ns}/${name}/approve`, tokens.approver, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      metadata: { name },
      status: { phase: "Approved", approvedBy: user("approver") },
    });
    const live = await read(ns, name);
    expect(live.status).toMatchObject({
      phase: "Approved",
      approvedBy: user("approver"),
      message: "waiting",
    });
    expect(Date.parse(String(live.status?.approvedAt))).toBeGreaterThan(Date.now() - 60_000);
    expect(lines).toContainEqual(
      expect.objectContaining({
        audit: true,
        action: "approve",
        user: user("approver"),
        name,
        result: "success",
      }),
    );
  });

  it("a body approver is only a hint after the authenticated name; rejection with a reason", async () => {
    const name = await createUpdateRequest(ns);
    const res = await api("POST", `/api/v1/updates/${ns}/${name}/reject`, tokens.approver, {
      approver: "web-ui",
      reason: "needs a migration first",
    });
    expect(res.status).toBe(200);
    expect((await read(ns, name)).status).toMatchObject({
      phase: "Rejected",
      rejectedBy: `${user("approver")} (approver: web-ui)`,
      reason: "needs a migration first",
    });
  });

  it("someone without the Role gets 403 and nothing changes, even naming an approver", async () => {
    const name = await createUpdateRequest(ns, { phase: "Pending" });
    for (const who of ["viewer", "stranger"] as const) {
      const res = await api("POST", `/api/v1/updates/${ns}/${name}/approve`, tokens[who], {
        approver: "approver",
      });
      expect(res).toEqual({
        status: 403,
        body: { error: `${user(who)} may not patch updaterequests/status ${name} in namespace ${ns}` },
      });
    }
    expect((await read(ns, name)).status).toEqual({ phase: "Pending" });
    expect(lines).toContainEqual(
      expect.objectContaining({ audit: true, user: user("stranger"), name, result: "denied" }),
    );
  });

  it("a token the apiserver does not accept gets 401", async () => {
    const name = await createUpdateRequest(ns, { phase: "Pending" });
    const forged = `${tokens.approver.slice(0, -4)}AAAA`;
    for (const token of [forged, "not-a-token", undefined]) {
      const res = await api("POST", `/api/v1/updates/${ns}/${name}/approve`, token, {});
      expect(res.status).toBe(401);
    }
    expect((await read(ns, name)).status).toEqual({ phase: "Pending" });
  });

  it("a Rejected request cannot be approved: 409 with its phase", async () => {
    const name = await createUpdateRequest(ns, { phase: "Rejected", rejectedBy: "bob" });
    const res = await api("POST", `/api/v1/updates/${ns}/${name}/approve`, tokens.approver, {});
    expect(res).toEqual({
      status: 409,
      body: { error: "UpdateRequest is in Rejected state, cannot approve", current_phase: "Rejected" },
    });
    expect((await read(ns, name)).status).toEqual({ phase: "Rejected", rejectedBy: "bob" });
  });

  it("a real 409 (a write between the read and the patch) is read again and decided again", async () => {
    const name = await createUpdateRequest(ns, { phase: "Pending" });
    let writes = 0;
    beforePatch = async () => {
      // An unrelated status write, as the hooks might make: the resourceVersion moves.
      if (writes++ === 0)
        await kubeRequest(
          asHooks,
          "PATCH",
          `${urPath(ns, name)}/status`,
          { status: { message: "still waiting" } },
          "application/merge-patch+json",
        );
    };
    try {
      const res = await api("POST", `/api/v1/updates/${ns}/${name}/approve`, tokens.approver, {});
      expect(res.status).toBe(200);
    } finally {
      beforePatch = undefined;
    }
    expect(writes).toBe(2);
    expect((await read(ns, name)).status).toMatchObject({ phase: "Approved", message: "still waiting" });
    expect(lines).toContainEqual(expect.objectContaining({ name, result: "success", attempts: 2 }));

    // Someone else rejects in between: the re-read sees it and the rejection stands.
    const raced = await createUpdateRequest(ns, { phase: "Pending" });
    beforePatch = async () => {
      beforePatch = undefined;
      // Written through the hooks account: admission would hold a person to their own name.
      await kubeRequest(
        asHooks,
        "PATCH",
        `${urPath(ns, raced)}/status`,
        // A person rejects in their own name (manifests/admission/approvals.yaml).
        { status: { phase: "Rejected", rejectedBy: "headwind-admin" } },
        "application/merge-patch+json",
      );
    };
    const res = await api("POST", `/api/v1/updates/${ns}/${raced}/approve`, tokens.approver, {});
    beforePatch = undefined;
    expect(res).toEqual({
      status: 409,
      body: { error: "UpdateRequest is in Rejected state, cannot approve", current_phase: "Rejected" },
    });
    expect((await read(ns, raced)).status).toEqual({ phase: "Rejected", rejectedBy: "headwind-admin" });
  });

  it("lists by namespace with list there; all namespaces needs list cluster-wide", async () => {
    const mine = await createUpdateRequest(ns);
    const theirs = await createUpdateRequest(other);
    const listed = await api("GET", `/api/v1/updates?namespace=${ns}`, tokens.viewer);
    expect(listed.status).toBe(200);
    const names = (listed.body as { metadata: { name: string; namespace: string } }[]).map(
      (u) => `${u.metadata.namespace}/${u.metadata.name}`,
    );
    expect(names).toContain(`${ns}/${mine}`);
    expect(names.every((n) => n.startsWith(`${ns}/`))).toBe(true);
    expect((await api("GET", `/api/v1/updates?namespace=${other}`, tokens.viewer)).status).toBe(403);
    expect((await api("GET", "/api/v1/updates", tokens.viewer)).status).toBe(403);
    const one = await api("GET", `/api/v1/updates/${ns}/${mine}`, tokens.viewer);
    expect(one).toMatchObject({ status: 200, body: { metadata: { name: mine } } });
    expect((await api("GET", `/api/v1/updates/${other}/${theirs}`, tokens.viewer)).status).toBe(403);
    expect(await api("GET", `/api/v1/updates/${ns}/absent`, tokens.viewer)).toEqual({
      status: 404,
      body: { error: `UpdateRequest not found: ${ns}/absent` },
    });
  });

  it("the rollback history comes from the Deployment's annotation, for people who may get it", async () => {
    const history = [
      { container: "app", image: "app:1.0.0", timestamp: "2026-11-20T10:00:00Z" },
      { container: "app", image: "app:1.1.0", timestamp: "2026-11-24T10:00:00Z", approvedBy: "alice" },
    ];
    await applyObjects(kc, [
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: {
          name: "web",
          namespace: ns,
          annotations: { "headwind.sh/update-history": JSON.stringify(history) },
        },
        spec: {
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "app", image: "app:1.1.0" }] },
          },
        },
      } as KubernetesObject,
    ]);
    expect(await api("GET", `/api/v1/rollback/${ns}/web?container=app`, tokens.approver)).toEqual({
      status: 200,
      body: { entries: [history[1], history[0]] },
    });
    expect((await api("GET", `/api/v1/rollback/${ns}/absent`, tokens.approver)).status).toBe(404);
    expect((await api("GET", `/api/v1/rollback/${ns}/web`, tokens.viewer)).status).toBe(403);
  });
});
