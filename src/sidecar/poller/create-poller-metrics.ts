/** The sidecar's polling and registry metrics, registered on a Registry the caller owns. */
import { Counter, Gauge, type Registry } from "prom-client";
import type { RegistryObserver } from "../registry/registry-observer.ts";

export interface PollerMetrics {
  /** Feeds the `headwind_registry_*` requests, waits, invalid references and token cache series. */
  readonly observer: RegistryObserver;
  readonly registryErrors: Counter<"registry">;
  readonly cycles: Counter;
  /** Tags in the latest successful listing, per repository (a gauge: it is a level, not a flow). */
  readonly tagsSeen: Gauge<"repository">;
  readonly imagesChecked: Counter;
}

export function createPollerMetrics(register: Registry): PollerMetrics {
  const registers = [register];
  const requests = new Counter({
    name: "headwind_registry_requests_total",
    help: "HTTP requests sent to registries, by kind (tags, manifest, token) and status code (or network)",
    labelNames: ["registry", "kind", "code"] as const,
    registers,
  });
  const rateLimitWaits = new Counter({
    name: "headwind_registry_rate_limit_waits_total",
    help: "Waits caused by 429, Retry-After or an exhausted ratelimit-remaining",
    labelNames: ["registry"] as const,
    registers,
  });
  const invalidReferences = new Counter({
    name: "headwind_registry_invalid_references_total",
    help: "Tags and digests registries sent outside the OCI grammar, dropped unstored, by kind (tag, digest)",
    labelNames: ["registry", "kind"] as const,
    registers,
  });
  const tokenCacheEntries = new Gauge({
    name: "headwind_registry_token_cache_entries",
    help: "Bearer tokens cached (bounded by count and bytes)",
    registers,
  });
  const tokenCacheBytes = new Gauge({
    name: "headwind_registry_token_cache_bytes",
    help: "Size of the cached Bearer tokens and their keys",
    registers,
  });
  return {
    observer: {
      request: ({ registry, kind, code }) => requests.inc({ registry, kind, code }),
      rateLimitWait: ({ registry }) => rateLimitWaits.inc({ registry }),
      invalidReference: ({ registry, kind, count }) => invalidReferences.inc({ registry, kind }, count),
      tokenCache: ({ entries, bytes }) => {
        tokenCacheEntries.set(entries);
        tokenCacheBytes.set(bytes);
      },
    },
    registryErrors: new Counter({
      name: "headwind_registry_errors_total",
      help: "Repository polls that failed, by registry",
      labelNames: ["registry"] as const,
      registers,
    }),
    cycles: new Counter({ name: "headwind_polling_cycles_total", help: "Poll cycles run", registers }),
    tagsSeen: new Gauge({
      name: "headwind_polling_tags_seen",
      help: "Tags seen in the latest successful listing of each repository",
      labelNames: ["repository"] as const,
      registers,
    }),
    imagesChecked: new Counter({
      name: "headwind_polling_images_checked_total",
      help: "Repositories polled (successfully or not)",
      registers,
    }),
  };
}
