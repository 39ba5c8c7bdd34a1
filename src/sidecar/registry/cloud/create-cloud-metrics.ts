/** Metrics of cloud credential exchanges, registered on a Registry the caller owns. */
import { Counter, type Registry } from "prom-client";

export interface CloudMetrics {
  /** Exchanges actually made (cache hits and shared in-flight exchanges are not counted). */
  readonly tokenRequests: Counter<"provider" | "result">;
  /** Registry credential lookups that failed, per registry: a broken provider shows on its registries only. */
  readonly credentialErrors: Counter<"provider" | "registry">;
}

export function createCloudMetrics(register: Registry): CloudMetrics {
  const registers = [register];
  return {
    tokenRequests: new Counter({
      name: "headwind_cloud_token_requests_total",
      help: "Cloud credential exchanges (ECR GetAuthorizationToken, Google access token, ACR exchange) by provider and result (ok, error)",
      labelNames: ["provider", "result"] as const,
      registers,
    }),
    credentialErrors: new Counter({
      name: "headwind_cloud_credential_errors_total",
      help: "Registry requests that could not get their cloud credentials, by provider and registry",
      labelNames: ["provider", "registry"] as const,
      registers,
    }),
  };
}
