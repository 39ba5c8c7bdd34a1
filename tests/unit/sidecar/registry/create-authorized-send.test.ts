import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createAuthorizedSend } from "../../../../src/sidecar/registry/create-authorized-send.ts";

const context = { registry: "reg.example", repository: "a/b", credentials: { username: "u", password: "p" } };
const request = {
  kind: "tags" as const,
  url: "https://reg.example/v2/a/b/tags/list",
  method: "GET" as const,
  accept: "application/json",
};

/** A registry whose token service grants `pull,metadata_read` only when asked for exactly that (as ACR wants). */
function scopeStrictRegistry() {
  const seen: string[] = [];
  const app = new Hono();
  app.get("/token", (c) => {
    seen.push(`token ${c.req.query("scope")}`);
    return c.json({ token: c.req.query("scope") === "repository:a/b:pull,metadata_read" ? "good" : "weak" });
  });
  app.get("/v2/a/b/tags/list", (c) => {
    seen.push(`list ${c.req.header("authorization") ?? "-"}`);
    if (c.req.header("authorization") === "Bearer good") return c.json({ tags: [] });
    c.header(
      "www-authenticate",
      'Bearer realm="https://reg.example/token",scope="repository:a/b:pull,metadata_read"',
    );
    return c.json({}, 401);
  });
  const fetch = ((input: string | URL | Request, init?: RequestInit) =>
    app.request(input, init)) as typeof globalThis.fetch;
  return { fetch, seen };
}

describe("createAuthorizedSend", () => {
  it("retries with the scope of a new challenge even after a fresh token was refused", async () => {
    const { fetch, seen } = scopeStrictRegistry();
    const send = createAuthorizedSend({ fetch, clock: () => 0 });
    // Teach the registry's challenge through another repository's scope first.
    await send(
      { ...context, repository: "x/y" },
      { ...request, url: "https://reg.example/v2/a/b/tags/list" },
    );
    seen.length = 0;
    const answered = await send(context, request);
    expect(answered).toMatchObject({ ok: true, value: { status: 200 } });
    expect(seen).toEqual(["token repository:a/b:pull,metadata_read", "list Bearer good"]);
  });

  it("does not retry when a fresh answer to the same challenge is refused", async () => {
    const app = new Hono().get("/v2/a/b/tags/list", (c) => {
      c.header("www-authenticate", 'Basic realm="r"');
      return c.json({}, 401);
    });
    let calls = 0;
    const fetch = ((input: string | URL | Request, init?: RequestInit) => {
      calls += 1;
      return app.request(input, init);
    }) as typeof globalThis.fetch;
    const send = createAuthorizedSend({ fetch, clock: () => 0 });
    expect(await send(context, request)).toMatchObject({
      ok: false,
      error: { message: "unauthorized: credentials for reg.example were rejected" },
    });
    expect(calls).toBe(2);
    calls = 0;
    expect(await send(context, request)).toMatchObject({ ok: false });
    expect(calls).toBe(1);
  });
});
