/**
 * Raw Kubernetes API requests: the body goes on the wire exactly as given and comes back as parsed
 * JSON. client-node 1.4's typed models drop fields they do not map on some paths (its
 * KubernetesObjectApi.patch among them), so every call Headwind makes goes through this instead;
 * client-node only loads the kubeconfig.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeApiError, type KubeStatusCause } from "./kube-api-error.ts";
import { createKubeConnection, type KubeConnection } from "./kube-connection.ts";

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

/** An apiserver answer is bounded too: a List of 500 large objects stays far below this. */
const maxBodyBytes = 64 * 1024 * 1024;

function statusOf(text: string): { message?: string; reason?: string; causes: KubeStatusCause[] } {
  try {
    const parsed = JSON.parse(text) as {
      message?: unknown;
      reason?: unknown;
      details?: { causes?: unknown };
    };
    const causes = Array.isArray(parsed.details?.causes) ? (parsed.details.causes as unknown[]) : [];
    return {
      ...(typeof parsed.message === "string" ? { message: parsed.message } : {}),
      ...(typeof parsed.reason === "string" ? { reason: parsed.reason } : {}),
      causes: causes.filter((c): c is KubeStatusCause => typeof c === "object" && c !== null),
    };
  } catch {
    return { causes: [] };
  }
}

/** One exchange: the status and the body's text (the caller judges the status). */
async function exchange(
  connection: KubeConnection,
  request: KubeRequest,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers: Record<string, string> = { accept: "application/json" };
  if (payload !== undefined) {
    headers["content-type"] = request.contentType ?? "application/json";
    // Node frames a DELETE's body only with this header; unframed, the apiserver read the body as
    // the next request on the kept-alive connection and answered it with a bare 400.
    headers["content-length"] = String(Buffer.byteLength(payload));
  }
  const where = `${request.method} ${request.path.split("?")[0]}`;
  request.signal?.throwIfAborted();
  const sent = await connection.open(request.method, request.path, headers, timeoutMs);
  const abort = () => sent.destroy(new Error("the caller's time budget ran out"));
  request.signal?.addEventListener("abort", abort, { once: true });
  sent.once("close", () => request.signal?.removeEventListener("abort", abort));
  return new Promise((resolve, reject) => {
    sent.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBodyBytes) response.destroy(new Error(`answer larger than ${maxBodyBytes} bytes`));
        else chunks.push(chunk);
      });
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
      );
      response.on("error", (error) => reject(new KubeApiError(0, `${where}: ${error.message}`)));
    });
    sent.on("error", (error) => reject(new KubeApiError(0, `${where}: ${error.message}`)));
    sent.end(payload);
  });
}

export function createKubeTransport(config: KubeConfig, timeoutMs = 30_000): KubeTransport {
  const connection = createKubeConnection(config);
  return async (request) => {
    const { status, text } = await exchange(connection, request, timeoutMs);
    if (status >= 200 && status < 300) return text === "" ? undefined : (JSON.parse(text) as unknown);
    const detail = statusOf(text);
    throw new KubeApiError(
      status,
      `${request.method} ${request.path.split("?")[0]}: HTTP ${status}${detail.message ? ` ${detail.message}` : ""}`,
      detail.reason,
      detail.causes,
    );
  };
}
