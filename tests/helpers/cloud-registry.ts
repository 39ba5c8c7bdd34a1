/**
 * A cloud registry on loopback: the real distribution registry behind a front that speaks the
 * cloud's own auth protocol and accepts only credentials the cloud's stand-in issued.
 *
 * - `ecr`: `/v2/` answers `Basic` challenges; `AWS:<password>` from the ECR stand-in passes (the
 *   front then forwards with a registry token of its own).
 * - `gar`: distribution's `Bearer` challenge names the realm `/v2/token` on the same host, which
 *   takes `oauth2accesstoken:<access token>` from the metadata stand-in.
 * - `acr`: the realm is `/oauth2/token`, taking `00000000-0000-0000-0000-000000000000:<refresh
 *   token>`; refresh tokens come from `/oauth2/exchange` for an Entra stand-in access token.
 *
 * Every request is recorded with the credential it carried, so tests can show what reached whom.
 */
import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import { listenOnLoopback } from "./registry-listen.ts";
import { pushImage } from "./registry-push.ts";
import { type RegistryServer, startRegistry } from "./registry-server.ts";
import { basicUser } from "./registry-token-server.ts";
import { createTokenSigner, parseScope, type TokenAccess } from "./registry-token-signer.ts";

export type CloudRegistryKind = "ecr" | "gar" | "acr";

export interface CloudRegistryOptions {
  readonly kind: CloudRegistryKind;
  /** ECR and GAR: the basic credentials the cloud's stand-in issued. */
  readonly accepts?: (username: string, password: string) => boolean;
  /** ACR: Entra ID access tokens the exchange takes. */
  readonly acceptsEntraToken?: (token: string) => boolean;
  /** The test's clock, for ACR refresh-token expiry. */
  readonly now?: () => number;
  readonly refreshLifetimeMs?: number;
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The secret the request carried (basic password or bearer token), if any. */
  readonly secret: string | undefined;
}

export interface CloudRegistry {
  readonly origin: string;
  /** `127.0.0.1:<port>`: the registry part of repository keys. */
  readonly host: string;
  readonly requests: SeenRequest[];
  /** ACR `/oauth2/exchange` calls answered 200. */
  exchanges(): number;
  push(repository: string, tags: readonly string[], seed?: string): Promise<string>;
  stop(): Promise<void>;
}

export const acrUser = "00000000-0000-0000-0000-000000000000";
const realmPaths: Record<CloudRegistryKind, string> = {
  ecr: "/front-only",
  gar: "/v2/token",
  acr: "/oauth2/token",
};

function secretOf(header: string | undefined): string | undefined {
  if (header?.startsWith("Bearer ")) return header.slice(7);
  return basicUser(header)?.password;
}

/** `/v2/<name>/tags/list`, `/v2/<name>/manifests/<ref>` → `<name>`. */
function repositoryOf(path: string): string | undefined {
  return path.match(/^\/v2\/(.+)\/(?:tags\/list|manifests\/[^/]+)$/)?.[1];
}

const pullOnly = (scopes: readonly string[]): TokenAccess[] =>
  scopes.flatMap((scope) => {
    const access = parseScope(scope);
    return access === undefined ? [] : [{ ...access, actions: access.actions.filter((a) => a === "pull") }];
  });

