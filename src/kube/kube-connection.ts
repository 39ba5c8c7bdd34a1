/**
 * Where and how to reach the apiserver: the current cluster's URL and the request options that
 * carry its CA and credentials. Applied per request so a rotated ServiceAccount token is picked up.
 *
 * client-node's `applyToHTTPSOptions` hands out a new https.Agent with every call, which costs a
 * TLS handshake (and a new SecureContext) per request: under a fan-out that was most of the hooks
 * server's CPU and much of the apiserver's. Requests here share one keep-alive agent instead, made
 * again only when the TLS material itself changes.
 */
import { createHash } from "node:crypto";
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

type TlsOptions = Pick<https.AgentOptions, "ca" | "cert" | "key" | "servername" | "rejectUnauthorized">;

function fingerprint(tls: TlsOptions): string {
  const hash = createHash("sha256");
  for (const part of [tls.ca, tls.cert, tls.key, tls.servername, tls.rejectUnauthorized])
    hash.update(`${part === undefined ? "" : String(part)}\0`);
  return hash.digest("hex");
}

export function createKubeConnection(config: KubeConfig): KubeConnection {
  let pooled: { fingerprint: string; agent: https.Agent } | undefined;
  const agentFor = (options: https.RequestOptions): https.Agent => {
    const tls: TlsOptions = {
      ca: options.ca,
      cert: options.cert,
      key: options.key,
      servername: options.servername,
      rejectUnauthorized: options.rejectUnauthorized,
    };
    const current = fingerprint(tls);
    // A replaced agent is left to finish what it carries (a watch may run for minutes).
    if (pooled?.fingerprint !== current)
      pooled = { fingerprint: current, agent: new https.Agent({ ...tls, keepAlive: true }) };
    return pooled.agent;
  };
  return {
    async open(method, path, headers, timeoutMs) {
      const server = config.getCurrentCluster()?.server;
      if (!server) throw new KubeApiError(0, "the kubeconfig names no current cluster");
      const url = new URL(path, server);
      const options: https.RequestOptions = { method, headers: { ...headers }, timeout: timeoutMs };
      await config.applyToHTTPSOptions(options);
      const secure = url.protocol !== "http:";
      const request = secure
        ? https.request(url, { ...options, agent: agentFor(options) })
        : http.request(url, { ...options, agent: http.globalAgent });
      request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      return request;
    },
  };
}
