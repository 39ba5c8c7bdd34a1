// ECR end to end: the AWS SDK (default credential chain, pointed at loopback STS, Pod Identity and
// ECR stand-ins through AWS_ENDPOINT_URL_*), a real distribution registry behind an ECR-style front
// that accepts only the passwords GetAuthorizationToken issued. The registry host is loopback, so
// the per-registry override names its account and region.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createEcrTokenSource } from "../../../src/sidecar/registry/cloud/ecr-token-source.ts";
import { type AwsStandIn, irsaEnvironment, startAwsStandIn } from "../../helpers/cloud-aws.ts";
import { cloudTestDir, stubCloudEnv, tokenFile } from "../../helpers/cloud-env.ts";
import { createCloudHarness } from "../../helpers/cloud-harness.ts";
import { type CloudRegistry, startCloudRegistry } from "../../helpers/cloud-registry.ts";
import { refuseNonLoopbackSockets, type SocketGuard } from "../../helpers/loopback-sockets.ts";

const roleArn = "arn:aws:iam::123456789012:role/headwind-sidecar";
const webIdentityToken = "eyJhbGciOiJSUzI1NiJ9.irsa-projected-token.sig\n";
const podIdentityToken = "eks-pod-identity-agent-token";
const hour = 3_600_000;

let now = Date.now();
let dir: string;
let guard: SocketGuard;
let aws: AwsStandIn;
let ecr: CloudRegistry;
let web: string;

function settings() {
  const target = { provider: "aws" as const, account: "123456789012", region: "eu-west-1", fips: false };
  return { enabled: new Set(["aws" as const]), overrides: new Map([[ecr.host, target]]) };
}

function irsaEnv() {
  stubCloudEnv(dir, irsaEnvironment(aws, dir, roleArn, webIdentityToken));
}

/** Secrets the ECR front saw, in order (undefined: none). */
const secretsSeen = () => ecr.requests.map((request) => request.secret);

beforeAll(async () => {
  guard = refuseNonLoopbackSockets();
  dir = cloudTestDir();
  aws = await startAwsStandIn({ roleArn, webIdentityToken, podIdentityToken, now: () => now });
  ecr = await startCloudRegistry({ kind: "ecr", accepts: aws.accepts });
  web = `${ecr.host}/apps/web`;
  await ecr.push("apps/web", ["1.0.0", "1.1.0", "latest"]);
  await ecr.push("apps/api", ["2.0.0"]);
});

afterEach(() => {
  vi.unstubAllEnvs();
  aws.calls.length = 0;
  ecr.requests.length = 0;
  aws.refuseEcr(false);
});

afterAll(async () => {
  guard?.restore();
  await ecr?.stop();
  await aws?.stop();
  expect(guard.refused.filter((host) => !endpointProbe.test(host))).toEqual([]);
});

/** The hosts the endpoint test below aims at on purpose (refused at the socket, never reached). */
const endpointProbe = /^api\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

