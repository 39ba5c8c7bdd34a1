/**
 * A hono proxy in front of a real registry, for behaviour distribution 2.8 does not have: a 429
 * answered once, rate-limit headers, or OCI tag-list pagination. Every request it does not
 * intercept is forwarded unchanged.
 */
import { Hono } from "hono";
import { type LoopbackServer, listenOnLoopback } from "./registry-listen.ts";

/** Returns a response to answer instead of the registry, or undefined to forward. */
export type Intercept = (
  request: Request,
  forward: (request: Request) => Promise<Response>,
) => Promise<Response | undefined>;

export interface RegistryProxy extends LoopbackServer {
  /** `127.0.0.1:<port>`, the registry part of repository keys going through the proxy. */
  readonly host: string;
}

export async function startRegistryProxy(upstream: string, intercept: Intercept): Promise<RegistryProxy> {
  const forward = async (request: Request) => {
    const url = new URL(request.url);
    const target = new URL(url.pathname + url.search, upstream);
    const headers = new Headers(request.headers);
    headers.delete("host");
    const response = await fetch(target, { method: request.method, headers, redirect: "manual" });
    // Re-wrap so the body and headers can be rewritten by interceptors (fetch headers are immutable).
    return new Response(request.method === "HEAD" ? null : response.body, {
      status: response.status,
      headers: response.headers,
    });
  };
  const app = new Hono().all("*", async (c) => (await intercept(c.req.raw, forward)) ?? forward(c.req.raw));
  const server = await listenOnLoopback(app.fetch);
  return { ...server, host: `127.0.0.1:${server.port}` };
}

/** The page `n`/`last` select, and the relative URL of the next page while more remain. */
function slicePage(sorted: readonly string[], url: URL): { page: string[]; next: string | undefined } {
  const n = Number(url.searchParams.get("n") ?? sorted.length);
  const last = url.searchParams.get("last");
  const start = last === null ? 0 : sorted.findIndex((tag) => tag > last);
  const page = start < 0 ? [] : sorted.slice(start, start + n);
  const lastOnPage = page.at(-1);
  if (lastOnPage === undefined || start + n >= sorted.length) return { page, next: undefined };
  return { page, next: `${url.pathname}?n=${n}&last=${encodeURIComponent(lastOnPage)}` };
}

/**
 * Pages `tags/list` the OCI way (distribution v3 does; 2.8 ignores `n`): sorted, `n` per page,
 * `last` to resume, a `Link: <…>; rel="next"` while more remain — relative by default, or
 * absolute on a chosen origin (to test absolute and cross-origin links).
 */
export function paginateTags(options: { linkOrigin?: string } = {}): Intercept {
  return async (request, forward) => {
    const url = new URL(request.url);
    if (request.method !== "GET" || !url.pathname.endsWith("/tags/list")) return undefined;
    const upstream = await forward(new Request(new URL(url.pathname, url), { headers: request.headers }));
    if (upstream.status !== 200) return upstream;
    const { name, tags } = (await upstream.json()) as { name: string; tags: string[] | null };
    const { page, next } = slicePage([...(tags ?? [])].sort(), url);
    const headers = new Headers({ "content-type": "application/json" });
    if (next !== undefined) headers.set("link", `<${(options.linkOrigin ?? "") + next}>; rel="next"`);
    return new Response(JSON.stringify({ name, tags: page }), { status: 200, headers });
  };
}
