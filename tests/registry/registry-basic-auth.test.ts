import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistryClient } from "../../src/sidecar/registry/create-registry-client.ts";
import { createCountingFetch } from "../helpers/registry-counting-fetch.ts";
import { pushImage } from "../helpers/registry-push.ts";
import {
  htpasswdBasic,
  htpasswdPassword,
  htpasswdUser,
  type RegistryServer,
  startRegistry,
} from "../helpers/registry-server.ts";

const credentials = { username: htpasswdUser, password: htpasswdPassword };
const basic = htpasswdBasic;

describe("Basic auth against docker-registry with htpasswd", () => {
  let registry: RegistryServer;
  let digest: string;

  beforeAll(async () => {
    registry = await startRegistry({ auth: { kind: "htpasswd" } });
    digest = await pushImage(registry.origin, "team/app", ["0.1.0", "0.2.0"], { authorization: basic });
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it("answers the Basic challenge, then sends credentials up front", async () => {
    const counting = createCountingFetch();
    const client = createRegistryClient({ fetch: counting.fetch, clock: Date.now });
    const listing = await client.listTags(`${registry.host}/team/app`, credentials);
    expect(listing).toMatchObject({ ok: true, value: { tags: expect.arrayContaining(["0.1.0", "0.2.0"]) } });
    expect(await client.headDigest(`${registry.host}/team/app`, "0.2.0", credentials)).toEqual({
      ok: true,
      value: digest,
    });
    expect(counting.exchanges.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      "GET /v2/team/app/tags/list?n=1000 401",
      "GET /v2/team/app/tags/list?n=1000 200",
      "HEAD /v2/team/app/manifests/0.2.0 200",
    ]);
  });

  it("reports wrong credentials clearly", async () => {
    const counting = createCountingFetch();
    const client = createRegistryClient({ fetch: counting.fetch, clock: Date.now });
    const listing = await client.listTags(`${registry.host}/team/app`, {
      username: htpasswdUser,
      password: "nope",
    });
    expect(listing).toEqual({
      ok: false,
      error: {
        kind: "unauthorized",
        registry: registry.host,
        message: `unauthorized: credentials for ${registry.host} were rejected`,
        status: 401,
      },
    });
    expect(counting.exchanges.map((e) => e.status)).toEqual([401, 401]);
  });

  it("reports missing credentials clearly", async () => {
    const client = createRegistryClient({ fetch, clock: Date.now });
    const listing = await client.listTags(`${registry.host}/team/app`);
    expect(listing).toMatchObject({
      ok: false,
      error: {
        message: `unauthorized: ${registry.host} requires credentials for team/app and none are configured`,
      },
    });
  });
});
