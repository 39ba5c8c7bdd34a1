/**
 * Checks a request against its source's authentication. No I/O: the raw body, the headers and the
 * current time come in (and, for `google-oidc`, Google's current keys; that check is async).
 */

import { safeEqual } from "../../../core/crypto/safe-equal.ts";
import type { HeadersLike } from "../vendors/headers-like.ts";
import type { AuthResult } from "./auth-result.ts";
import { hmacHex } from "./hmac-hex.ts";
import { type GoogleSigningKey, verifyGoogleOidc } from "./verify-google-oidc.ts";
import type { WebhookAuth } from "./webhook-auth.ts";

const hmacAlgorithm = { "hmac-sha256": "sha256", "hmac-sha1": "sha1" } as const;
const ok: AuthResult = { kind: "ok" };
const unauthorized = (reason: string): AuthResult => ({ kind: "unauthorized", reason });

/** `googleKeys` is the current Google key set, needed only for `google-oidc` (the caller fetches it). */
export async function verifyWebhookAuth(
  auth: WebhookAuth,
  raw: Uint8Array,
  headers: HeadersLike,
  nowMs: number,
  googleKeys: readonly GoogleSigningKey[] = [],
): Promise<AuthResult> {
  switch (auth.type) {
    case "none-secret-path":
      return ok;
    case "header-token":
      return checkToken(headers.get(auth.header), auth.secret, auth.header);
    case "basic":
      return checkBasic(headers.get("authorization"), auth.username, auth.secret);
    case "hmac-sha256":
    case "hmac-sha1":
      return checkHmac(
        headers.get(auth.header),
        hmacHex(hmacAlgorithm[auth.type], auth.secret, raw),
        auth.header,
      );
    case "jfrog":
      return checkJfrog(headers.get("x-jfrog-event-auth"), auth, raw);
    case "generic-hmac-timestamp":
      return checkGeneric(headers, auth, raw, nowMs);
    case "google-oidc":
      return verifyGoogleOidc(headers.get("authorization"), googleKeys, auth, nowMs);
  }
}

function checkToken(value: string | null, secret: string, header: string): AuthResult {
  if (value === null) return unauthorized(`missing ${header} header`);
  return safeEqual(value, secret) ? ok : unauthorized(`wrong ${header} header`);
}

function checkBasic(value: string | null, username: string, secret: string): AuthResult {
  if (value === null) return unauthorized("missing Authorization header");
  const expected = `Basic ${Buffer.from(`${username}:${secret}`).toString("base64")}`;
  return safeEqual(value.trim(), expected) ? ok : unauthorized("wrong basic credentials");
}

/** GitHub prefixes the hex with `sha256=` (or `sha1=`); Nexus sends bare hex. Hex case is ignored. */
function checkHmac(value: string | null, expectedHex: string, header: string): AuthResult {
  if (value === null) return unauthorized(`missing ${header} header`);
  const hex = value
    .trim()
    .replace(/^sha(?:256|1)=/i, "")
    .toLowerCase();
  return safeEqual(hex, expectedHex) ? ok : unauthorized(`bad signature in ${header}`);
}

function checkJfrog(
  value: string | null,
  auth: Extract<WebhookAuth, { type: "jfrog" }>,
  raw: Uint8Array,
): AuthResult {
  if (value === null) return unauthorized("missing X-JFrog-Event-Auth header");
  const given = value.trim();
  // Both comparisons always run, so timing does not tell which form was expected.
  const tokenOk = safeEqual(given, auth.secret);
  const hmacOk = safeEqual(given.toLowerCase(), hmacHex("sha256", auth.secret, raw));
  const accepted = (auth.mode !== "hmac" && tokenOk) || (auth.mode !== "token" && hmacOk);
  return accepted ? ok : unauthorized("wrong X-JFrog-Event-Auth header");
}

function checkGeneric(
  headers: HeadersLike,
  auth: Extract<WebhookAuth, { type: "generic-hmac-timestamp" }>,
  raw: Uint8Array,
  nowMs: number,
): AuthResult {
  const timestamp = headers.get("x-headwind-timestamp")?.trim();
  const signature = headers.get("x-headwind-signature");
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) {
    return unauthorized("missing or malformed X-Headwind-Timestamp header");
  }
  const checked = checkHmac(
    signature,
    hmacHex("sha256", auth.secret, `${timestamp}.`, raw),
    "X-Headwind-Signature",
  );
  if (checked.kind !== "ok") return checked;
  const skewSeconds = Math.abs(nowMs / 1000 - Number(timestamp));
  return skewSeconds > auth.toleranceSeconds
    ? { kind: "stale", reason: `X-Headwind-Timestamp is ${Math.round(skewSeconds)}s away from now` }
    : ok;
}
