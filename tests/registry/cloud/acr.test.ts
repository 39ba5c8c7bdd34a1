// ACR end to end: @azure/identity's WorkloadIdentityCredential reads the AKS Workload Identity
// variables and exchanges the projected token file with a loopback Entra ID stand-in (https, found
// through AZURE_AUTHORITY_HOST); the registry's `/oauth2/exchange` turns that access token into a
// refresh token, and its `/oauth2/token` realm grants per-repository access tokens for it. The
// registry is the real distribution registry behind an ACR-style front on one loopback host.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { acrRefreshTokenUser } from "../../../src/sidecar/registry/cloud/acr-token-source.ts";
import { type Entra, startEntra, workloadIdentityEnvironment } from "../../helpers/cloud-entra.ts";
import { cloudTestDir, stubCloudEnv } from "../../helpers/cloud-env.ts";
import { createCloudHarness } from "../../helpers/cloud-harness.ts";
import { acrUser, type CloudRegistry, startCloudRegistry } from "../../helpers/cloud-registry.ts";
import { refuseNonLoopbackSockets, type SocketGuard } from "../../helpers/loopback-sockets.ts";

const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const clientId = "0d6f6d55-5c4e-4e8b-9d1e-2f0f3c1d2b3a";
const federatedToken = "eyJhbGciOiJSUzI1NiJ9.aks-projected-token.sig";
const hour = 3_600_000;

let now = Date.now();
let dir: string;
let guard: SocketGuard;
let entra: Entra;
let acr: CloudRegistry;
let web: string;

const settings = () => ({
  enabled: new Set(["azure" as const]),
  overrides: new Map([[acr.host, { provider: "azure" as const, cloud: "public" as const }]]),
});
const path = (prefix: string) => acr.requests.filter((request) => request.path.startsWith(prefix));

function workloadIdentityEnv(token = federatedToken) {
  stubCloudEnv(dir, workloadIdentityEnvironment(entra, dir, { tenantId, clientId, federatedToken: token }));
}

function harness() {
  return createCloudHarness({
    settings: settings(),
    clock: () => now,
    // The stand-in's self-signed certificate; everything else comes from the environment.
    azureIdentityOptions: { tlsOptions: { ca: entra.ca } },
  });
}

beforeAll(async () => {
  guard = refuseNonLoopbackSockets();
  dir = cloudTestDir();
  entra = await startEntra({ tenantId, clientId, federatedToken });
  acr = await startCloudRegistry({ kind: "acr", acceptsEntraToken: entra.issued, now: () => now });
  web = `${acr.host}/shop/web`;
  await acr.push("shop/web", ["1.0.0", "1.1.0"]);
  await acr.push("shop/api", ["5.0.0"]);
});

afterEach(() => {
  vi.unstubAllEnvs();
  entra.calls.length = 0;
  acr.requests.length = 0;
});

afterAll(async () => {
  guard?.restore();
  await acr?.stop();
  await entra?.stop();
  expect(guard.refused).toEqual([]);
});

describe("ACR through Azure Workload Identity", () => {
  it("exchanges federated token → Entra ID token → ACR refresh token, then polls and confirms a webhook tag", async () => {
    workloadIdentityEnv();
    const sidecar = harness();
    const first = await sidecar.poll([web]);
    expect(first.report).toMatchObject({ polled: 1, failed: [] });
    expect(first.observed[0]?.tags).toEqual(expect.arrayContaining(["1.0.0", "1.1.0"]));
    await acr.push("shop/web", ["1.2.0"], "build-2");
    expect(await sidecar.webhook(web, "1.2.0")).toEqual(
      new Map([["1.2.0", expect.stringMatching(/^sha256:/)]]),
    );

    expect(entra.calls).toEqual(["token 200 https://management.azure.com/.default"]);
    expect(acr.exchanges()).toBe(1);
    const [exchange] = path("/oauth2/exchange");
    expect(exchange).toMatchObject({ method: "POST", status: 200 });
    expect(entra.issued(exchange?.secret ?? "")).toBe(true);
    // Access tokens per repository scope, each asked with the refresh token as the null user's password.
    const grants = path("/oauth2/token");
    expect(
      grants.map((grant) => `${grant.status} ${decodeURIComponent(grant.path.split("scope=")[1] ?? "")}`),
    ).toEqual(["200 repository:shop/web:pull"]);
    expect(acrRefreshTokenUser).toBe(acrUser);
  });

  it("exchanges again when the 3-hour refresh token nears expiry, once for many repositories", async () => {
    workloadIdentityEnv();
    const sidecar = harness();
    expect((await sidecar.poll([web])).report.failed).toEqual([]);
    const before = acr.exchanges();
    now += 2 * hour + 56 * 60_000;
    const { report } = await sidecar.poll([web, `${acr.host}/shop/api`]);
    expect(report).toMatchObject({ due: 2, polled: 2, failed: [] });
    expect(acr.exchanges()).toBe(before + 1);
  });

  it("reports a federated token Entra ID refuses, for that registry only", async () => {
    workloadIdentityEnv("a-token-for-some-other-identity");
    const { report } = await harness().poll([web]);
    expect(report.failed).toEqual([
      {
        repository: web,
        kind: "credentials",
        message: expect.stringMatching(
          new RegExp(
            `^unauthorized: azure credentials for ${acr.host}: AuthenticationRequiredError: .*AADSTS700213`,
          ),
        ),
      },
    ]);
    expect(acr.requests).toEqual([]);
  });
});
