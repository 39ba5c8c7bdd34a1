/** A throwaway RSA key standing in for Google's: signs Pub/Sub-style OIDC tokens for tests. */
import { generateKeyPairSync, sign } from "node:crypto";
import type { GoogleSigningKey } from "../../../../../src/sidecar/webhooks/auth/verify-google-oidc.ts";

export const pushAccount = "pubsub-push@acme-prod.iam.gserviceaccount.com";
export const pushAudience = "https://hooks.acme.example/webhooks/gar";

export function createGoogleTokenSigner(kid = "test-key-1") {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk: GoogleSigningKey = { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

  /** A bearer header for `claims` (defaults: a valid token issued at `nowSeconds`). */
  function bearer(
    nowSeconds: number,
    claims: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
  ) {
    const body = {
      iss: "https://accounts.google.com",
      aud: pushAudience,
      email: pushAccount,
      email_verified: true,
      sub: "112233445566778899000",
      azp: "112233445566778899000",
      iat: nowSeconds,
      exp: nowSeconds + 3600,
      ...claims,
    };
    const input = `${encode({ alg: "RS256", kid, typ: "JWT", ...header })}.${encode(body)}`;
    return `Bearer ${input}.${sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
  }

  return { jwk, bearer };
}
