/**
 * One Kubernetes watch stream: newline-delimited JSON events, each line bounded, until the server
 * ends the stream, the caller aborts, or an event is an error. Re-listing after an end is the
 * caller's (list-and-watch.ts) job, because only it knows what to resync.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeApiError } from "./kube-api-error.ts";
import { createKubeConnection } from "./kube-connection.ts";

export interface WatchEvent<T> {
  readonly type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";
  readonly object: T;
}

export interface WatchRequest {
  /** The collection path, e.g. `/apis/apps/v1/deployments`, with any selector query. */
  readonly path: string;
  readonly resourceVersion: string;
  /** The server ends the stream after this long; the caller then watches again. */
  readonly timeoutSeconds?: number;
  readonly signal?: AbortSignal;
}

/** Resolves when the stream ends; rejects with a KubeApiError (410 when the version is too old). */
export type KubeWatch = <T>(request: WatchRequest, onEvent: (event: WatchEvent<T>) => void) => Promise<void>;

/** One event is one object; the apiserver's own limit for an object is far below this. */
const maxLineBytes = 16 * 1024 * 1024;

/** Feeds complete non-blank lines to `onLine`; a line longer than the cap throws. */
function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let buffered = "";
  return (chunk) => {
    buffered += chunk;
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== "") onLine(line);
      newline = buffered.indexOf("\n");
    }
    if (buffered.length > maxLineBytes) throw new Error(`a watch event larger than ${maxLineBytes} bytes`);
  };
}

export function createKubeWatch(config: KubeConfig): KubeWatch {
  const connection = createKubeConnection(config);
  return async (request, onEvent) => {
    const timeoutSeconds = request.timeoutSeconds ?? 300;
    const [path, existing] = request.path.split("?", 2);
    const query = new URLSearchParams(existing);
    query.set("watch", "1");
    query.set("allowWatchBookmarks", "true");
    query.set("resourceVersion", request.resourceVersion);
    query.set("timeoutSeconds", String(timeoutSeconds));
    const where = `WATCH ${path}`;
    const sent = await connection.open(
      "GET",
      `${path}?${query}`,
      { accept: "application/json" },
      (timeoutSeconds + 30) * 1000,
    );
    return new Promise<void>((resolve, reject) => {
      const abort = () => sent.destroy();
      request.signal?.addEventListener("abort", abort, { once: true });
      const settle = (error?: Error) => {
        request.signal?.removeEventListener("abort", abort);
        if (error && !request.signal?.aborted) reject(error);
        else resolve();
      };
      sent.on("error", (error) => settle(new KubeApiError(0, `${where}: ${error.message}`)));
      sent.on("response", (response) => {
        const status = response.statusCode ?? 0;
        if (status !== 200) {
          response.resume();
          settle(new KubeApiError(status, `${where}: HTTP ${status}`));
          return;
        }
        const split = lineSplitter((line) => {
          const event = JSON.parse(line) as { type: string; object: { code?: number; message?: string } };
          if (event.type !== "ERROR") return onEvent(event as never);
          response.destroy();
          settle(
            new KubeApiError(event.object.code ?? 0, `${where}: ${event.object.message ?? "error event"}`),
          );
        });
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          try {
            split(chunk);
          } catch (error) {
            response.destroy();
            settle(new KubeApiError(0, `${where}: ${(error as Error).message}`));
          }
        });
        response.on("end", () => settle());
        response.on("error", (error) => settle(new KubeApiError(0, `${where}: ${error.message}`)));
      });
      sent.end();
    });
  };
}
