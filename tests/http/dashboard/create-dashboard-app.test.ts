import { describe, expect, it } from "vitest";
import { createDashboardApp } from "../../../src/hooks-server/dashboard/create-dashboard-app.tsx";
import type { KubeRequest } from "../../../src/kube/create-kube-transport.ts";
import { KubeApiError } from "../../../src/kube/kube-api-error.ts";
import { fakeApprovalGateway } from "../../helpers/fake-approval-gateway.ts";
import { fixedNow, logSink } from "../../helpers/hooks-app.ts";

/** The dashboard in-process; a person's calls reach an apiserver that refuses every list. */
function setup(options: { trustedProxies?: string[]; remote?: string } = {}) {
  const gateway = fakeApprovalGateway();
  gateway.tokens.set("alice-token", { username: "alice", groups: ["dev"] });
  const personCalls: { token: string; request: KubeRequest }[] = [];
  const { logger, lines } = logSink();
  const app = createDashboardApp({
    gateway,
    asPerson: (token) => async (request) => {
      personCalls.push({ token, request });
      throw new KubeApiError(403, `${request.method} ${request.path}: HTTP 403 forbidden`);
    },
    watchAsPerson: () => async () => undefined,
    auth: {
      secureCookies: true,
      trustedProxies: options.trustedProxies ?? [],
      proxyTokenHeader: "x-forwarded-access-token",
      sessionSeconds: 3600,
    },
    remoteAddress: () => options.remote ?? "10.1.2.3",
    clock: () => fixedNow,
    logger,
    approvalTtlSeconds: 3600,
  });
  return { app, gateway, personCalls, lines };
}

const origin = "http://dash.test";
const cookieOf = (res: Response, name: string) =>
  /^([^=]+)=([^;]*)/.exec(res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`)) ?? "")?.[2] ?? "";

async function signIn(app: ReturnType<typeof setup>["app"], token: string) {
  const login = await app.request(`${origin}/login`);
  const csrf = cookieOf(login, "hw_csrf");
  const res = await app.request(`${origin}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin, cookie: `hw_csrf=${csrf}` },
    body: new URLSearchParams({ _csrf: csrf, token }).toString(),
  });
  return { res, csrf, session: cookieOf(res, "hw_session") };
}

describe("dashboard sign-in", () => {
  it("sends strangers to the sign-in page, which needs no script and labels its field", async () => {
    const { app } = setup();
    const res = await app.request(`${origin}/`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login");
    const page = await (await app.request(`${origin}/login`)).text();
    expect(page).toContain('<label for="token">');
    expect(page).toContain('<html lang="en">');
  });

  it("keeps the person's token in an HttpOnly, Secure, SameSite=Strict cookie once Kubernetes accepts it", async () => {
    const { app } = setup();
    const { res, session } = await signIn(app, "alice-token");
    expect(res.status).toBe(303);
    expect(session).toBe("alice-token");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("hw_session="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
  });

  it("refuses a token Kubernetes does not accept, and a form without its CSRF token", async () => {
    const { app } = setup();
    expect((await signIn(app, "mallory-token")).res.status).toBe(401);
    const forged = await app.request(`${origin}/login`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin,
        cookie: `hw_csrf=${"a".repeat(64)}`,
      },
      body: new URLSearchParams({ _csrf: "b".repeat(64), token: "alice-token" }).toString(),
    });
    expect(forged.status).toBe(403);
    const crossSite = await app.request(`${origin}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: "token=alice-token",
    });
    expect(crossSite.status).toBe(403);
  });
});

describe("dashboard as the person", () => {
  it("lists with the person's own token and says what they may not list", async () => {
    const { app, personCalls } = setup();
    const { session } = await signIn(app, "alice-token");
    const page = await app.request(`${origin}/?namespace=shop`, {
      headers: { cookie: `hw_session=${session}` },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("alice may not list updaterequests in namespace shop.");
    expect(personCalls.map((c) => [c.token, c.request.path.split("?")[0]])).toEqual([
      ["alice-token", "/apis/headwind.sh/v1alpha1/namespaces/shop/updaterequests"],
    ]);
  });

  it("opens a Flux HelmRelease's page like a workload's, reading it in its own API group", async () => {
    const { app, personCalls } = setup();
    const { session } = await signIn(app, "alice-token");
    for (const kind of ["helmrelease", "hr"]) {
      const page = await app.request(`${origin}/workloads/shop/${kind}/web`, {
        headers: { cookie: `hw_session=${session}` },
      });
      expect(page.status).toBe(403);
    }
    const none = await app.request(`${origin}/workloads/shop/pod/web`, {
      headers: { cookie: `hw_session=${session}` },
    });
    expect(none.status).toBe(404);
    expect(personCalls.map((c) => [c.token, c.request.path])).toEqual([
      ["alice-token", "/apis/helm.toolkit.fluxcd.io/v2/namespaces/shop/helmreleases/web"],
      ["alice-token", "/apis/helm.toolkit.fluxcd.io/v2/namespaces/shop/helmreleases/web"],
    ]);
  });

  it("refuses to approve where a SubjectAccessReview says no, before acting", async () => {
    const { app, gateway, personCalls, lines } = setup();
    const { session, csrf } = await signIn(app, "alice-token");
    const res = await app.request(`${origin}/approve`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin,
        cookie: `hw_session=${session}; hw_csrf=${csrf}`,
      },
      body: new URLSearchParams({ _csrf: csrf, ur: "shop/web-nginx-1" }).toString(),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("alice may not approve update requests in shop");
    expect(gateway.reviews.map((r) => r.check)).toEqual([
      {
        verb: "patch",
        group: "headwind.sh",
        resource: "updaterequests",
        subresource: "status",
        namespace: "shop",
      },
    ]);
    expect(personCalls).toEqual([]);
    expect(lines.find((l) => l.audit === true && l.action === "approve")).toMatchObject({
      result: "denied",
      user: "alice",
    });
  });

  it("takes the token from a trusted proxy's header only, never from anyone else", async () => {
    const trusted = setup({ trustedProxies: ["10.0.0.0/8"], remote: "10.1.2.3" });
    const viaProxy = await trusted.app.request(`${origin}/?namespace=shop`, {
      headers: { "x-forwarded-access-token": "alice-token" },
    });
    expect(viaProxy.status).toBe(200);
    const stranger = setup({ trustedProxies: ["10.0.0.0/8"], remote: "192.0.2.9" });
    const direct = await stranger.app.request(`${origin}/`, {
      headers: { "x-forwarded-access-token": "alice-token" },
    });
    expect(direct.status).toBe(303);
    expect(stranger.personCalls).toEqual([]);
  });

  it("serves htmx from its own origin, with a policy that forbids any other", async () => {
    const { app } = setup();
    const res = await app.request(`${origin}/static/htmx.min.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    expect((await res.text()).length).toBeGreaterThan(10_000);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect((await app.request(`${origin}/static/nope.js`)).status).toBe(404);
  });
});
