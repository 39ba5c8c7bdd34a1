/**
 * The sidecar's registry side with cloud credentials, built the way src/sidecar/main.ts builds it
 * (real SDK token sources from the environment, the real registry client), for registry-tier
 * tests: poll repositories and confirm webhook tags, recording what would be written.
 */
import type { WorkloadIdentityCredentialOptions } from "@azure/identity";
import pino, { type Logger } from "pino";
import { Registry } from "prom-client";
import type { ObservedTags } from "../../src/core/tags/tag-configmap.ts";
import type { Clock } from "../../src/core/time/clock.ts";
import {
  createCredentialResolver,
  sharedCredentials,
} from "../../src/sidecar/poller/create-credential-resolver.ts";
import { createPollerMetrics } from "../../src/sidecar/poller/create-poller-metrics.ts";
import { runPollCycle } from "../../src/sidecar/poller/run-poll-cycle.ts";
import {
  type CloudCredentials,
  createCloudCredentials,
} from "../../src/sidecar/registry/cloud/create-cloud-credentials.ts";
import { createCloudMetrics } from "../../src/sidecar/registry/cloud/create-cloud-metrics.ts";
import { createCloudTokenSources } from "../../src/sidecar/registry/cloud/create-cloud-token-sources.ts";
import type { CloudSettings } from "../../src/sidecar/registry/cloud/parse-cloud-settings.ts";
import { createRegistryClient } from "../../src/sidecar/registry/create-registry-client.ts";
import { createHintCheck } from "../../src/sidecar/runtime/create-hint-check.ts";
import { createSidecarMetrics } from "../../src/sidecar/runtime/create-sidecar-metrics.ts";

export interface CloudHarnessOptions {
  readonly settings: CloudSettings;
  readonly clock: Clock;
  /** The pull secrets' `.dockerconfigjson` documents every repository gets. */
  readonly dockerConfigs?: readonly unknown[];
  readonly azureIdentityOptions?: WorkloadIdentityCredentialOptions;
}

/** Cloud credentials as src/sidecar/main.ts builds them: SDK token sources from the environment. */
export function buildCloudCredentials(
  options: CloudHarnessOptions & { readonly register: Registry; readonly logger: Logger },
): CloudCredentials {
  return createCloudCredentials({
    settings: options.settings,
    sources: createCloudTokenSources(options.settings.enabled, {
      fetch,
      env: process.env,
      insecureRegistries: [],
      ...(options.azureIdentityOptions === undefined
        ? {}
        : { azureIdentityOptions: options.azureIdentityOptions }),
    }),
    clock: options.clock,
    metrics: createCloudMetrics(options.register),
    logger: options.logger,
  });
}

export function createCloudHarness(options: CloudHarnessOptions) {
  const register = new Registry();
  const logger = pino({ level: process.env.HEADWIND_TEST_LOG ?? "silent" });
  const metrics = {
    poller: createPollerMetrics(register),
    sidecar: createSidecarMetrics(register),
  };
  const cloudCredentials = buildCloudCredentials({ ...options, register, logger });
  const client = createRegistryClient({
    fetch,
    clock: options.clock,
    observer: metrics.poller.observer,
    maxRetries: 0,
  });
  const loadDockerConfigs = async () => options.dockerConfigs ?? [];
  const pullSecrets = options.dockerConfigs === undefined ? [] : [{ namespace: "apps", name: "pull-secret" }];
  // Pull secrets win (the namespace's own scope); cloud identity reads the shared scope.
  const resolveScopes = createCredentialResolver({
    loadDockerConfigs,
    sharedCredentials: sharedCredentials(loadDockerConfigs, [], cloudCredentials),
  });
  const uses = (digestTags: readonly string[]) => [{ namespace: "apps", pullSecrets, digestTags }];

  /** One cycle over `repositories` (all due), digests for `digestTags`; answers the report and what was observed. */
  async function poll(repositories: readonly string[], digestTags: readonly string[] = []) {
    const observed: ObservedTags[] = [];
    const report = await runPollCycle({
      client,
      interest: repositories.map((repository) => ({
        repository,
        pollingIntervalSeconds: 60,
        uses: uses(digestTags),
      })),
      lastPolled: new Map(),
      clock: options.clock,
      resolveScopes,
      onObserved: async (item) => {
        observed.push(item);
      },
      metrics: metrics.poller,
      concurrencyPerRegistry: 8,
    });
    return { report, observed };
  }

  /** A webhook naming `tag` of `repository` (in use): answers the tags the registry confirmed (tag → digest). */
  async function webhook(repository: string, tag: string): Promise<ReadonlyMap<string, string>> {
    const confirmed = new Map<string, string>();
    const check = createHintCheck({
      interest: () => ({ poll: [], repositories: new Map([[repository, uses([])]]) }),
      client,
      resolveScopes,
      store: {
        merge: async (_scope, update) => {
          for (const key of update.tags) confirmed.set(key, update.digests[key] ?? "");
          return "applied";
        },
      },
      metrics: metrics.sidecar,
      logger,
      notFoundRetryMs: 0,
    });
    await check({ repository, tags: new Set([tag]), relist: false });
    return confirmed;
  }

  return { cloudCredentials, poll, webhook, metricsText: () => register.metrics() };
}
