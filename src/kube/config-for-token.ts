/**
 * The same apiserver and CA as a kubeconfig, authenticated by someone else's bearer token: how
 * Headwind's people-facing servers act as the person signed in, never as themselves.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { KubeApiError } from "./kube-api-error.ts";

export function configForToken(base: KubeConfig, token: string, user = "person"): KubeConfig {
  const cluster = base.getCurrentCluster();
  if (!cluster) throw new KubeApiError(0, "the kubeconfig names no current cluster");
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [cluster],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: cluster.name, user }],
    currentContext: user,
  });
  return config;
}
