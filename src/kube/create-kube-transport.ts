/**
 * Raw Kubernetes API requests: the body goes on the wire exactly as given and comes back as parsed
 * JSON. client-node 1.4's typed models drop fields they do not map on some paths (its
 * KubernetesObjectApi.patch among them), so server-side apply and the few other calls the sidecar
 * makes go through this instead. Credentials, CA and exec/token-file auth still come from the
 * KubeConfig, applied per request so a rotated ServiceAccount token is picked up.
 */
import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeApiError } from "./kube-api-error.ts";

export interface KubeRequest {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path and query, e.g. `/api/v1/namespaces/headwind/configmaps?limit=500`. */
  readonly path: string;
  readonly body?: unknown;
  readonly contentType?: string;
  /** Ends the call early (a caller working to a deadline); it then rejects like a network failure. */
  readonly signal?: AbortSignal;
}

/** Resolves the parsed body of a 2xx answer; rejects with a `KubeApiError` otherwise. */
export type KubeTransport = (request: KubeRequest) => Promise<unknown>;

function statusOf(text: string): { message?: string; reason?: string } {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; reason?: unknown };
    return {
      ...(typeof parsed.message === "string" ? { message: parsed.message } : {}),
      ...(typeof parsed.reason === "string" ? { reason: parsed.reason } : {}),
    };
  } catch {
    return {};
  }
}

/** One exchange: the status and the body's text (the caller judges the status). */
function exchange(
  url: URL,
  options: https.RequestOptions,
  payload: string | undefined,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  const send = url.protocol === "http:" ? http.request : https.request;
  return new Promise((resolve, reject) => {
    const request = send(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
      );
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on("error", (error) =>
      reject(new KubeApiError(0, `${options.method} ${url.pathname}: ${error.message}`)),
    );
    request.end(payload);
  });
}

function optionsFor(method: string, timeoutMs: number, signal: AbortSignal | undefined) {
  const options: https.RequestOptions = {
    method,
    headers: { accept: "application/json" },
    timeout: timeoutMs,
  };
  if (signal) options.signal = signal;
  return options;
}

export function createKubeTransport(config: KubeConfig, timeoutMs = 30_000): KubeTransport {
  return async ({ method, path, body, contentType = "application/json", signal }) => {
    const server = config.getCurrentCluster()?.server;
    if (!server) throw new KubeApiError(0, "the kubeconfig names no current cluster");
    const url = new URL(path, server);
    const options = optionsFor(method, timeoutMs, signal);
    await config.applyToHTTPSOptions(options);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) options.headers = { ...options.headers, "content-type": contentType };
    const { status, text } = await exchange(url, options, payload, timeoutMs);
    if (status >= 200 && status < 300) return text === "" ? undefined : (JSON.parse(text) as unknown);
    const detail = statusOf(text);
    throw new KubeApiError(
      status,
      `${method} ${url.pathname}: HTTP ${status}${detail.message ? ` ${detail.message}` : ""}`,
      detail.reason,
    );
  };
}
