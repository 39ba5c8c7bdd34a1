// Cloud credentials in the sidecar on the real apiserver: an ECR registry (IRSA through loopback
// STS and ECR stand-ins) and an Artifact Registry (metadata server stand-in) polled by the leader
// acting as the headwind-sidecar ServiceAccount. While the metadata server fails, Google's
// registry alone fails, and its tag ConfigMap says why (headwind.sh/poll-error); once it recovers,
// the next poll writes the tags and server-side apply removes the annotation.

import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { annotations } from "../../src/core/metadata-keys.ts";
import { tagConfigMapName } from "../../src/core/tags/tag-configmap.ts";
import type { ConfigMapObject } from "../../src/sidecar/runtime/sidecar-kube.ts";
import { type AwsStandIn, irsaEnvironment, startAwsStandIn } from "../helpers/cloud-aws.ts";
import { cloudTestDir, stubCloudEnv } from "../helpers/cloud-env.ts";
import { type GceMetadata, startGceMetadata } from "../helpers/cloud-gce-metadata.ts";
import { buildCloudCredentials } from "../helpers/cloud-harness.ts";
import { type CloudRegistry, startCloudRegistry } from "../helpers/cloud-registry.ts";
import {
  adminConfig,
  applyObjects,
  createTestNamespace,
  kubeRequest,
  statusCode,
} from "../helpers/cluster.ts";
import { refuseNonLoopbackSockets, type SocketGuard } from "../helpers/loopback-sockets.ts";
import {
  createTestSidecar,
  headwindNamespace as hw,
  installSidecarRbac,
} from "../helpers/sidecar-cluster.ts";

const roleArn = "arn:aws:iam::123456789012:role/headwind-sidecar";
const irsaToken = "irsa-projected-token";
const time = { now: Date.now() };

let admin: KubeConfig;
let guard: SocketGuard;
let aws: AwsStandIn;
let metadata: GceMetadata;
let ecr: CloudRegistry;
let gar: CloudRegistry;
let sidecar: ReturnType<typeof createTestSidecar>;
const cloudMetrics = new Registry();

function deployment(name: string, image: string) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, annotations: { "headwind.sh/policy": "minor", "headwind.sh/polling-interval": "30s" } },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image }] } },
    },
  } as KubernetesObject;
}

async function configMap(repository: string): Promise<ConfigMapObject | undefined> {
  const path = `/api/v1/namespaces/${hw}/configmaps/${tagConfigMapName(repository)}`;
  try {
    return (await kubeRequest(admin, "GET", path)) as ConfigMapObject;
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}

beforeAll(async () => {
  guard = refuseNonLoopbackSockets();
  admin = adminConfig();
  const config = await installSidecarRbac(admin);
  const dir = cloudTestDir();
  [aws, metadata] = await Promise.all([
    startAwsStandIn({ roleArn, webIdentityToken: irsaToken, podIdentityToken: "-", now: () => time.now }),
    startGceMetadata({ now: () => time.now }),
  ]);
  [ecr, gar] = await Promise.all([
    startCloudRegistry({ kind: "ecr", accepts: aws.accepts }),
    startCloudRegistry({ kind: "gar", accepts: metadata.accepts }),
  ]);
  await Promise.all([ecr.push("apps/web", ["1.0.0", "1.1.0"]), gar.push("team/api", ["2.0.0", "2.1.0"])]);
  stubCloudEnv(dir, { ...irsaEnvironment(aws, dir, roleArn, irsaToken), GCE_METADATA_HOST: metadata.host });
  const cloudCredentials = buildCloudCredentials({
    settings: {
      enabled: new Set(["aws", "gcp"] as const),
      overrides: new Map([
        [ecr.host, { provider: "aws", account: "123456789012", region: "us-west-2", fips: false }],
        [gar.host, { provider: "gcp" }],
      ]),
    },
    clock: () => time.now,
    register: cloudMetrics,
    logger: pino({ level: "silent" }),
  });
  const ns = await createTestNamespace(admin, "hw-sc-cloud");
  await applyObjects(
    admin,
    [deployment("web", `${ecr.host}/apps/web:1.0.0`), deployment("api", `${gar.host}/team/api:2.0.0`)],
    { namespace: ns },
  );
  sidecar = createTestSidecar({ config, identity: "cloud-test", clock: () => time.now, cloudCredentials });
  expect(await sidecar.elector.tryAcquireOrRenew()).toBe(true);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  guard?.restore();
  await sidecar?.elector.release();
  await Promise.all([ecr?.stop(), gar?.stop()]);
  await Promise.all([aws?.stop(), metadata?.stop()]);
  expect(guard.refused).toEqual([]);
});

describe("sidecar with cloud credentials on the real apiserver", () => {
  const web = () => `${ecr.host}/apps/web`;
  const api = () => `${gar.host}/team/api`;

  it("a failing provider fails its registry only, and its ConfigMap says why", async () => {
    metadata.failWith(503);
    await sidecar.refreshInterest();
    const report = await sidecar.runtime.pollOnce();
    const mine = report?.failed.filter((failure) => [web(), api()].includes(failure.repository));
    expect(mine).toEqual([
      {
        repository: api(),
        kind: "credentials",
        message: expect.stringMatching(new RegExp(`^unavailable: gcp credentials for ${gar.host}: `)),
      },
    ]);
    expect((await configMap(web()))?.data?.tags).toBe("1.0.0\n1.1.0");
    expect((await configMap(web()))?.metadata.annotations?.[annotations.pollError]).toBeUndefined();
    const failed = await configMap(api());
    expect(failed?.data?.tags).toBe("");
    expect(failed?.metadata.annotations?.[annotations.pollError]).toBe(mine?.[0]?.message);
    expect(await cloudMetrics.metrics()).toContain(
      `headwind_cloud_credential_errors_total{provider="gcp",registry="${gar.host}"} 1`,
    );
    expect(aws.calls).toEqual(["sts 200", "ecr us-west-2 200"]);
  });

  it("once the provider recovers, the next poll writes the tags and the poll error is gone", async () => {
    metadata.failWith(undefined);
    time.now += 31_000;
    await sidecar.refreshInterest();
    const report = await sidecar.runtime.pollOnce();
    expect(report?.failed.filter((failure) => [web(), api()].includes(failure.repository))).toEqual([]);
    const recovered = await configMap(api());
    expect(recovered?.data?.tags).toBe("2.0.0\n2.1.0");
    expect(recovered?.metadata.annotations?.[annotations.pollError]).toBeUndefined();
    // The ECR token is still fresh: no second exchange.
    expect(aws.calls).toEqual(["sts 200", "ecr us-west-2 200"]);
  });
});
