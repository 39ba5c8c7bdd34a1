/**
 * The registry credentials document of an image pull Secret, as `selectCredentials` reads it:
 * `kubernetes.io/dockerconfigjson` (`{auths: {...}}`) or the older `kubernetes.io/dockercfg`
 * (the `auths` map itself). Anything else, or anything unreadable, is undefined: these are users'
 * Secrets, and a bad one must cost that Secret only.
 */
import type { SecretObject } from "./sidecar-kube.ts";

function decodeJson(base64: string | undefined): unknown {
  if (base64 === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(base64, "base64").toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

export function readDockerConfig(secret: SecretObject): unknown {
  const data = secret.data ?? {};
  const modern = decodeJson(data[".dockerconfigjson"]);
  if (typeof modern === "object" && modern !== null) return modern;
  const legacy = decodeJson(data[".dockercfg"]);
  if (typeof legacy === "object" && legacy !== null) return { auths: legacy };
  return undefined;
}
