/**
 * Hot paths of the hooks server: choosing the best tag from a large repository, reading a tag
 * ConfigMap, whole workloads syncs (with the server's tag cache and without), one UpdateRequest
 * sync, and building a tag ConfigMap of 50,000 tags.
 */
import { readFileSync } from "node:fs";
import { bench, describe } from "vitest";
import { readRepositoryTags } from "../src/core/policy/read-repository-tags.ts";
import { bestTag } from "../src/core/policy/select-update.ts";
import { indexTags } from "../src/core/policy/tag-index.ts";
import { buildTagConfigMap } from "../src/core/tags/tag-configmap.ts";
import { defaultHookSettings } from "../src/hooks-server/config/hook-settings.ts";
import { parseDecoratorSyncRequest } from "../src/hooks-server/metacontroller/parse-hook-request.ts";
import { syncUpdateRequest } from "../src/hooks-server/updaterequests/sync-update-request.ts";
import { createTagCache } from "../src/hooks-server/workloads/create-tag-cache.ts";
import { syncWorkload } from "../src/hooks-server/workloads/sync-workload.ts";
import { aSpec } from "../tests/helpers/policy-spec.ts";
import { aDeployment, anUpdateRequest, urRequest } from "../tests/helpers/update-requests.ts";
import { workloadRequest as syncRequest, versionTags } from "./workload-request.ts";

const thousand = indexTags(versionTags(1_000));
const tenThousand = indexTags(versionTags(10_000));
const fiftyThousandTags = versionTags(50_000);
const fiftyThousand = indexTags(fiftyThousandTags);
const tenThousandConfigMap = buildTagConfigMap(
  { repository: "docker.io/library/nginx", tags: versionTags(10_000), digests: {} },
  "headwind",
);

// A decision against a repository the server has already read (index kept per ConfigMap content).
describe("bestTag", () => {
  bench("minor over 1,000 tags", () => {
    bestTag(aSpec("minor"), "3.4.5", thousand);
  });
  bench("minor over 10,000 tags", () => {
    bestTag(aSpec("minor"), "3.4.5", tenThousand);
  });
  bench("minor over 50,000 tags", () => {
    bestTag(aSpec("minor"), "3.4.5", fiftyThousand);
  });
  bench("semver range over 50,000 tags", () => {
    bestTag(aSpec("semver", { constraint: ">=3.0.0 <100.0.0" }), "3.4.5", fiftyThousand);
  });
  bench("glob over 10,000 tags (reads every tag)", () => {
    bestTag(aSpec("glob", { pattern: "3.*" }), "3.4.5", tenThousand);
  });
  bench("regex over 10,000 tags (reads every tag)", () => {
    bestTag(aSpec("regex", { pattern: "^3\\.(?<version>\\d+\\.\\d+)$" }), "3.4.5", tenThousand);
  });
});

describe("tag ConfigMap read (once per content)", () => {
  bench("parse, re-check and index 10,000 tags, then decide", () => {
    const read = readRepositoryTags(tenThousandConfigMap);
    if (read.ok) bestTag(aSpec("minor"), "3.4.5", read.value.index);
  });
});

const parsed = parseDecoratorSyncRequest(
  JSON.parse(readFileSync("tests/fixtures/metacontroller/deployment-new-tags.request.json", "utf8")),
);
if (!parsed.ok) throw new Error(parsed.error);
const workloadRequest = parsed.value;
const now = Date.parse("2026-11-25T12:00:00.000Z");
const threeContainers = syncRequest(["nginx:3.4.5", "redis:1.2.3", "app:2.0.0-alpine"], 1_000);
const tagCache = createTagCache();
const pending = urRequest(anUpdateRequest({ phase: "Pending" }), aDeployment("nginx:1.25.3"));

describe("hooks", () => {
  bench("workloads sync (2 containers, 2 tag ConfigMaps)", () => {
    syncWorkload(workloadRequest, now, defaultHookSettings, tagCache);
  });
  bench("workloads sync (3 containers, 3 tag ConfigMaps of 1,000 tags), tag cache warm", () => {
    syncWorkload(threeContainers, now, defaultHookSettings, tagCache);
  });
  bench("workloads sync (3 containers, 3 tag ConfigMaps of 1,000 tags), no cache", () => {
    syncWorkload(threeContainers, now, defaultHookSettings);
  });
  bench("updaterequests sync (pending)", () => {
    syncUpdateRequest(pending, now);
  });
});

describe("tag ConfigMap", () => {
  bench("build from 50,000 tags", () => {
    buildTagConfigMap(
      { repository: "docker.io/library/nginx", tags: fiftyThousandTags, digests: {} },
      "headwind",
    );
  });
});
