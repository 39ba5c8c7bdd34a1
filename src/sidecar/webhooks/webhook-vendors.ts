/**
 * The vendors the receiver understands: which parser reads each one and which authentication
 * types make sense for it (a vendor that can sign is never allowed to go unsigned).
 */

import type { WebhookAuthType } from "./auth/webhook-auth.ts";
import { parseAcrWebhook } from "./vendors/parse-acr-webhook.ts";
import { parseDistributionWebhook } from "./vendors/parse-distribution-webhook.ts";
import { parseDockerhubWebhook } from "./vendors/parse-dockerhub-webhook.ts";
import { parseEcrWebhook } from "./vendors/parse-ecr-webhook.ts";
import { parseGarWebhook } from "./vendors/parse-gar-webhook.ts";
import { parseGenericWebhook } from "./vendors/parse-generic-webhook.ts";
import { parseGithubWebhook } from "./vendors/parse-github-webhook.ts";
import { parseHarborWebhook } from "./vendors/parse-harbor-webhook.ts";
import { parseJfrogWebhook } from "./vendors/parse-jfrog-webhook.ts";
import { parseNexusWebhook } from "./vendors/parse-nexus-webhook.ts";
import { parseQuayWebhook } from "./vendors/parse-quay-webhook.ts";
import type { WebhookParser } from "./vendors/parse-result.ts";

export interface WebhookVendorSpec {
  readonly parse: WebhookParser;
  readonly auth: readonly WebhookAuthType[];
  /** The payload names no registry host, so the source must configure `registry`. */
  readonly needsRegistry: boolean;
}

// Header-carried tokens are allowed wherever the vendor (or a proxy in front of it) can set a header.
const headerTypes: readonly WebhookAuthType[] = ["header-token", "basic", "none-secret-path"];

export const webhookVendors = {
  dockerhub: { parse: parseDockerhubWebhook, auth: headerTypes, needsRegistry: false },
  harbor: { parse: parseHarborWebhook, auth: headerTypes, needsRegistry: false },
  quay: { parse: parseQuayWebhook, auth: headerTypes, needsRegistry: false },
  github: { parse: parseGithubWebhook, auth: ["hmac-sha256", "hmac-sha1"], needsRegistry: false },
  distribution: { parse: parseDistributionWebhook, auth: headerTypes, needsRegistry: false },
  gitlab: {
    parse: (body, headers, options) => parseDistributionWebhook(body, headers, options, "gitlab"),
    auth: headerTypes,
    needsRegistry: false,
  },
  acr: { parse: parseAcrWebhook, auth: headerTypes, needsRegistry: false },
  gar: { parse: parseGarWebhook, auth: ["google-oidc", ...headerTypes], needsRegistry: false },
  ecr: { parse: parseEcrWebhook, auth: headerTypes, needsRegistry: false },
  jfrog: { parse: parseJfrogWebhook, auth: ["jfrog", ...headerTypes], needsRegistry: false },
  nexus: { parse: parseNexusWebhook, auth: ["hmac-sha1", "none-secret-path"], needsRegistry: true },
  generic: {
    parse: parseGenericWebhook,
    auth: ["generic-hmac-timestamp", "hmac-sha256", "header-token"],
    needsRegistry: false,
  },
} as const satisfies Record<string, WebhookVendorSpec>;

export type WebhookVendor = keyof typeof webhookVendors;

export function isWebhookVendor(name: string): name is WebhookVendor {
  return Object.hasOwn(webhookVendors, name);
}
