/** The registry sidecar's configuration, from its environment, read once at start-up. */

import { ConfigError, readInteger } from "../../core/config/config-error.ts";
import { parseImageRef } from "../../core/images/image-ref.ts";
import { minimumPollingIntervalSeconds } from "../poller/plan-poll.ts";
import { type CloudSettings, parseCloudSettings } from "../registry/cloud/parse-cloud-settings.ts";

export interface SidecarConfig {
  readonly namespace: string;
  readonly port: number;
  /** 0 turns the metrics listener off. */
  readonly metricsPort: number;
  readonly pollIntervalSeconds: number;
  readonly interestIntervalSeconds: number;
  readonly webhookConfigPath: string | undefined;
  /** Normalised host[:port] of registries spoken to over plain http. */
  readonly insecureRegistries: readonly string[];
  /** Secret names in `namespace` holding credentials tried for every registry. */
  readonly registryCredentials: readonly string[];
  /** Which clouds' workload identities are used, and per-registry provider overrides. */
  readonly cloud: CloudSettings;
  readonly logLevel: string;
  /** The Lease holder identity; undefined when neither POD_NAME nor HOSTNAME is set. */
  readonly podName: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

const levels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dnsSubdomain = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function list(env: Env, key: string): string[] {
  return (env[key] ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** The same host rule as image references, normalised the same way, so the two always match. */
function readRegistries(env: Env, problems: string[]): string[] {
  return list(env, "HEADWIND_INSECURE_REGISTRIES").flatMap((host) => {
    const ref = parseImageRef(`${host}/x`);
    if (ref?.domain !== undefined && ref.domain.toLowerCase() === host.toLowerCase()) return [ref.registry];
    problems.push(`HEADWIND_INSECURE_REGISTRIES: ${JSON.stringify(host)} is not a host[:port]`);
    return [];
  });
}

function readSecretNames(env: Env, problems: string[]): string[] {
  const names = list(env, "HEADWIND_REGISTRY_CREDENTIALS");
  for (const name of names) {
    if (!dnsSubdomain.test(name))
      problems.push(`HEADWIND_REGISTRY_CREDENTIALS: ${JSON.stringify(name)} is not a Secret name`);
  }
  return names.filter((name) => dnsSubdomain.test(name));
}

export function readSidecarConfig(env: Env): SidecarConfig {
  const problems: string[] = [];
  const logLevel = env.LOG_LEVEL || "info";
  if (!levels.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${levels.join(", ")}`);
  const namespace = env.HEADWIND_NAMESPACE || "headwind";
  if (!dnsLabel.test(namespace)) problems.push("HEADWIND_NAMESPACE is not a namespace name");
  const config: SidecarConfig = {
    namespace,
    port: readInteger(env, "PORT", 8080, problems, 1, 65_535),
    metricsPort: readInteger(env, "METRICS_PORT", 9091, problems, 0, 65_535),
    pollIntervalSeconds: readInteger(
      env,
      "HEADWIND_POLL_INTERVAL_SECONDS",
      300,
      problems,
      minimumPollingIntervalSeconds,
      7 * 86_400,
    ),
    interestIntervalSeconds: readInteger(env, "HEADWIND_INTEREST_INTERVAL_SECONDS", 60, problems, 5, 86_400),
    webhookConfigPath: env.HEADWIND_WEBHOOK_CONFIG || undefined,
    insecureRegistries: readRegistries(env, problems),
    registryCredentials: readSecretNames(env, problems),
    cloud: parseCloudSettings(env, problems),
    logLevel,
    podName: env.POD_NAME || env.HOSTNAME || undefined,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
