import { describe, expect, it } from "vitest";
import { createRegistryAuthenticator } from "../../../../src/sidecar/registry/create-registry-authenticator.ts";
import type { RegistryTransport } from "../../../../src/sidecar/registry/create-registry-transport.ts";
import { silentObserver } from "../../../../src/sidecar/registry/registry-observer.ts";

function tokenTransport() {
  const urls: string[] = [];
  const transport: RegistryTransport = async (request) => {
    urls.push(`${request.url} ${request.headers.authorization ?? "-"}`);
    return { ok: true, value: new Response(JSON.stringify({ token: `t${urls.length}`, expires_in: 120 })) };
  };
  return { transport, urls };
}

const context = { registry: "reg", repository: "a/b", credentials: { username: "u", password: "p" } };
const bounds = {
  clock: () => 0,
  tokenMarginMs: 0,
  observer: silentObserver,
  maxTokenBytes: 64 * 1024,
  tokenCacheEntries: 100,
  tokenCacheBytes: 1024 * 1024,
};

describe("createRegistryAuthenticator", () => {
  it("goes anonymous until a challenge is learned", async () => {
    const { transport } = tokenTransport();
    const auth = createRegistryAuthenticator({ transport, ...bounds });
    expect(await auth.authorize(context)).toEqual({ ok: true, value: { header: undefined, fresh: true } });
  });

  it("answers Basic with the credentials", async () => {
    const { transport } = tokenTransport();
    const auth = createRegistryAuthenticator({ transport, ...bounds });
    expect(auth.learn("reg", 'Basic realm="x"')).toBe("new");
    expect(await auth.authorize(context)).toEqual({ ok: true, value: { header: "Basic dTpw", fresh: true } });
  });

  it("reuses the challenge scope when it names the repository, and caches the token", async () => {
    const { transport, urls } = tokenTransport();
    const auth = createRegistryAuthenticator({ transport, ...bounds });
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
    const auth = createRegistryAuthenticator({ transport, ...bounds });
    expect(auth.learn("reg", 'Bearer service="no-realm"')).toBe("unusable");
    expect(auth.learn("reg", null)).toBe("unusable");
  });

  it("keys tokens by the credential, not by the service a registry names: a varying service adds no entry", async () => {
    const { transport, urls } = tokenTransport();
    const sizes: number[] = [];
    const observer = {
      ...silentObserver,
      tokenCache: ({ entries }: { entries: number }) => sizes.push(entries),
    };
    const auth = createRegistryAuthenticator({ transport, ...bounds, observer });
    for (let i = 0; i < 5; i++) {
      auth.learn("reg", `Bearer realm="https://auth/token",service="svc-${i}"`);
      await auth.authorize(context, { fresh: true });
    }
    expect(urls).toHaveLength(5);
    expect(sizes).toEqual([1, 1, 1, 1, 1]);
    // Another password is another credential: its own token.
    await auth.authorize({ ...context, credentials: { username: "u", password: "rotated" } });
    expect(sizes.at(-1)).toBe(2);
  });

  it("refuses a token answer over the cap without caching anything", async () => {
    const transport: RegistryTransport = async () => ({
      ok: true,
      value: new Response(JSON.stringify({ token: "x".repeat(100_000), expires_in: 300 })),
    });
    const sizes: number[] = [];
    const observer = {
      ...silentObserver,
      tokenCache: ({ entries }: { entries: number }) => sizes.push(entries),
    };
    const auth = createRegistryAuthenticator({ transport, ...bounds, observer });
    auth.learn("reg", 'Bearer realm="https://auth/token",service="svc"');
    const answer = await auth.authorize(context);
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.error.message).toBe(
      "protocol: reg sent a token answer larger than 65536 bytes; not read",
    );
    expect(sizes).toEqual([]);
  });

  it("sends cloud credentials to a token realm on the registry's own host only", async () => {
    const { transport, urls } = tokenTransport();
    const auth = createRegistryAuthenticator({ transport, ...bounds });
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