export async function startCloudRegistry(options: CloudRegistryOptions): Promise<CloudRegistry> {
  const signer = createTokenSigner();
  const now = options.now ?? Date.now;
  const requests: SeenRequest[] = [];
  const refreshTokens = new Map<string, number>();
  let exchanges = 0;
  /** The Entra token an exchange carried in its form, for the request record. */
  const formSecrets = new WeakMap<Request, string>();
  let upstream: RegistryServer | undefined;
  let host = "";

  const forward = async (request: Request, authorization?: string) => {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.delete("host");
    if (authorization !== undefined) headers.set("authorization", authorization);
    const answer = await fetch(new URL(url.pathname + url.search, upstream?.origin), {
      method: request.method,
      headers,
      redirect: "manual",
    });
    return new Response(request.method === "HEAD" ? null : answer.body, answer);
  };
  const tokenAnswer = (scopes: readonly string[]) => {
    const token = signer.mint("headwind-sidecar", host, pullOnly(scopes));
    return Response.json({ token, access_token: token, expires_in: 300 });
  };
  const refused = () =>
    Response.json(
      { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] },
      { status: 401 },
    );

  const app = new Hono()
    .use(async (c, next) => {
      await next();
      const url = new URL(c.req.url);
      const secret = secretOf(c.req.header("authorization")) ?? formSecrets.get(c.req.raw);
      requests.push({ method: c.req.method, path: url.pathname + url.search, status: c.res.status, secret });
    })
    .get("/v2/token", (c) => {
      const presented = basicUser(c.req.header("authorization"));
      if (options.kind !== "gar" || !presented || !options.accepts?.(presented.user, presented.password))
        return refused();
      return tokenAnswer(c.req.queries("scope") ?? []);
    })
    .post("/oauth2/exchange", async (c) => {
      const form = new URLSearchParams(await c.req.text());
      const token = form.get("access_token") ?? "";
      formSecrets.set(c.req.raw, token);
      const valid =
        options.kind === "acr" &&
        form.get("grant_type") === "access_token" &&
        form.get("service") === host &&
        options.acceptsEntraToken?.(token);
      if (!valid) return refused();
      const expiresAt = now() + (options.refreshLifetimeMs ?? 3 * 3_600_000);
      const claims = Buffer.from(
        JSON.stringify({ exp: Math.floor(expiresAt / 1000), grant_type: "refresh_token", service: host }),
      ).toString("base64url");
      const refreshToken = `eyJhbGciOiJSUzI1NiJ9.${claims}.${randomBytes(16).toString("base64url")}`;
      refreshTokens.set(refreshToken, expiresAt);
      exchanges++;
      return c.json({ refresh_token: refreshToken });
    })
    .get("/oauth2/token", (c) => {
      const presented = basicUser(c.req.header("authorization"));
      const valid =
        options.kind === "acr" &&
        presented?.user === acrUser &&
        now() < (refreshTokens.get(presented.password) ?? Number.NEGATIVE_INFINITY);
      if (!valid) return refused();
      const token = signer.mint("headwind-sidecar", host, pullOnly(c.req.queries("scope") ?? []));
      return c.json({ access_token: token });
    })
    .all("/v2/*", async (c) => {
      if (options.kind !== "ecr") return forward(c.req.raw);
      const presented = basicUser(c.req.header("authorization"));
      if (!presented || !options.accepts?.(presented.user, presented.password)) {
        return c.text("Not Authorized\n", 401, {
          "www-authenticate": `Basic realm="http://${host}/",service="ecr.amazonaws.com"`,
        });
      }
      const repository = repositoryOf(new URL(c.req.url).pathname);
      const access =
        repository === undefined ? [] : [{ type: "repository", name: repository, actions: ["pull"] }];
      return forward(c.req.raw, `Bearer ${signer.mint("headwind-sidecar", host, access)}`);
    });

  const front = await listenOnLoopback(app.fetch);
  host = `127.0.0.1:${front.port}`;
  upstream = await startRegistry({
    auth: {
      kind: "token",
      realm: `${front.origin}${realmPaths[options.kind]}`,
      service: host,
      issuer: signer.issuer,
      rootCertBundle: signer.rootCertBundle,
    },
  });
  const registry = upstream;
  return {
    origin: front.origin,
    host,
    requests,
    exchanges: () => exchanges,
    push: (repository, tags, seed) =>
      pushImage(registry.origin, repository, tags, {
        authorization: `Bearer ${signer.mint("pusher", host, [{ type: "repository", name: repository, actions: ["pull", "push"] }])}`,
        ...(seed === undefined ? {} : { seed }),
      }),
    stop: async () => {
      await registry.stop();
      await front.close();
      signer.remove();
    },
  };
}
