/**
 * Where and how to reach the apiserver: the current cluster's URL and the request options that
 * carry its CA and credentials. Applied per request so a rotated ServiceAccount token is picked up.
 */
import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeApiError } from "./kube-api-error.ts";

export interface KubeConnection {
  /** A request to `path` (path and query) with credentials applied; not yet sent. */
  open(
    method: string,
    path: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<http.ClientRequest>;
}

export function createKubeConnection(config: KubeConfig): KubeConnection {
  return {
    async open(method, path, headers, timeoutMs) {
      const server = config.getCurrentCluster()?.server;
      if (!server) throw new KubeApiError(0, "the kubeconfig names no current cluster");
      const url = new URL(path, server);
      const options: https.RequestOptions = { method, headers: { ...headers }, timeout: timeoutMs };
      await config.applyToHTTPSOptions(options);
      const send = url.protocol === "http:" ? http.request : https.request;
      const request = send(url, options);
      request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      return request;
    },
  };
}
