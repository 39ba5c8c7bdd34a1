/**
 * Signs distribution registry tokens (distribution token spec): RS256 JWTs whose `x5c` header
 * carries a self-signed certificate the registry trusts through `rootcertbundle`. Shared by the
 * plain token service and the cloud registry stand-ins.
 */
import { randomUUID, sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSelfSignedCert } from "./registry-self-signed-cert.ts";

export interface TokenAccess {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

export interface TokenSigner {
  readonly issuer: string;
  /** PEM certificate path for the registry's `rootcertbundle`. */
  readonly rootCertBundle: string;
  /** A token for `audience` (the registry's `service`) granting `access`, valid `lifetimeSeconds`. */
  mint(subject: string, audience: string, access: readonly TokenAccess[], lifetimeSeconds?: number): string;
  remove(): void;
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/** `repository:apps/web:pull,push` → access entry; other scope types are ignored. */
export function parseScope(scope: string): TokenAccess | undefined {
  const match = scope.match(/^(repository):(.+):([a-z,*]+)$/);
  if (!match) return undefined;
  return { type: match[1] ?? "", name: match[2] ?? "", actions: (match[3] ?? "").split(",") };
}

export function createTokenSigner(issuer = "headwind-test-issuer"): TokenSigner {
  const dir = mkdtempSync(join(tmpdir(), "headwind-token-"));
  const cert = createSelfSignedCert("headwind-test-token-issuer");
  const rootCertBundle = join(dir, "token.crt");
  writeFileSync(rootCertBundle, cert.pem);
  return {
    issuer,
    rootCertBundle,
    mint(subject, audience, access, lifetimeSeconds = 300) {
      const now = Math.floor(Date.now() / 1000);
      const header = { alg: "RS256", typ: "JWT", x5c: [cert.der.toString("base64")] };
      const claims = {
        iss: issuer,
        sub: subject,
        aud: audience,
        exp: now + lifetimeSeconds,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access,
      };
      const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
      return `${input}.${base64url(sign("sha256", Buffer.from(input), cert.privateKey))}`;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
