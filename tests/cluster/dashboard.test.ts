/**
 * The dashboard in a real browser (Debian's Chromium, driven by playwright-core; nothing is
 * downloaded), against the real apiserver and the real Metacontroller: a person signs in with their
 * token, sees a pending request appear live after a push, approves it and sees it complete; a
 * person without the right sees no controls and is refused when they try anyway. Screenshots of
 * each page go to .tmp/dashboard/.
 */
import { mkdir } from "node:fs/promises";
import { getConnInfo } from "@hono/node-server/conninfo";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApprovalGateway } from "../../src/hooks-server/approval-api/create-approval-gateway.ts";
import { createDashboardApp } from "../../src/hooks-server/dashboard/create-dashboard-app.tsx";
import { configForToken } from "../../src/kube/config-for-token.ts";
import { createKubeTransport } from "../../src/kube/create-kube-transport.ts";
import { createKubeWatch } from "../../src/kube/create-kube-watch.ts";
import { applyObjects, serviceAccountConfig, waitFor } from "../helpers/cluster.ts";
import { listUpdateRequests, publishTags, workload } from "../helpers/headwind-objects.ts";
import { logSink } from "../helpers/hooks-app.ts";
import {
  type PeopleCluster,
  type Person,
  reportRolloutDone,
  startPeopleCluster,
} from "../helpers/people-cluster.ts";
import { type LoopbackServer, listenOnLoopback } from "../helpers/registry-listen.ts";

const shots = new URL("../../.tmp/dashboard/", import.meta.url).pathname;
let cluster: PeopleCluster;
let dashboard: LoopbackServer;
let browser: Browser;
let ns: string;
let alice: Person;
let carol: Person;
const logs = logSink();

beforeAll(async () => {
  await mkdir(shots, { recursive: true });
  cluster = await startPeopleCluster();
  const asHooks = await serviceAccountConfig(cluster.kc, "headwind", "headwind-hooks");
  dashboard = await listenOnLoopback(
    createDashboardApp({
      gateway: createApprovalGateway(createKubeTransport(asHooks)),
      asPerson: (token) => createKubeTransport(configForToken(cluster.kc, token)),
      watchAsPerson: (token) => createKubeWatch(configForToken(cluster.kc, token)),
      // Plain http on loopback: the browser would not send Secure cookies back to 127.0.0.1.
      auth: {
        secureCookies: false,
        trustedProxies: [],
        proxyTokenHeader: "x-forwarded-access-token",
        sessionSeconds: 3600,
      },
      remoteAddress: (c) => getConnInfo(c).remote.address,
      clock: Date.now,
      logger: logs.logger,
      approvalTtlSeconds: 3600,
    }).fetch,
  );
  ns = (await cluster.namespace()).ns;
  alice = await cluster.person("alice", ns, ["approver", "read-workloads"]);
  carol = await cluster.person("carol", ns, ["viewer", "read-workloads"]);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await cluster?.stop();
});

const image = (tag: string) => `registry.test:5000/${ns}/app:${tag}`;

