/**
 * The exchanges of the enabled clouds, each built from its SDK's own environment settings. An SDK
 * is loaded on the first exchange for its cloud, not at start-up: each is a large module tree, and
 * enabling a cloud whose registries no workload uses should cost nothing.
 */
import type { WorkloadIdentityCredentialOptions } from "@azure/identity";
import type { CloudTokenSource, CloudTokenSources } from "./cloud-token.ts";
import type { CloudProvider, CloudTarget } from "./provider-for-host.ts";

export interface CloudTokenSourcesOptions {
  readonly fetch: typeof globalThis.fetch;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly insecureRegistries: readonly string[];
  /** Bound on ACR's exchange request (the SDKs carry their own). */
  readonly timeoutMs?: number;
  readonly azureIdentityOptions?: WorkloadIdentityCredentialOptions;
}

function lazy<P extends CloudTarget["provider"]>(
  load: () => Promise<CloudTokenSource<P>>,
): CloudTokenSource<P> {
  let loading: Promise<CloudTokenSource<P>> | undefined;
  return async (target, registry) => {
    loading ??= load();
    return (await loading)(target, registry);
  };
}

export function createCloudTokenSources(
  enabled: ReadonlySet<CloudProvider>,
  options: CloudTokenSourcesOptions,
): CloudTokenSources {
  const aws = lazy(async () => (await import("./ecr-token-source.ts")).createEcrTokenSource());
  const gcp = lazy(async () => (await import("./gcp-token-source.ts")).createGcpTokenSource());
  const azure = lazy(async () =>
    (await import("./acr-token-source.ts")).createAcrTokenSource({
      fetch: options.fetch,
      tenantId: options.env.AZURE_TENANT_ID,
      insecureRegistries: new Set(options.insecureRegistries),
      timeoutMs: options.timeoutMs ?? 30_000,
      ...(options.azureIdentityOptions === undefined
        ? {}
        : { identityOptions: options.azureIdentityOptions }),
    }),
  );
  return {
    ...(enabled.has("aws") ? { aws } : {}),
    ...(enabled.has("gcp") ? { gcp } : {}),
    ...(enabled.has("azure") ? { azure } : {}),
  };
}
