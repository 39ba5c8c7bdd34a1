/**
 * Verifies the Google-signed OIDC token a Pub/Sub push subscription sends with authentication on
 * (`Authorization: Bearer <JWT>`): RS256 signature against Google's published keys, then the claims
 * Google documents — `iss` accounts.google.com, `aud` the configured audience, `email` the push
 * service account with `email_verified`, `exp`/`iat` around now.
 * cloud.google.com/pubsub/docs/authenticate-push-subscriptions; Flux's `gcr` receiver does the same.
 */
import { createPublicKey, type JsonWebKey, verify } from "node:crypto";
import type { AuthResult } from "./auth-result.ts";

export interface GoogleOidcExpectation {
  readonly audience: string;
  readonly serviceAccount: string;
}

/** A signing key as Google publishes it (https://www.googleapis.com/oauth2/v3/certs). */
export type GoogleSigningKey = JsonWebKey & { readonly kid?: string };

const issuers = new Set(["accounts.google.com", "https://accounts.google.com"]);
/** Clock skew allowed between Google and us. */
const leewaySeconds = 60;

interface Jwt {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
  readonly signingInput: string;
  readonly signature: Buffer;
}

/** The `kid` of a bearer JWT, so the caller can fetch the right key set; undefined when unreadable. */
export function jwtKeyId(authorization: string | null): string | undefined {
  const kid = decodeJwt(authorization)?.header.kid;
  return typeof kid === "string" ? kid : undefined;
}

export function verifyGoogleOidc(
  authorization: string | null,
  keys: readonly GoogleSigningKey[],
  expected: GoogleOidcExpectation,
  nowMs: number,
): AuthResult {
  const jwt = decodeJwt(authorization);
  if (jwt === undefined) return unauthorized("missing or malformed bearer token");
  if (jwt.header.alg !== "RS256") return unauthorized("token is not RS256");
  const key = keys.find((candidate) => candidate.kid === jwt.header.kid);
  if (key === undefined) return unauthorized("token signed by an unknown key");
  if (!signatureMatches(jwt, key)) return unauthorized("bad token signature");
  return checkClaims(jwt.claims, expected, nowMs / 1000);
}

function checkClaims(
  claims: Record<string, unknown>,
  expected: GoogleOidcExpectation,
  now: number,
): AuthResult {
  const { iss, aud, email, email_verified: verified, exp, iat } = claims;
  if (typeof iss !== "string" || !issuers.has(iss)) return unauthorized("token issuer is not Google");
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(expected.audience)) return unauthorized("token audience does not match");
  if (email !== expected.serviceAccount || verified !== true)
    return unauthorized("token is not from the push service account");
  if (typeof exp !== "number" || exp + leewaySeconds < now) return unauthorized("token expired");
  if (typeof iat === "number" && iat - leewaySeconds > now) return unauthorized("token issued in the future");
  return { kind: "ok" };
}

function signatureMatches(jwt: Jwt, key: GoogleSigningKey): boolean {
  try {
    const publicKey = createPublicKey({ key, format: "jwk" });
    return verify("sha256", Buffer.from(jwt.signingInput), publicKey, jwt.signature);
  } catch {
    return false;
  }
}

function decodeJwt(authorization: string | null): Jwt | undefined {
  const match = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(
    authorization?.trim() ?? "",
  );
  if (match === null) return undefined;
  const [, header, claims, signature] = match as unknown as [string, string, string, string];
  const decodedHeader = decodeJson(header);
  const decodedClaims = decodeJson(claims);
  if (decodedHeader === undefined || decodedClaims === undefined) return undefined;
  return {
    header: decodedHeader,
    claims: decodedClaims,
    signingInput: `${header}.${claims}`,
    signature: Buffer.from(signature, "base64url"),
  };
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function unauthorized(reason: string): AuthResult {
  return { kind: "unauthorized", reason };
}
