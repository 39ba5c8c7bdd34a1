/**
 * A workloads sync request for benchmarks: one Deployment whose containers each follow their own
 * repository, and one tag ConfigMap of `tagCount` tags per repository, as Metacontroller sends it.
 */
import { buildTagConfigMap } from "../src/core/tags/tag-configmap.ts";
import type { DecoratorSyncRequest } from "../src/hooks-server/metacontroller/wire.ts";

/** Versions `M.m.p`, a third of them with an `-alpine` variant: the shape of a busy repository. */
export function versionTags(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${Math.floor(i / 400)}.${Math.floor(i / 20) % 20}.${i % 20}${i % 3 ? "" : "-alpine"}`,
  );
}

export function workloadRequest(images: readonly string[], tagCount: number): DecoratorSyncRequest {
  const tags = versionTags(tagCount);
  const related: Record<string, ReturnType<typeof buildTagConfigMap>> = {};
  images.forEach((image, i) => {
    const repository = `docker.io/library/${image.split(":")[0]}`;
    const configMap = buildTagConfigMap({ repository, tags, digests: {} }, "headwind");
    const metadata = { ...configMap.metadata, uid: `cm-${i}`, resourceVersion: String(100 + i) };
    related[`headwind/${metadata.name}`] = { ...configMap, metadata };
  });
  return {
    object: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "web",
        namespace: "shop",
        uid: "d-1",
        generation: 1,
        annotations: { "headwind.sh/policy": "minor" },
      },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) },
        },
      },
    },
    attachments: {},
    related: { "ConfigMap.v1": related },
    finalizing: false,
  };
}
