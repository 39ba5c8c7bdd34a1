/**
 * kubectl-headwind (src/plugin/main.ts, run as a process with each person's kubeconfig) against
 * the real Metacontroller, as two people: one who may approve (and is
 * recorded as the approver), one who may not (a clear refusal, nothing changed). The last test runs
 * the built single-file plugin through kubectl itself, as `npm install -g` or a krew-style copy leaves it.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPollStatus } from "../../src/core/tags/poll-status.ts";
import { applyObjects, waitFor } from "../helpers/cluster.ts";
import { listUpdateRequests, publishTags, workload } from "../helpers/headwind-objects.ts";
import {
  type PeopleCluster,
  type Person,
  reportRolloutDone,
  startPeopleCluster,
} from "../helpers/people-cluster.ts";
import { runPlugin } from "../helpers/run-plugin.ts";

const root = new URL("../../", import.meta.url).pathname;
const admin = () => process.env.KUBECONFIG ?? "";
let cluster: PeopleCluster;
let ns: string;
let alice: Person;
let dave: Person;

beforeAll(async () => {
  cluster = await startPeopleCluster();
  ns = (await cluster.namespace()).ns;
  alice = await cluster.person("alice", ns, ["approver", "read-workloads"]);
  dave = await cluster.person("dave", ns, []);
}, 180_000);
afterAll(async () => {
  await cluster?.stop();
});

const image = (tag: string) => `registry.test:5000/${ns}/app:${tag}`;

async function proposal(name: string) {
  return waitFor(`a proposal for ${name}`, async () =>
    (await listUpdateRequests(cluster.kc, ns)).find(
      (u) =>
        u.spec.targetRef &&
        (u.spec.targetRef as { name: string }).name === name &&
        u.status?.phase === "Pending",
    ),
  );
}

describe("kubectl headwind, as the user", () => {
  it("lists pending requests first; approves as the user with the right, refuses the one without", async () => {
    await publishTags(cluster.kc, image("1.2.0"), ["1.2.0", "1.3.0"]);
    const annotations = { "headwind.sh/policy": "minor" };
    await applyObjects(cluster.kc, [workload("web", image("1.2.0"), { annotations })], { namespace: ns });
    const ur = await proposal("web");
    const name = ur.metadata.name;

    const listed = await runPlugin(alice.kubeconfig, ["list"]);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toBe(
      `you may not list updaterequests in all namespaces; showing namespace ${ns}\n`,
    );
    const [header, first] = listed.stdout.trim().split("\n");
    expect(header?.split(/\s+/)).toEqual([
      "NAMESPACE",
      "NAME",
      "TYPE",
      "TARGET",
      "CONTAINER",
      "CURRENT",
      "NEW",
      "PHASE",
      "AGE",
      "BY",
    ]);
    expect(first?.split(/\s+/).slice(0, 8)).toEqual([
      ns,
      name,
      "update",
      "deployment/web",
      "app",
      image("1.2.0"),
      image("1.3.0"),
      "Pending",
    ]);
    const json = JSON.parse((await runPlugin(alice.kubeconfig, ["list", "-n", ns, "-o", "json"])).stdout);
    expect(json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual([name]);

    const refused = await runPlugin(dave.kubeconfig, ["approve", name]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `refused: GET /apis/headwind.sh/v1alpha1/namespaces/${ns}/updaterequests/${name}: HTTP 403`,
    );
    expect(refused.stderr).toContain(
      `kubectl headwind approve needs patch on updaterequests/status (the headwind-approver ClusterRole, or edit) in namespace ${ns}`,
    );
    expect((await proposal("web")).status?.approvedBy).toBeUndefined();

    const plan = await runPlugin(admin(), ["plan", "deployment/web", "-n", ns]);
    expect(plan.stdout).toContain(`waiting   ${name} is Pending: ${image("1.3.0")}`);

    const approved = await runPlugin(alice.kubeconfig, ["approve", name]);
    expect(approved).toEqual({
      code: 0,
      stdout: `updaterequest.headwind.sh/${name} approved by ${alice.username}\n`,
      stderr: "",
    });
    await waitFor("the update to be applied", async () => {
      const live = (await listUpdateRequests(cluster.kc, ns)).find((u) => u.metadata.name === name);
      return live?.status?.phase === "Progressing";
    });
    await reportRolloutDone(cluster.kc, ns, "Deployment", "web");
    const history = await waitFor("the history", async () => {
      const run = await runPlugin(alice.kubeconfig, ["history", "deploy/web", "-o", "yaml"]);
      return run.stdout.includes("approvedBy") ? run.stdout : undefined;
    });
    expect(history).toContain(`approvedBy: ${alice.username}`);
    expect(history).toContain(`image: ${image("1.3.0")}`);
  });

  it("rejects with a reason, recorded under the user's name; a second decision is refused", async () => {
    await publishTags(cluster.kc, image("1.3.0"), ["1.2.0", "1.3.0", "1.4.0"]);
    const annotations = { "headwind.sh/policy": "minor" };
    await applyObjects(cluster.kc, [workload("api", image("1.3.0"), { annotations })], { namespace: ns });
    const { metadata } = await proposal("api");
    const run = await runPlugin(alice.kubeconfig, [
      "reject",
      metadata.name,
      "--reason",
      "needs a migration first",
    ]);
    expect(run.stdout).toBe(`updaterequest.headwind.sh/${metadata.name} rejected by ${alice.username}\n`);
    const rejected = (await listUpdateRequests(cluster.kc, ns)).find(
      (u) => u.metadata.name === metadata.name,
    );
    expect(rejected?.status).toMatchObject({
      phase: "Rejected",
      rejectedBy: alice.username,
      reason: "needs a migration first",
    });
    const again = await runPlugin(alice.kubeconfig, ["approve", metadata.name]);
    expect(again).toMatchObject({
      code: 1,
      stderr: "error: UpdateRequest is in Rejected state, cannot approve\n",
    });
  });

  it("status: Metacontroller leads, both DecoratorControllers are there, the sidecar's polls", async () => {
    await applyObjects(cluster.kc, [
      buildPollStatus(
        [{ repository: `registry.test:5000/${ns}/app`, polledAt: new Date().toISOString(), result: "ok" }],
        "headwind",
      ) as never,
    ]);
    const run = await runPlugin(admin(), ["status"]);
    expect(run.code).toBe(0);
    const rows = run.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(/\s{3,}/));
    expect(rows[1]?.slice(0, 2)).toEqual(["metacontroller", "running"]);
    expect(rows[2]?.slice(0, 2)).toEqual(["headwind-workloads", "present"]);
    expect(rows[3]?.slice(0, 2)).toEqual(["headwind-updaterequests", "present"]);
    expect(rows.find((r) => r[0] === `poll registry.test:5000/${ns}/app`)?.[1]).toBe("ok");
    const denied = await runPlugin(dave.kubeconfig, ["status"]);
    expect(denied.stdout).toMatch(/metacontroller\s+unknown\s+you may not read it/);
  });

  it("runs as `kubectl headwind` from the built single file on PATH", async () => {
    await promisify(execFile)("npm", ["run", "build:plugin"], { cwd: root });
    const bin = await mkdtemp(join(tmpdir(), "headwind-bin-"));
    try {
      await symlink(join(root, "dist/kubectl-headwind.cjs"), join(bin, "kubectl-headwind"));
      const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, KUBECONFIG: alice.kubeconfig };
      const { stdout } = await promisify(execFile)(
        "/usr/bin/kubectl",
        ["headwind", "list", "-n", ns, "--phase", "rejected"],
        { env },
      );
      const [, row] = stdout.split("\n");
      expect(row?.split(/\s+/).slice(0, 4)).toEqual([
        ns,
        expect.stringMatching(/^api-app-/),
        "update",
        "deployment/api",
      ]);
      expect(row).toContain("Rejected");
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});