async function signIn(person: Person): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(`${dashboard.origin}/`);
  expect(new URL(page.url()).pathname).toBe("/login");
  await page.getByLabel("Token").fill(person.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${dashboard.origin}/`);
  await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Update requests");
  return page;
}

async function phase(name: string, wanted: string) {
  return waitFor(`${name} to be ${wanted}`, async () => {
    const ur = (await listUpdateRequests(cluster.kc, ns)).find((u) => u.metadata.name === name);
    return ur?.status?.phase === wanted ? ur : undefined;
  });
}

describe("the dashboard in Chromium", () => {
  it("signs in, shows a pushed tag's request live, approves it as the person, shows it completed", async () => {
    await publishTags(cluster.kc, image("1.2.0"), ["1.2.0"]);
    const annotations = { "headwind.sh/policy": "minor", "headwind.sh/min-update-interval": "0" };
    await applyObjects(cluster.kc, [workload("web", image("1.2.0"), { annotations })], { namespace: ns });

    const page = await signIn(alice);
    await page.goto(`${dashboard.origin}/?namespace=${ns}`);
    await expect(page.locator("#pending caption").textContent()).resolves.toBe("Waiting for approval (0)");
    await page.screenshot({ path: `${shots}signed-in.png`, fullPage: true });

    // The push: the sidecar records the new tag; Metacontroller and the hook propose; the page updates itself.
    await publishTags(cluster.kc, image("1.2.0"), ["1.2.0", "1.3.0"]);
    const row = page.locator("#pending tbody tr");
    await row.first().waitFor({ timeout: 30_000 });
    await expect(row.first().textContent()).resolves.toContain(`${image("1.2.0")} → ${image("1.3.0")}`);
    const [ur] = await listUpdateRequests(cluster.kc, ns);
    const name = ur?.metadata.name ?? "";
    await page.screenshot({ path: `${shots}pending.png`, fullPage: true });

    await page.getByRole("button", { name: `Approve ${name}` }).click();
    await page.waitForURL(new RegExp(`\\?done=approved&namespace=${ns}`));
    await expect(page.getByRole("status").textContent()).resolves.toBe("Approved. Headwind applies it now.");
    expect((await phase(name, "Progressing")).status?.approvedBy).toBe(alice.username);
    await reportRolloutDone(cluster.kc, ns, "Deployment", "web");
    await phase(name, "Completed");
    const done = page.locator("#history tbody tr", { hasText: "Completed" });
    await done.first().waitFor({ timeout: 30_000 });
    await expect(done.first().textContent()).resolves.toContain(alice.username);
    await page.screenshot({ path: `${shots}completed.png`, fullPage: true });

    await page
      .getByRole("link", { name: `${ns}/deployment/web` })
      .first()
      .click();
    await page.getByRole("button", { name: `Roll app back to ${image("1.2.0")}` }).waitFor();
    await page.screenshot({ path: `${shots}workload.png`, fullPage: true });
    const audit = logs.lines.filter((l) => l.audit === true && l.action === "approve");
    expect(audit).toEqual([
      expect.objectContaining({ user: alice.username, namespace: ns, name, result: "success" }),
    ]);
  });

  it("a person without the right sees no controls, and is refused when they post anyway", async () => {
    await publishTags(cluster.kc, image("1.3.0"), ["1.2.0", "1.3.0", "1.4.0"]);
    const pending = await waitFor("a proposal of 1.4.0", async () =>
      (await listUpdateRequests(cluster.kc, ns)).find(
        (u) => u.spec.newImage === image("1.4.0") && u.status?.phase === "Pending",
      ),
    );
    const page = await signIn(carol);
    await page.goto(`${dashboard.origin}/?namespace=${ns}`);
    const row = page.locator("#pending tbody tr");
    await row.first().waitFor();
    await expect(row.first().textContent()).resolves.toContain("view only");
    expect(await page.getByRole("button", { name: /^Approve / }).count()).toBe(0);
    await expect(page.getByText(`You may see but not decide the requests in ${ns}`).count()).resolves.toBe(1);

    // The form carol could forge, with her own valid CSRF token: refused, nothing changed.
    const ur = JSON.stringify(`${ns}/${pending.metadata.name}`);
    await page.evaluate(`(() => {
      const form = document.getElementById("bulk");
      const input = Object.assign(document.createElement("input"), { type: "hidden", name: "ur", value: ${ur} });
      form.append(input);
      form.submit();
    })()`);
    await page.getByRole("alert").waitFor();
    await expect(page.getByRole("alert").textContent()).resolves.toBe(
      `${carol.username} may not approve update requests in ${ns}: that needs patch on updaterequests/status there.`,
    );
    await page.screenshot({ path: `${shots}refused.png`, fullPage: true });
    expect((await phase(pending.metadata.name, "Pending")).status?.approvedBy).toBeUndefined();
  });

  it("refuses a token Kubernetes does not accept, and a form without the CSRF token", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${dashboard.origin}/login`);
    await page.getByLabel("Token").fill("not-a-kubernetes-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toBe(
      "Kubernetes does not accept this token.",
    );
    const forged = await fetch(`${dashboard.origin}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: dashboard.origin },
      body: new URLSearchParams({ token: alice.token }),
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get("set-cookie") ?? "").not.toContain("hw_session=e");
  });
});
