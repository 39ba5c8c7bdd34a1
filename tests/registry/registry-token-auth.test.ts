import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistryClient } from "../../src/sidecar/registry/create-registry-client.ts";
import { createCountingFetch } from "../helpers/registry-counting-fetch.ts";
import { pushImage } from "../helpers/registry-push.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry-server.ts";
import { startTokenServer, type TokenServer } from "../helpers/registry-token-server.ts";

const puller = { username: "puller", password: "pull-secret" };

describe("Bearer token flow against docker-registry with auth.token", () => {
  let tokens: TokenServer;
  let registry: RegistryServer;
  let digest: string;

  beforeAll(async () => {
    tokens = await startTokenServer({ [puller.username]: puller.password });
    const { realm, service, issuer, rootCertBundle } = tokens;
    registry = await startRegistry({ auth: { kind: "token", realm, service, issuer, rootCertBundle } });
    const push = (name: string) =>
      tokens.mint("pusher", [{ type: "repository", name, actions: ["pull", "push"] }]);
    digest = await pushImage(registry.origin, "apps/api", ["1.0.0", "latest"], {
      authorization: `Bearer ${push("apps/api")}`,
    });
    await pushImage(registry.origin, "apps/web", ["2.0.0"], { authorization: `Bearer ${push("apps/web")}` });
  });

  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  const described = (counting: ReturnType<typeof createCountingFetch>) =>
    counting.exchanges.map(
      (e) => `${e.origin === registry.origin ? "registry" : "token"} ${e.method} ${e.path} ${e.status}`,
    );

  it("fetches a token on the first 401, then reuses it until it nearly expires", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const counting = createCountingFetch();
    const client = createRegistryClient({ fetch: counting.fetch, clock: () => now });

    const listing = await client.listTags(`${registry.host}/apps/api`, puller);
    expect(listing).toMatchObject({
      ok: true,
      value: { tags: expect.arrayContaining(["1.0.0", "latest"]), pages: 1 },
    });
    expect(await client.headDigest(`${registry.host}/apps/api`, "latest", puller)).toEqual({
      ok: true,
      value: digest,
    });
    expect(described(counting)).toEqual([
      "registry GET /v2/apps/api/tags/list?n=1000 401",
      "token GET /token?service=headwind-test-registry&scope=repository%3Aapps%2Fapi%3Apull 200",
      "registry GET /v2/apps/api/tags/list?n=1000 200",
      "registry HEAD /v2/apps/api/manifests/latest 200",
    ]);

    // A second repository: the challenge is known, so the token comes first (no extra 401).
    counting.reset();
    await client.listTags(`${registry.host}/apps/web`, puller);
    expect(described(counting)).toEqual([
      "token GET /token?service=headwind-test-registry&scope=repository%3Aapps%2Fweb%3Apull 200",
      "registry GET /v2/apps/web/tags/list?n=1000 200",
    ]);

    // expires_in is 300 s and the margin 10 s: at +289 s the token is reused, at +291 s refreshed.
    counting.reset();
    now += 289_000;
    await client.listTags(`${registry.host}/apps/api`, puller);
    expect(counting.exchanges).toHaveLength(1);
    now += 2_000;
    counting.reset();
    await client.listTags(`${registry.host}/apps/api`, puller);
    expect(described(counting)).toEqual([
      "token GET /token?service=headwind-test-registry&scope=repository%3Aapps%2Fapi%3Apull 200",
      "registry GET /v2/apps/api/tags/list?n=1000 200",
    ]);
  });

  it("reports a rejected password clearly", async () => {
    const counting = createCountingFetch();
    const client = createRegistryClient({ fetch: counting.fetch, clock: Date.now });
    const listing = await client.listTags(`${registry.host}/apps/api`, {
      username: "puller",
      password: "wrong",
    });
    const tokenOrigin = new URL(tokens.realm).origin;
    expect(listing).toEqual({
      ok: false,
      error: {
        kind: "unauthorized",
        registry: registry.host,
        message: `unauthorized: credentials for ${registry.host} were rejected by its token service ${tokenOrigin}`,
        status: 401,
      },
    });
    expect(counting.exchanges.map((e) => e.status)).toEqual([401, 401]);
  });

  it("reports anonymous access to a private repository clearly", async () => {
    const counting = createCountingFetch();
    const client = createRegistryClient({ fetch: counting.fetch, clock: Date.now });
    const listing = await client.listTags(`${registry.host}/apps/api`);
    expect(listing).toEqual({
      ok: false,
      error: {
        kind: "unauthorized",
        registry: registry.host,
        message: `unauthorized: ${registry.host} requires credentials for apps/api and none are configured`,
        status: 401,
      },
    });
    // 401, an anonymous token that grants nothing, and the 401 that proves it.
    expect(counting.exchanges.map((e) => e.status)).toEqual([401, 200, 401]);
    expect(tokens.requests.at(-1)).toMatchObject({ user: "anonymous", status: 200 });
  });
});
