/**
 * A tiny token service for distribution's `auth.token` mode (distribution token spec): checks
 * Basic credentials, grants the requested repository actions to known users (nothing to
 * anonymous callers) and signs RS256 JWTs whose `x5c` header carries the self-signed certificate
 * the registry trusts through `rootcertbundle`.
 */
import { Hono } from "hono";
import { listenOnLoopback } from "./registry-listen.ts";
import { createTokenSigner, parseScope, type TokenAccess } from "./registry-token-signer.ts";

export type { TokenAccess } from "./registry-token-signer.ts";

export interface TokenServer {
  /** The realm the registry names in its challenge. */
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  /** PEM certificate path for the registry's `rootcertbundle`. */
  readonly rootCertBundle: string;
  /** Token requests received, with the scopes asked and the user (or `anonymous`). */
  readonly requests: { user: string; scopes: string[]; status: number }[];
  /** Signs a token directly, e.g. with push rights for the test's own uploads. */
  mint(subject: string, access: readonly TokenAccess[]): string;
  stop(): Promise<void>;
}

/** The user and password of a `Basic` authorization header, or undefined. */
export function basicUser(header: string | undefined): { user: string; password: string } | undefined {
  if (!header?.startsWith("Basic ")) return undefined;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function startTokenServer(users: Readonly<Record<string, string>>): Promise<TokenServer> {
  const signer = createTokenSigner();
  const service = "headwind-test-registry";
  const requests: TokenServer["requests"] = [];
  const mint = (subject: string, access: readonly TokenAccess[]) => signer.mint(subject, service, access);

  const app = new Hono().get("/token", (c) => {
    const scopes = c.req.queries("scope") ?? [];
    const presented = basicUser(c.req.header("authorization"));
    const user = presented?.user ?? "anonymous";
    if (presented !== undefined && users[presented.user] !== presented.password) {
      requests.push({ user, scopes, status: 401 });
      return c.json({ errors: [{ code: "UNAUTHORIZED", message: "bad credentials" }] }, 401);
    }
    // Anonymous callers get a token that grants nothing, as Docker Hub does for private repositories.
    const access = presented === undefined ? [] : scopes.flatMap((scope) => parseScope(scope) ?? []);
    requests.push({ user, scopes, status: 200 });
    const token = mint(user, access);
    return c.json({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
  });
  const server = await listenOnLoopback(app.fetch);
  return {
    realm: `${server.origin}/token`,
    service,
    issuer: signer.issuer,
    rootCertBundle: signer.rootCertBundle,
    requests,
    mint,
    stop: async () => {
      await server.close();
      signer.remove();
    },
  };
}
