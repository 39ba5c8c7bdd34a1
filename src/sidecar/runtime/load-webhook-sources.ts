/**
 * The webhook sources from HEADWIND_WEBHOOK_CONFIG. No path, or a path with no file behind it (the
 * Deployment mounts an optional ConfigMap), means no sources: polling alone still works. A file
 * that is there but wrong is a problem the operator must see: the sidecar stays up and reports it
 * through /readyz (and the log) instead of crash-looping.
 */
import type { SecretReaders } from "../webhooks/read-webhook-auth.ts";
import { readWebhookConfig } from "../webhooks/read-webhook-config.ts";
import { WebhookConfigError } from "../webhooks/webhook-config-error.ts";
import type { WebhookSource } from "../webhooks/webhook-source.ts";

export type WebhookSourcesLoad =
  | { readonly ok: true; readonly sources: readonly WebhookSource[]; readonly note: string }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface WebhookSourceReaders extends SecretReaders {
  readonly exists: (path: string) => boolean;
}

export function loadWebhookSources(
  path: string | undefined,
  readers: WebhookSourceReaders,
): WebhookSourcesLoad {
  if (path === undefined)
    return { ok: true, sources: [], note: "HEADWIND_WEBHOOK_CONFIG is not set: no webhooks" };
  if (!readers.exists(path)) return { ok: true, sources: [], note: `${path} does not exist: no webhooks` };
  try {
    const { sources } = readWebhookConfig(readers.readFile(path), readers);
    return { ok: true, sources, note: `${sources.length} webhook source(s) from ${path}` };
  } catch (error) {
    if (error instanceof WebhookConfigError)
      return { ok: false, problems: error.problems.map((p) => `${path}: ${p}`) };
    return { ok: false, problems: [`${path}: ${error instanceof Error ? error.message : String(error)}`] };
  }
}
