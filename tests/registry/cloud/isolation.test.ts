// All three clouds at once, beside a plain registry and a hostile one, in one poll cycle: each
// cloud's credentials reach only that cloud's registry, the plain registry gets none, a registry
// that names a token realm on another host gets nothing sent there, and a failing provider fails
// its own registry only.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AwsStandIn, irsaEnvironment, startAwsStandIn } from "../../helpers/cloud-aws.ts";
import { type Entra, startEntra, workloadIdentityEnvironment } from "../../helpers/cloud-entra.ts";
import { cloudTestDir, stubCloudEnv } from "../../helpers/cloud-env.ts";
import { type GceMetadata, startGceMetadata } from "../../helpers/cloud-gce-metadata.ts";
import { createCloudHarness } from "../../helpers/cloud-harness.ts";
import { type CloudRegistry, startCloudRegistry } from "../../helpers/cloud-registry.ts";
import { refuseNonLoopbackSockets, type SocketGuard } from "../../helpers/loopback-sockets.ts";
import { type LoopbackServer, listenOnLoopback } from "../../helpers/registry-listen.ts";
import { type RegistryProxy, startRegistryProxy } from "../../helpers/registry-proxy.ts";
import { pushImage } from "../../helpers/registry-push.ts";
import { type RegistryServer, startRegistry } from "../../helpers/registry-server.ts";

const roleArn = "arn:aws:iam::123456789012:role/headwind-sidecar";
const irsaToken = "irsa-projected-token";
const azure = {
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  clientId: "client-1",
  federatedToken: "aks-token",
};
const now = () => Date.now();

let guard: SocketGuard;
let aws: AwsStandIn;
let metadata: GceMetadata;
let entra: Entra;
let ecr: CloudRegistry;
let gar: CloudRegistry;
let acr: CloudRegistry;
let plainRegistry: RegistryServer;
let plain: RegistryProxy;
let hostileRegistry: RegistryServer;
let hostile: RegistryProxy;
let elsewhere: LoopbackServer;
const plainAuthorizations: (string | null)[] = [];
const elsewhereRequests: string[] = [];

beforeAll(async () => {
  guard = refuseNonLoopbackSockets();
  const dir = cloudTestDir();
  [aws, metadata, entra] = await Promise.all([
    startAwsStandIn({ roleArn, webIdentityToken: irsaToken, podIdentityToken: "-", now }),
    startGceMetadata({ now }),
    startEntra(azure),
  ]);
  [ecr, gar, acr, plainRegistry, hostileRegistry] = await Promise.all([
    startCloudRegistry({ kind: "ecr", accepts: aws.accepts }),
    startCloudRegistry({ kind: "gar", accepts: metadata.accepts }),
    startCloudRegistry({ kind: "acr", acceptsEntraToken: entra.issued }),
    startRegistry(),
    startRegistry(),
  ]);
  await Promise.all([ecr, gar, acr].map((registry) => registry.push("team/web", ["1.0.0"])));
  await pushImage(plainRegistry.origin, "team/web", ["1.0.0"]);
  await pushImage(hostileRegistry.origin, "team/web", ["1.0.0"]);
  plain = await startRegistryProxy(plainRegistry.origin, async (request) => {
    plainAuthorizations.push(request.headers.get("authorization"));
    return undefined;
  });
  // A registry passed off as Google's (an override) whose challenge sends the token request elsewhere.
  elsewhere = await listenOnLoopback((request) => {
    elsewhereRequests.push(
      `${request.method} ${new URL(request.url).pathname} ${request.headers.get("authorization")}`,
    );
    return Response.json({ token: "stolen" });
  });
  hostile = await startRegistryProxy(hostileRegistry.origin, async (request) =>
    new URL(request.url).pathname.startsWith("/v2/")
      ? new Response("{}", {
          status: 401,
          headers: { "www-authenticate": `Bearer realm="${elsewhere.origin}/token",service="gcr.io"` },
        })
      : undefined,
  );
  stubCloudEnv(dir, {
    ...irsaEnvironment(aws, dir, roleArn, irsaToken),
    GCE_METADATA_HOST: metadata.host,
    ...workloadIdentityEnvironment(entra, dir, azure),
  });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  guard?.restore();
  await Promise.all([ecr, gar, acr, plainRegistry, hostileRegistry].map((registry) => registry?.stop()));
  await Promise.all([plain, hostile, elsewhere].map((server) => server?.close()));
  await Promise.all([aws?.stop(), metadata?.stop(), entra?.stop()]);
  expect(guard.refused).toEqual([]);
});

