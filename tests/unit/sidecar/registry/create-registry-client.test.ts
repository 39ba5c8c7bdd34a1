import { createHash } from "node:crypto";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createRegistryClient } from "../../../../src/sidecar/registry/create-registry-client.ts";
import { type RegistryObserver, silentObserver } from "../../../../src/sidecar/registry/registry-observer.ts";

const manifest = '{"schemaVersion":2}';
const manifestDigest = `sha256:${createHash("sha256").update(manifest).digest("hex")}`;

/** An in-process registry; its `request` is the client's fetch (no sockets). */
function fakeRegistry(configure: (app: Hono, seen: string[]) => void) {
  const app = new Hono();
  const seen: string[] = [];
  app.use(async (c, next) => {
    seen.push(
      `${c.req.method} ${new URL(c.req.url).pathname}${new URL(c.req.url).search} ${c.req.header("authorization") ?? "-"}`,
    );
    await next();
  });
  configure(app, seen);
  const fetch = ((input: string | URL | Request, init?: RequestInit) =>
    app.request(input, init)) as typeof globalThis.fetch;
  return { fetch, seen };
}

const clientFor = (fetch: typeof globalThis.fetch, extra: object = {}) =>
  createRegistryClient({ fetch, clock: () => 0, sleep: async () => {}, random: () => 0, ...extra });

describe("createRegistryClient.listTags", () => {
  it("pages with relative and absolute links and de-duplicates repeats", async () => {
    const { fetch, seen } = fakeRegistry((app) => {
      app.get("/v2/a/b/tags/list", (c) => {
        const last = c.req.query("last");
        if (last === undefined) {
          c.header("link", '</v2/a/b/tags/list?n=2&last=2>; rel="next"');
          return c.json({ name: "a/b", tags: ["1", "2"] });
        }
        if (last === "2") {
          c.header("link", '<https://reg.example/v2/a/b/tags/list?n=2&last=4>; rel="next"');
          return c.json({ name: "a/b", tags: ["2", "3", "4"] });
        }
        return c.json({ name: "a/b", tags: ["5"] });
      });
    });
    const listing = await clientFor(fetch, { pageSize: 2 }).listTags("reg.example/a/b");
    expect(listing).toEqual({
      ok: true,
      value: { tags: ["1", "2", "3", "4", "5"], pages: 3, complete: true },
    });
    expect(seen).toEqual([
      "GET /v2/a/b/tags/list?n=2 -",
      "GET /v2/a/b/tags/list?n=2&last=2 -",
      "GET /v2/a/b/tags/list?n=2&last=4 -",
    ]);
  });

  it.each([
    {
      name: "unknown repository",
      status: 404,
      body: { errors: [{ code: "NAME_UNKNOWN" }] },
      kind: "not-found",
      message: "not found: reg.example/a/b does not exist",
    },
    {
      name: "server error",
      status: 500,
      body: {},
      kind: "unavailable",
      message: "unavailable: reg.example answered 500 for reg.example/a/b",
    },
    {
      name: "odd status",
      status: 418,
      body: {},
      kind: "protocol",
      message: "protocol: reg.example answered 418 for reg.example/a/b",
    },
    {
      name: "forbidden without credentials",
      status: 403,
      body: {},
      kind: "unauthorized",
      message: "unauthorized: reg.example requires credentials for a/b and none are configured",
    },
    {
      name: "not a tag list",
      status: 200,
      body: { tags: "1.0" },
      kind: "protocol",
      message: "protocol: reg.example sent an unreadable tag list for a/b",
    },
  ])("turns $name into an error value", async ({ status, body, kind, message }) => {
    const { fetch } = fakeRegistry((app) => {
      app.get("/v2/a/b/tags/list", (c) => c.json(body, status as 200));
    });
    const listing = await clientFor(fetch).listTags("reg.example/a/b");
    expect(listing).toMatchObject({ ok: false, error: { kind, registry: "reg.example", message } });
  });

  it.each([
    { key: "docker.io/library/nginx", url: "https://registry-1.docker.io/v2/library/nginx/tags/list?n=1000" },
    { key: "ghcr.io/o/app", url: "https://ghcr.io/v2/o/app/tags/list?n=1000" },
    { key: "localhost:5000/app", url: "http://localhost:5000/v2/app/tags/list?n=1000" },
    { key: "lan.example:5000/app", url: "http://lan.example:5000/v2/app/tags/list?n=1000" },
  ])("calls $url for $key", async ({ key, url }) => {
    const urls: string[] = [];
    const fetch = (async (input: string | URL | Request) => {
      urls.push(String(input));
      return new Response(JSON.stringify({ tags: [] }));
    }) as typeof globalThis.fetch;
    await clientFor(fetch, { insecureRegistries: ["lan.example:5000"] }).listTags(key);
    expect(urls).toEqual([url]);
  });

  it("rejects a key without a registry", async () => {
    const listing = await clientFor(fakeRegistry(() => {}).fetch).listTags("nginx");
    expect(listing).toMatchObject({
      ok: false,
      error: { kind: "protocol", message: 'protocol: "nginx" is not a registry/repository key' },
    });
  });

  it("fetches a fresh token when a cached one is refused, once", async () => {
    let valid = "t1";
    let issued = 0;
    const { fetch, seen } = fakeRegistry((app) => {
      app.get("/token", (c) => {
        issued += 1;
        return c.json({ token: `t${issued}` });
      });
      app.get("/v2/a/b/tags/list", (c) => {
        if (c.req.header("authorization") === `Bearer ${valid}`) return c.json({ tags: ["1"] });
        c.header("www-authenticate", 'Bearer realm="https://reg.example/token",service="reg"');
        return c.json({}, 401);
      });
    });
    const client = clientFor(fetch);
    expect((await client.listTags("reg.example/a/b")).ok).toBe(true);
    valid = "t2"; // the registry revoked t1
    seen.length = 0;
    expect((await client.listTags("reg.example/a/b")).ok).toBe(true);
    expect(seen).toEqual([
      "GET /v2/a/b/tags/list?n=1000 Bearer t1",
      "GET /token?service=reg&scope=repository%3Aa%2Fb%3Apull -",
      "GET /v2/a/b/tags/list?n=1000 Bearer t2",
    ]);
  });

  it("reports a 401 without a usable challenge", async () => {
    const { fetch } = fakeRegistry((app) => {
      app.get("/v2/a/b/tags/list", (c) => c.json({}, 401));
    });
    expect(await clientFor(fetch).listTags("reg.example/a/b")).toMatchObject({
      ok: false,
      error: {
        kind: "unauthorized",
        message: "unauthorized: reg.example answered 401 without a usable challenge",
      },
    });
  });

  it("reports a token service that sends no token", async () => {
    const { fetch } = fakeRegistry((app) => {
      app.get("/token", (c) => c.json({ nope: true }));
      app.get("/v2/a/b/tags/list", (c) => {
        c.header("www-authenticate", 'Bearer realm="https://reg.example/token"');
        return c.json({}, 401);
      });
    });
    expect(await clientFor(fetch).listTags("reg.example/a/b")).toMatchObject({
      ok: false,
      error: {
        kind: "protocol",
        message: "protocol: the token service https://reg.example of reg.example sent no token",
      },
    });
  });
});

