// Artifact Registry / GCR end to end: google-auth-library's Application Default Credentials find
// the metadata server (GKE Workload Identity) at GCE_METADATA_HOST, a loopback stand-in; the real
// distribution registry sits behind a GAR-style token realm on the same host that accepts only the
// access tokens the metadata server issued, as `oauth2accesstoken`.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { cloudTestDir, stubCloudEnv } from "../../helpers/cloud-env.ts";
import { type GceMetadata, startGceMetadata } from "../../helpers/cloud-gce-metadata.ts";
import { createCloudHarness } from "../../helpers/cloud-harness.ts";
import { type CloudRegistry, startCloudRegistry } from "../../helpers/cloud-registry.ts";
import { refuseNonLoopbackSockets, type SocketGuard } from "../../helpers/loopback-sockets.ts";

let now = Date.now();
let dir: string;
let guard: SocketGuard;
let metadata: GceMetadata;
let gar: CloudRegistry;
let web: string;

const settings = () => ({
  enabled: new Set(["gcp" as const]),
  overrides: new Map([[gar.host, { provider: "gcp" as const }]]),
});
const tokenRequests = () => gar.requests.filter((request) => request.path.startsWith("/v2/token"));

beforeAll(async () => {
  guard = refuseNonLoopbackSockets();
  dir = cloudTestDir();
  metadata = await startGceMetadata({ now: () => now, lifetimeSeconds: 3599 });
  gar = await startCloudRegistry({ kind: "gar", accepts: metadata.accepts });
  web = `${gar.host}/team/web`;
  await gar.push("team/web", ["1.0.0", "1.1.0"]);
  await gar.push("team/api", ["3.0.0"]);
});

afterEach(() => {
  vi.unstubAllEnvs();
  metadata.calls.length = 0;
  metadata.failWith(undefined);
  gar.requests.length = 0;
});

afterAll(async () => {
  guard?.restore();
  await gar?.stop();
  await metadata?.stop();
  expect(guard.refused).toEqual([]);
});

describe("Artifact Registry through the metadata server (GKE Workload Identity)", () => {
  it("polls and confirms a webhook tag with one access token, refreshed when it nears expiry", async () => {
    stubCloudEnv(dir, { GCE_METADATA_HOST: metadata.host });
    const harness = createCloudHarness({ settings: settings(), clock: () => now });

    const first = await harness.poll([web]);
    expect(first.report).toMatchObject({ polled: 1, failed: [] });
    expect(first.observed[0]?.tags).toEqual(expect.arrayContaining(["1.0.0", "1.1.0"]));
    await gar.push("team/web", ["1.2.0"], "build-2");
    expect(await harness.webhook(web, "1.2.0")).toEqual(
      new Map([["1.2.0", expect.stringMatching(/^sha256:/)]]),
    );
    expect(metadata.calls).toEqual(["token 200"]);
    // The access token went to the realm on the registry's own host, as oauth2accesstoken.
    const accessToken = tokenRequests()[0]?.secret;
    expect(accessToken).toMatch(/^ya29\./);
    expect(tokenRequests().every((request) => request.status === 200 && request.secret === accessToken)).toBe(
      true,
    );

    // 58 minutes on, the hour-long token is within the margin (min(5 min, half its life)): a new one.
    now += 58 * 60_000;
    gar.requests.length = 0;
    const later = await harness.poll([web]);
    expect(later.report.failed).toEqual([]);
    expect(metadata.calls).toEqual(["token 200", "token 200"]);
    expect(tokenRequests().map((request) => request.secret === accessToken)).toEqual([false]);
  });

  it("asks the metadata server once for many repositories at once", async () => {
    stubCloudEnv(dir, { GCE_METADATA_HOST: metadata.host });
    const harness = createCloudHarness({ settings: settings(), clock: () => now });
    const { report } = await harness.poll([web, `${gar.host}/team/api`]);
    expect(report).toMatchObject({ due: 2, polled: 2, failed: [] });
    expect(metadata.calls).toEqual(["token 200"]);
  });

  it("reports a metadata server failure for that registry, and asks again after the failure expires", async () => {
    stubCloudEnv(dir, { GCE_METADATA_HOST: metadata.host });
    metadata.failWith(500);
    const harness = createCloudHarness({ settings: settings(), clock: () => now });
    const { report } = await harness.poll([web]);
    expect(report.failed).toEqual([
      {
        repository: web,
        kind: "credentials",
        message: expect.stringMatching(new RegExp(`^unavailable: gcp credentials for ${gar.host}: `)),
      },
    ]);
    expect(gar.requests).toEqual([]);
    // The delivery was answered before the check: what cannot be confirmed is counted, not retried.
    expect(await harness.webhook(web, "1.0.0")).toEqual(new Map());
    expect(await harness.metricsText()).toContain(
      'headwind_sidecar_ignored_events_total{reason="unconfirmed"} 1',
    );
    const failures = metadata.calls.length;
    expect(failures).toBeGreaterThan(0);

    metadata.failWith(undefined);
    now += 21_000;
    const recovered = await harness.poll([web]);
    expect(recovered.report.failed).toEqual([]);
    expect(metadata.calls.slice(failures)).toEqual(["token 200"]);
  });
});
