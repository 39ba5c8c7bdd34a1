/**
 * A loopback stand-in for the GCE/GKE metadata server (what GKE Workload Identity serves to pods):
 * every request must carry `Metadata-Flavor: Google` and every answer does; the default service
 * account's token endpoint issues OAuth access tokens that the Artifact Registry stand-in accepts
 * until they expire (by the test's clock). Point google-auth-library at it with GCE_METADATA_HOST.
 */
import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import { listenOnLoopback } from "./registry-listen.ts";

export interface GceMetadataOptions {
  readonly now: () => number;
  readonly lifetimeSeconds?: number;
}

export interface GceMetadata {
  /** `127.0.0.1:<port>`, for GCE_METADATA_HOST. */
  readonly host: string;
  /** Token requests, in order: `token 200`, `token 500`, … */
  readonly calls: string[];
  accepts(username: string, password: string): boolean;
  /** Makes the token endpoint answer `status` (undefined: issue tokens again). */
  failWith(status: number | undefined): void;
  stop(): Promise<void>;
}

const base = "/computeMetadata/v1";

export async function startGceMetadata(options: GceMetadataOptions): Promise<GceMetadata> {
  const calls: string[] = [];
  const tokens = new Map<string, number>();
  let failure: number | undefined;
  const lifetimeSeconds = options.lifetimeSeconds ?? 3599;
  const app = new Hono()
    .use(async (c, next) => {
      if (c.req.header("metadata-flavor") !== "Google")
        return c.text("Missing Metadata-Flavor:Google header", 403);
      await next();
      c.header("metadata-flavor", "Google");
    })
    .get(`${base}/instance`, (c) => c.text("attributes/\nservice-accounts/\n"))
    .get(`${base}/project/project-id`, (c) => c.text("headwind-test"))
    .get(`${base}/instance/service-accounts/default/token`, (c) => {
      if (failure !== undefined) {
        calls.push(`token ${failure}`);
        return c.text("the metadata server could not get a token", failure as 500);
      }
      const token = `ya29.${randomBytes(24).toString("base64url")}`;
      tokens.set(token, options.now() + lifetimeSeconds * 1000);
      calls.push("token 200");
      return c.json({ access_token: token, expires_in: lifetimeSeconds, token_type: "Bearer" });
    });
  const server = await listenOnLoopback(app.fetch);
  return {
    host: `127.0.0.1:${server.port}`,
    calls,
    accepts: (username, password) =>
      username === "oauth2accesstoken" && options.now() < (tokens.get(password) ?? Number.NEGATIVE_INFINITY),
    failWith: (status) => {
      failure = status;
    },
    stop: () => server.close(),
  };
}
