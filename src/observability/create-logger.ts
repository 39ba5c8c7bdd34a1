/**
 * The logger both processes use: pino writing JSON lines, with every field that can hold a
 * credential censored wherever it sits in the first three levels of a log object (or a child
 * logger's bindings). No code logs a secret on purpose; this is the net under that rule, for a
 * future `log.info({ config })`, a raw header object or a webhook definition.
 */
import pino, { type DestinationStream, type Logger } from "pino";

export const censor = "[redacted]";

/** Field names whose value is a credential: tokens, passwords, shared secrets, auth headers, webhook URLs. */
const secretFields = [
  "token",
  "password",
  "secret",
  "authorization",
  "Authorization",
  "cookie",
  "webhookUrl",
  "SLACK_WEBHOOK_URL",
  "TEAMS_WEBHOOK_URL",
  "WEBHOOK_URL",
  "WEBHOOK_SECRET",
  "HEADWIND_HOOK_TOKEN",
  // A notification channel's `url` is its credential (Slack and Teams webhook URLs carry the key).
  "slack.url",
  "teams.url",
  "webhook.url",
];

/** pino's paths name one level each; `*` stands for any key at its level. */
export const redactedPaths: readonly string[] = [
  ...secretFields.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  '["proxy-authorization"]',
  '*["proxy-authorization"]',
  '*.*["proxy-authorization"]',
];

export function createLogger(
  service: string,
  level: string,
  destination: DestinationStream = pino.destination(1),
): Logger {
  return pino({ level, base: { service }, redact: { paths: [...redactedPaths], censor } }, destination);
}
