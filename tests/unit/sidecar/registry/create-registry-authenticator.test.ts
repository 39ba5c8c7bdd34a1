import { describe, expect, it } from "vitest";
import { createRegistryAuthenticator } from "../../../../src/sidecar/registry/create-registry-authenticator.ts";
import type { RegistryTransport } from "../../../../src/sidecar/registry/create-registry-transport.ts";

function tokenTransport() {
  const urls: string[] = [];
  const transport: RegistryTransport = async (request) => {
    urls.push(`${request.url} ${request.headers.authorization ?? "-"}`);
    return { ok: true, value: new Response(JSON.stringify({ token: `t${urls.length}`, expires_in: 120 })) };
  };
  return { transport, urls };
}

const context = { registry: "reg", repository: "a/b", credentials: { username: "u", password: "p" } };

describe("createRegistryAuthenticator", () => {
  it("goes anonymous until a challenge is learned", async () => {
    const { transport } = tokenTransport();
    const auth = createRegistryAuthenticator({ transport, now: () => 0, tokenMarginMs: 0 });
    expect(await auth.authorize(context)).toEqual({ ok: true, value: { header: undefined, fresh: true } });
  });

  it("answers Basic with the credentials", async () => {
    const { transport } = tokenTransport();
    const auth = createRegistryAuthenticator({ transport, now: () => 0, tokenMarginMs: 0 });
    expect(auth.learn("reg", 'Basic realm="x"')).toBe("new");
    expect(await auth.authorize(context)).toEqual({ ok: true, value: { header: "Basic dTpw", fresh: true } });
  });

  it("reuses the challenge scope when it names the repository, and caches the token", async () => {
    const { transport, urls } = tokenTransport();
    const auth = createRegistryAuthenticator({ transport, now: () => 0, tokenMarginMs: 0 });
    auth.learn(
      "reg",
      'Bearer realm="https://auth/token",service="svc",scope="repository:a/b:pull,metadata_read"',
    );
    expect(await auth.authorize(context)).toEqual({ ok: true, value: { header: "Bearer t1", fresh: true } });
    expect(await auth.authorize(context)).toEqual({ ok: true, value: { header: "Bearer t1", fresh: false } });
    await auth.authorize({ ...context, repository: "c/d" });
    expect(urls).toEqual([
      "https://auth/token?service=svc&scope=repository%3Aa%2Fb%3Apull%2Cmetadata_read Basic dTpw",
      "https://auth/token?service=svc&scope=repository%3Ac%2Fd%3Apull Basic dTpw",
    ]);
  });

  it("ignores a challenge it cannot use", () => {
    const { transport } = tokenTransport();
    const auth = createRegistryAuthenticator({ transport, now: () => 0, tokenMarginMs: 0 });
    expect(auth.learn("reg", 'Bearer service="no-realm"')).toBe("unusable");
    expect(auth.learn("reg", null)).toBe("unusable");
  });
});
