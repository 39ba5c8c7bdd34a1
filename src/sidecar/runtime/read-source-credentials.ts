/**
 * The credentials a Flux source's `secretRef` holds: `username`/`password` keys (basic auth, what
 * HelmRepository uses for HTTP), or for an OCI registry a `.dockerconfigjson` matched to the
 * registry. A Secret that is missing or that the sidecar may not read is the error that source
 * reports (and nothing is sent anonymously in its name).
 */
import type { Result } from "../../core/result.ts";
import { kubeStatus } from "../../kube/kube-api-error.ts";
import type { SecretRef } from "../poller/merge-interest.ts";
import { type RegistryCredentials, selectCredentials } from "../registry/select-credentials.ts";
import { readDockerConfig } from "./read-docker-config.ts";
import type { SidecarKube } from "./sidecar-kube.ts";

export type SourceCredentials = Result<RegistryCredentials | undefined>;

const decode = (value: string | undefined) =>
  value === undefined ? "" : Buffer.from(value, "base64").toString("utf8");

export async function readSourceCredentials(
  kube: Pick<SidecarKube, "getSecret">,
  secret: SecretRef | undefined,
  registry?: string,
): Promise<SourceCredentials> {
  if (secret === undefined) return { ok: true, value: undefined };
  const where = `Secret ${secret.namespace}/${secret.name}`;
  let object: Awaited<ReturnType<SidecarKube["getSecret"]>>;
  try {
    object = await kube.getSecret(secret.namespace, secret.name);
  } catch (error) {
    if (kubeStatus(error) !== 403) throw error;
    return {
      ok: false,
      error: `unauthorized: may not read ${where}: bind headwind-sidecar-pull-secrets in ${secret.namespace}`,
    };
  }
  if (object === undefined) return { ok: false, error: `unauthorized: ${where} not found` };
  const username = decode(object.data?.username);
  const password = decode(object.data?.password);
  if (username !== "" && password !== "") return { ok: true, value: { username, password } };
  const config = registry === undefined ? undefined : readDockerConfig(object);
  const fromConfig =
    config === undefined || registry === undefined ? undefined : selectCredentials([config], registry);
  return fromConfig === undefined
    ? {
        ok: false,
        error: `unauthorized: ${where} holds no username/password${registry ? ` or credentials for ${registry}` : ""}`,
      }
    : { ok: true, value: fromConfig };
}
