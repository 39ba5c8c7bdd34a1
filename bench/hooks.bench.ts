/**
 * Hot paths of the hooks server: choosing the best tag from a large repository, one whole
 * workloads sync, one UpdateRequest sync, and building a tag ConfigMap of 50,000 tags.
 */
import { readFileSync } from "node:fs";
import { bench, describe } from "vitest";
import { bestTag } from "../src/core/policy/select-update.ts";
import { buildTagConfigMap } from "../src/core/tags/tag-configmap.ts";
import { defaultHookSettings } from "../src/hooks-server/config/hook-settings.ts";
import { parseDecoratorSyncRequest } from "../src/hooks-server/metacontroller/parse-hook-request.ts";
import { syncUpdateRequest } from "../src/hooks-server/updaterequests/sync-update-request.ts";
import { syncWorkload } from "../src/hooks-server/workloads/sync-workload.ts";
import { aSpec } from "../tests/helpers/policy-spec.ts";
import { aDeployment, anUpdateRequest, urRequest } from "../tests/helpers/update-requests.ts";

const tags = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `${Math.floor(i / 400)}.${Math.floor(i / 20) % 20}.${i % 20}${i % 3 ? "" : "-alpine"}`,
  );
const thousand = tags(1_000);
const fiftyThousand = tags(50_000);

describe("bestTag", () => {
  bench("minor over 1,000 tags", () => {
    bestTag(aSpec("minor"), "3.4.5", thousand);
  });
  bench("minor over 50,000 tags", () => {
    bestTag(aSpec("minor"), "3.4.5", fiftyThousand);
  });
  bench("semver range over 50,000 tags", () => {
    bestTag(aSpec("semver", { constraint: ">=3.0.0 <100.0.0" }), "3.4.5", fiftyThousand);
  });
});

const parsed = parseDecoratorSyncRequest(
  JSON.parse(readFileSync("tests/fixtures/metacontroller/deployment-new-tags.request.json", "utf8")),
);
if (!parsed.ok) throw new Error(parsed.error);
const workloadRequest = parsed.value;
const now = new Date("2026-11-25T12:00:00.000Z");
const pending = urRequest(anUpdateRequest({ phase: "Pending" }), aDeployment("nginx:1.25.3"));

describe("hooks", () => {
  bench("workloads sync (2 containers, 2 tag ConfigMaps)", () => {
    syncWorkload(workloadRequest, now, defaultHookSettings);
  });
  bench("updaterequests sync (pending)", () => {
    syncUpdateRequest(pending, now);
  });
});

describe("tag ConfigMap", () => {
  bench("build from 50,000 tags", () => {
    buildTagConfigMap(
      { repository: "docker.io/library/nginx", tags: fiftyThousand, digests: {} },
      "headwind",
    );
  });
});