function harness() {
  return createCloudHarness({
    settings: {
      enabled: new Set(["aws", "gcp", "azure"] as const),
      overrides: new Map([
        [ecr.host, { provider: "aws", account: "123456789012", region: "us-east-1", fips: false }],
        [gar.host, { provider: "gcp" }],
        [acr.host, { provider: "azure", cloud: "public" }],
        [hostile.host, { provider: "gcp" }],
      ]),
    },
    clock: now,
    azureIdentityOptions: { tlsOptions: { ca: entra.ca } },
  });
}

/** Which cloud issued a secret, if any did. */
function issuerOf(secret: string | undefined): string | undefined {
  if (secret === undefined) return undefined;
  if (aws.accepts("AWS", secret)) return "aws";
  if (metadata.accepts("oauth2accesstoken", secret)) return "gcp";
  if (entra.issued(secret)) return "azure";
  if (acr.requests.some((request) => request.path.startsWith("/oauth2/token") && request.secret === secret))
    return "azure";
  return undefined;
}
const cloudSecretsAt = (registry: CloudRegistry) =>
  new Set(
    registry.requests.map((request) => issuerOf(request.secret)).filter((issuer) => issuer !== undefined),
  );

describe("cloud credentials stay with their cloud", () => {
  it("polls every registry in one cycle; each cloud's secrets reach its own registry only", async () => {
    const sidecar = harness();
    const repositories = [ecr, gar, acr, plain].map((registry) => `${registry.host}/team/web`);
    const { report, observed } = await sidecar.poll([...repositories, `${hostile.host}/team/web`]);

    expect(observed.map((item) => item.repository).sort()).toEqual([...repositories].sort());
    expect(report.failed).toEqual([
      {
        repository: `${hostile.host}/team/web`,
        kind: "unauthorized",
        message: `unauthorized: ${hostile.host} named the token service ${elsewhere.origin}; its cloud credentials are only sent to ${hostile.host} itself`,
      },
    ]);
    expect(cloudSecretsAt(ecr)).toEqual(new Set(["aws"]));
    expect(cloudSecretsAt(gar)).toEqual(new Set(["gcp"]));
    expect(cloudSecretsAt(acr)).toEqual(new Set(["azure"]));
    expect(plainAuthorizations.length).toBeGreaterThan(0);
    expect(plainAuthorizations.every((header) => header === null)).toBe(true);
    expect(elsewhereRequests).toEqual([]);
  });

  it("fails only Google's registry while the metadata server is down; the others poll on", async () => {
    metadata.failWith(503);
    try {
      const sidecar = harness();
      const repositories = [ecr, gar, acr, plain].map((registry) => `${registry.host}/team/web`);
      const { report, observed } = await sidecar.poll(repositories);
      expect(report.failed.map((failure) => `${failure.repository} ${failure.kind}`)).toEqual([
        `${gar.host}/team/web credentials`,
      ]);
      expect(observed.map((item) => item.repository).sort()).toEqual(
        [ecr, acr, plain].map((registry) => `${registry.host}/team/web`).sort(),
      );
      const metrics = await sidecar.metricsText();
      expect(metrics).toContain(
        `headwind_cloud_credential_errors_total{provider="gcp",registry="${gar.host}"} 1`,
      );
      expect(metrics).not.toMatch(/headwind_cloud_credential_errors_total\{provider="(aws|azure)"/);
    } finally {
      metadata.failWith(undefined);
    }
  });
});
