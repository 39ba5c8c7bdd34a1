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

  it("sends cloud credentials to a token realm on the registry's own host only", async () => {
    const { transport, urls } = tokenTransport();
    const auth = createRegistryAuthenticator({ transport, now: () => 0, tokenMarginMs: 0 });
    const cloud = {
      registry: "us-docker.pkg.dev",
      repository: "p/app",
      credentials: { username: "oauth2accesstoken", password: "ya29.secret", sameHostOnly: true },
    };
    auth.learn(
      "us-docker.pkg.dev",
      'Bearer realm="https://us-docker.pkg.dev/v2/token",service="us-docker.pkg.dev"',
    );
    expect(await auth.authorize(cloud)).toEqual({ ok: true, value: { header: "Bearer t1", fresh: true } });

    auth.learn(
      "us-docker.pkg.dev",
      'Bearer realm="https://collector.example/token",service="us-docker.pkg.dev"',
    );
    expect(await auth.authorize(cloud)).toEqual({
      ok: false,
      error: {
        kind: "unauthorized",
        registry: "us-docker.pkg.dev",
        message:
          "unauthorized: us-docker.pkg.dev named the token service https://collector.example; its cloud credentials are only sent to us-docker.pkg.dev itself",
      },
    });
    expect(urls).toHaveLength(1);
    // A pull secret's credentials still follow a realm elsewhere, as Docker Hub's do.
    await auth.authorize({ ...cloud, credentials: { username: "u", password: "p" } });
    expect(urls[1]).toMatch(/^https:\/\/collector\.example\/token/);
  });
});