describe("ECR through IRSA (web identity → STS → GetAuthorizationToken)", () => {
  it("polls and confirms a webhook tag with one exchange, then refreshes the token before it expires", async () => {
    irsaEnv();
    const harness = createCloudHarness({ settings: settings(), clock: () => now });

    const first = await harness.poll([web], ["latest"]);
    expect(first.report).toMatchObject({ due: 1, polled: 1, failed: [] });
    expect(first.observed[0]?.tags).toEqual(expect.arrayContaining(["1.0.0", "1.1.0", "latest"]));
    expect(first.observed[0]?.digests.latest).toMatch(/^sha256:[0-9a-f]{64}$/);
    await ecr.push("apps/web", ["1.2.0"], "build-2");
    expect(await harness.webhook(web, "1.2.0")).toEqual(
      new Map([["1.2.0", expect.stringMatching(/^sha256:/)]]),
    );
    // One role assumption, one ECR token in the registry's region, for the poll and the webhook.
    expect(aws.calls).toEqual(["sts 200", "ecr eu-west-1 200"]);
    // ECR answers Basic: the first request learns it, every later one carries the password.
    const password = secretsSeen()[1];
    expect(secretsSeen()[0]).toBeUndefined();
    expect(secretsSeen().slice(1)).toEqual(
      secretsSeen()
        .slice(1)
        .map(() => password),
    );

    // 11 h 54 min later the 12-hour token is inside the 5-minute margin: a new one is fetched
    // (the STS session is still the SDK's to reuse), and the old password is never sent again.
    now += 11 * hour + 56 * 60_000;
    ecr.requests.length = 0;
    const later = await harness.poll([web]);
    expect(later.report.failed).toEqual([]);
    expect(aws.calls).toEqual(["sts 200", "ecr eu-west-1 200", "ecr eu-west-1 200"]);
    expect(secretsSeen().every((secret) => secret !== undefined && secret !== password)).toBe(true);
    expect(await harness.metricsText()).toContain(
      'headwind_cloud_token_requests_total{provider="aws",result="ok"} 2',
    );
  });

  it("makes one exchange for many repositories polled at once on a cold cache", async () => {
    irsaEnv();
    const harness = createCloudHarness({ settings: settings(), clock: () => now });
    const repositories = [web, `${ecr.host}/apps/api`];
    const [cycle, ...direct] = await Promise.all([
      harness.poll(repositories),
      ...Array.from({ length: 20 }, () => harness.cloudCredentials(ecr.host)),
    ]);
    expect(cycle.report).toMatchObject({ due: 2, polled: 2, failed: [] });
    expect(new Set(direct.map((answer) => (answer?.ok ? answer.value.password : "failed"))).size).toBe(1);
    expect(aws.calls.filter((call) => call.startsWith("ecr"))).toEqual(["ecr eu-west-1 200"]);
  });

  it("reports a refused GetAuthorizationToken for that registry, without recording webhook tags", async () => {
    irsaEnv();
    aws.refuseEcr(true);
    const harness = createCloudHarness({ settings: settings(), clock: () => now });
    const { report } = await harness.poll([web]);
    expect(report.failed).toEqual([
      {
        repository: web,
        kind: "credentials",
        message: expect.stringMatching(
          new RegExp(`^unauthorized: aws credentials for ${ecr.host}: AccessDeniedException: not authorized`),
        ),
      },
    ]);
    // The failure is remembered briefly: the webhook right after does not ask ECR again.
    expect(await harness.webhook(web, "1.0.0")).toEqual(new Map());
    expect(aws.calls).toEqual(["sts 200", "ecr eu-west-1 400"]);
    expect(ecr.requests).toEqual([]);
    const metrics = await harness.metricsText();
    expect(metrics).toContain(
      `headwind_cloud_credential_errors_total{provider="aws",registry="${ecr.host}"} 2`,
    );
    expect(metrics).toContain('headwind_sidecar_ignored_events_total{reason="unconfirmed"} 1');
  });

  it("leaves AWS alone when a pull secret has credentials for the registry", async () => {
    irsaEnv();
    const auth = Buffer.from("AWS:static-password-from-a-secret").toString("base64");
    const harness = createCloudHarness({
      settings: settings(),
      clock: () => now,
      dockerConfigs: [{ auths: { [ecr.host]: { auth } } }],
    });
    const { report } = await harness.poll([web]);
    // The secret's (stale) password is what the registry got, and refused; AWS was never asked.
    expect(report.failed).toMatchObject([{ repository: web, kind: "unauthorized" }]);
    expect(secretsSeen()).toEqual([undefined, "static-password-from-a-secret"]);
    expect(aws.calls).toEqual([]);
  });
});

describe("ECR through EKS Pod Identity (container credentials endpoint)", () => {
  it("polls with credentials from the Pod Identity agent", async () => {
    stubCloudEnv(dir, {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: aws.podIdentityUrl,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile(dir, "pod-identity-token", podIdentityToken),
      AWS_ENDPOINT_URL_ECR: aws.ecrUrl,
    });
    const harness = createCloudHarness({ settings: settings(), clock: () => now });
    const { report } = await harness.poll([web]);
    expect(report).toMatchObject({ polled: 1, failed: [] });
    expect(aws.calls).toEqual(["pod-identity 200", "ecr eu-west-1 200"]);
  });
});

describe("ECR API endpoints", () => {
  it("asks the FIPS endpoint for a FIPS registry and the China partition's for a China one", async () => {
    stubCloudEnv(dir, {});
    const source = createEcrTokenSource({
      credentials: async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }),
    });
    const fips = { provider: "aws" as const, account: "123456789012", region: "us-gov-west-1", fips: true };
    const china = { provider: "aws" as const, account: "123456789012", region: "cn-north-1", fips: false };
    await expect(source(fips, "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com")).rejects.toThrow();
    await expect(source(china, "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn")).rejects.toThrow();
    expect(new Set(guard.refused)).toEqual(
      new Set(["api.ecr-fips.us-gov-west-1.amazonaws.com", "api.ecr.cn-north-1.amazonaws.com.cn"]),
    );
  });
});
