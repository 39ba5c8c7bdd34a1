/** The hooks server's configuration, from its environment, read once at start-up. */

import { isIP } from "node:net";
import { ConfigError, readInteger } from "../../core/config/config-error.ts";
import { type ArgoTrackingMethod, argoTrackingMethods } from "../../core/gitops/gitops-owner.ts";
import { parseUpdateWindows, type UpdateWindow } from "../../core/windows/parse-update-windows.ts";
import { type NotifyConfig, readNotifyConfig } from "../notify/notify-config.ts";
import type { DashboardAuthConfig } from "./dashboard-settings.ts";
import { type HookAuth, readHookAuth } from "./hook-auth-config.ts";
import type { HookSettings } from "./hook-settings.ts";

export interface HooksConfig {
  readonly port: number;
  readonly metricsPort: number;
  /** The approval API; 0 turns it off. */
  readonly apiPort: number;
  readonly logLevel: string;
  readonly hookAuth: HookAuth;
  readonly settings: HookSettings;
  readonly notify: NotifyConfig;
  readonly maxBodyBytes: number;
  readonly otlpEndpoint: string | undefined;
  readonly instance: string;
  /** The dashboard; 0 turns it off. */
  readonly dashboardPort: number;
  readonly dashboard: DashboardAuthConfig;
}

const levels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function readWindows(text: string | undefined, problems: string[]): UpdateWindow[] {
  if (text === undefined || text.trim() === "") return [];
  const parsed = parseUpdateWindows(text);
  if (parsed.ok) return parsed.value;
  problems.push(`HEADWIND_UPDATE_WINDOW: ${parsed.error}`);
  return [];
}

function readArgoTracking(text: string | undefined, problems: string[]): ArgoTrackingMethod {
  const value = (text ?? "").trim() || "annotation";
  if ((argoTrackingMethods as readonly string[]).includes(value)) return value as ArgoTrackingMethod;
  problems.push(`HEADWIND_ARGOCD_TRACKING must be one of ${argoTrackingMethods.join(", ")}`);
  return "annotation";
}

/** A comma list of IP addresses or CIDR ranges (`10.0.0.7`, `10.8.0.0/16`, `fd00::/8`). */
function readAddresses(text: string | undefined, problems: string[]): string[] {
  const entries = (text ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const family = isIP(address);
    const bits = family === 6 ? 128 : 32;
    if (family === 0 || (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= bits)))
      problems.push(`DASHBOARD_TRUSTED_PROXIES: ${JSON.stringify(entry)} is not an IP address or CIDR range`);
  }
  return entries;
}

export function readHooksConfig(env: Readonly<Record<string, string | undefined>>): HooksConfig {
  const problems: string[] = [];
  const logLevel = env.LOG_LEVEL ?? "info";
  if (!levels.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${levels.join(", ")}`);
  const namespace = env.HEADWIND_NAMESPACE ?? "headwind";
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace))
    problems.push("HEADWIND_NAMESPACE is not a namespace name");
  const config: HooksConfig = {
    port: readInteger(env, "PORT", 8000, problems, 1, 65_535),
    metricsPort: readInteger(env, "METRICS_PORT", 9090, problems, 0, 65_535),
    apiPort: readInteger(env, "API_PORT", 8081, problems, 0, 65_535),
    logLevel,
    hookAuth: readHookAuth(env, problems),
    settings: {
      namespace,
      approvalTtlSeconds: readInteger(env, "HEADWIND_APPROVAL_TTL_SECONDS", 86_400, problems, 60),
      historyLimit: readInteger(env, "HEADWIND_HISTORY_LIMIT", 10, problems, 1, 100),
      effectBudgetMs: readInteger(env, "HEADWIND_EFFECT_BUDGET_SECONDS", 15, problems, 1, 25) * 1000,
      updateWindows: readWindows(env.HEADWIND_UPDATE_WINDOW, problems),
      argoTracking: readArgoTracking(env.HEADWIND_ARGOCD_TRACKING, problems),
    },
    notify: readNotifyConfig(env, problems),
    maxBodyBytes: readInteger(env, "HEADWIND_MAX_BODY_BYTES", 16 * 1024 * 1024, problems, 1024),
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    instance: env.POD_NAME ?? env.HOSTNAME ?? "headwind-hooks",
    dashboardPort: readInteger(env, "DASHBOARD_PORT", 8082, problems, 0, 65_535),
    dashboard: {
      secureCookies: env.DASHBOARD_INSECURE_COOKIES !== "true",
      trustedProxies: readAddresses(env.DASHBOARD_TRUSTED_PROXIES, problems),
      proxyTokenHeader: (env.DASHBOARD_PROXY_TOKEN_HEADER ?? "x-forwarded-access-token").toLowerCase(),
      sessionSeconds: readInteger(env, "DASHBOARD_SESSION_SECONDS", 8 * 3600, problems, 60, 7 * 86_400),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
