/**
 * How a source proves a request is really from its registry, with secrets already resolved
 * (from env vars or mounted files; never written inline in the config).
 */

export const webhookAuthTypes = [
  "hmac-sha256",
  "hmac-sha1",
  "header-token",
  "basic",
  "none-secret-path",
  "jfrog",
  "generic-hmac-timestamp",
  "google-oidc",
] as const;

export type WebhookAuthType = (typeof webhookAuthTypes)[number];

export type WebhookAuth =
  /** Hex HMAC of the raw body in `header`, optionally prefixed `sha256=` / `sha1=` (GitHub, Nexus). */
  | { readonly type: "hmac-sha256" | "hmac-sha1"; readonly header: string; readonly secret: string }
  /** `header` must equal the secret exactly (Harbor's Auth Header, ACR/distribution/ECR custom headers). */
  | { readonly type: "header-token"; readonly header: string; readonly secret: string }
  /** `Authorization: Basic` (EventBridge BASIC connections, proxies). */
  | { readonly type: "basic"; readonly username: string; readonly secret: string }
  /** The path itself is the secret (Docker Hub, Quay: vendors that cannot send anything else). */
  | { readonly type: "none-secret-path" }
  /** `X-JFrog-Event-Auth`: the secret verbatim, or the hex HMAC-SHA256 of the body when signing is on. */
  | { readonly type: "jfrog"; readonly mode: "token" | "hmac" | "either"; readonly secret: string }
  /** Headwind's own: `X-Headwind-Signature: sha256=<hex HMAC(timestamp "." body)>` plus a time window. */
  | { readonly type: "generic-hmac-timestamp"; readonly secret: string; readonly toleranceSeconds: number }
  /** Pub/Sub push authentication: a Google-signed OIDC token for the push service account. No secret. */
  | { readonly type: "google-oidc"; readonly audience: string; readonly serviceAccount: string };