describe("createRegistryClient.headDigest", () => {
  it("sends the fixed Accept list and returns Docker-Content-Digest", async () => {
    let accept: string | undefined;
    const { fetch } = fakeRegistry((app) => {
      // Hono answers HEAD from the GET route, without the body.
      app.get("/v2/a/b/manifests/latest", (c) => {
        accept = c.req.header("accept");
        c.header("docker-content-digest", manifestDigest);
        return c.body(null, 200);
      });
    });
    expect(await clientFor(fetch).headDigest("reg.example/a/b", "latest")).toEqual({
      ok: true,
      value: manifestDigest,
    });
    expect(accept).toContain("application/vnd.oci.image.index.v1+json");
  });

  it("falls back to GET and hashes the exact bytes when the digest header is missing", async () => {
    const { fetch, seen } = fakeRegistry((app) => {
      app.get("/v2/a/b/manifests/old", (c) => c.body(manifest, 200));
    });
    expect(await clientFor(fetch).headDigest("reg.example/a/b", "old")).toEqual({
      ok: true,
      value: manifestDigest,
    });
    expect(seen.map((line) => line.split(" ")[0])).toEqual(["HEAD", "GET"]);
  });

  it("reports a missing tag as not found", async () => {
    const { fetch } = fakeRegistry(() => {});
    expect(await clientFor(fetch).headDigest("reg.example/a/b", "gone")).toMatchObject({
      ok: false,
      error: { kind: "not-found", message: "not found: reg.example/a/b:gone does not exist", status: 404 },
    });
  });

  it("refuses a digest outside the OCI grammar and counts it", async () => {
    const invalid: string[] = [];
    const observer: RegistryObserver = {
      ...silentObserver,
      invalidReference: ({ kind, count }) => invalid.push(`${kind} ${count}`),
    };
    const { fetch } = fakeRegistry((app) => {
      app.get("/v2/a/b/manifests/latest", (c) => {
        c.header("docker-content-digest", `sha256:${"a".repeat(63)}`);
        return c.body(null, 200);
      });
    });
    expect(await clientFor(fetch, { observer }).headDigest("reg.example/a/b", "latest")).toMatchObject({
      ok: false,
      error: { kind: "protocol" },
    });
    expect(invalid).toEqual(["digest 1"]);
  });

  it("never asks for a tag outside the grammar", async () => {
    const { fetch, seen } = fakeRegistry(() => {});
    expect(await clientFor(fetch).headDigest("reg.example/a/b", "../../v2/_catalog")).toMatchObject({
      ok: false,
      error: { kind: "protocol" },
    });
    expect(seen).toEqual([]);
  });

  it("cuts a manifest body over the cap", async () => {
    const { fetch } = fakeRegistry((app) => {
      app.get("/v2/a/b/manifests/big", (c) => c.body("x".repeat(2048), 200));
    });
    expect(
      await clientFor(fetch, { maxManifestBytes: 1024 }).headDigest("reg.example/a/b", "big"),
    ).toMatchObject({
      ok: false,
      error: { message: "protocol: reg.example sent a manifest larger than 1024 bytes; not read" },
    });
  });
});

