import fc from "fast-check";
import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { CloudToken, CloudTokenSources } from "../../../../../src/sidecar/registry/cloud/cloud-token.ts";
import { createCloudCredentials } from "../../../../../src/sidecar/registry/cloud/create-cloud-credentials.ts";
import { createCloudMetrics } from "../../../../../src/sidecar/registry/cloud/create-cloud-metrics.ts";
import { CloudCredentialError } from "../../../../../src/sidecar/registry/cloud/describe-cloud-error.ts";
import {
  type CloudProvider,
  type ProviderOverride,
  providerForHost,
} from "../../../../../src/sidecar/registry/cloud/provider-for-host.ts";

const ecr = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
const ecrOtherAccount = "210987654321.dkr.ecr.us-east-1.amazonaws.com";
const ecrOtherRegion = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const gar = "europe-west1-docker.pkg.dev";
const gcr = "gcr.io";
const acr = "contoso01.azurecr.io";
const acr2 = "fabrikam1.azurecr.io";
const hour = 3_600_000;

/** Small honest sources: each answers a password naming its provider and what it was asked for. */
function setup(
  options: {
    enabled?: CloudProvider[];
    overrides?: [string, ProviderOverride][];
    failing?: CloudProvider[];
  } = {},
) {
  let now = 1_700_000_000_000;
  const asked: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const answer = (provider: CloudProvider, what: string): Promise<CloudToken> => {
    asked.push(`${provider} ${what}`);
    if (options.failing?.includes(provider))
      return Promise.reject(new CloudCredentialError(`${provider} refused`, 403));
    return Promise.resolve({
      username: provider,
      password: `${provider}:${what}:${asked.length}`,
      expiresAt: now + hour,
    });
  };
  const sources: CloudTokenSources = {
    aws: (target) => answer("aws", `${target.account}/${target.region}${target.fips ? "/fips" : ""}`),
    gcp: () => answer("gcp", "default"),
    azure: (target, registry) => answer("azure", `${target.cloud}/${registry}`),
  };
  const register = new Registry();
  const credentials = createCloudCredentials({
    settings: {
      enabled: new Set(options.enabled ?? ["aws", "gcp", "azure"]),
      overrides: new Map(options.overrides ?? []),
    },
    sources,
    clock: () => now,
    metrics: createCloudMetrics(register),
    logger: pino({ level: "info" }, { write: (line: string) => logs.push(JSON.parse(line)) }),
  });
  return {
    credentials,
    asked,
    logs,
    metrics: () => register.metrics(),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const password = async (answer: ReturnType<ReturnType<typeof setup>["credentials"]>) => {
  const settled = await answer;
  return settled?.ok ? settled.value.password : settled;
};

describe("createCloudCredentials", () => {
  it("answers basic credentials for each cloud's hosts, marked for the registry's own host only", async () => {
    const { credentials } = setup();
    expect(await credentials(ecr)).toEqual({
      ok: true,
      value: { username: "aws", password: "aws:123456789012/us-east-1:1", sameHostOnly: true },
    });
    expect(await password(credentials(gar))).toBe("gcp:default:2");
    expect(await password(credentials(acr))).toBe(`azure:public/${acr}:3`);
  });

  it("caches per (provider, account, region), per registry for ACR, and one Google identity", async () => {
    const { credentials, asked } = setup();
    for (const host of [ecr, ecr, ecrOtherAccount, ecrOtherRegion, gar, gcr, acr, acr2, acr])
      await credentials(host);
    expect(asked).toEqual([
      "aws 123456789012/us-east-1",
      "aws 210987654321/us-east-1",
      "aws 123456789012/eu-west-1",
      "gcp default",
      `azure public/${acr}`,
      `azure public/${acr2}`,
    ]);
  });

  it("refreshes once the margin before expiry is reached", async () => {
    const { credentials, asked, advance } = setup();
    await credentials(ecr);
    advance(hour - 300_000);
    await credentials(ecr);
    advance(1);
    await credentials(ecr);
    expect(asked).toEqual(["aws 123456789012/us-east-1", "aws 123456789012/us-east-1"]);
  });

  it("exchanges once for concurrent first uses", async () => {
    const { credentials, asked, metrics } = setup();
    const answers = await Promise.all(Array.from({ length: 30 }, () => password(credentials(ecr))));
    expect(new Set(answers).size).toBe(1);
    expect(asked).toHaveLength(1);
    expect(await metrics()).toContain('headwind_cloud_token_requests_total{provider="aws",result="ok"} 1');
  });

  it("is silent for hosts of no enabled cloud: they are plain registries", async () => {
    const { credentials, asked } = setup({ enabled: ["aws"] });
    for (const host of [gar, gcr, acr, "ghcr.io", "docker.io", "127.0.0.1:5000"])
      expect(await credentials(host)).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it("follows overrides, including none", async () => {
    const { credentials, asked } = setup({
      overrides: [
        [
          "registry.internal:5000",
          { provider: "aws", account: "111122223333", region: "eu-north-1", fips: true },
        ],
        [gar, "none"],
      ],
    });
    expect(await password(credentials("registry.internal:5000"))).toBe("aws:111122223333/eu-north-1/fips:1");
    expect(await credentials(gar)).toBeUndefined();
    expect(asked).toEqual(["aws 111122223333/eu-north-1/fips"]);
  });

  it("fails one provider's registries only, with a metric per registry", async () => {
    const { credentials, metrics } = setup({ failing: ["gcp"] });
    expect(await credentials(gar)).toEqual({
      ok: false,
      error: {
        kind: "unauthorized",
        registry: gar,
        message: `unauthorized: gcp credentials for ${gar}: CloudCredentialError: gcp refused`,
      },
    });
    expect((await credentials(ecr))?.ok).toBe(true);
    expect((await credentials(acr))?.ok).toBe(true);
    const text = await metrics();
    expect(text).toContain(`headwind_cloud_credential_errors_total{provider="gcp",registry="${gar}"} 1`);
    expect(text).toContain('headwind_cloud_token_requests_total{provider="gcp",result="error"} 1');
    expect(text).not.toContain('credential_errors_total{provider="aws"');
  });

  it("bounds a hanging exchange", async () => {
    const register = new Registry();
    const credentials = createCloudCredentials({
      settings: { enabled: new Set(["gcp"]), overrides: new Map() },
      sources: { gcp: () => new Promise(() => {}) },
      clock: Date.now,
      metrics: createCloudMetrics(register),
      logger: pino({ level: "silent" }),
      timeoutMs: 20,
    });
    expect(await credentials(gcr)).toMatchObject({
      ok: false,
      error: { kind: "unavailable", message: expect.stringContaining("took longer than 20 ms") },
    });
  });

  it("never hands a credential to a host of another cloud (or of none)", async () => {
    const hosts = fc.oneof(
      fc.constantFrom(ecr, ecrOtherAccount, gar, gcr, acr, acr2, "ghcr.io", "quay.io", "k8s.gcr.io"),
      fc.domain(),
      fc.domain().map((domain) => `${domain}.azurecr.io`),
      fc.domain().map((domain) => `gcr.io.${domain}`),
    );
    await fc.assert(
      fc.asyncProperty(hosts, async (host) => {
        const { credentials } = setup();
        const answer = await credentials(host);
        const expected = providerForHost(host)?.provider;
        if (expected === undefined) expect(answer).toBeUndefined();
        else expect(answer?.ok && answer.value.username).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("logs each exchange, failed or not, with provider and registry and never the secret", async () => {
    const { credentials, logs } = setup({ failing: ["azure"] });
    await credentials(ecr);
    await credentials(ecr);
    await credentials(acr);
    expect(logs.map(({ level, msg, provider, registry }) => ({ level, msg, provider, registry }))).toEqual([
      { level: 30, msg: "cloud credentials obtained", provider: "aws", registry: ecr },
      { level: 40, msg: "cloud credentials failed", provider: "azure", registry: acr },
    ]);
    expect(logs[1]?.error).toBe("CloudCredentialError: azure refused");
    expect(JSON.stringify(logs)).not.toContain("aws:123456789012/us-east-1:1");
  });

  it("refuses a token without a usable expiry rather than caching it forever or never", async () => {
    const credentials = createCloudCredentials({
      settings: { enabled: new Set(["gcp"]), overrides: new Map() },
      sources: { gcp: async () => ({ username: "oauth2accesstoken", password: "t", expiresAt: Number.NaN }) },
      clock: Date.now,
      metrics: createCloudMetrics(new Registry()),
      logger: pino({ level: "silent" }),
    });
    expect(await credentials(gcr)).toMatchObject({
      ok: false,
      error: { kind: "unavailable", message: expect.stringContaining("gave no usable expiry") },
    });
  });
});
