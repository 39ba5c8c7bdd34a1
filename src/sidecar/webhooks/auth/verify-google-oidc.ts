/**
 * Verifies the Google-signed OIDC token a Pub/Sub push subscription sends with authentication on
 * (`Authorization: Bearer <JWT>`), with `jose`: RS256 only, a key from Google's published set, and
 * the claims Google documents — `iss` accounts.google.com, `aud` the configured audience, `exp`
 * and `iat` around now — then `email` the push service account with `email_verified`.
 * cloud.google.com/pubsub/docs/authenticate-push-subscriptions; Flux's `gcr` receiver does the same.
 */

import { createLocalJWKSet, decodeProtectedHeader, errors, type JWK, jwtVerify } from "jose";
import type { AuthResult } from "./auth-result.ts";

export interface GoogleOidcExpectation {
  readonly audience: string;
  readonly serviceAccount: string;
}

/** A signing key as Google publishes it (https://www.googleapis.com/oauth2/v3/certs). */
export type GoogleSigningKey = JWK & { readonly kid?: string };

const issuers = ["accounts.google.com", "https://accounts.google.com"];
/** Clock skew allowed between Google and us. */
const leewaySeconds = 60;

function bearerOf(authorization: string | null): string | undefined {
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(authorization?.trim() ?? "");
  return match?.[1];
}

/** The `kid` of a bearer JWT, so the caller can fetch the right key set; undefined when unreadable. */
export function jwtKeyId(authorization: string | null): string | undefined {
  const token = bearerOf(authorization);
  if (token === undefined) return undefined;
  try {
    return decodeProtectedHeader(token).kid;
  } catch {
    return undefined;
  }
}

export async function verifyGoogleOidc(
  authorization: string | null,
  keys: readonly GoogleSigningKey[],
  expected: GoogleOidcExpectation,
  nowMs: number,
): Promise<AuthResult> {
  const token = bearerOf(authorization);
  if (token === undefined) return unauthorized("missing or malformed bearer token");
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [...keys] }), {
      algorithms: ["RS256"],
      issuer: issuers,
      audience: expected.audience,
      clockTolerance: leewaySeconds,
      currentDate: new Date(nowMs),
      requiredClaims: ["exp"],
    });
    // jose checks exp and nbf; a token minted in our future is refused here.
    if (typeof payload.iat === "number" && payload.iat - leewaySeconds > nowMs / 1000)
      return unauthorized("token issued in the future");
    if (payload.email !== expected.serviceAccount || payload.email_verified !== true)
      return unauthorized("token is not from the push service account");
    return { kind: "ok" };
  } catch (error) {
    return unauthorized(reasonOf(error));
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JOSEAlgNotAllowed) return "token is not RS256";
  if (error instanceof errors.JWKSNoMatchingKey) return "token signed by an unknown key";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "bad token signature";
  if (error instanceof errors.JWTExpired) return "token expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claims: Record<string, string> = {
      iss: "token issuer is not Google",
      aud: "token audience does not match",
      exp: "token expired",
      nbf: "token not valid yet",
    };
    return claims[error.claim] ?? `token claim ${error.claim} is not valid`;
  }
  return "missing or malformed bearer token";
}

function unauthorized(reason: string): AuthResult {
  return { kind: "unauthorized", reason };
}
