/**
 * Reads a Helm HTTP repository's `index.yaml` for a few charts: a conditional GET (`If-None-Match`
 * with the ETag of the last read), basic auth from the HelmRepository's Secret, the body streamed
 * through the line scanner and cut off past a byte cap, one timeout over the whole exchange.
 * Redirects (repositories move, and CDNs redirect) are followed by hand, at most a few hops, over
 * http(s) only, and credentials never go to another origin.
 */
import type { RegistryCredentials } from "../registry/select-credentials.ts";
import { type ChartScan, createIndexScanner } from "./scan-helm-index.ts";

export interface IndexRequest {
  /** The repository URL (`spec.url`); the index is `<url>/index.yaml`. */
  readonly url: string;
  readonly charts: ReadonlySet<string>;
  readonly credentials?: RegistryCredentials | undefined;
  /** The ETag of the last complete read, to be told 304 when nothing changed. */
  readonly etag?: string | undefined;
}

export type IndexAnswer =
  | { readonly kind: "unchanged" }
  | { readonly kind: "read"; readonly etag: string | undefined; readonly charts: Map<string, ChartScan> }
  | { readonly kind: "error"; readonly message: string };

export interface IndexFetchOptions {
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutMs?: number;
  /** The whole index, decompressed. */
  readonly maxBytes?: number;
  /** One chart's entries. */
  readonly maxChartBytes?: number;
  readonly maxRedirects?: number;
}

export type HelmIndexFetcher = (request: IndexRequest) => Promise<IndexAnswer>;

const redirects = new Set([301, 302, 303, 307, 308]);

function indexUrl(url: string): URL {
  return new URL(`${url.replace(/\/+$/, "")}/index.yaml`);
}

async function scanBody(
  body: ReadableStream<Uint8Array>,
  charts: ReadonlySet<string>,
  maxBytes: number,
  maxChartBytes: number,
): Promise<Map<string, ChartScan> | string> {
  const scanner = createIndexScanner(charts, maxChartBytes);
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let size = 0;
  let partial = "";
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return `the index is larger than ${maxBytes} bytes`;
    }
    const lines = (partial + decoder.decode(read.value, { stream: true })).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) scanner.line(line.endsWith("\r") ? line.slice(0, -1) : line);
  }
  scanner.line(partial + decoder.decode());
  return scanner.finish();
}

function statusMessage(status: number, url: URL, credentials: boolean): string {
  if (status === 401 || status === 403)
    return credentials
      ? `unauthorized: the credentials for ${url.host} were refused (${status})`
      : `unauthorized: ${url.host} requires credentials (${status}) and the HelmRepository names no secretRef`;
  if (status === 404) return `not found: ${url.href} does not exist`;
  return `unavailable: ${url.host} answered ${status} to GET ${url.pathname}`;
}

function basic(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  return cause.cause instanceof Error ? cause.cause.message : cause.message;
}

type Hop = { readonly next: URL } | { readonly response: Response } | { readonly error: string };

/** One request; a redirect answers where to go next (credentials only ever to the first origin). */
async function hop(
  fetch: typeof globalThis.fetch,
  url: URL,
  origin: string,
  request: IndexRequest,
  signal: AbortSignal,
): Promise<Hop> {
  const headers: Record<string, string> = { accept: "application/yaml, text/yaml, */*" };
  if (request.credentials !== undefined && url.origin === origin)
    headers.authorization = basic(request.credentials);
  if (request.etag !== undefined) headers["if-none-match"] = request.etag;
  const response = await fetch(url, { headers, redirect: "manual", signal });
  if (!redirects.has(response.status)) return { response };
  await response.body?.cancel();
  const next = new URL(response.headers.get("location") ?? "", url);
  if (next.protocol !== "https:" && next.protocol !== "http:")
    return { error: `${url.host} redirected to ${next.protocol} (not followed)` };
  return { next };
}

export function createHelmIndexFetcher(options: IndexFetchOptions): HelmIndexFetcher {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const maxChartBytes = options.maxChartBytes ?? 4 * 1024 * 1024;
  const maxRedirects = options.maxRedirects ?? 5;

  async function answerOf(response: Response, url: URL, request: IndexRequest): Promise<IndexAnswer> {
    if (response.status === 304) {
      await response.body?.cancel();
      return { kind: "unchanged" };
    }
    if (response.status !== 200 || response.body === null) {
      await response.body?.cancel();
      return {
        kind: "error",
        message: statusMessage(response.status, url, request.credentials !== undefined),
      };
    }
    const charts = await scanBody(response.body, request.charts, maxBytes, maxChartBytes);
    if (typeof charts === "string") return { kind: "error", message: `protocol: ${charts}` };
    return { kind: "read", etag: response.headers.get("etag") ?? undefined, charts };
  }

  return async (request) => {
    let url: URL;
    try {
      url = indexUrl(request.url);
    } catch {
      return { kind: "error", message: `${JSON.stringify(request.url)} is not a URL` };
    }
    const origin = url.origin;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      for (let hops = 0; hops <= maxRedirects; hops++) {
        const step = await hop(options.fetch, url, origin, request, signal);
        if ("error" in step) return { kind: "error", message: step.error };
        if ("response" in step) return await answerOf(step.response, url, request);
        url = step.next;
      }
      return { kind: "error", message: `protocol: more than ${maxRedirects} redirects from ${request.url}` };
    } catch (cause) {
      return { kind: "error", message: `unavailable: cannot read ${url.href} (${describeCause(cause)})` };
    }
  };
}
