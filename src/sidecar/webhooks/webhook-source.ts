/** One configured webhook sender: which parser, which secret URL path, how it authenticates. */
import type { WebhookAuth } from "./auth/webhook-auth.ts";
import type { WebhookVendor } from "./webhook-vendors.ts";

export interface WebhookSource {
  /** Operator's name for the source; a metric label and log field. */
  readonly name: string;
  readonly vendor: WebhookVendor;
  /** The `:path` segment of `POST /webhooks/:path`. */
  readonly path: string;
  /** Registry host for the events, instead of (or when missing from) the payload. */
  readonly registry?: string | undefined;
  readonly auth: WebhookAuth;
}
