/**
 * A static Helm chart repository on loopback: `GET /<path>/index.yaml` with a strong ETag (304 on
 * `If-None-Match`), optional basic auth, optional gzip, redirects, and a record of every request
 * (with whether it carried credentials) so tests see exactly what the sidecar sent.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { stringify } from "yaml";
import { type LoopbackServer, listenOnLoopback } from "./registry-listen.ts";

export interface ServedIndex {
  /** The index body, as written to the wire. */
  body: string;
  /** Basic credentials the path requires. */
  basic?: { username: string; password: string };
  gzip?: boolean;
  /** Answer with this redirect instead. */
  redirectTo?: string;
}

export interface IndexServer extends LoopbackServer {
  /** Served paths (`/stable/index.yaml`) → what they serve; change it to publish. */
  readonly paths: Map<string, ServedIndex>;
  readonly requests: {
    path: string;
    authorization: string | undefined;
    ifNoneMatch: string | undefined;
    status: number;
  }[];
}

export function helmIndex(charts: Record<string, { version: string; created?: string }[]>): string {
  const entries = Object.fromEntries(
    Object.entries(charts).map(([name, versions]) => [
      name,
      versions.map(({ version, created }) => ({
        apiVersion: "v2",
        ...(created ? { created } : {}),
        digest: createHash("sha256").update(`${name}-${version}`).digest("hex"),
        name,
        urls: [`charts/${name}-${version}.tgz`],
        version,
      })),
    ]),
  );
  return stringify({ apiVersion: "v1", entries, generated: "2026-01-01T00:00:00Z" });
}

export async function startIndexServer(): Promise<IndexServer> {
  const paths = new Map<string, ServedIndex>();
  const requests: IndexServer["requests"] = [];
  const server = await listenOnLoopback((request) => {
    const url = new URL(request.url);
    const authorization = request.headers.get("authorization") ?? undefined;
    const ifNoneMatch = request.headers.get("if-none-match") ?? undefined;
    const answer = (response: Response) => {
      requests.push({ path: url.pathname, authorization, ifNoneMatch, status: response.status });
      return response;
    };
    const served = paths.get(url.pathname);
    if (served === undefined) return answer(new Response("not found", { status: 404 }));
    if (served.redirectTo)
      return answer(new Response(null, { status: 302, headers: { location: served.redirectTo } }));
    if (served.basic) {
      const expected = `Basic ${Buffer.from(`${served.basic.username}:${served.basic.password}`).toString("base64")}`;
      if (authorization !== expected)
        return answer(
          new Response("unauthorized", {
            status: 401,
            headers: { "www-authenticate": 'Basic realm="charts"' },
          }),
        );
    }
    const etag = `"${createHash("sha256").update(served.body).digest("hex").slice(0, 16)}"`;
    if (ifNoneMatch === etag) return answer(new Response(null, { status: 304, headers: { etag } }));
    const headers: Record<string, string> = { etag, "content-type": "text/yaml" };
    if (served.gzip) {
      headers["content-encoding"] = "gzip";
      return answer(new Response(gzipSync(served.body), { headers }));
    }
    return answer(new Response(served.body, { headers }));
  });
  return { ...server, paths, requests };
}