describe("createRegistryClient: untrusted tag lists", () => {
  it("drops and counts tags outside the grammar, keeping the rest of the page", async () => {
    const invalid: string[] = [];
    const observer: RegistryObserver = {
      ...silentObserver,
      invalidReference: ({ kind, count }) => invalid.push(`${kind} ${count}`),
    };
    const { fetch } = fakeRegistry((app) => {
      app.get("/v2/a/b/tags/list", (c) => c.json({ tags: ["1.0", "1.1\n9.9.9", "x".repeat(129), "1.2"] }));
    });
    expect(await clientFor(fetch, { observer }).listTags("reg.example/a/b")).toEqual({
      ok: true,
      value: { tags: ["1.0", "1.2"], pages: 1, complete: true },
    });
    expect(invalid).toEqual(["tag 2"]);
  });

  it("stops at maxTags and says the listing is incomplete", async () => {
    const { fetch, seen } = fakeRegistry((app) => {
      app.get("/v2/a/b/tags/list", (c) => {
        const page = Number(c.req.query("page") ?? "0");
        c.header("link", `</v2/a/b/tags/list?page=${page + 1}>; rel="next"`);
        return c.json({ tags: Array.from({ length: 10 }, (_, i) => `${page}.${i}`) });
      });
    });
    const listing = await clientFor(fetch, { maxTags: 25 }).listTags("reg.example/a/b");
    expect(listing).toMatchObject({ ok: true, value: { pages: 3, complete: false } });
    expect(listing.ok && listing.value.tags).toHaveLength(25);
    expect(seen).toHaveLength(3);
  });

  it("refuses a page over the byte cap, declared or streamed", async () => {
    const big = JSON.stringify({ tags: Array.from({ length: 1000 }, (_, i) => `tag-${i}`) });
    const { fetch } = fakeRegistry((app) => {
      app.get("/v2/a/b/tags/list", (c) => c.body(big, 200, { "content-type": "application/json" }));
    });
    const streamed = (async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      // No Content-Length: only counting the bytes can catch it.
      return new Response(response.body, { status: 200 });
    }) as typeof globalThis.fetch;
    for (const f of [fetch, streamed]) {
      expect(await clientFor(f, { maxTagPageBytes: 4096 }).listTags("reg.example/a/b")).toMatchObject({
        ok: false,
        error: { message: "protocol: reg.example sent a tag list larger than 4096 bytes; not read" },
      });
    }
  });
});

describe("createRegistryClient: redirects", () => {
  function redirecting(location: (hop: number) => string) {
    const calls: string[] = [];
    const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      calls.push(
        `${String(input)} ${init?.redirect} ${new Headers(init?.headers).get("authorization") ?? "-"}`,
      );
      if (String(input).includes("final")) return new Response(JSON.stringify({ tags: ["1.0"] }));
      return new Response(null, { status: 307, headers: { location: location(calls.length) } });
    }) as typeof globalThis.fetch;
    return { fetch, calls };
  }

  it("follows a same-origin redirect by hand", async () => {
    const { fetch, calls } = redirecting(() => "/v2/a/b/final");
    expect(await clientFor(fetch).listTags("reg.example/a/b")).toMatchObject({ ok: true });
    expect(calls).toEqual([
      "https://reg.example/v2/a/b/tags/list?n=1000 manual -",
      "https://reg.example/v2/a/b/final manual -",
    ]);
  });

  it.each([
    ["another host", "http://127.0.0.1:1/final", "a redirect to another origin (http://127.0.0.1:1)"],
    ["another scheme", "http://reg.example/final", "a redirect to another origin (http://reg.example)"],
    [
      "another port",
      "https://reg.example:8443/final",
      "a redirect to another origin (https://reg.example:8443)",
    ],
  ])("never follows a redirect to %s", async (_what, location, reason) => {
    const { fetch, calls } = redirecting(() => location);
    expect(await clientFor(fetch).listTags("reg.example/a/b")).toMatchObject({
      ok: false,
      error: {
        kind: "protocol",
        message: `protocol: reg.example answered /v2/a/b/tags/list with ${reason}; not followed`,
      },
    });
    expect(calls).toHaveLength(1);
  });

  it("stops after the hop limit", async () => {
    const { fetch, calls } = redirecting((hop) => `/v2/a/b/hop-${hop}`);
    expect(await clientFor(fetch, { maxRedirects: 2 }).listTags("reg.example/a/b")).toMatchObject({
      ok: false,
      error: {
        message: "protocol: reg.example answered /v2/a/b/tags/list with more than 2 redirects; not followed",
      },
    });
    expect(calls).toHaveLength(3);
  });
});
