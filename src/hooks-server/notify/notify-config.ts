import { readInteger } from "../../core/config/config-error.ts";

/**
 * Notification channels, from the same environment variables the original Headwind read. A
 * channel is on when its URL is set and its *_ENABLED is not "false".
 */
export interface NotifyConfig {
  readonly slack?: { url: string; username: string; iconEmoji: string };
  readonly teams?: { url: string };
  readonly webhook?: { url: string; secret: string | undefined; timeoutMs: number; maxRetries: number };
}

type Env = Readonly<Record<string, string | undefined>>;

const on = (env: Env, prefix: string, urlKey: string): string | undefined =>
  env[`${prefix}_ENABLED`] === "false" ? undefined : env[urlKey] || undefined;

export function readNotifyConfig(env: Env, problems: string[]): NotifyConfig {
  const slack = on(env, "SLACK", "SLACK_WEBHOOK_URL");
  const teams = on(env, "TEAMS", "TEAMS_WEBHOOK_URL");
  const webhook = on(env, "WEBHOOK", "WEBHOOK_URL");
  for (const [key, url] of [
    ["SLACK_WEBHOOK_URL", slack],
    ["TEAMS_WEBHOOK_URL", teams],
    ["WEBHOOK_URL", webhook],
  ]) {
    if (url !== undefined && !URL.canParse(url)) problems.push(`${key} is not a URL`);
  }
  return {
    ...(slack
      ? {
          slack: {
            url: slack,
            username: env.SLACK_USERNAME || "Headwind",
            iconEmoji: env.SLACK_ICON_EMOJI || ":sailboat:",
          },
        }
      : {}),
    ...(teams ? { teams: { url: teams } } : {}),
    ...(webhook
      ? {
          webhook: {
            url: webhook,
            secret: env.WEBHOOK_SECRET || undefined,
            timeoutMs: readInteger(env, "WEBHOOK_TIMEOUT", 10, problems, 1, 300) * 1000,
            maxRetries: readInteger(env, "WEBHOOK_MAX_RETRIES", 3, problems, 0, 10),
          },
        }
      : {}),
  };
}
