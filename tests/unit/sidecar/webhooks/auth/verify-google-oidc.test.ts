import { describe, expect, it } from "vitest";
import { jwtKeyId, verifyGoogleOidc } from "../../../../../src/sidecar/webhooks/auth/verify-google-oidc.ts";
import { createGoogleTokenSigner, pushAccount, pushAudience } from "./google-token-signer.ts";

const google = createGoogleTokenSigner();
const impostor = createGoogleTokenSigner();
const now = 1_767_225_600;
const expected = { audience: pushAudience, serviceAccount: pushAccount };
const verifyAt = (authorization: string | null, seconds = now) =>
  verifyGoogleOidc(authorization, [google.jwk], expected, seconds * 1000);

describe("verifyGoogleOidc", () => {
  it("accepts a token Google signed for the push account and audience", async () => {
    expect(await verifyAt(google.bearer(now))).toEqual({ kind: "ok" });
  });

  // columns: case | authorization | reason
  it.each([
    ["no header", null, "missing or malformed bearer token"],
    ["a token without Bearer", google.bearer(now).slice(7), "missing or malformed bearer token"],
    ["two segments", "Bearer a.b", "missing or malformed bearer token"],
    ["a header that is not JSON", "Bearer bm8.e30.AA", "missing or malformed bearer token"],
    ["HS256", google.bearer(now, {}, { alg: "HS256" }), "token is not RS256"],
    ["alg none", google.bearer(now, {}, { alg: "none" }), "token is not RS256"],
    ["an unknown kid", google.bearer(now, {}, { kid: "other" }), "token signed by an unknown key"],
    [
      "someone else's key under Google's kid",
      impostor.bearer(now, {}, { kid: "test-key-1" }),
      "bad token signature",
    ],
    [
      "the issuer of another IdP",
      google.bearer(now, { iss: "https://evil.example" }),
      "token issuer is not Google",
    ],
    [
      "another audience",
      google.bearer(now, { aud: "https://other.example" }),
      "token audience does not match",
    ],
    [
      "another service account",
      google.bearer(now, { email: "x@y.iam.gserviceaccount.com" }),
      "token is not from the push service account",
    ],
    [
      "an unverified email",
      google.bearer(now, { email_verified: false }),
      "token is not from the push service account",
    ],
    ["an expired token", google.bearer(now - 7200), "token expired"],
    ["no exp", google.bearer(now, { exp: undefined }), "token expired"],
    ["a token from the future", google.bearer(now + 600), "token issued in the future"],
  ])("refuses %s", async (_case, authorization, reason) => {
    expect(await verifyAt(authorization)).toEqual({ kind: "unauthorized", reason });
  });

  it("accepts the bare issuer and an audience list", async () => {
    const token = google.bearer(now, { iss: "accounts.google.com", aud: ["x", pushAudience] });
    expect(await verifyAt(token)).toEqual({ kind: "ok" });
  });

  it("tolerates a minute of clock skew", async () => {
    expect((await verifyAt(google.bearer(now), now + 3600 + 59)).kind).toBe("ok");
    expect((await verifyAt(google.bearer(now + 59))).kind).toBe("ok");
  });

  it("detects a tampered payload", async () => {
    const [scheme, token] = google.bearer(now).split(" ") as [string, string];
    const [header, , signature] = token.split(".");
    const claims = Buffer.from(JSON.stringify({ iss: "accounts.google.com", aud: pushAudience })).toString(
      "base64url",
    );
    expect(await verifyAt(`${scheme} ${header}.${claims}.${signature}`)).toEqual({
      kind: "unauthorized",
      reason: "bad token signature",
    });
  });
});

describe("jwtKeyId", () => {
  it.each([
    [google.bearer(now), "test-key-1"],
    ["Bearer x", undefined],
    [null, undefined],
  ])("jwtKeyId(%#) is %s", async (authorization, kid) => {
    expect(jwtKeyId(authorization)).toBe(kid);
  });
});
